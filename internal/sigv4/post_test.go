package sigv4

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	miniosigner "github.com/minio/minio-go/v7/pkg/signer"
)

// awsPostPolicy is the base64 policy of AWS's "Browser-based uploads using
// POST (AWS signature version 2)" example, signed there as
// 0RavWzkygo6QX9caELEqKi9kDbU= with the older example secret below.
const (
	awsPostPolicy = "eyAiZXhwaXJhdGlvbiI6ICIyMDA3LTEyLTAxVDEyOjAwOjAwLjAwMFoiLAogICJjb25kaXRpb25zIjogWwogICAgeyJidWNrZXQiOiAiam9obnNtaXRoIn0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci9lcmljLyJdLAogICAgeyJhY2wiOiAicHVibGljLXJlYWQifSwKICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL2pvaG5zbWl0aC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwKICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8iXSwKICAgIHsieC1hbXotbWV0YS11dWlkIjogIjE0MzY1MTIzNjUxMjc0In0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiR4LWFtei1tZXRhLXRhZyIsICIiXQogIF0KfQo="
	awsPostSecret = "uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o"
)

// awsPostFields are the form fields of AWS's POST example.
func awsPostFields() map[string]string {
	return map[string]string{
		"key":                     "user/eric/MyPicture.jpg",
		"acl":                     "public-read",
		"success_action_redirect": "http://johnsmith.s3.amazonaws.com/successful_upload.html",
		"Content-Type":            "image/jpeg",
		"x-amz-meta-uuid":         "14365123651274",
		"x-amz-meta-tag":          "Some,Tag,For,Picture",
		"AWSAccessKeyId":          exampleAccessKey,
		"Policy":                  awsPostPolicy,
		"Signature":               "0RavWzkygo6QX9caELEqKi9kDbU=",
	}
}

func postVerifier(now time.Time) *Verifier {
	creds := staticCreds{exampleAccessKey: {AccessKey: exampleAccessKey, SecretKey: awsPostSecret}}
	return New(Options{Credentials: creds, Clock: fixedClock(now)})
}

func TestVerifyPostV2Example(t *testing.T) {
	before := time.Date(2007, 11, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		now        time.Time
		bucket     string
		edit       func(map[string]string)
		size       int64
		wantVerify error
		wantCheck  error
	}{
		{name: "as documented", now: before, bucket: "johnsmith", size: 1000},
		{name: "expired", now: time.Date(2007, 12, 1, 12, 0, 0, 0, time.UTC), bucket: "johnsmith", wantVerify: ErrPostPolicyViolation},
		{name: "bad signature", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["Signature"] = "1RavWzkygo6QX9caELEqKi9kDbU=" }, wantVerify: ErrSignatureMismatch},
		{name: "unknown key", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["AWSAccessKeyId"] = "AKIAOTHER" }, wantVerify: ErrUnknownAccessKey},
		{name: "no policy", now: before, bucket: "johnsmith", edit: func(f map[string]string) { delete(f, "Policy") }, wantVerify: ErrMalformedPostRequest},
		{name: "wrong bucket", now: before, bucket: "other", wantCheck: ErrPostPolicyViolation},
		{name: "key outside prefix", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["key"] = "user/bob/x" }, wantCheck: ErrPostPolicyViolation},
		{name: "acl differs", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["acl"] = "private" }, wantCheck: ErrPostPolicyViolation},
		{name: "field not in policy", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["x-amz-storage-class"] = "STANDARD" }, wantCheck: ErrPostPolicyViolation},
		{name: "x-ignore field allowed", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["x-ignore-me"] = "1" }},
		{name: "field names any case", now: before, bucket: "johnsmith", edit: func(f map[string]string) { f["KEY"] = f["key"]; delete(f, "key") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := awsPostFields()
			if tt.edit != nil {
				tt.edit(f)
			}
			res, err := postVerifier(tt.now).VerifyPost(context.Background(), tt.bucket, f)
			wantErr(t, "VerifyPost", err, tt.wantVerify)
			if err != nil || tt.wantVerify != nil {
				return
			}
			if res.Method != PostPolicy || res.Principal.AccessKey != exampleAccessKey {
				t.Errorf("VerifyPost = %+v, want PostPolicy as %s", res, exampleAccessKey)
			}
			wantErr(t, "Check", res.Check(f, tt.size), tt.wantCheck)
		})
	}
}

func TestParsePolicyExample(t *testing.T) {
	exp, conds, err := parsePolicy(awsPostPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2007, 12, 1, 12, 0, 0, 0, time.UTC); !exp.Equal(want) {
		t.Errorf("expiration = %v, want %v", exp, want)
	}
	want := []PolicyCondition{
		{Op: CondEq, Field: "bucket", Value: "johnsmith", spelled: "$bucket"},
		{Op: CondStartsWith, Field: "key", Value: "user/eric/", spelled: "$key"},
		{Op: CondEq, Field: "acl", Value: "public-read", spelled: "$acl"},
		{Op: CondEq, Field: "success_action_redirect", Value: "http://johnsmith.s3.amazonaws.com/successful_upload.html", spelled: "$success_action_redirect"},
		{Op: CondStartsWith, Field: "content-type", Value: "image/", spelled: "$Content-Type"},
		{Op: CondEq, Field: "x-amz-meta-uuid", Value: "14365123651274", spelled: "$x-amz-meta-uuid"},
		{Op: CondStartsWith, Field: "x-amz-meta-tag", Value: "", spelled: "$x-amz-meta-tag"},
	}
	if diff := cmp.Diff(want, conds, cmp.AllowUnexported(PolicyCondition{})); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
}

// TestParsePolicyErrors pins the InvalidPolicyDocument messages. Those
// S3 was seen to send: Invalid JSON, the expiration value, the
// simple-condition rules, a member the language lacks. The others follow
// their pattern.
func TestParsePolicyErrors(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	const exp = `"expiration":"2030-01-01T00:00:00Z"`
	tests := []struct {
		name, policy, msg string
	}{
		{"not base64", "!!!", "Invalid Policy: invalid Base64 encoding."},
		{"not json", enc("{"), "Invalid Policy: Invalid JSON."},
		{"not an object", enc("[]"), "Invalid Policy: Invalid JSON."},
		{"null", enc("null"), "Invalid Policy: Invalid JSON."},
		{"no expiration", enc(`{"conditions":[]}`), "Invalid Policy: Policy missing expiration."},
		{"expiration in upper case", enc(`{"EXPIRATION":"2030-01-01T00:00:00Z","conditions":[]}`), "Invalid Policy: Unexpected: 'expiration'"},
		{"conditions in upper case", enc(`{` + exp + `,"CONDITIONS":[]}`), "Invalid Policy: Unexpected: 'conditions'"},
		{"IAM policy", enc(`{"Version":"2012-10-17","Statement":[]}`), ""},
		{"no conditions", enc(`{` + exp + `}`), "Invalid Policy: Policy missing conditions."},
		{"conditions not a list", enc(`{` + exp + `,"conditions":{}}`), "Invalid Policy: Invalid 'conditions' value: must be a List."},
		{"bad expiration", enc(`{"expiration":"tomorrow","conditions":[]}`), "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"},
		{"expiration with a space", enc(`{"expiration":"2015-10-17 03:15:59 UTC","conditions":[]}`), "Invalid Policy: Invalid 'expiration' value: '2015-10-17 03:15:59 UTC'"},
		{"expiration a number", enc(`{"expiration":5,"conditions":[]}`), "Invalid Policy: Invalid 'expiration' value: '5'"},
		{"unknown operator", enc(`{` + exp + `,"conditions":[["matches","$key","x"]]}`), "Invalid Policy: Invalid Condition: unknown operation 'matches'."},
		{"empty array", enc(`{` + exp + `,"conditions":[[]]}`), "Invalid Policy: Invalid Condition: missing operation identifier."},
		{"two elements", enc(`{` + exp + `,"conditions":[["eq","$key"]]}`), "Invalid Policy: Invalid eq: wrong number of arguments."},
		{"range of two", enc(`{` + exp + `,"conditions":[["content-length-range",0]]}`), "Invalid Policy: Invalid content-length-range: wrong number of arguments."},
		{"range reversed", enc(`{` + exp + `,"conditions":[["content-length-range",10,1]]}`), "Invalid Policy: Invalid content-length-range: the range is not valid."},
		{"range negative", enc(`{` + exp + `,"conditions":[["content-length-range",-1,0]]}`), "Invalid Policy: Invalid content-length-range: the range is not valid."},
		{"range not numbers", enc(`{` + exp + `,"conditions":[["content-length-range","a",1]]}`), "Invalid Policy: Invalid content-length-range: the range is not valid."},
		{"condition is a string", enc(`{` + exp + `,"conditions":["x"]}`), "Invalid Policy: Invalid condition test: must be a List or Object."},
		{"empty object", enc(`{` + exp + `,"conditions":[{}]}`), "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{"object of two", enc(`{` + exp + `,"conditions":[{"bucket":"b","acl":"private"}]}`), "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{"non-string object value", enc(`{` + exp + `,"conditions":[{"acl":1}]}`), "Invalid Policy: Invalid Simple-Condition: value must be a string."},
		{"null object value", enc(`{` + exp + `,"conditions":[{"success_action_redirect":null}]}`), "Invalid Policy: Invalid JSON."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parsePolicy(tt.policy)
			wantErr(t, "parsePolicy", err, ErrInvalidPolicyDocument)
			var pe *policyError
			if !errors.As(err, &pe) {
				t.Fatalf("parsePolicy error %v carries no client message", err)
			}
			if tt.msg != "" && pe.ClientMessage() != tt.msg {
				t.Errorf("message = %q, want %q", pe.ClientMessage(), tt.msg)
			}
		})
	}
}

// TestPostPolicyNames pins which names match in any letter case: field
// names and operators do (s3-tests' case_insensitive_condition_fields);
// values do not.
func TestPostPolicyNames(t *testing.T) {
	policy := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[
		{"bUcKeT":"b"},["StArTs-WiTh","$KeY","foo"],{"AcL":"private"},["StArTs-WiTh","$CoNtEnT-TyPe","text/plain"],
		["content-length-range",0,1024]]}`))
	_, conds, err := parsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	p := &PostResult{Method: PostPolicy, Conditions: conds, bucket: "b"}
	fields := map[string]string{"kEy": "foo.txt", "aCl": "private", "Content-Type": "text/plain", "pOLICy": policy}
	if err := p.Check(fields, 3); err != nil {
		t.Errorf("Check(mixed-case names) = %v, want nil", err)
	}
	fields["aCl"] = "PRIVATE"
	wantErr(t, "Check(value in another case)", p.Check(fields, 3), ErrPostPolicyViolation)
}

// TestPostPolicyCheckMessages pins the AccessDenied messages of a failed
// policy, as S3 words them.
func TestPostPolicyCheckMessages(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, conds string
		fields      map[string]string
		msg         string
	}{
		{"eq fails", `[["eq","$success_action_redirect","http://a/"]]`, map[string]string{"success_action_redirect": "http://b/"},
			`Invalid according to Policy: Policy Condition failed: ["eq", "$success_action_redirect", "http://a/"]`},
		{"simple condition fails as eq", `[{"Content-Disposition":"filename=\"a.png\""}]`, map[string]string{"Content-Disposition": "x"},
			`Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Disposition", "filename=\"a.png\""]`},
		{"starts-with fails", `[["starts-with","$Content-Type","image/"]]`, map[string]string{"content-type": "text/plain"},
			`Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]`},
		{"field without dollar", `[["eq","success_action_redirect","http://a/"]]`, map[string]string{"success_action_redirect": "http://a/"},
			`Invalid according to Policy: Policy Condition failed: ["eq", "success_action_redirect", "http://a/"]`},
		{"extra field", `[{"key":"k"}]`, map[string]string{"key": "k", "StorageClass": "STANDARD"},
			`Invalid according to Policy: Extra input fields: StorageClass`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, conds, err := parsePolicy(enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":` + tt.conds + `}`))
			if err != nil {
				t.Fatal(err)
			}
			p := &PostResult{Method: PostPolicy, Conditions: conds, bucket: "b"}
			err = p.Check(tt.fields, 1)
			wantErr(t, "Check", err, ErrPostPolicyViolation)
			var pe *policyError
			if !errors.As(err, &pe) || pe.ClientMessage() != tt.msg {
				t.Errorf("Check message = %v, want %q", err, tt.msg)
			}
		})
	}
}

// TestVerifyPostV4 signs a SigV4 POST policy with minio-go's signer and
// checks the content-length-range condition.
func TestVerifyPostV4(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	cred := exampleAccessKey + "/20260301/us-east-1/s3/aws4_request"
	policy := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2026-03-01T12:00:00.000Z","conditions":[
		{"bucket":"photos"},["starts-with","$key","up/"],["content-length-range",1,"1048576"],
		{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + cred + `"},{"x-amz-date":"20260301T100000Z"}]}`))
	fields := func() map[string]string {
		return map[string]string{
			"key": "up/a.txt", "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": cred,
			"X-Amz-Date": "20260301T100000Z", "Policy": policy,
			"X-Amz-Signature": miniosigner.PostPresignSignatureV4(policy, now, exampleSecretKey, "us-east-1"),
		}
	}
	v, _ := newTestVerifier(now)
	tests := []struct {
		name       string
		edit       func(map[string]string)
		size       int64
		wantVerify error
		wantCheck  error
	}{
		{name: "valid", size: 10},
		{name: "too large", size: 1048577, wantCheck: ErrPostPolicyViolation},
		{name: "empty file", size: 0, wantCheck: ErrPostPolicyViolation},
		{name: "wrong region", edit: func(f map[string]string) {
			f["X-Amz-Credential"] = exampleAccessKey + "/20260301/eu-west-1/s3/aws4_request"
		}, wantVerify: ErrMalformedPostRequest},
		{name: "date mismatch", edit: func(f map[string]string) { f["X-Amz-Date"] = "20260302T100000Z" }, wantVerify: ErrMalformedPostRequest},
		{name: "bad algorithm", edit: func(f map[string]string) { f["X-Amz-Algorithm"] = "AWS4-HMAC-SHA512" }, wantVerify: ErrUnsupportedAlgorithm},
		{name: "tampered policy", edit: func(f map[string]string) { f["Policy"] = f["Policy"][1:] }, wantVerify: ErrSignatureMismatch},
		{name: "missing signature", edit: func(f map[string]string) { delete(f, "X-Amz-Signature") }, wantVerify: ErrMalformedPostRequest},
		{name: "duplicate field names", edit: func(f map[string]string) { f["KEY"] = "up/b" }, wantVerify: ErrMalformedPostRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fields()
			if tt.edit != nil {
				tt.edit(f)
			}
			res, err := v.VerifyPost(context.Background(), "photos", f)
			wantErr(t, "VerifyPost", err, tt.wantVerify)
			if err != nil || tt.wantVerify != nil {
				return
			}
			if lo, hi, ok := res.ContentLengthRange(); !ok || lo != 1 || hi != 1048576 {
				t.Errorf("ContentLengthRange() = %d, %d, %v; want 1, 1048576, true", lo, hi, ok)
			}
			wantErr(t, "Check", res.Check(f, tt.size), tt.wantCheck)
		})
	}
}

func TestVerifyPostAnonymous(t *testing.T) {
	v, _ := newTestVerifier(exampleTime)
	res, err := v.VerifyPost(context.Background(), "b", map[string]string{"key": "k"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Principal.Anonymous || res.Method != Anonymous {
		t.Errorf("VerifyPost = %+v, want anonymous", res)
	}
	if err := res.Check(map[string]string{"key": "k"}, 5); err != nil {
		t.Errorf("Check = %v, want nil", err)
	}
}

func TestVerifyPostPolicyWithoutCredentials(t *testing.T) {
	v, _ := newTestVerifier(exampleTime)
	_, err := v.VerifyPost(context.Background(), "b", map[string]string{"key": "k", "policy": awsPostPolicy})
	wantErr(t, "VerifyPost", err, ErrMalformedPostRequest)
	_, err = v.VerifyPost(context.Background(), "b", map[string]string{"key": "k", "x-amz-algorithm": "AWS4-HMAC-SHA256"})
	wantErr(t, "VerifyPost", err, ErrMalformedPostRequest)
}
