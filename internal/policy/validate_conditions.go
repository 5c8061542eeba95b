package policy

import (
	"math"
	"strconv"
	"strings"
)

// IAM checks some condition values when a policy is created, attached or
// passed (CreatePolicy, CreatePolicyVersion, Put*Policy, a role's trust
// policy, a session policy) and not others. What it checks is its legacy
// date grammar: a value of a Date operator (DateEquals, ..., with a set
// qualifier or IfExists) must be an ISO 8601 date-time or a whole number
// of epoch seconds, or the document is refused as MalformedPolicyDocument
// "The policy failed legacy parsing". Values of the Numeric, Bool,
// IpAddress, Arn and Binary operators are not checked there: IAM accepts
// "NumericEquals": {"k": "abc"}, and such a condition simply never holds
// when a request is evaluated (compileCondition). coffer follows both.

// legacyParsingText is IAM's message for a value its legacy parser refuses.
const legacyParsingText = "The policy failed legacy parsing"

// checkConditionValues validates the values of one condition of a document
// of kind k at parse time. vals are the values as written (JSON numbers
// and booleans as their text). Values holding a policy variable are left to
// evaluation, where the variable has a value.
func checkConditionValues(k Kind, op, key string, vals []string, i int) error {
	if !k.iam() {
		return nil
	}
	o, err := parseCondOperator(op)
	if err != nil || o.null || !o.fam.date {
		return err
	}
	for _, v := range vals {
		if strings.Contains(v, "${") {
			continue
		}
		if !legacyDate(v) {
			return &SyntaxError{
				Message: legacyParsingText,
				Detail:  "statement " + strconv.Itoa(i) + ": condition " + op + " on " + key + ": value " + strconv.Quote(v) + " is not a date",
			}
		}
	}
	return nil
}

// iam reports whether k is one of IAM's own documents (identity, trust and
// session policies), whose condition values IAM checks when they are set.
func (k Kind) iam() bool { return k.identity() || k == Trust }

// legacyDate reports whether IAM's legacy parser reads s as a date: text
// with a 't' or a '-' is an ISO 8601 date-time (its parts range-checked,
// letters case-insensitive), anything else a non-negative whole number of
// epoch seconds that fits a signed 64-bit integer.
func legacyDate(s string) bool {
	l := strings.ToLower(s)
	if !strings.ContainsAny(l, "t-") {
		n, ok := legacyInt(l)
		return ok && n >= 0
	}
	date, clock, _ := strings.Cut(l, "t")
	return legacyDatePart(date) && legacyClockPart(clock)
}

// legacyDatePart checks [-]year[-month[-day]]; the year may be negative
// and spans what a Java date can hold.
func legacyDatePart(date string) bool {
	neg := strings.HasPrefix(date, "-")
	if neg {
		date = date[1:]
	}
	parts := strings.Split(date, "-")
	if len(parts) > 3 {
		return false
	}
	year, ok := legacyInt(parts[0])
	if neg {
		year = -year
	}
	if !ok || year < -292275054 || year > 292278993 {
		return false
	}
	if len(parts) > 1 && !legacyRange(parts[1], 1, 12) {
		return false
	}
	return len(parts) < 3 || legacyRange(parts[2], 1, 31)
}

// legacyClockPart checks hours[:minutes[:seconds[.fraction][zone]]],
// where zone is z or ±hh[:mm]. An empty clock ("2019-01-01T") passes.
// Like IAM's parser it reads only the first three colon-separated parts,
// so a zone's minutes are not checked. A zone west of UTC (-05:00) is
// accepted whatever IAM does with it: refusing less never refuses a
// policy AWS would take.
func legacyClockPart(clock string) bool {
	parts := strings.Split(clock, ":")
	if parts[0] != "" && !legacyRange(parts[0], 0, 23) {
		return false
	}
	if len(parts) > 1 && !legacyRange(parts[1], 0, 59) {
		return false
	}
	if len(parts) < 3 {
		return true
	}
	sec := parts[2]
	if s, rest, ok := strings.Cut(sec, "z"); ok {
		if rest != "" {
			return false
		}
		sec = s
	} else if i := strings.IndexAny(sec, "+-"); i >= 0 {
		zone := sec[i+1:]
		if len(zone) != 2 || !legacyRange(zone, 0, 23) {
			return false
		}
		sec = sec[:i]
	}
	whole, frac, hasFrac := strings.Cut(sec, ".")
	if !legacyRange(whole, 0, 59) {
		return false
	}
	return !hasFrac || legacyRange(frac, 0, 999999999)
}

// legacyRange reports whether s is a whole number in [lo, hi].
func legacyRange(s string, lo, hi int64) bool {
	n, ok := legacyInt(s)
	return ok && n >= lo && n <= hi
}

// legacyInt reads an optionally signed run of decimal digits.
func legacyInt(s string) (int64, bool) {
	if s == "" || s == "+" || s == "-" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == math.MinInt64 {
		return 0, false
	}
	return n, true
}
