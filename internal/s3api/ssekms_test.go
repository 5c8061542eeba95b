package s3api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// ignoreCaller leaves the key service's caller out of comparisons of
// service inputs; TestKMSCaller checks it.
var ignoreCaller = cmpopts.IgnoreTypes((*kms.Caller)(nil))

func b64s(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseKMS(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		hdr  map[string]string
		want *object.KMSEncryption
		msg  string // the InvalidArgument message, for failures
	}{
		{"none", nil, nil, ""},
		{"AES256", map[string]string{"X-Amz-Server-Side-Encryption": "AES256", hdrKMSBucketKey: "true"}, nil, ""},
		{"default key", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms"}, &object.KMSEncryption{}, ""},
		{"key, context, bucket key", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSKeyID: "alias/app",
			hdrKMSContext: b64s(`{"a":"1"}`), hdrKMSBucketKey: "TRUE"},
			&object.KMSEncryption{KeyID: "alias/app", Context: map[string]string{"a": "1"}, BucketKey: &yes}, ""},
		{"bucket key off", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSBucketKey: "false"},
			&object.KMSEncryption{BucketKey: &no}, ""},
		{"key id without aws:kms", map[string]string{hdrKMSKeyID: "k"}, nil, msgKMSNeedsHeader},
		{"key id with AES256", map[string]string{"X-Amz-Server-Side-Encryption": "AES256", hdrKMSKeyID: "k"}, nil, msgKMSNeedsHeader},
		{"context without aws:kms", map[string]string{hdrKMSContext: b64s(`{"a":"1"}`)}, nil, msgKMSNeedsHeader},
		{"context not base64", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSContext: "{}"}, nil, msgKMSContext},
		{"context not a map", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSContext: b64s(`["a"]`)}, nil, msgKMSContext},
		{"context value not a string", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSContext: b64s(`{"a":1}`)}, nil, msgKMSContext},
		{"context empty", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSContext: b64s(`{}`)}, nil, msgKMSContext},
		{"bucket key not boolean", map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", hdrKMSBucketKey: "yes"}, nil, msgKMSBucketKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.hdr {
				h.Set(k, v)
			}
			got, err := parseKMS(h)
			if tc.msg != "" {
				var me *messageError
				if !errors.Is(err, errInvalidArgument) || !errors.As(err, &me) || me.msg != tc.msg {
					t.Fatalf("parseKMS = %v, want InvalidArgument %q", err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseKMS (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseKMSContext: any header value is a map of non-empty keys or
// InvalidArgument, never a panic.
func FuzzParseKMSContext(f *testing.F) {
	// The S3 User Guide's example context, and malformed ones.
	f.Add(b64s(`{"aws:s3:arn":"arn:aws:s3:::amzn-s3-demo-bucket/example.txt"}`))
	f.Add(b64s(`{"":""}`))
	f.Add("not base64")
	f.Add(b64s(`{"a":{"b":"c"}}`))
	f.Add(b64s("\xff"))
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseKMSContext(v)
		if err != nil {
			if !errors.Is(err, errInvalidArgument) {
				t.Fatalf("error %v is not InvalidArgument", err)
			}
			return
		}
		if len(m) == 0 {
			t.Fatal("empty context accepted")
		}
		for k := range m {
			if k == "" {
				t.Fatal("empty key accepted")
			}
		}
	})
}

func TestKMSCaller(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{kms: true, info: object.ObjectInfo{ETag: "e"}})
	r := newReq(http.MethodPut, "/b/k", []byte("x"))
	r.Header.Set("X-Amz-Server-Side-Encryption", "aws:kms")
	if rec := env.do(r); rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	in := env.obj.last().(object.PutInput)
	c := in.KMSCaller
	if c == nil || c.Principal != rootPrincipal || c.ViaService != "s3.us-east-1.amazonaws.com" ||
		c.Conditions["aws:SourceIp"][0] != "192.0.2.1" || c.Conditions["aws:SecureTransport"][0] != "false" {
		t.Errorf("caller = %+v", c)
	}
	for _, m := range []sigv4.Method{sigv4.Anonymous, sigv4.HeaderV2, sigv4.PresignedV2} {
		res := &sigv4.Result{Principal: rootPrincipal, Method: m}
		if m == sigv4.Anonymous {
			res.Principal = sigv4.Principal{Anonymous: true}
		}
		if c := env.h.kmsCaller(&request{r: r, auth: res}); c != nil {
			t.Errorf("caller of a %v request = %+v, want nil", m, c)
		}
	}
	if c := env.h.kmsCaller(&request{r: r}); c != nil {
		t.Errorf("caller of an unauthenticated request = %+v, want nil", c)
	}
}

func TestSSEKMS_handlers(t *testing.T) {
	const arn = "arn:aws:kms:us-east-1:000000000000:key/k1"
	kmsInfo := object.ObjectInfo{ETag: "e", ServerSideEncryption: object.SSEKMS, SSEKMSKeyID: arn, BucketKeyEnabled: true}
	withKMS := func(env *testEnv) { env.obj.kms, env.obj.info = true, kmsInfo }
	sse := "X-Amz-Server-Side-Encryption"
	ctx := b64s(`{"a":"1"}`)
	runHandlerCases(t, []handlerCase{
		{name: "put", method: "PUT", target: "/b/k", setup: withKMS,
			header: map[string]string{sse: "aws:kms", hdrKMSKeyID: "alias/app", hdrKMSContext: ctx, hdrKMSBucketKey: "true"},
			status: 200, hdr: map[string]string{sse: "aws:kms", hdrKMSKeyID: arn, hdrKMSBucketKey: "true", hdrKMSContext: ctx},
			call: object.PutInput{Bucket: "b", Key: "k", Size: 0, Owner: "000000000000",
				KMS: &object.KMSEncryption{KeyID: "alias/app", Context: map[string]string{"a": "1"}, BucketKey: ptrTo(true)}}},
		{name: "put by bucket default", method: "PUT", target: "/b/k", setup: withKMS, status: 200,
			hdr: map[string]string{sse: "aws:kms", hdrKMSKeyID: arn, hdrKMSContext: ""}},
		{name: "put without key service", method: "PUT", target: "/b/k",
			header: map[string]string{sse: "aws:kms"}, status: 501, code: "NotImplemented"},
		{name: "put dsse", method: "PUT", target: "/b/k", setup: withKMS,
			header: map[string]string{sse: "aws:kms:dsse"}, status: 501, code: "NotImplemented"},
		{name: "put key id alone", method: "PUT", target: "/b/k", setup: withKMS,
			header: map[string]string{hdrKMSKeyID: "k"}, status: 400, code: "InvalidArgument"},
		{name: "put with SSE-C", method: "PUT", target: "/b/k", setup: withKMS, tls: true,
			header: map[string]string{sse: "aws:kms", hdrSSECAlgorithm: "AES256"}, status: 400, code: "InvalidArgument"},
		{name: "get", method: "GET", target: "/b/k", status: 200,
			setup: func(env *testEnv) { env.obj.get = &object.GetOutput{Info: kmsInfo} },
			hdr:   map[string]string{sse: "aws:kms", hdrKMSKeyID: arn, hdrKMSBucketKey: "true"}},
		{name: "get denied by the key service", method: "GET", target: "/b/k", status: 403, code: "AccessDenied",
			setup: func(env *testEnv) { env.obj.err = kms.ErrAccessDenied }},
		{name: "get key disabled", method: "GET", target: "/b/k", status: 400, code: "KMS.DisabledException",
			setup: func(env *testEnv) { env.obj.err = kms.ErrDisabled }},
		{name: "get key pending deletion", method: "GET", target: "/b/k", status: 400, code: "KMS.KMSInvalidStateException",
			setup: func(env *testEnv) { env.obj.err = kms.ErrInvalidState }},
		{name: "get unsigned", method: "GET", target: "/b/k", status: 400, code: "InvalidArgument",
			setup: func(env *testEnv) { env.obj.err = object.ErrKMSSignatureRequired }},
		{name: "create upload", method: "POST", target: "/b/k?uploads", status: 200,
			header: map[string]string{sse: "aws:kms", hdrKMSContext: ctx},
			setup: func(env *testEnv) {
				env.obj.kms = true
				env.obj.upload = object.Upload{UploadID: "u", ServerSideEncryption: object.SSEKMS, SSEKMSKeyID: arn}
			},
			hdr: map[string]string{sse: "aws:kms", hdrKMSKeyID: arn, hdrKMSBucketKey: "", hdrKMSContext: ctx}},
		{name: "upload part", method: "PUT", target: "/b/k?partNumber=1&uploadId=u", status: 200,
			setup: func(env *testEnv) {
				env.obj.part = object.Part{ETag: "e", ServerSideEncryption: object.SSEKMS, SSEKMSKeyID: arn, BucketKeyEnabled: true}
			},
			hdr: map[string]string{sse: "aws:kms", hdrKMSKeyID: arn, hdrKMSBucketKey: "true"}},
	})
}

func ptrTo[T any](v T) *T { return &v }

// TestSSEKMS_errorMessages: the SigV4 refusal carries S3's text.
func TestSSEKMS_errorMessages(t *testing.T) {
	e, _ := lookupError(object.ErrKMSSignatureRequired)
	if e.Code != "InvalidArgument" || !strings.Contains(e.Message, "Signature Version 4") {
		t.Errorf("ErrKMSSignatureRequired = %+v", e)
	}
}

// TestPostObject_ssekms: a browser upload names SSE-KMS in form fields;
// the answer names the key. A Signature Version 2 form may not.
func TestPostObject_ssekms(t *testing.T) {
	const arn = "arn:aws:kms:us-east-1:000000000000:key/k1"
	signed := []formField{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", "AKIDEXAMPLE/20260304/us-east-1/s3/aws4_request"},
		{"x-amz-date", "20260304T050607Z"}, {"Policy", "e30="}, {"X-Amz-Signature", "abc"},
		{"key", "user/a"}, {"x-amz-server-side-encryption", "aws:kms"}, {"x-amz-server-side-encryption-aws-kms-key-id", "alias/app"},
	}
	kmsConds := []sigv4.PolicyCondition{
		{Op: sigv4.CondStartsWith, Field: "x-amz-server-side-encryption", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "x-amz-server-side-encryption-aws-kms-key-id", Value: ""},
	}
	env := newTestEnv(t, &fakeObjects{kms: true, info: object.ObjectInfo{ETag: "e", ServerSideEncryption: object.SSEKMS, SSEKMSKeyID: arn}})
	env.ver.post = postPolicy(0, 10, kmsConds...)
	ct, body := postBody(t, signed, "f", []byte("x"))
	r := newReq("POST", "/b", body)
	r.Header.Set("Content-Type", ct)
	rec := env.do(r)
	if rec.Code != 204 || rec.Header().Get("X-Amz-Server-Side-Encryption") != "aws:kms" || rec.Header().Get(hdrKMSKeyID) != arn {
		t.Fatalf("POST = %d %v: %s", rec.Code, rec.Header(), rec.Body)
	}
	in := env.obj.last().(object.PutInput)
	if in.KMS == nil || in.KMS.KeyID != "alias/app" || in.KMSCaller == nil {
		t.Errorf("service input KMS = %+v, caller %v", in.KMS, in.KMSCaller)
	}

	v2 := []formField{{"AWSAccessKeyId", "AKIDEXAMPLE"}, {"Policy", "e30="}, {"Signature", "abc"},
		{"key", "user/a"}, {"x-amz-server-side-encryption", "aws:kms"}}
	env.ver.post = postPolicy(0, 10, kmsConds...)
	ct, body = postBody(t, v2, "f", []byte("x"))
	r = newReq("POST", "/b", body)
	r.Header.Set("Content-Type", ct)
	rec = env.do(r)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "Signature Version 4") {
		t.Errorf("SigV2 POST with aws:kms = %d: %s", rec.Code, rec.Body)
	}
}
