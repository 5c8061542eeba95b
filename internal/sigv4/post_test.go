package sigv4

import (
	"context"
	"encoding/base64"
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
		{Op: CondEq, Field: "bucket", Value: "johnsmith"},
		{Op: CondStartsWith, Field: "key", Value: "user/eric/"},
		{Op: CondEq, Field: "acl", Value: "public-read"},
		{Op: CondEq, Field: "success_action_redirect", Value: "http://johnsmith.s3.amazonaws.com/successful_upload.html"},
		{Op: CondStartsWith, Field: "content-type", Value: "image/"},
		{Op: CondEq, Field: "x-amz-meta-uuid", Value: "14365123651274"},
		{Op: CondStartsWith, Field: "x-amz-meta-tag", Value: ""},
	}
	if diff := cmp.Diff(want, conds); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, policy string
	}{
		{"not base64", "!!!"},
		{"not json", enc("{")},
		{"no expiration", enc(`{"conditions":[]}`)},
		{"bad expiration", enc(`{"expiration":"tomorrow","conditions":[]}`)},
		{"unknown operator", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["matches","$key","x"]]}`)},
		{"field without dollar", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","key","x"]]}`)},
		{"two elements", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","$key"]]}`)},
		{"range reversed", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",10,1]]}`)},
		{"range not numbers", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range","a",1]]}`)},
		{"condition is a string", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":["x"]}`)},
		{"non-string object value", enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"acl":1}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parsePolicy(tt.policy)
			wantErr(t, "parsePolicy", err, ErrInvalidPolicyDocument)
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
