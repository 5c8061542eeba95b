package policy

import "testing"

func TestEvalCondition_Bool(t *testing.T) {
	runCondTests(t, []condTest{
		// "Condition": {"Bool": {"aws:SecureTransport": "false"}} on a Deny:
		// "deny all S3 actions ... if the request is not over SSL".
		{"plain HTTP", "Bool", []string{"false"}, keyed("false"), true},
		{"over TLS", "Bool", []string{"false"}, keyed("true"), false},
		{"missing", "Bool", []string{"false"}, noKey, false},
		{"case-insensitive request", "Bool", []string{"true"}, keyed("TRUE"), true},
		{"case-insensitive policy", "Bool", []string{"True"}, keyed("true"), true},
		{"JSON literal text", "Bool", []string{"true"}, keyed("true"), true},
		{"request not a bool", "Bool", []string{"true"}, keyed("yes"), false},
		{"request empty", "Bool", []string{"false"}, keyed(""), false},
		{"both values", "Bool", []string{"true", "false"}, keyed("false"), true},
		// aws:MultiFactorAuthPresent is absent for long-term keys, hence
		// the documented BoolIfExists idiom.
		{"IfExists missing", "BoolIfExists", []string{"false"}, noKey, true},
		{"IfExists present", "BoolIfExists", []string{"false"}, keyed("true"), false},
	})
	runBadValueTests(t, []badValueTest{
		{"Bool", []string{"yes"}},
		{"Bool", []string{""}},
		{"Bool", []string{"true", "1"}},
		{"BoolIfExists", []string{"0"}},
	})
}

func TestEvalCondition_BinaryEquals(t *testing.T) {
	// "BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}: the request
	// value is compared "byte for byte against a base-64 encoded
	// representation of the binary value in the policy".
	doc := []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}
	runCondTests(t, []condTest{
		{"documented value", "BinaryEquals", doc, keyed("BinaryValueInBase64"), true},
		{"other bytes", "BinaryEquals", doc, keyed("BinaryValueInBase65"), false},
		{"not the base64 text", "BinaryEquals", doc, keyed("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), false},
		{"missing", "BinaryEquals", doc, noKey, false},
		{"raw bytes", "BinaryEquals", []string{"AP8="}, keyed("\x00\xff"), true},
		{"unpadded", "BinaryEquals", []string{"AP8"}, keyed("\x00\xff"), true},
		{"empty", "BinaryEquals", []string{""}, keyed(""), true},
		{"OR of values", "BinaryEquals", []string{"YQ==", "Yg=="}, keyed("b"), true},
	})
	runBadValueTests(t, []badValueTest{
		{"BinaryEquals", []string{"not base64!"}},
		{"BinaryEquals", []string{"QQ=x"}},
		{"BinaryEquals", []string{"YQ==", "%%%"}},
	})
}
