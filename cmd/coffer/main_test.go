package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/config"
)

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, args)
	return code, stdout.String(), stderr.String()
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, 2, "", "Commands:"},
		{"help", []string{"help"}, 0, "server", ""},
		{"-h", []string{"-h"}, 0, "version", ""},
		{"version", []string{"version"}, 0, "coffer ", ""},
		{"version names go", []string{"version"}, 0, "\ngo: go1.", ""},
		{"version names commit", []string{"version"}, 0, "\ncommit: ", ""},
		{"print-config", []string{"server", "--print-config", "--region", "eu-west-1"}, 0, `region = "eu-west-1"`, ""},
		{"unknown config file", []string{"server", "--config", "/nonexistent/coffer.toml"}, 2, "", "config file"},
		{"unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"server help", []string{"server", "-help"}, 0, "", "-data"},
		{"server help lists env", []string{"server", "--help"}, 0, "", "COFFER_ROOT_SECRET_KEY"},
		{"server bad flag", []string{"server", "-bogus"}, 2, "", "bogus"},
		{"server bad config", []string{"server", "-log-format", "xml"}, 2, "", "log format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("run(%q) stdout = %q, want it to contain %q", tt.args, stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, stderr, tt.wantStderr)
			}
		})
	}
}

var credsRE = regexp.MustCompile(`Access key: (\S+)\n\s+Secret key: (\S+)`)

// startServe runs serve on a fresh port and returns its address and a func
// that stops it and returns serve's error.
func startServe(t *testing.T, cfg config.Config, stdout io.Writer) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.DiscardHandler), stdout, func(a net.Addr) { addrc <- a })
	}()
	select {
	case a := <-addrc:
		return a.String(), func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before it started: %v", err)
		return "", nil
	}
}

func TestServe_firstStartPrintsCredentialsOnce(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()

	var stdout bytes.Buffer
	addr, stop := startServe(t, cfg, &stdout)
	m := credsRE.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("first start printed no credentials:\n%s", stdout.String())
	}
	ak, sk := m[1], m[2]
	if len(ak) != config.GeneratedAccessKeyLen || len(sk) != config.GeneratedSecretKeyLen {
		t.Errorf("printed key lengths %d/%d, want %d/%d", len(ak), len(sk), config.GeneratedAccessKeyLen, config.GeneratedSecretKeyLen)
	}
	resp, err := http.Get("http://" + addr + "/health/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/health/ready = %d, want 200", resp.StatusCode)
	}
	client := func(addr string) *s3.Client {
		return s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", UsePathStyle: true,
			Credentials: awscreds.NewStaticCredentialsProvider(ak, sk, ""), RetryMaxAttempts: 1})
	}
	if _, err := client(addr).CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("kept")}); err != nil {
		t.Fatalf("CreateBucket with the printed credentials: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve after cancel = %v, want nil", err)
	}

	stdout.Reset()
	addr, stop = startServe(t, cfg, &stdout)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("second serve = %v", err)
		}
	}()
	if strings.Contains(stdout.String(), sk) {
		t.Errorf("second start printed the secret again:\n%s", stdout.String())
	}
	if _, err := client(addr).HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("kept")}); err != nil {
		t.Errorf("HeadBucket after restart with the stored credentials: %v", err)
	}
}

func TestServe_configuredCredentials(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	var stdout bytes.Buffer
	addr, stop := startServe(t, cfg, &stdout)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	if strings.Contains(stdout.String(), cfg.RootSecretKey) {
		t.Error("configured secret was printed")
	}
	c := s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
	if _, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets with configured credentials: %v", err)
	}
}

func TestServe_addressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := config.Default()
	cfg.Address = ln.Addr().String()
	cfg.DataDir = t.TempDir()
	if err := serve(t.Context(), cfg, slog.New(slog.DiscardHandler), io.Discard, nil); err == nil {
		t.Error("serve on a busy address succeeded, want an error")
	}
}
