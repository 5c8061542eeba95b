package reqid

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerAddsRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, nil)))
	log.InfoContext(With(context.Background(), "ABC123"), "hello")
	log.InfoContext(context.Background(), "plain")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2: %q", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "request_id=ABC123") {
		t.Errorf("first record = %q, want request_id=ABC123", lines[0])
	}
	if strings.Contains(lines[1], "request_id") {
		t.Errorf("second record = %q, want no request_id", lines[1])
	}
}

func TestNewIsUpperHexAndUnique(t *testing.T) {
	a, b := New(), New()
	if len(a) != 16 || strings.ToUpper(a) != a {
		t.Errorf("New() = %q, want 16 upper-case hex digits", a)
	}
	if a == b {
		t.Errorf("New() returned %q twice", a)
	}
}
