package s3api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStatusWriter_readFrom checks that statusWriter offers io.ReaderFrom,
// which lets GET hand a blob file to the connection (sendfile), and that
// it records the implicit 200 like Write does.
func TestStatusWriter_readFrom(t *testing.T) {
	rec := httptest.NewRecorder()
	var w http.ResponseWriter = &statusWriter{ResponseWriter: rec}
	rf, ok := w.(io.ReaderFrom)
	if !ok {
		t.Fatal("statusWriter does not implement io.ReaderFrom")
	}
	n, err := rf.ReadFrom(strings.NewReader("object bytes"))
	if err != nil || n != 12 {
		t.Fatalf("ReadFrom = %d, %v", n, err)
	}
	sw := w.(*statusWriter)
	if !sw.wroteHeader() || sw.status() != http.StatusOK || rec.Body.String() != "object bytes" {
		t.Fatalf("after ReadFrom: wroteHeader %v, status %d, body %q", sw.wroteHeader(), sw.status(), rec.Body.String())
	}
}
