package s3api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

type formField struct{ name, value string }

// postBody builds a multipart/form-data body: fields, then the file part
// (omitted when file is nil), then trailing fields.
func postBody(t *testing.T, fields []formField, filename string, file []byte, after ...formField) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f.name, f.value); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		w, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(file)
	}
	for _, f := range after {
		mw.WriteField(f.name, f.value)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// postPolicy covers the fields the tests send, with a size range.
func postPolicy(lo, hi int64, extra ...sigv4.PolicyCondition) *sigv4.PostResult {
	conds := []sigv4.PolicyCondition{
		{Op: sigv4.CondStartsWith, Field: "key", Value: "user/"},
		{Op: sigv4.CondStartsWith, Field: "content-type", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "success_action_status", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "success_action_redirect", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "x-amz-meta-color", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "tagging", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "x-amz-algorithm", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "x-amz-credential", Value: ""},
		{Op: sigv4.CondStartsWith, Field: "x-amz-date", Value: ""},
		{Op: sigv4.CondContentLengthRange, Min: lo, Max: hi},
	}
	return &sigv4.PostResult{Principal: rootPrincipal, Method: sigv4.PostPolicy, Conditions: append(conds, extra...)}
}

// storageClassCond lets a form carry x-amz-storage-class.
var storageClassCond = sigv4.PolicyCondition{Op: sigv4.CondStartsWith, Field: "x-amz-storage-class", Value: ""}

func TestPostObject(t *testing.T) {
	signed := []formField{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", "AKIDEXAMPLE/20260304/us-east-1/s3/aws4_request"},
		{"x-amz-date", "20260304T050607Z"}, {"Policy", "e30="}, {"X-Amz-Signature", "abc"},
	}
	with := func(extra ...formField) []formField { return append(append([]formField{}, signed...), extra...) }
	tagDoc := `<Tagging><TagSet><Tag><Key>t</Key><Value>1</Value></Tag></TagSet></Tagging>`
	tests := []struct {
		name     string
		fields   []formField
		filename string
		file     []byte
		after    []formField
		policy   *sigv4.PostResult
		postErr  error
		objErr   error
		status   int
		code     string
		hdr      map[string]string
		call     any
		golden   string
	}{
		{name: "default 204", fields: with(formField{"key", "user/${filename}"}, formField{"Content-Type", "image/jpeg"},
			formField{"x-amz-meta-color", "red"}, formField{"tagging", tagDoc}),
			filename: "cat.jpg", file: []byte("meow"), after: []formField{{"ignored", "after the file"}},
			policy: postPolicy(1, 10), status: 204,
			hdr: map[string]string{"ETag": `"etag"`, "Location": "http://s3.local/b/user/cat.jpg"},
			call: object.PutInput{Bucket: "b", Key: "user/cat.jpg", Size: 4, Owner: "000000000000",
				Headers: object.Headers{ContentType: "image/jpeg"}, UserMeta: map[string]string{"color": "red"},
				Tags: []object.Tag{{Key: "t", Value: "1"}}}},
		{name: "201", fields: with(formField{"key", "user/a"}, formField{"success_action_status", "201"}),
			file: []byte("x"), policy: postPolicy(0, 10), status: 201, golden: "post-201.xml"},
		{name: "200", fields: with(formField{"key", "user/a"}, formField{"success_action_status", "200"}),
			file: []byte("x"), policy: postPolicy(0, 10), status: 200},
		{name: "redirect", fields: with(formField{"key", "user/a"}, formField{"success_action_redirect", "https://example.com/done?x=1"}),
			file: []byte("x"), policy: postPolicy(0, 10), status: 303,
			hdr: map[string]string{"Location": "https://example.com/done?bucket=b&etag=%22etag%22&key=user%2Fa&x=1"}},
		{name: "too large for policy", fields: with(formField{"key", "user/a"}), file: []byte("0123456789abc"),
			policy: postPolicy(0, 10), status: 400, code: "EntityTooLarge"},
		{name: "too small for policy", fields: with(formField{"key", "user/a"}), file: []byte(""),
			policy: postPolicy(1, 10), status: 400, code: "EntityTooSmall"},
		{name: "key outside policy", fields: with(formField{"key", "admin/a"}), file: []byte("x"),
			policy: postPolicy(0, 10), status: 403, code: "AccessDenied"},
		{name: "field outside policy", fields: with(formField{"key", "user/a"}, formField{"x-amz-meta-other", "1"}), file: []byte("x"),
			policy: postPolicy(0, 10), status: 403, code: "AccessDenied"},
		{name: "bad signature", fields: with(formField{"key", "user/a"}), file: []byte("x"),
			postErr: sigv4.ErrSignatureMismatch, status: 403, code: "SignatureDoesNotMatch"},
		{name: "bad policy", fields: with(formField{"key", "user/a"}), file: []byte("x"),
			postErr: sigv4.ErrInvalidPolicyDocument, status: 400, code: "InvalidPolicyDocument"},
		{name: "no key", fields: signed, file: []byte("x"), policy: postPolicy(0, 10), status: 400, code: "InvalidArgument"},
		{name: "no file", fields: with(formField{"key", "user/a"}), policy: postPolicy(0, 10), status: 400, code: "InvalidArgument"},
		{name: "duplicate field", fields: with(formField{"key", "user/a"}, formField{"KEY", "user/b"}), file: []byte("x"),
			policy: postPolicy(0, 10), status: 400, code: "MalformedPOSTRequest"},
		{name: "anonymous denied", fields: []formField{{"key", "user/a"}}, file: []byte("x"),
			policy: &sigv4.PostResult{Principal: sigv4.Principal{Anonymous: true}, Method: sigv4.Anonymous},
			status: 403, code: "AccessDenied"},
		{name: "no such bucket", fields: with(formField{"key", "user/a"}), file: []byte("x"),
			policy: postPolicy(0, 10), objErr: object.ErrNoSuchBucket, status: 404, code: "NoSuchBucket"},
		{name: "storage class", fields: with(formField{"key", "user/a"}, formField{"x-amz-storage-class", "STANDARD_IA"}),
			file: []byte("x"), policy: postPolicy(0, 10, storageClassCond), status: 204,
			call: object.PutInput{Bucket: "b", Key: "user/a", Size: 1, Owner: "000000000000", StorageClass: "STANDARD_IA"}},
		{name: "invalid storage class", fields: with(formField{"key", "user/a"}, formField{"x-amz-storage-class", "FAST"}),
			file: []byte("x"), policy: postPolicy(0, 10, storageClassCond), status: 400, code: "InvalidStorageClass"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, &fakeObjects{info: object.ObjectInfo{ETag: "etag"}, err: tc.objErr})
			env.ver.post, env.ver.postErr = tc.policy, tc.postErr
			ct, body := postBody(t, tc.fields, tc.filename, tc.file, tc.after...)
			r := newReq("POST", "/b", body)
			r.Header.Set("Content-Type", ct)
			rec := env.do(r)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code != "" && !strings.Contains(rec.Body.String(), "<Code>"+tc.code+"</Code>") {
				t.Errorf("body = %s, want code %s", rec.Body, tc.code)
			}
			for k, v := range tc.hdr {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tc.call != nil {
				// The key service's caller is TestKMSCaller's.
				if diff := cmp.Diff(tc.call, env.obj.last(), ignoreCaller); diff != "" {
					t.Errorf("service input (-want +got):\n%s", diff)
				}
				if string(env.obj.body) != string(tc.file) {
					t.Errorf("stored %q, want %q", env.obj.body, tc.file)
				}
			}
			if tc.golden != "" {
				golden(t, tc.golden, rec.Body.String())
			}
			if _, ok := env.ver.fields["ignored"]; ok {
				t.Error("a field after the file reached VerifyPost")
			}
		})
	}
}

func TestPostObjectNotMultipart(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{})
	r := newReq("POST", "/b", []byte("x"))
	r.Header.Set("Content-Type", "multipart/form-data")
	rec := env.do(r)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want 400; body %s", rec.Code, rec.Body)
	}
}

// TestSpool checks both the in-memory and the temporary-file paths.
func TestSpool(t *testing.T) {
	for _, size := range []int{0, 10, postMemory, postMemory + 10} {
		data := bytes.Repeat([]byte{'x'}, size)
		body, n, cleanup, err := spool(bytes.NewReader(data), int64(size))
		if err != nil {
			t.Fatalf("spool(%d): %v", size, err)
		}
		got := new(bytes.Buffer)
		got.ReadFrom(body)
		cleanup()
		if n != int64(size) || got.Len() != size {
			t.Errorf("spool(%d) = size %d, %d bytes", size, n, got.Len())
		}
		// One byte over the limit is reported as limit+1.
		_, n, cleanup, err = spool(bytes.NewReader(append(data, 'y', 'z')), int64(size))
		if err != nil {
			t.Fatal(err)
		}
		cleanup()
		if n != int64(size)+1 {
			t.Errorf("spool over limit %d = %d, want %d", size, n, size+1)
		}
	}
}

// TestPostObject_blockedSSEC: a browser upload naming SSE-C into a bucket
// that blocks it is 403 AccessDenied, through the same hook as PutObject.
func TestPostObject_blockedSSEC(t *testing.T) {
	fields := []formField{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", "AKIDEXAMPLE/20260304/us-east-1/s3/aws4_request"},
		{"x-amz-date", "20260304T050607Z"}, {"Policy", "e30="}, {"X-Amz-Signature", "abc"},
		{"key", "user/a"}, {"x-amz-server-side-encryption-customer-algorithm", "AES256"},
	}
	for _, blocked := range []bool{true, false} {
		env := newTestEnv(t, &fakeObjects{blockSSEC: blocked})
		env.ver.post = postPolicy(0, 10)
		ct, body := postBody(t, fields, "", []byte("x"))
		r := newReq("POST", "/b", body)
		r.Header.Set("Content-Type", ct)
		rec := env.do(r)
		want := encryptionCall{Op: "CheckEncryptionAllowed", Bucket: "b", Type: object.EncryptionSSEC}
		if diff := cmp.Diff(want, env.obj.last()); diff != "" {
			t.Errorf("blocked=%v: service calls (-want +got):\n%s", blocked, diff)
		}
		if blocked && (rec.Code != 403 || !strings.Contains(rec.Body.String(), "<Code>AccessDenied</Code>")) {
			t.Errorf("blocked POST = %d %s, want 403 AccessDenied", rec.Code, rec.Body)
		}
		// Unblocked, the upload goes on to the policy's checks (this
		// policy does not cover the field).
		if blocked != strings.Contains(rec.Body.String(), "encryption configuration blocks") {
			t.Errorf("blocked=%v: POST = %d %s", blocked, rec.Code, rec.Body)
		}
	}
}
