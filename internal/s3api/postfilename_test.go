package s3api

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestPostObjectFilename pins how ${filename} in the key field expands:
// to the file part's filename without any path, only when the part names
// a file, and before the policy's key conditions are checked.
func TestPostObjectFilename(t *testing.T) {
	keyPolicy := func(prefix string) *sigv4.PostResult {
		return &sigv4.PostResult{Principal: rootPrincipal, Method: sigv4.PostPolicy, Conditions: []sigv4.PolicyCondition{
			{Op: sigv4.CondStartsWith, Field: "key", Value: prefix},
		}}
	}
	tests := []struct {
		name        string
		key         string
		disposition string // of the file part
		policy      *sigv4.PostResult
		status      int
		wantKey     string
		msg         string
	}{
		{name: "policy checks the expanded key", key: "${filename}", disposition: `form-data; name="file"; filename="foo.txt"`,
			policy: keyPolicy("foo"), status: 204, wantKey: "foo.txt"},
		{name: "windows path", key: "up/${filename}", disposition: `form-data; name="file"; filename="C:\\dir\\a b.txt"`,
			policy: keyPolicy("up/"), status: 204, wantKey: "up/a b.txt"},
		{name: "unix path", key: "up/${filename}", disposition: `form-data; name="file"; filename="/home/u/x.txt"`,
			policy: keyPolicy("up/"), status: 204, wantKey: "up/x.txt"},
		{name: "twice", key: "up/${filename}.${filename}", disposition: `form-data; name="file"; filename="x"`,
			policy: keyPolicy("up/"), status: 204, wantKey: "up/x.x"},
		{name: "empty filename", key: "up/${filename}", disposition: `form-data; name="file"; filename=""`,
			policy: keyPolicy("up/"), status: 204, wantKey: "up/"},
		{name: "no filename kept literally", key: "up/${filename}", disposition: `form-data; name="file"`,
			policy: keyPolicy("up/"), status: 204, wantKey: "up/${filename}"},
		{name: "expanded key outside policy", key: "${filename}", disposition: `form-data; name="file"; filename="bar.txt"`,
			policy: keyPolicy("foo"), status: 403,
			msg: `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "foo"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, &fakeObjects{info: object.ObjectInfo{ETag: "etag"}})
			env.ver.post = tc.policy
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("key", tc.key)
			w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {tc.disposition}})
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("data"))
			mw.Close()
			r := newReq("POST", "/b", buf.Bytes())
			r.Header.Set("Content-Type", mw.FormDataContentType())
			rec := env.do(r)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if tc.wantKey != "" {
				in, ok := env.obj.last().(object.PutInput)
				if !ok || in.Key != tc.wantKey {
					t.Errorf("stored key = %q, want %q", in.Key, tc.wantKey)
				}
			}
			if tc.msg != "" && !strings.Contains(rec.Body.String(), "<Message>"+xmlEscape(tc.msg)+"</Message>") {
				t.Errorf("body = %s, want message %q", rec.Body, tc.msg)
			}
		})
	}
}

func xmlEscape(s string) string {
	var b []byte
	return string(appendEscaped(b, s))
}
