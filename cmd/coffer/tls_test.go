package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/tlsreload"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTLSInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	code, stdout, stderr := runArgs(t, "tls", "init", "-dir", dir, "-name", "localhost", "-name", "s3.test", "-ip", "127.0.0.1")
	if code != 0 {
		t.Fatalf("tls init = %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "--tls-cert "+filepath.Join(dir, "cert.pem")) {
		t.Errorf("tls init output does not show how to start the server:\n%s", stdout)
	}
	for name, want := range map[string]os.FileMode{"ca.pem": 0o644, "ca-key.pem": 0o600, "cert.pem": 0o644, "key.pem": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode %v, want %v", name, got, want)
		}
	}
	ca, leaf := readCert(t, filepath.Join(dir, "ca.pem")), readCert(t, filepath.Join(dir, "cert.pem"))
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"localhost", "s3.test", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("cert.pem does not verify for %s against ca.pem: %v", name, err)
		}
	}

	caBefore, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if code, _, stderr := runArgs(t, "tls", "init", "-dir", dir, "-name", "localhost"); code != 0 {
		t.Fatalf("second tls init = %d, stderr %q", code, stderr)
	}
	caAfter, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if !bytes.Equal(caBefore, caAfter) {
		t.Error("second tls init replaced the CA; clients would stop trusting the server")
	}
	renewed := readCert(t, filepath.Join(dir, "cert.pem"))
	if renewed.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
		t.Error("second tls init did not issue a new certificate")
	}
	if _, err := renewed.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost"}); err != nil {
		t.Errorf("renewed certificate does not verify against the original CA: %v", err)
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")); err != nil {
		t.Errorf("renewed pair does not load: %v", err)
	}
}

func TestTLSInit_usage(t *testing.T) {
	for _, args := range [][]string{{"tls"}, {"tls", "frob"}, {"tls", "init", "-ip", "localhost"}, {"tls", "init", "-days", "0"}} {
		if code, _, _ := runArgs(t, args...); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}

// protoRecorder remembers the protocol of every response, and counts the
// requests sent with Expect: 100-continue and with an aws-chunked trailer.
type protoRecorder struct {
	next             http.RoundTripper
	mu               sync.Mutex
	protos           map[string]int
	expects, chunked int
}

func (p *protoRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	expect := strings.EqualFold(r.Header.Get("Expect"), "100-continue")
	trailer := strings.HasSuffix(r.Header.Get("X-Amz-Content-Sha256"), "-TRAILER")
	resp, err := p.next.RoundTrip(r)
	if err == nil {
		p.mu.Lock()
		p.protos[resp.Proto]++
		if expect {
			p.expects++
		}
		if trailer {
			p.chunked++
		}
		p.mu.Unlock()
	}
	return resp, err
}

// TestServe_TLS runs coffer server with certificates from tls init and
// --require-tls, and drives it with aws-sdk-go-v2 over HTTP/2: a PutObject
// large enough for Expect: 100-continue with the SDK's aws-chunked
// checksum trailer, a multipart upload, a listing; then renews the
// certificate with tls init and waits for new handshakes to see it.
func TestServe_TLS(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runArgs(t, "tls", "init", "-dir", dir, "-ip", "127.0.0.1"); code != 0 {
		t.Fatalf("tls init: %s", stderr)
	}
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "TLSROOTKEY", "tls-root-secret-key"
	cfg.TLSCertFile, cfg.TLSKeyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	cfg.RequireTLS = true
	addr, stop := startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	roots := x509.NewCertPool()
	roots.AddCert(readCert(t, filepath.Join(dir, "ca.pem")))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	rec := &protoRecorder{next: tr, protos: map[string]int{}}
	c := s3.New(s3.Options{BaseEndpoint: aws.String("https://" + addr), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1,
		HTTPClient:                 &http.Client{Transport: rec},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	})
	ctx := t.Context()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tls")}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	// Above the SDK's 2 MiB threshold for Expect: 100-continue.
	body := make([]byte, 3<<20)
	rand.Read(body)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tls"), Key: aws.String("big"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("PutObject over h2: %v", err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tls"), Key: aws.String("big")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(b, body) {
		t.Errorf("GetObject returned %d bytes, not what was put", len(b))
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("tls"), Key: aws.String("mp")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("tls"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("UploadPart: %v", err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("tls"), Key: aws.String("mp"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("tls")})
	if err != nil || len(list.Contents) != 2 {
		t.Fatalf("ListObjectsV2 = %v, %v; want 2 objects", list, err)
	}
	if rec.protos["HTTP/1.1"] != 0 || rec.protos["HTTP/2.0"] == 0 {
		t.Errorf("protocols used: %v, want HTTP/2.0 only", rec.protos)
	}
	if rec.expects == 0 || rec.chunked == 0 {
		t.Errorf("%d requests with Expect: 100-continue and %d with an aws-chunked trailer succeeded; want both > 0",
			rec.expects, rec.chunked)
	}

	// Plain HTTP on the TLS port gets no S3 answer.
	if resp, err := http.Get("http://" + addr + "/tls"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP on the TLS port answered 200")
		}
	}

	// Renew with tls init; the server's reloader polls the files.
	before := readCert(t, cfg.TLSCertFile).SerialNumber
	if code, _, stderr := runArgs(t, "tls", "init", "-dir", dir, "-ip", "127.0.0.1"); code != 0 {
		t.Fatalf("renewing tls init: %s", stderr)
	}
	want := readCert(t, cfg.TLSCertFile).SerialNumber
	deadline := time.Now().Add(5 * tlsreload.DefaultInterval)
	for {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots})
		if err != nil {
			t.Fatalf("handshake during renewal: %v", err)
		}
		serial := conn.ConnectionState().PeerCertificates[0].SerialNumber
		conn.Close()
		if serial.Cmp(want) == 0 {
			break
		}
		if serial.Cmp(before) != 0 || time.Now().After(deadline) {
			t.Fatalf("handshake sees serial %v; want the renewed %v (old %v)", serial, want, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("tls"), Key: aws.String("big")}); err != nil {
		t.Errorf("HeadObject after the renewal: %v", err)
	}
	resp, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{tlsreload.NameExpiry + " ", tlsreload.NameReloads + `{result="success"} 1`, tlsreload.NameReloads + `{result="failure"} 0`} {
		if !strings.Contains(string(m), line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}
