package integration_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// withPacing gives the server a tiny body idle timeout, so that stalled
// transfers are cut in milliseconds.
func withPacing(idle time.Duration) coffertest.Option {
	return coffertest.WithConfig(func(c *config.Config) { c.BodyIdleTimeout = idle })
}

// presignedPut returns the request URI and host of a presigned PutObject,
// which a raw connection can send with any body framing.
func (e *env) presignedPut(t *testing.T, key string) (uri, host string) {
	t.Helper()
	p, err := s3.NewPresignClient(e.s3).PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI(), u.Host
}

// rawConn dials the server; every read and write fails after a generous
// bound rather than hang the test.
func rawConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

func readRaw(t *testing.T, c net.Conn) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// tempFiles counts the blob store's temporary files.
func tempFiles(t *testing.T, srv *coffertest.Server) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(srv.DataDir, "blobs", "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// waitUntil polls cond for up to ten seconds.
func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSlowClient_stalledUploadIsCut sends part of a PUT's declared body and
// then nothing: the server answers 400 RequestTimeout, leaves no temporary
// file and no object, and keeps serving.
func TestSlowClient_stalledUploadIsCut(t *testing.T) {
	e := newEnv(t, withPacing(200*time.Millisecond))
	uri, host := e.presignedPut(t, "stalled")
	c := rawConn(t, e.srv.Addr)
	fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n", uri, host, 8<<20)
	if _, err := c.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	resp, body := readRaw(t, c)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<Code>RequestTimeout</Code>") ||
		!strings.Contains(body, "Your socket connection to the server was not read from or written to within the timeout period.") {
		t.Fatalf("stalled upload: %d %s; want 400 RequestTimeout", resp.StatusCode, body)
	}
	if n := tempFiles(t, e.srv); n != 0 {
		t.Errorf("%d temporary files left by the cut upload", n)
	}
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("stalled")})
	wantCode(t, "HeadObject of the cut upload", err, "NotFound", http.StatusNotFound)
	e.put(t, "after", []byte("still serving"))
	if got := e.getBody(t, "after"); string(got) != "still serving" {
		t.Errorf("GetObject after a cut upload = %q", got)
	}
	if got := metricValue(t, e.srv.Registry, "coffer_body_timeouts_total", "read"); got != 1 {
		t.Errorf("coffer_body_timeouts_total{direction=read} = %v, want 1", got)
	}
}

// TestSlowClient_stalledReaderIsCut GETs an object far larger than the
// socket buffers and never reads it: the server cuts the response, its
// handler returns, and once the client goes its goroutines and
// descriptors are back to where they were.
func TestSlowClient_stalledReaderIsCut(t *testing.T) {
	e := newEnv(t, withPacing(200*time.Millisecond))
	e.put(t, "big", bytes.Repeat([]byte("coffer! "), 4<<20)) // 32 MiB
	get, err := s3.NewPresignClient(e.s3).PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(get.URL)
	http.DefaultClient.CloseIdleConnections()
	goroutines, fds := runtime.NumGoroutine(), openFiles(t)

	c := rawConn(t, e.srv.Addr)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
	// Read nothing. The handler is done when the in-flight gauge is back
	// to 0 while the client still holds its connection.
	waitUntil(t, func() bool { return metricValue(t, e.srv.Registry, "coffer_body_timeouts_total", "write") == 1 }, "the response to be cut")
	waitUntil(t, func() bool { return metricValue(t, e.srv.Registry, "coffer_s3_inflight_requests", "") == 0 }, "the GET handler to return")
	c.Close()
	waitUntil(t, func() bool { return runtime.NumGoroutine() <= goroutines && openFiles(t) <= fds },
		fmt.Sprintf("goroutines (%d) and descriptors (%d) back to baseline", goroutines, fds))
}

// openFiles counts this process's open descriptors (Linux), or 0.
func openFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(entries)
}

// metricValue returns the value of a counter or gauge, the one whose first
// label has value label ("" for none), or -1 if absent.
func metricValue(t *testing.T, reg prometheus.Gatherer, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != label) {
				continue
			}
			if g := m.GetGauge(); g != nil {
				return g.GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// TestPutObject_lengthRequired sends PUTs framed in ways S3 refuses,
// over raw connections: no Content-Length and no body framing is 411
// MissingContentLength; a chunked body that is not aws-chunked is 501
// NotImplemented naming Transfer-Encoding, as S3 answers it; nothing is
// stored. A malformed Content-Length is refused by net/http itself,
// before coffer sees the request, with a plain 400 and the connection
// closed (AWS also answers 400 without an S3 error code).
func TestPutObject_lengthRequired(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name, framing, body string
		wantStatus          int
		wantBody            string
	}{
		{"no length", "", "", http.StatusLengthRequired, "<Code>MissingContentLength</Code>"},
		{"chunked", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n", http.StatusNotImplemented, "<Header>Transfer-Encoding</Header>"},
		{"negative", "Content-Length: -1\r\n", "", http.StatusBadRequest, "Bad Request"},
		{"not a number", "Content-Length: ten\r\n", "", http.StatusBadRequest, "Bad Request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := "framing-" + strings.ReplaceAll(tt.name, " ", "-")
			uri, host := e.presignedPut(t, key)
			c := rawConn(t, e.srv.Addr)
			fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n%s", uri, host, tt.framing, tt.body)
			resp, body := readRaw(t, c)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Errorf("%d %q; want %d with %q", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
			wantCode(t, "HeadObject", err, "NotFound", http.StatusNotFound)
		})
	}
	// An explicit empty body is still an empty object.
	uri, host := e.presignedPut(t, "empty")
	c := rawConn(t, e.srv.Addr)
	fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n", uri, host)
	if resp, body := readRaw(t, c); resp.StatusCode != http.StatusOK {
		t.Errorf("PUT with Content-Length: 0 = %d %s, want 200", resp.StatusCode, body)
	}
}

// TestUploadPart_lengthRequired: UploadPart without a length is 411 too.
func TestUploadPart_lengthRequired(t *testing.T) {
	e := newEnv(t)
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s3.NewPresignClient(e.s3).PresignUploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: up.UploadId, PartNumber: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(p.URL)
	c := rawConn(t, e.srv.Addr)
	fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
	if resp, body := readRaw(t, c); resp.StatusCode != http.StatusLengthRequired || !strings.Contains(body, "<Code>MissingContentLength</Code>") {
		t.Errorf("UploadPart without a length: %d %s; want 411 MissingContentLength", resp.StatusCode, body)
	}
	parts, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: up.UploadId})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts.Parts) != 0 {
		t.Errorf("ListParts after the refused part: %d parts, want none", len(parts.Parts))
	}
}
