package s3api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

// TestExpectContinueHTTP2 sends PUTs with Expect: 100-continue over HTTP/2,
// as AWS SDKs do for large bodies over TLS: an empty body (answered 100 by
// the handler itself) and a non-empty one (answered 100 by net/http when
// the handler reads), each followed by a successful final response on the
// same connection.
func TestExpectContinueHTTP2(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{info: object.ObjectInfo{ETag: "d41d8cd98f00b204e9800998ecf8427e"}})
	srv := httptest.NewUnstartedServer(env.h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	for _, body := range [][]byte{nil, bytes.Repeat([]byte("x"), 1<<16)} {
		var continues atomic.Int32
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, _ textproto.MIMEHeader) error {
			if code == http.StatusContinue {
				continues.Add(1)
			}
			return nil
		}}
		ctx := httptrace.WithClientTrace(context.Background(), trace)
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/b/k", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "s3.local"
		req.Header.Set("Expect", "100-continue")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("PUT of %d bytes: %v", len(body), err)
		}
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
			t.Errorf("PUT of %d bytes: %s %d, want HTTP/2 200", len(body), resp.Proto, resp.StatusCode)
		}
		if continues.Load() != 1 {
			t.Errorf("PUT of %d bytes: %d 100 Continue responses, want 1", len(body), continues.Load())
		}
	}
}
