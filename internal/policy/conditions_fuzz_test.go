package policy

import (
	"strings"
	"testing"
)

// negationPairs are operators and their documented negations.
var negationPairs = [][2]string{
	{"StringEquals", "StringNotEquals"},
	{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"},
	{"StringLike", "StringNotLike"},
	{"NumericEquals", "NumericNotEquals"},
	{"DateEquals", "DateNotEquals"},
	{"IpAddress", "NotIpAddress"},
	{"ArnEquals", "ArnNotEquals"},
	{"ArnLike", "ArnNotLike"},
}

// complementPairs are ordered operators that, for one policy value and a
// request value of the right type, always disagree.
var complementPairs = [][2]string{
	{"NumericLessThan", "NumericGreaterThanEquals"},
	{"NumericGreaterThan", "NumericLessThanEquals"},
	{"DateLessThan", "DateGreaterThanEquals"},
	{"DateGreaterThan", "DateLessThanEquals"},
}

var qualifiers = []string{"", "ForAllValues:", "ForAnyValue:"}

// FuzzEvalCondition checks that no operator name, policy value or request
// value panics, that an operator checkOperator rejects never evaluates,
// and that for a present single-valued key and valid policy values every
// operator and its negation disagree (with or without a set operator or
// IfExists, which change nothing for one present value).
func FuzzEvalCondition(f *testing.F) {
	f.Add(uint8(0), uint8(0), "john", "jane", "john", "StringEquals")
	f.Add(uint8(2), uint8(1), "home/*", "", "home/bob/", "ForAllValues:StringLike")
	f.Add(uint8(3), uint8(2), "10", "1e3", "007", "NumericLessThanEquals")
	f.Add(uint8(4), uint8(3), "2020-01-01T00:00:01Z", "1577836800", "2020", "DateGreaterThanIfExists")
	f.Add(uint8(5), uint8(4), "203.0.113.0/24", "2001:DB8:1234:5678::/64", "::ffff:203.0.113.9", "NotIpAddress")
	f.Add(uint8(7), uint8(5), "arn:aws:someservice:*:111122223333:finance/*", "*:*:*:*:*:*",
		"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", "ArnLike")
	f.Add(uint8(1), uint8(0), "ÉTÉ", "?", "été", "Null")
	f.Add(uint8(6), uint8(0), "QmluYXJ5VmFsdWVJbkJhc2U2NA==", "true", "\xff", "ForAnyValue:BinaryEquals")
	f.Fuzz(func(t *testing.T, pick, form uint8, w1, w2, v, op string) {
		want := []string{w1, w2}

		// Any operator name: no panic, and a rejected name never evaluates.
		_, err := evalCondition(op, "k", want, keyed(v, w1))
		if checkOperator(op) != nil && err == nil {
			t.Fatalf("evalCondition evaluated %q, which checkOperator rejects", op)
		}

		q := qualifiers[int(form)%len(qualifiers)]
		suffix := ""
		if form/3%2 == 1 {
			suffix = "IfExists"
		}

		p := negationPairs[int(pick)%len(negationPairs)]
		pos, errP := evalCondition(q+p[0]+suffix, "k", want, keyed(v))
		neg, errN := evalCondition(q+p[1]+suffix, "k", want, keyed(v))
		if (errP == nil) != (errN == nil) {
			t.Fatalf("%s and %s disagree on validity of %q: %v, %v", p[0], p[1], want, errP, errN)
		}
		if errP == nil && pos == neg {
			t.Fatalf("%s%s%s and its negation both = %v for %q on %q", q, p[0], suffix, pos, want, v)
		}
		if errP == nil {
			// A missing key: the positive operator is false and the
			// negated one true, unless IfExists or ForAllValues makes both
			// true or ForAnyValue both false.
			posMissing, _ := evalCondition(q+p[0]+suffix, "k", want, noKey)
			negMissing, _ := evalCondition(q+p[1]+suffix, "k", want, noKey)
			switch {
			case suffix != "" || q == "ForAllValues:":
				if !posMissing || !negMissing {
					t.Fatalf("%s%s on a missing key = %v, %v; want true, true", q, suffix, posMissing, negMissing)
				}
			case q == "ForAnyValue:":
				if posMissing || negMissing {
					t.Fatalf("ForAnyValue on a missing key = %v, %v; want false, false", posMissing, negMissing)
				}
			default:
				if posMissing || !negMissing {
					t.Fatalf("%s on a missing key = %v, %v; want false, true", p[0], posMissing, negMissing)
				}
			}
		}

		c := complementPairs[int(pick)%len(complementPairs)]
		typed := false
		if strings.HasPrefix(c[0], "Numeric") {
			_, typed = parseCondNumber(v)
		} else {
			_, typed = parseCondDate(v)
		}
		lt, errL := evalCondition(c[0], "k", []string{w1}, keyed(v))
		ge, errG := evalCondition(c[1], "k", []string{w1}, keyed(v))
		if errL == nil && errG == nil && typed && lt == ge {
			t.Fatalf("%s and %s both = %v for %q on %q", c[0], c[1], lt, w1, v)
		}

		// Without wildcards StringLike is StringEquals; `*` matches all.
		if !strings.ContainsAny(w1, "*?") && likeMatch(w1, v) != (w1 == v) {
			t.Fatalf("likeMatch(%q, %q) = %v without wildcards", w1, v, likeMatch(w1, v))
		}
		if !likeMatch("*", v) || !likeMatch(w1+"*", w1+v) {
			t.Fatalf("a trailing * failed to match %q", v)
		}
	})
}
