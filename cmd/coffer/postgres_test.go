package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// TestMain stops the PostgreSQL server that tests of --meta start. Run
// with runAsCoffer set, the test binary is the coffer command instead,
// so that tests can run it as a process without building it.
func TestMain(m *testing.M) {
	if os.Getenv(runAsCoffer) == "1" {
		main()
		return
	}
	pgtest.Main(m)
}

// fakePassword is put into metadata URLs to check that it never shows.
// The test server trusts loopback connections, so it is not checked.
const fakePassword = "pw-that-must-not-show"

// withPassword adds fakePassword to a pgtest URL.
func withPassword(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), fakePassword)
	return u.String()
}

// startServeLogged is startServe with the server's log kept in log.
func startServeLogged(t *testing.T, cfg config.Config, stdout, log io.Writer) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(log, nil)), stdout, func(a net.Addr) { addrc <- a })
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

func s3Client(addr string, cfg config.Config) *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
}

func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func listKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func getBody(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetaCopy_thenServeOnPostgres moves a coffer from its embedded
// metadata store to PostgreSQL with `coffer meta copy` and serves the
// same objects from there to a real S3 client: reads, listings, writes,
// conditional writes and deletes.
func TestMetaCopy_thenServeOnPostgres(t *testing.T) {
	dbURL := withPassword(t, pgtest.URL(t))
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	ctx := t.Context()
	const bucket = "moving"
	objects := map[string]string{"a.txt": "alpha", "dir/b.txt": "bravo", "dir/c.bin": "\x00\xffcharlie"}

	addr, stop := startServe(t, cfg, io.Discard)
	c := s3Client(addr, cfg)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	for k, v := range objects {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(v)}); err != nil {
			t.Fatalf("PutObject %s: %v", k, err)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}

	metaDir := filepath.Join(cfg.DataDir, "meta")
	code, stdout, stderr := runArgs(t, "meta", "copy", "--from", metaDir, "--to", dbURL)
	if code != 0 || !strings.Contains(stdout, "copied and verified") {
		t.Fatalf("meta copy = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout2, stderr2 := runArgs(t, "meta", "copy", "--from", metaDir, "--to", dbURL)
	if code != 1 || !strings.Contains(stderr2, "--replace") {
		t.Errorf("second meta copy = %d, stderr %q; want 1 and a refusal naming --replace", code, stderr2)
	}
	if code, _, stderr := runArgs(t, "meta", "copy", "--from", t.TempDir(), "--to", dbURL); code != 1 || !strings.Contains(stderr, "no metadata store") {
		t.Errorf("meta copy from an empty directory = %d, %q; want 1 and a refusal", code, stderr)
	}

	// The same data directory (root credentials, master key, blobs)
	// with its metadata in PostgreSQL.
	cfg.Meta = config.MetaURL(dbURL)
	var out, log bytes.Buffer
	addr, stop = startServeLogged(t, cfg, &out, &log)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
		for _, s := range []string{stdout, stderr, stdout2, stderr2, out.String(), log.String()} {
			if strings.Contains(s, fakePassword) {
				t.Errorf("the metadata URL's password was shown:\n%s", s)
			}
		}
	}()
	c = s3Client(addr, cfg)
	for k, v := range objects {
		if got := getBody(t, c, bucket, k); got != v {
			t.Errorf("GetObject %s after the move = %q, want %q", k, got, v)
		}
	}
	if got, want := listKeys(t, c, bucket), []string{"a.txt", "dir/b.txt", "dir/c.bin"}; !slices.Equal(got, want) {
		t.Errorf("ListObjectsV2 after the move = %q, want %q", got, want)
	}

	// Conditional writes decide on PostgreSQL's data.
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a.txt"),
		Body: strings.NewReader("clobber"), IfNoneMatch: aws.String("*")})
	if s3Code(err) != "PreconditionFailed" {
		t.Errorf("PutObject If-None-Match:* on an existing key = %v, want PreconditionFailed", err)
	}
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("new.txt"),
		Body: strings.NewReader("fresh"), IfNoneMatch: aws.String("*")})
	if err != nil {
		t.Fatalf("PutObject If-None-Match:* on a new key: %v", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("new.txt"),
		Body: strings.NewReader("stale"), IfMatch: aws.String(`"0123456789abcdef0123456789abcdef"`)})
	if s3Code(err) != "PreconditionFailed" {
		t.Errorf("PutObject If-Match with a wrong ETag = %v, want PreconditionFailed", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("new.txt"),
		Body: strings.NewReader("second"), IfMatch: put.ETag}); err != nil {
		t.Errorf("PutObject If-Match with the current ETag: %v", err)
	}
	if got := getBody(t, c, bucket, "new.txt"); got != "second" {
		t.Errorf("new.txt = %q, want %q", got, "second")
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("a.txt")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	if got, want := listKeys(t, c, bucket), []string{"dir/b.txt", "dir/c.bin", "new.txt"}; !slices.Equal(got, want) {
		t.Errorf("ListObjectsV2 after writes = %q, want %q", got, want)
	}
	if !strings.Contains(log.String(), "[redacted]") {
		t.Errorf("the start log line does not name the metadata database:\n%s", log.String())
	}
}

// TestServe_notReadyWithoutDatabase: /health/ready answers 503 while the
// metadata database is unreachable, so a load balancer sends requests to
// other nodes.
func TestServe_notReadyWithoutDatabase(t *testing.T) {
	pgtest.Shared(t) // skips, or fails in CI, without PostgreSQL
	srv, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Meta = config.MetaURL(srv.AdminURL())
	addr, stop := startServe(t, cfg, io.Discard)
	defer stop()
	ready := func() int {
		resp, err := http.Get("http://" + addr + "/health/ready")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := ready(); code != http.StatusOK {
		t.Fatalf("/health/ready with the database up = %d, want 200", code)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("/health/ready with the database stopped = %d, want 503", code)
	}
}
