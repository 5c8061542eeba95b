package policy

import (
	"fmt"
	"math/big"
	"strconv"
)

// Numeric condition operators compare a request value with integer or
// decimal policy values exactly, as rationals: 0.1 is one tenth and
// integers beyond 2^53 still compare right, which float64 would not give. A policy value that is not a
// number makes the condition unevaluable; a request value that is not a
// number matches no policy value.

// condCmp is the relation an ordered operator asks of request value r
// and policy value p, given cmp(r, p).
type condCmp int

const (
	cmpEQ condCmp = iota // r == p
	cmpLT                // r <  p
	cmpLE                // r <= p
	cmpGT                // r >  p
	cmpGE                // r >= p
)

// holds reports whether c holds for a three-way comparison result.
func (c condCmp) holds(cmp int) bool {
	switch c {
	case cmpEQ:
		return cmp == 0
	case cmpLT:
		return cmp < 0
	case cmpLE:
		return cmp <= 0
	case cmpGT:
		return cmp > 0
	case cmpGE:
		return cmp >= 0
	}
	return false
}

// maxCondNumberExponent bounds the exponent of a number so that a hostile
// value such as 1e999999999 cannot make big.Rat allocate without end.
const maxCondNumberExponent = 400

func numericCompiler(c condCmp) func([]string) (condMatcher, error) {
	return func(want []string) (condMatcher, error) {
		nums := make([]*big.Rat, len(want))
		for i, w := range want {
			n, ok := parseCondNumber(w)
			if !ok {
				return nil, fmt.Errorf("value %q is not a number", w)
			}
			nums[i] = n
		}
		return func(v string) bool {
			r, ok := parseCondNumber(v)
			if !ok {
				return false
			}
			for _, n := range nums {
				if c.holds(r.Cmp(n)) {
					return true
				}
			}
			return false
		}, nil
	}
}

// parseCondNumber reads a decimal number: an optional sign, digits with an
// optional fraction (at least one digit in all), and an optional exponent,
// the JSON number forms plus a leading '+' and leading zeros, which request
// values such as max-keys=007 carry. Nothing else (no spaces, hex, Inf,
// NaN or underscores).
func parseCondNumber(s string) (*big.Rat, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && isDecimalDigit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDecimalDigit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return nil, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		exp := s[i+1:]
		if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		if exp == "" || len(exp) > 6 || !allDecimalDigits(exp) {
			return nil, false
		}
		if e, _ := strconv.Atoi(exp); e > maxCondNumberExponent {
			return nil, false
		}
	} else if i != len(s) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func isDecimalDigit(b byte) bool { return '0' <= b && b <= '9' }

func allDecimalDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDecimalDigit(s[i]) {
			return false
		}
	}
	return true
}
