package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/config"
)

func TestHealth(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	addr, stop := startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"ready", []string{"health", "--url", "http://" + addr + "/health/ready"}, 0, ""},
		{"not ready", []string{"health", "--url", failing.URL}, 1, "503"},
		{"nothing listening", []string{"health", "--url", "http://127.0.0.1:1/health/ready"}, 1, "coffer health:"},
		{"bad argument", []string{"health", "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runArgs(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("coffer %q = %d, stderr %q; want %d, %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
