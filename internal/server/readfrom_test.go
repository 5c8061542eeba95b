package server

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFrom_reachesConnection checks that a handler's writer still
// offers io.ReaderFrom through the middleware, so a file body can be sent
// with sendfile, and that the request id and the access log's byte count
// are kept on that path.
func TestReadFrom_reachesConnection(t *testing.T) {
	body := strings.Repeat("coffer ", 20_000)
	path := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		rf, ok := w.(io.ReaderFrom)
		if !ok {
			http.Error(w, "writer has no ReadFrom", http.StatusInternalServerError)
			return
		}
		f, err := os.Open(path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Length", "140000")
		w.WriteHeader(http.StatusOK)
		if _, err := rf.ReadFrom(&io.LimitedReader{R: f, N: 140_000}); err != nil {
			t.Errorf("ReadFrom: %v", err)
		}
	})
	ts := start(t, h, nil)
	code, got, hdr := get(t, ts.url+"/bucket/key", nil)
	if code != http.StatusOK || got != body {
		t.Fatalf("GET = %d with %d bytes, want 200 with %d", code, len(got), len(body))
	}
	if hdr.Get(HeaderRequestID) == "" {
		t.Error("no request id on a ReadFrom response")
	}
	if err := ts.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if logs := ts.logs.String(); !strings.Contains(logs, "bytes_out=140000") {
		t.Errorf("access log does not count the ReadFrom bytes:\n%s", logs)
	}
}
