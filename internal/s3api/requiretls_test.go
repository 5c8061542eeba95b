package s3api

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

// TestRequireTLS: with Options.RequireTLS, every request that did not come
// over TLS is refused with AccessDenied before anything else happens, and
// a request over TLS goes through.
func TestRequireTLS(t *testing.T) {
	tests := []struct {
		method, target string
	}{
		{http.MethodGet, "/b/k"},
		{http.MethodPut, "/b/k"},
		{http.MethodDelete, "/b/k"},
		{http.MethodOptions, "/b/k"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			obj := &fakeObjects{info: object.ObjectInfo{ETag: "d41d8cd98f00b204e9800998ecf8427e"}}
			env := newTestEnv(t, obj)
			env.h.requireTLS = true
			req := newReq(tt.method, tt.target, []byte{})
			rec := env.do(req)
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "<Code>AccessDenied</Code>") {
				t.Errorf("plain HTTP: %d %s, want 403 AccessDenied", rec.Code, rec.Body)
			}
			if len(env.authz.reqs) != 0 {
				t.Errorf("plain HTTP reached authorization: %v", env.authz.reqs)
			}
		})
	}
	env := newTestEnv(t, &fakeObjects{info: object.ObjectInfo{ETag: "d41d8cd98f00b204e9800998ecf8427e"}})
	env.h.requireTLS = true
	req := newReq(http.MethodPut, "/b/k", []byte{})
	req.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}
	if rec := env.do(req); rec.Code != http.StatusOK {
		t.Errorf("PUT over TLS: %d %s, want 200", rec.Code, rec.Body)
	}
}
