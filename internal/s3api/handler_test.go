package s3api

import (
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// handlerCase is one request through the whole Handler with the fake
// object service.
type handlerCase struct {
	name   string
	method string
	target string // path-style path and query
	host   string // default s3.local
	header map[string]string
	body   string
	setup  func(env *testEnv)
	tls    bool // the request arrives over TLS

	status int
	code   string            // the S3 error code, for failures
	hdr    map[string]string // response headers that must be present ("" = absent)
	call   any               // the last input the object service received
	golden string            // testdata file the body must equal
}

func runHandlerCases(t *testing.T, tests []handlerCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, &fakeObjects{})
			if tc.setup != nil {
				tc.setup(env)
			}
			var body []byte
			if tc.body != "" || tc.method == http.MethodPut || tc.method == http.MethodPost {
				body = []byte(tc.body)
			}
			r := newReq(tc.method, tc.target, body)
			if tc.host != "" {
				r.Host = tc.host
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			rec := env.do(r)
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d; body: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code != "" {
				var eb errorBody
				if tc.method == http.MethodHead {
					if rec.Body.Len() != 0 {
						t.Errorf("HEAD error has a body: %s", rec.Body)
					}
				} else if err := xml.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
					t.Errorf("error body %q: %v", rec.Body, err)
				} else if eb.Code != tc.code || eb.RequestID != "REQ123" {
					t.Errorf("error = %s (request id %q), want %s; body: %s", eb.Code, eb.RequestID, tc.code, rec.Body)
				}
			}
			for k, v := range tc.hdr {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tc.call != nil {
				// The key service's caller is TestKMSCaller's.
				if diff := cmp.Diff(tc.call, env.obj.last(), ignoreCaller); diff != "" {
					t.Errorf("service input mismatch (-want +got):\n%s", diff)
				}
			}
			if tc.golden != "" {
				golden(t, tc.golden, rec.Body.String())
			}
			if rec.Header().Get("X-Amz-Request-Id") != "REQ123" || rec.Header().Get("X-Amz-Id-2") == "" {
				t.Errorf("request id headers = %q / %q", rec.Header().Get("X-Amz-Request-Id"), rec.Header().Get("X-Amz-Id-2"))
			}
			if len(env.obs) != 1 {
				t.Errorf("Observe called %d times, want once: %v", len(env.obs), env.obs)
			}
		})
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return b64(sum[:])
}

func crc32b64(s string) string {
	h := checksum.CRC32.New()
	h.Write([]byte(s))
	return b64(h.Sum(nil))
}

func crc32raw(s string) []byte {
	h := checksum.CRC32.New()
	h.Write([]byte(s))
	return h.Sum(nil)
}

func TestPipeline(t *testing.T) {
	runHandlerCases(t, []handlerCase{
		{name: "authentication error", method: "GET", target: "/b/k",
			setup:  func(env *testEnv) { env.ver.err = sigv4.ErrSignatureMismatch },
			status: 403, code: "SignatureDoesNotMatch"},
		{name: "skewed", method: "PUT", target: "/b/k",
			setup:  func(env *testEnv) { env.ver.err = sigv4.ErrRequestTimeTooSkewed },
			status: 403, code: "RequestTimeTooSkewed"},
		{name: "head error has no body", method: "HEAD", target: "/b/k",
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchKey },
			status: 404, code: "NoSuchKey"},
		{name: "anonymous denied", method: "GET", target: "/b/k", header: map[string]string{"Authorization": "anonymous"},
			status: 403, code: "AccessDenied"},
		{name: "denied by policy", method: "GET", target: "/b/k",
			setup: func(env *testEnv) {
				env.authz.deny = map[string]bool{"s3:GetObject b/k": true}
			},
			status: 403, code: "AccessDenied"},
		{name: "unimplemented sub-resource", method: "PUT", target: "/b/k?torrent", status: 501, code: "NotImplemented"},
		{name: "unimplemented bucket sub-resource", method: "GET", target: "/b?website", status: 501, code: "NotImplemented"},
		{name: "method not allowed", method: "POST", target: "/b/k", status: 405, code: "MethodNotAllowed"},
		{name: "key too long", method: "GET", target: "/b/" + strings.Repeat("k", 1025), status: 400, code: "KeyTooLongError"},
		{name: "internal error is opaque", method: "GET", target: "/b/k",
			setup:  func(env *testEnv) { env.obj.err = errInternalForTest },
			status: 500, code: "InternalError"},
		{name: "virtual host", method: "DELETE", target: "/k", host: "b.s3.local",
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k"}},
	})
}

var errInternalForTest = &internalTestError{}

type internalTestError struct{}

func (*internalTestError) Error() string { return "meta: disk on fire at /var/secret" }

func TestCopyAuthorizesSource(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{copyOut: &object.CopyOutput{}})
	env.authz.deny = map[string]bool{"s3:GetObject src/a b": true}
	r := newReq("PUT", "/dst/k", []byte{})
	r.Header.Set("X-Amz-Copy-Source", "/src/a%20b")
	rec := env.do(r)
	if rec.Code != 403 {
		t.Fatalf("status = %d, want 403; body %s", rec.Code, rec.Body)
	}
	var actions []string
	for _, q := range env.authz.reqs {
		actions = append(actions, q.Action+" "+q.Bucket+"/"+q.Key)
	}
	want := []string{"s3:PutObject dst/k", "s3:GetObject src/a b"}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("authorization requests (-want +got):\n%s", diff)
	}
	if env.obj.last() != nil {
		t.Errorf("service was called after a denial: %v", env.obj.last())
	}
}

func TestObserve(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{err: object.ErrNoSuchBucket})
	env.do(newReq("GET", "/b?list-type=2", nil))
	env.do(newReq("GET", "/b?website", nil))
	want := []string{"ListObjectsV2 404", "GetBucketWebsite 501"}
	if diff := cmp.Diff(want, env.obs); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
}

func TestNewValidates(t *testing.T) {
	v := &fakeVerifier{}
	a := &testAuthorizer{}
	o := &fakeObjects{}
	tests := []struct {
		opts Options
		want error
	}{
		{Options{Verifier: v, Authorizer: a}, ErrNoObjects},
		{Options{Objects: o, Authorizer: a}, ErrNoVerifier},
		{Options{Objects: o, Verifier: v}, ErrNoAuthorizer},
		{Options{Objects: o, Verifier: v, Authorizer: a}, nil},
	}
	for _, tc := range tests {
		if _, err := New(tc.opts); err != tc.want {
			t.Errorf("New(%+v) error = %v, want %v", tc.opts, err, tc.want)
		}
	}
}
