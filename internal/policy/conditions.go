package policy

import (
	"fmt"
	"strings"
)

// Condition operators as the IAM User Guide documents them ("IAM JSON policy
// elements: Condition operators", "Single-valued vs. multivalued context
// keys"). An operator name written in a policy is
//
//	[ForAllValues: | ForAnyValue:] Base [IfExists]
//
// or the bare Null. Names are case-sensitive: IAM answers
// "Invalid Condition type : stringEquals" for a miscased one.

const (
	forAllValuesPrefix = "ForAllValues:"
	forAnyValuePrefix  = "ForAnyValue:"
	ifExistsSuffix     = "IfExists"
	nullOperator       = "Null"
)

// setQualifier says how a condition treats the set of request values.
type setQualifier int

const (
	// qualNone: no set operator. The condition matches when any request
	// value matches (negated operators: when none does).
	qualNone setQualifier = iota
	// qualForAll: every request value must satisfy the operator; an absent
	// key or an empty set satisfies it vacuously.
	qualForAll
	// qualForAny: at least one request value must satisfy the operator; an
	// absent key or an empty set does not.
	qualForAny
)

// condMatcher reports whether one request value matches at least one of the
// policy values it was compiled from, in the positive sense of the operator
// family (a negated operator is the negation of this answer).
type condMatcher func(value string) bool

// condFamily is one base operator: how to compile the policy values into a
// matcher, and whether the operator is the negated form of that match.
type condFamily struct {
	compile func(want []string) (condMatcher, error)
	negated bool
	// date marks the Date operators, whose values IAM checks when a
	// policy is set (checkConditionValues).
	date bool
	// patterns, for StringLike and ArnLike (and their negations), compiles
	// values that held policy variables as wildcard patterns in which the
	// variables' text (${*}, ${?} and ${$} included) is literal.
	patterns func(want [][]pelem) (condMatcher, error)
}

// condOperator is a parsed operator name.
type condOperator struct {
	qual     setQualifier
	ifExists bool
	null     bool // the Null existence check; qual and ifExists are unset
	fam      condFamily
}

// condOperatorError is the complaint about an operator name. Its text is
// IAM's own MalformedPolicyDocument wording, so the caller can pass it through.
type condOperatorError struct{ op string }

func (e condOperatorError) Error() string { return "Invalid Condition type : " + e.op }

// checkOperator validates a condition operator name as written in a policy
// (e.g. "StringEquals", "ForAnyValue:StringLike", "DateLessThanIfExists",
// "Null"): nil or an error whose message is fit for MalformedPolicyDocument.
func checkOperator(op string) error {
	_, err := parseCondOperator(op)
	return err
}

// parseCondOperator splits op into its set qualifier, base operator and
// IfExists suffix. The qualifier prefixes are exact (case and colon); Null
// takes neither a qualifier nor IfExists, because it is itself the test for
// the key's existence.
func parseCondOperator(op string) (condOperator, error) {
	var o condOperator
	base := op
	switch {
	case strings.HasPrefix(base, forAllValuesPrefix):
		o.qual, base = qualForAll, base[len(forAllValuesPrefix):]
	case strings.HasPrefix(base, forAnyValuePrefix):
		o.qual, base = qualForAny, base[len(forAnyValuePrefix):]
	}
	if base == nullOperator {
		if o.qual != qualNone {
			return condOperator{}, condOperatorError{op}
		}
		o.null = true
		return o, nil
	}
	if b, ok := strings.CutSuffix(base, ifExistsSuffix); ok {
		o.ifExists, base = true, b
	}
	fam, ok := lookupCondFamily(base)
	if !ok {
		return condOperator{}, condOperatorError{op}
	}
	o.fam = fam
	return o, nil
}

// lookupCondFamily maps a base operator name (no qualifier, no IfExists) to
// its family. A switch rather than a package map keeps the table immutable.
func lookupCondFamily(base string) (condFamily, bool) {
	switch base {
	case "StringEquals":
		return condFamily{compile: compileStringEquals}, true
	case "StringNotEquals":
		return condFamily{compile: compileStringEquals, negated: true}, true
	case "StringEqualsIgnoreCase":
		return condFamily{compile: compileStringEqualsIgnoreCase}, true
	case "StringNotEqualsIgnoreCase":
		return condFamily{compile: compileStringEqualsIgnoreCase, negated: true}, true
	case "StringLike":
		return condFamily{compile: compileStringLike, patterns: stringLikePatterns}, true
	case "StringNotLike":
		return condFamily{compile: compileStringLike, negated: true, patterns: stringLikePatterns}, true
	case "NumericEquals":
		return condFamily{compile: numericCompiler(cmpEQ)}, true
	case "NumericNotEquals":
		return condFamily{compile: numericCompiler(cmpEQ), negated: true}, true
	case "NumericLessThan":
		return condFamily{compile: numericCompiler(cmpLT)}, true
	case "NumericLessThanEquals":
		return condFamily{compile: numericCompiler(cmpLE)}, true
	case "NumericGreaterThan":
		return condFamily{compile: numericCompiler(cmpGT)}, true
	case "NumericGreaterThanEquals":
		return condFamily{compile: numericCompiler(cmpGE)}, true
	case "DateEquals":
		return condFamily{compile: dateCompiler(cmpEQ), date: true}, true
	case "DateNotEquals":
		return condFamily{compile: dateCompiler(cmpEQ), negated: true, date: true}, true
	case "DateLessThan":
		return condFamily{compile: dateCompiler(cmpLT), date: true}, true
	case "DateLessThanEquals":
		return condFamily{compile: dateCompiler(cmpLE), date: true}, true
	case "DateGreaterThan":
		return condFamily{compile: dateCompiler(cmpGT), date: true}, true
	case "DateGreaterThanEquals":
		return condFamily{compile: dateCompiler(cmpGE), date: true}, true
	case "Bool":
		return condFamily{compile: compileBool}, true
	case "BinaryEquals":
		return condFamily{compile: compileBinaryEquals}, true
	case "IpAddress":
		return condFamily{compile: compileIPAddress}, true
	case "NotIpAddress":
		return condFamily{compile: compileIPAddress, negated: true}, true
	case "ArnEquals", "ArnLike":
		// "The ArnEquals and ArnLike condition operators behave identically."
		return condFamily{compile: compileArnLike, patterns: arnLikePatterns}, true
	case "ArnNotEquals", "ArnNotLike":
		return condFamily{compile: compileArnLike, negated: true, patterns: arnLikePatterns}, true
	}
	return condFamily{}, false
}

// evalCondition reports whether one condition (operator op, condition key
// key, policy values want — already variable-substituted, JSON numbers and
// bools given as their JSON text) holds for the request context ctx.
// An error means the condition cannot be evaluated (e.g. a bad date in the
// policy) and the statement must not apply.
//
// Several policy values are ORed: the positive operators match when a
// request value matches any of them, the negated ones (StringNotEquals,
// NotIpAddress, ...) when it matches none of them (the documented NOR).
func evalCondition(op, key string, want []string, ctx Context) (bool, error) {
	return compileCondition(op, key, want).eval(key, ctx)
}

// compiledCondition is a condition's operator and policy values made ready
// to test request values. Parse compiles the conditions whose values hold
// no policy variable once, so that a request pays only for the test. It
// is immutable, and safe for concurrent use.
type compiledCondition struct {
	o    condOperator
	m    condMatcher // nil for Null
	want []string
	// err says the condition cannot be evaluated (a bad operator, or a
	// policy value its operator cannot read).
	err error
}

// compileCondition compiles op with the policy values want. Policy values
// are checked whether or not a request has the key, so a bad value fails
// the same way for every request.
func compileCondition(op, key string, want []string) *compiledCondition {
	o, err := parseCondOperator(op)
	if err != nil {
		return &compiledCondition{err: err}
	}
	c := &compiledCondition{o: o, want: want}
	if o.null {
		return c
	}
	if c.m, err = o.fam.compile(want); err != nil {
		c.err = fmt.Errorf("policy: condition %s on %s: %w", op, key, err)
	}
	return c
}

// eval reports whether the condition on key holds for ctx.
func (c *compiledCondition) eval(key string, ctx Context) (bool, error) {
	if c.err != nil {
		return false, c.err
	}
	var values []string
	present := false
	if ctx != nil {
		values, present = ctx.Lookup(key)
	}
	if c.o.null {
		return evalCondNull(c.want, values, present)
	}
	if !present {
		return condAbsentKey(c.o), nil
	}
	return evalCondSet(c.o, c.m, values), nil
}

// condAbsentKey is the outcome of a condition whose key the request lacks.
func condAbsentKey(o condOperator) bool {
	switch {
	case o.ifExists:
		// "If the key is not present, evaluate the condition element as true."
		return true
	case o.qual == qualForAll:
		// ForAllValues "also returns true if there are no context keys in
		// the request", negated or not.
		return true
	case o.qual == qualForAny:
		// ForAnyValue: "if the key does not exist, the condition returns false."
		return false
	default:
		// "If the policy condition requires that the key is not matched,
		// such as StringNotLike or ArnNotLike, and the right key is not
		// present, the condition is true."
		return o.fam.negated
	}
}

// evalCondSet applies the operator to the request values of a present key.
func evalCondSet(o condOperator, m condMatcher, values []string) bool {
	// holds is the operator applied to one request value: a negated
	// operator holds when the value matches none of the policy values.
	holds := func(v string) bool { return m(v) != o.fam.negated }
	switch o.qual {
	case qualForAll:
		for _, v := range values {
			if !holds(v) {
				return false
			}
		}
		return true // an empty set included
	case qualForAny:
		for _, v := range values {
			if holds(v) {
				return true
			}
		}
		return false
	default:
		// Without a set operator the request values are matched as one
		// value would be: the positive operator matches when any request
		// value matches any policy value, and the negated operator is
		// exactly its negation (no request value matches any policy value).
		for _, v := range values {
			if m(v) {
				return !o.fam.negated
			}
		}
		return o.fam.negated
	}
}

// evalCondNull is the Null operator: "true" holds when the key is absent (or
// present with no value: AWS treats an empty set as null), "false" when it
// is present with a value. Several policy values are ORed.
func evalCondNull(want, values []string, present bool) (bool, error) {
	isNull := !present || len(values) == 0
	result := false
	for _, w := range want {
		switch strings.ToLower(w) {
		case "true":
			result = result || isNull
		case "false":
			result = result || !isNull
		default:
			return false, fmt.Errorf("policy: condition Null: value %q is neither true nor false", w)
		}
	}
	return result, nil
}
