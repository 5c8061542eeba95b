package policy

import (
	"strings"
	"testing"
)

// condTest is one condition evaluated against a request context whose
// condition key is "k" (see keyed and noKey).
type condTest struct {
	name  string
	op    string
	want  []string
	ctx   Keys
	match bool
}

// keyed is a request context holding key k with values; with no values
// the key is present with an empty set.
func keyed(values ...string) Keys {
	k := Keys{}
	k.Set("k", values...)
	return k
}

// noKey is a request context without key k.
var noKey = Keys{}

func runCondTests(t *testing.T, tests []condTest) {
	t.Helper()
	for _, tt := range tests {
		got, err := evalCondition(tt.op, "k", tt.want, tt.ctx)
		if err != nil {
			t.Errorf("%s: %s %q on %v: unexpected error %v", tt.name, tt.op, tt.want, tt.ctx, err)
			continue
		}
		if got != tt.match {
			t.Errorf("%s: %s %q on %v = %v, want %v", tt.name, tt.op, tt.want, tt.ctx, got, tt.match)
		}
	}
}

// badValueTest is a policy value that makes its operator unevaluable.
type badValueTest struct {
	op   string
	want []string
}

func runBadValueTests(t *testing.T, tests []badValueTest) {
	t.Helper()
	for _, tt := range tests {
		// A bad policy value fails whether or not the request has the key.
		for _, ctx := range []Keys{keyed("x"), noKey} {
			got, err := evalCondition(tt.op, "k", tt.want, ctx)
			if err == nil {
				t.Errorf("%s %q on %v = %v, want an error", tt.op, tt.want, ctx, got)
			}
		}
	}
}

// baseOperators is every base operator AWS documents, Null aside.
var baseOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
}

// validValue is a policy value each base operator accepts.
func validValue(op string) string {
	switch {
	case strings.HasPrefix(op, "Numeric"):
		return "10"
	case strings.HasPrefix(op, "Date"):
		return "2020-01-01T00:00:01Z"
	case op == "Bool":
		return "true"
	case op == "BinaryEquals":
		return "QmluYXJ5VmFsdWVJbkJhc2U2NA=="
	case strings.Contains(op, "IpAddress"):
		return "203.0.113.0/24"
	case strings.HasPrefix(op, "Arn"):
		return "arn:aws:sns:us-east-1:123456789012:topic"
	}
	return "v"
}

func TestCheckOperator_AcceptsEveryDocumentedForm(t *testing.T) {
	for _, base := range baseOperators {
		for _, prefix := range []string{"", "ForAllValues:", "ForAnyValue:"} {
			for _, suffix := range []string{"", "IfExists"} {
				if err := checkOperator(prefix + base + suffix); err != nil {
					t.Errorf("checkOperator(%q) = %v, want nil", prefix+base+suffix, err)
				}
			}
		}
	}
	if err := checkOperator("Null"); err != nil {
		t.Errorf("checkOperator(Null) = %v, want nil", err)
	}
}

func TestCheckOperator_RejectsUnknownAndMalformed(t *testing.T) {
	for _, op := range []string{
		"",
		"StringEqual",
		"StringLikeIgnoreCase",    // not an AWS operator
		"BinaryNotEquals",         // not an AWS operator
		"stringEquals",            // IAM: "Invalid Condition type : stringEquals"
		"STRINGEQUALS",            // names are case-sensitive
		"StringEqualsifexists",    // so is the suffix
		"forallvalues:StringLike", // and the qualifier
		"ForAllValues StringLike",
		"ForAllValues:",
		"ForAnyValue:ForAllValues:StringEquals",
		"ForAllValues:Null", // Null takes no qualifier
		"ForAnyValue:Null",
		"NullIfExists", // nor IfExists ("except the Null condition")
		"IfExists",
		"StringEqualsIfExistsIfExists",
		" StringEquals",
		"StringEquals ",
	} {
		if err := checkOperator(op); err == nil {
			t.Errorf("checkOperator(%q) = nil, want an error", op)
		}
	}
}

func TestCheckOperator_MessageIsIAMs(t *testing.T) {
	err := checkOperator("stringEquals")
	if err == nil || err.Error() != "Invalid Condition type : stringEquals" {
		t.Fatalf("checkOperator(stringEquals) = %v, want IAM's Invalid Condition type message", err)
	}
	if _, err := evalCondition("stringEquals", "k", []string{"v"}, keyed("v")); err == nil {
		t.Fatal("evalCondition accepted an invalid operator")
	}
}

// TestEvalCondition_MissingKey pins the documented answers for a key the
// request lacks: "If the key that you specify in a policy condition is not
// present in the request context, the values do not match and the
// condition is false. If the policy condition requires that the key is not
// matched, such as StringNotLike or ArnNotLike, and the right key is not
// present, the condition is true." IfExists turns every one true;
// ForAllValues is true and ForAnyValue false, negated or not.
func TestEvalCondition_MissingKey(t *testing.T) {
	for _, base := range baseOperators {
		want := []string{validValue(base)}
		f, _ := lookupCondFamily(base)
		cases := map[string]bool{
			base:                                f.negated,
			base + "IfExists":                   true,
			"ForAllValues:" + base:              true,
			"ForAllValues:" + base + "IfExists": true,
			"ForAnyValue:" + base:               false,
			"ForAnyValue:" + base + "IfExists":  true,
		}
		for op, match := range cases {
			got, err := evalCondition(op, "k", want, noKey)
			if err != nil || got != match {
				t.Errorf("%s on a missing key = %v, %v; want %v", op, got, err, match)
			}
		}
	}
}

// TestEvalCondition_NilContext treats a nil context as one without keys.
func TestEvalCondition_NilContext(t *testing.T) {
	if got, err := evalCondition("StringNotEquals", "k", []string{"v"}, nil); err != nil || !got {
		t.Errorf("StringNotEquals with nil context = %v, %v; want true", got, err)
	}
	if got, err := evalCondition("Null", "k", []string{"true"}, nil); err != nil || !got {
		t.Errorf("Null true with nil context = %v, %v; want true", got, err)
	}
}

// TestEvalCondition_IfExistsPresentKey: with the key present, IfExists
// changes nothing ("If the policy key is present in the context of the
// request, process the key as specified in the policy").
func TestEvalCondition_IfExistsPresentKey(t *testing.T) {
	runCondTests(t, []condTest{
		// The IfExists example: "StringLikeIfExists": {"ec2:InstanceType":
		// ["t1.*", "t2.*", "m3.*"]}.
		{"t2 instance", "StringLikeIfExists", []string{"t1.*", "t2.*", "m3.*"}, keyed("t2.micro"), true},
		{"m5 instance", "StringLikeIfExists", []string{"t1.*", "t2.*", "m3.*"}, keyed("m5.large"), false},
		{"no instance type", "StringLikeIfExists", []string{"t1.*", "t2.*", "m3.*"}, noKey, true},
		// "If you are using an "Effect": "Deny" element with a negated
		// condition operator like StringNotEqualsIfExists, the request is
		// still denied even if the tag is missing."
		{"negated, missing", "StringNotEqualsIfExists", []string{"prod"}, noKey, true},
		{"negated, other value", "StringNotEqualsIfExists", []string{"prod"}, keyed("dev"), true},
		{"negated, same value", "StringNotEqualsIfExists", []string{"prod"}, keyed("prod"), false},
		{"present empty set", "StringEqualsIfExists", []string{"prod"}, keyed(), false},
		{"present empty set, ForAllValues", "ForAllValues:StringEqualsIfExists", []string{"prod"}, keyed(), true},
		{"present empty set, ForAnyValue", "ForAnyValue:StringEqualsIfExists", []string{"prod"}, keyed(), false},
		{"numeric", "NumericLessThanIfExists", []string{"10"}, keyed("11"), false},
		{"date", "DateLessThanIfExists", []string{"2020-01-01"}, keyed("2019-12-31T23:59:59Z"), true},
		{"bool", "BoolIfExists", []string{"true"}, keyed("false"), false},
		{"binary", "BinaryEqualsIfExists", []string{"YWJj"}, keyed("abc"), true},
		{"ip", "NotIpAddressIfExists", []string{"203.0.113.0/24"}, keyed("198.51.100.1"), true},
		{"arn", "ArnLikeIfExists", []string{"arn:aws:s3:::b/*"}, keyed("arn:aws:s3:::c/x"), false},
	})
}

// TestEvalCondition_SetOperators pins ForAllValues and ForAnyValue with the
// examples of "Creating a condition with multiple keys or values" and
// "Multivalued context key examples".
func TestEvalCondition_SetOperators(t *testing.T) {
	allowed := []string{"PostDateTime", "Message", "Tags"}
	forbidden := []string{"ID", "PostDateTime"}
	runCondTests(t, []condTest{
		// "ForAllValues:StringLike": {"dynamodb:requestedAttributes":
		// ["PostDateTime", "Message", "Tags"]}: "If the user makes a request
		// ... to get the attributes PostDateTime and Message ... the request
		// is allowed"; with ID, or with UserName, it fails.
		{"ForAllValues subset", "ForAllValues:StringLike", allowed, keyed("PostDateTime", "Message"), true},
		{"ForAllValues extra ID", "ForAllValues:StringLike", allowed, keyed("PostDateTime", "ID"), false},
		{"ForAllValues UserName", "ForAllValues:StringLike", allowed, keyed("PostDateTime", "UserName"), false},
		// "If the key values in the request resolve to an empty data set
		// ... ForAllValues returns true, and ... ForAnyValue returns false."
		{"ForAllValues empty set", "ForAllValues:StringLike", allowed, keyed(), true},
		{"ForAllValues missing", "ForAllValues:StringLike", allowed, noKey, true},
		// "ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID",
		// "PostDateTime"]} with UserName, Message and PostDateTime: "The
		// last test returns true, so the condition is true"; with just
		// UserName "The condition returns false".
		{"ForAnyValue one match", "ForAnyValue:StringLike", forbidden, keyed("UserName", "Message", "PostDateTime"), true},
		{"ForAnyValue no match", "ForAnyValue:StringLike", forbidden, keyed("UserName"), false},
		{"ForAnyValue empty set", "ForAnyValue:StringLike", forbidden, keyed(), false},
		{"ForAnyValue missing", "ForAnyValue:StringLike", forbidden, noKey, false},
		// "ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}: key1:legal
		// no match; key1:hr and key1:personnel no match; key2:audit match;
		// no aws:TagKeys in the request context match.
		{"ForAllValues:StringNotLike key1:legal", "ForAllValues:StringNotLike", []string{"key1*"}, keyed("key1:legal"), false},
		{"ForAllValues:StringNotLike key1 pair", "ForAllValues:StringNotLike", []string{"key1*"}, keyed("key1:hr", "key1:personnel"), false},
		{"ForAllValues:StringNotLike key2:audit", "ForAllValues:StringNotLike", []string{"key1*"}, keyed("key2:audit"), true},
		{"ForAllValues:StringNotLike missing", "ForAllValues:StringNotLike", []string{"key1*"}, noKey, true},
		{"ForAllValues:StringNotLike mixed", "ForAllValues:StringNotLike", []string{"key1*"}, keyed("key1:hr", "key2:audit"), false},
		// ForAllValues:StringNotEquals: every request value is none of the
		// policy values.
		{"ForAllValues:StringNotEquals none listed", "ForAllValues:StringNotEquals", []string{"admin", "root"}, keyed("dev", "ops"), true},
		{"ForAllValues:StringNotEquals one listed", "ForAllValues:StringNotEquals", []string{"admin", "root"}, keyed("admin"), false},
		{"ForAllValues:StringNotEquals empty set", "ForAllValues:StringNotEquals", []string{"admin"}, keyed(), true},
		// ForAnyValue:StringNotEquals: some request value is none of the
		// policy values (the tag-key allow-list idiom on a Deny).
		{"ForAnyValue:StringNotEquals unlisted key", "ForAnyValue:StringNotEquals", []string{"Team", "Project"}, keyed("Team", "Owner"), true},
		{"ForAnyValue:StringNotEquals all listed", "ForAnyValue:StringNotEquals", []string{"Team", "Project"}, keyed("Team", "Project"), false},
		{"ForAnyValue:StringNotEquals empty set", "ForAnyValue:StringNotEquals", []string{"Team"}, keyed(), false},
		{"ForAnyValue:StringNotEquals missing", "ForAnyValue:StringNotEquals", []string{"Team"}, noKey, false},
		{"ForAnyValue:StringNotLike", "ForAnyValue:StringNotLike", []string{"key1*"}, keyed("key1:a", "key2:b"), true},
		// Set operators work with every family.
		{"ForAnyValue:NumericGreaterThan", "ForAnyValue:NumericGreaterThan", []string{"10"}, keyed("1", "11"), true},
		{"ForAllValues:NumericGreaterThan", "ForAllValues:NumericGreaterThan", []string{"10"}, keyed("1", "11"), false},
		{"ForAllValues:IpAddress", "ForAllValues:IpAddress", []string{"10.0.0.0/8", "2001:db8::/32"}, keyed("10.1.2.3", "2001:db8::1"), true},
		{"ForAllValues:ArnLike", "ForAllValues:ArnLike", []string{"arn:aws:iam::111122223333:role/*"}, keyed("arn:aws:iam::111122223333:role/a", "arn:aws:iam::444455556666:role/a"), false},
		// A single-valued key under a set operator is a one-element set
		// (AWS advises against it, but it evaluates).
		{"ForAnyValue single value", "ForAnyValue:StringEquals", []string{"v"}, keyed("v"), true},
		{"ForAllValues single value", "ForAllValues:StringEquals", []string{"v"}, keyed("w"), false},
	})
}

// TestEvalCondition_MultivaluedWithoutSetOperator: a positive operator
// matches when any request value matches any policy value; the negated
// operator is its exact negation, so it holds only when no request value
// matches any policy value.
func TestEvalCondition_MultivaluedWithoutSetOperator(t *testing.T) {
	runCondTests(t, []condTest{
		{"positive, one matches", "StringEquals", []string{"a", "b"}, keyed("x", "b"), true},
		{"positive, none match", "StringEquals", []string{"a", "b"}, keyed("x", "y"), false},
		{"negated, one matches", "StringNotEquals", []string{"a", "b"}, keyed("x", "b"), false},
		{"negated, none match", "StringNotEquals", []string{"a", "b"}, keyed("x", "y"), true},
		{"positive, empty set", "StringEquals", []string{"a"}, keyed(), false},
		{"negated, empty set", "StringNotEquals", []string{"a"}, keyed(), true},
		{"NotIpAddress, one inside", "NotIpAddress", []string{"10.0.0.0/8"}, keyed("192.0.2.1", "10.0.0.1"), false},
		{"ArnNotLike, none inside", "ArnNotLike", []string{"arn:aws:iam::*:role/admin"}, keyed("arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"), true},
	})
}

// TestEvalCondition_NegatedMultipleValues: "If a single negated matching
// condition operator includes multiple values for a context key, those
// values are evaluated using a logical NOR."
func TestEvalCondition_NegatedMultipleValues(t *testing.T) {
	roles := []string{"audit", "security"}
	runCondTests(t, []condTest{
		{"StringEquals audit", "StringEquals", roles, keyed("audit"), true},
		{"StringNotEquals audit", "StringNotEquals", roles, keyed("audit"), false},
		{"StringNotEquals security", "StringNotEquals", roles, keyed("security"), false},
		{"StringNotEquals dev", "StringNotEquals", roles, keyed("dev"), true},
		{"NumericNotEquals", "NumericNotEquals", []string{"1", "2"}, keyed("2"), false},
		{"DateNotEquals", "DateNotEquals", []string{"2020-01-01", "2021-01-01"}, keyed("2022-01-01"), true},
		{"NotIpAddress", "NotIpAddress", []string{"10.0.0.0/8", "192.0.2.0/24"}, keyed("192.0.2.9"), false},
	})
}

// TestEvalCondition_Null pins the existence check: "use either true (the
// key doesn't exist — it is null) or false (the key exists and its value
// is not null)". Example: "Condition":{"Null":{"aws:TokenIssueTime":"true"}}
// holds for a user not using temporary credentials.
func TestEvalCondition_Null(t *testing.T) {
	runCondTests(t, []condTest{
		{"true, absent", "Null", []string{"true"}, noKey, true},
		{"true, present", "Null", []string{"true"}, keyed("2020-01-01T00:00:00Z"), false},
		{"false, absent", "Null", []string{"false"}, noKey, false},
		{"false, present", "Null", []string{"false"}, keyed("2020-01-01T00:00:00Z"), true},
		{"true, empty set", "Null", []string{"true"}, keyed(), true},
		{"false, empty set", "Null", []string{"false"}, keyed(), false},
		// An empty string is a value here: the request context builder
		// leaves out a key that should count as null.
		{"false, empty string", "Null", []string{"false"}, keyed(""), true},
		{"JSON literal case", "Null", []string{"TRUE"}, noKey, true},
		{"both values", "Null", []string{"true", "false"}, keyed("x"), true},
		{"multivalued present", "Null", []string{"false"}, keyed("a", "b"), true},
	})
	runBadValueTests(t, []badValueTest{
		{"Null", []string{"yes"}},
		{"Null", []string{"true", "1"}},
		{"Null", []string{""}},
	})
}

func TestEvalCondition_KeyNamesCaseInsensitive(t *testing.T) {
	ctx := Keys{}
	ctx.Set("aws:SourceIp", "203.0.113.9")
	got, err := evalCondition("IpAddress", "AWS:sourceip", []string{"203.0.113.0/24"}, ctx)
	if err != nil || !got {
		t.Fatalf("IpAddress on AWS:sourceip = %v, %v; want true", got, err)
	}
}
