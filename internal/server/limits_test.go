package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coffer-s3/coffer/internal/metrics"
)

// withLimits sets the connection and upload limits and records the limit
// metrics in m (read directly: a /metrics request would need a
// connection of its own).
func withLimits(t *testing.T, m **metrics.Limits, conns, uploads int) func(*Options) {
	return func(o *Options) {
		o.Config.MaxConnections = conns
		o.Config.MaxInflightUploads = uploads
		var err error
		if *m, err = metrics.NewLimits(o.Registry.(*prometheus.Registry)); err != nil {
			t.Fatal(err)
		}
		o.Limits = *m
		o.Overloaded = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "SlowDown")
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	for _, tt := range []struct {
		conns, uploads int
		nofile         uint64
		wantC, wantU   int
	}{
		{0, 0, 1024, 256, 128},
		{0, 0, 1 << 20, (1<<20 - 256) / 3, (1<<20 - 256) / 6},
		{0, 0, 100, 16, 8},
		{0, 0, 0, 1 << 20 / 3, 1 << 20 / 6},
		{10, 0, 1024, 10, 5},
		{10, 3, 1024, 10, 3},
	} {
		c, u := defaultLimits(tt.conns, tt.uploads, tt.nofile)
		if c != tt.wantC || u != tt.wantU {
			t.Errorf("defaultLimits(%d, %d, %d) = %d, %d; want %d, %d", tt.conns, tt.uploads, tt.nofile, c, u, tt.wantC, tt.wantU)
		}
	}
}

// TestConnectionLimit holds the limit's connections open, idle: the next
// connection is answered 503 and closed, connections past the overflow
// are closed unanswered, and once the held ones close a client is served
// again.
func TestConnectionLimit(t *testing.T) {
	const limit = 2
	var m *metrics.Limits
	ts := start(t, s3Stub, withLimits(t, &m, limit, 0))
	addr := ts.Addr().String()
	var held []net.Conn
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		return c
	}
	for range limit {
		dial()
	}
	waitFor(t, func() bool { return testutil.ToFloat64(m.Connections) == limit }, "two connections counted")

	over := dial()
	if _, err := io.WriteString(over, "GET /b/k HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if code, body := readResponse(t, over); code != http.StatusServiceUnavailable || body != "SlowDown" {
		t.Fatalf("past the limit: %d %q, want 503 SlowDown", code, body)
	}
	// The answered one was closed after its answer; fill the overflow.
	waitFor(t, func() bool { return testutil.ToFloat64(m.Connections) == limit }, "the answered connection closed")
	for range overflow(limit) {
		dial()
	}
	// Past the overflow: closed before anything is read.
	beyond := dial()
	_ = beyond.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := beyond.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection past the overflow: read %d bytes, %v; want it closed", n, err)
	}
	for _, c := range held {
		c.Close()
	}
	waitFor(t, func() bool { return testutil.ToFloat64(m.Connections) == 0 }, "connections released")
	if code, body, _ := get(t, ts.url+"/b/k", nil); code != http.StatusOK || body != "s3" {
		t.Errorf("after the held connections closed: %d %q, want 200", code, body)
	}
	// The keep-alive connection of that GET now holds one of the two
	// slots; /metrics takes the other.
	for name, want := range map[string]string{"coffer_connections_limit": "2", "coffer_inflight_uploads_limit": "1"} {
		if got := metricValue(t, ts, name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if got := metricValue(t, ts, "coffer_connections_rejected_total"); got == "0" || got == "" {
		t.Errorf("coffer_connections_rejected_total = %q, want > 0", got)
	}
}

// TestUploadLimit holds one upload in the handler: a second is answered
// 503 while a GET is still served, and uploads are served again after.
func TestUploadLimit(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/b/held" {
			once.Do(func() { close(entered) })
			<-release
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "s3")
	})
	var m *metrics.Limits
	ts := start(t, h, withLimits(t, &m, 0, 1))
	put := func(key string) (int, string) {
		req, err := http.NewRequest(http.MethodPut, ts.url+"/b/"+key, strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		code, body, _ := do(t, req)
		return code, body
	}
	heldDone := make(chan int)
	go func() {
		code, _ := put("held")
		heldDone <- code
	}()
	<-entered
	if code, body := put("second"); code != http.StatusServiceUnavailable || body != "SlowDown" {
		t.Errorf("second upload: %d %q, want 503 SlowDown", code, body)
	}
	if got := testutil.ToFloat64(m.Uploads); got != 1 {
		t.Errorf("coffer_inflight_uploads = %v while one upload is held, want 1", got)
	}
	if code, _, _ := get(t, ts.url+"/b/k", nil); code != http.StatusOK {
		t.Errorf("GET while the upload limit is reached: %d, want 200", code)
	}
	close(release)
	if code := <-heldDone; code != http.StatusOK {
		t.Errorf("held upload: %d", code)
	}
	if code, _ := put("third"); code != http.StatusOK {
		t.Errorf("upload after the held one finished: %d, want 200", code)
	}
	if got := metricValue(t, ts, "coffer_uploads_rejected_total"); got != "1" {
		t.Errorf("coffer_uploads_rejected_total = %s, want 1", got)
	}
}

// metricValue returns the value of the unlabelled metric name from
// /metrics, or "".
func metricValue(t *testing.T, ts *testServer, name string) string {
	t.Helper()
	_, body, _ := get(t, ts.url+PathMetrics, nil)
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return fmt.Sprintf("<%s missing>", name)
}

// TestDownloadLimit holds one GET in the handler with a download limit of
// 1: the next GET is answered 503 SlowDown, while an upload and a health
// probe still get through; once the held GET ends, GETs are served again.
func TestDownloadLimit(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/b/held" {
			once.Do(func() { close(entered) })
			<-release
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "s3")
	})
	var m *metrics.Limits
	limits := withLimits(t, &m, 0, 0)
	ts := start(t, h, func(o *Options) {
		limits(o)
		o.Config.MaxInflightDownloads = 1
	})
	if got := testutil.ToFloat64(m.DownloadsLimit); got != 1 {
		t.Errorf("coffer_inflight_downloads_limit = %v, want 1", got)
	}
	heldDone := make(chan int)
	go func() {
		code, _, _ := get(t, ts.url+"/b/held", nil)
		heldDone <- code
	}()
	<-entered
	if code, body, _ := get(t, ts.url+"/b/second", nil); code != http.StatusServiceUnavailable || body != "SlowDown" {
		t.Errorf("second GET: %d %q, want 503 SlowDown", code, body)
	}
	if got := testutil.ToFloat64(m.Downloads); got != 1 {
		t.Errorf("coffer_inflight_downloads = %v while one GET is held, want 1", got)
	}
	req, err := http.NewRequest(http.MethodPut, ts.url+"/b/k", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := do(t, req); code != http.StatusOK {
		t.Errorf("PUT while the download limit is reached: %d, want 200", code)
	}
	if code, _, _ := get(t, ts.url+PathLive, nil); code != http.StatusOK {
		t.Errorf("%s while the download limit is reached: %d, want 200", PathLive, code)
	}
	close(release)
	if code := <-heldDone; code != http.StatusOK {
		t.Errorf("held GET: %d", code)
	}
	if code, _, _ := get(t, ts.url+"/b/third", nil); code != http.StatusOK {
		t.Errorf("GET after the held one finished: %d, want 200", code)
	}
	if got := metricValue(t, ts, "coffer_downloads_rejected_total"); got != "1" {
		t.Errorf("coffer_downloads_rejected_total = %s, want 1", got)
	}
}

// TestDownloadLimit_default: without --max-inflight-downloads the limit
// equals the connection limit, so over HTTP/1.1 it never turns a request
// away that the connection limit let in.
func TestDownloadLimit_default(t *testing.T) {
	var m *metrics.Limits
	start(t, s3Stub, withLimits(t, &m, 10, 0))
	if got := testutil.ToFloat64(m.DownloadsLimit); got != 10 {
		t.Errorf("coffer_inflight_downloads_limit = %v with --max-connections 10, want 10", got)
	}
}
