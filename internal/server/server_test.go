package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/reqid"
)

// lockedBuffer is a log destination safe for concurrent writes and reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type testServer struct {
	*Server
	url  string
	logs *lockedBuffer
}

// start runs a Server on 127.0.0.1:0 with h as the S3 handler. The caller
// may shut it down; otherwise cleanup does.
func start(t *testing.T, h http.Handler, mod func(*Options)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.ShutdownTimeout = 10 * time.Second
	cfg.Domains = []string{"s3.test"}
	reg := prometheus.NewRegistry()
	m, err := metrics.NewS3(reg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	opts := Options{
		Config:   cfg,
		Handler:  h,
		Registry: reg,
		Metrics:  m,
		Logger:   slog.New(reqid.NewHandler(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.Serve() }()
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-serveErr; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testServer{Server: s, url: "http://" + s.Addr().String(), logs: logs}
}

// s3Stub answers every request with "s3" and the request id it saw.
var s3Stub = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Seen-Request-Id", reqid.From(r.Context()))
	_, _ = io.WriteString(w, "s3")
})

func do(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func get(t *testing.T, url string, mod func(*http.Request)) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(req)
	}
	return do(t, req)
}

func TestNew_invalidOptions(t *testing.T) {
	good := Options{Config: config.Default(), Handler: s3Stub, Registry: prometheus.NewRegistry()}
	tests := []struct {
		name string
		mod  func(*Options)
	}{
		{"nil handler", func(o *Options) { o.Handler = nil }},
		{"nil registry", func(o *Options) { o.Registry = nil }},
		{"invalid config", func(o *Options) { o.Config.Address = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.mod(&o)
			if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("New() error = %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	ts := start(t, s3Stub, nil)
	// One S3 request first, so that /metrics has something to show.
	if code, body, _ := get(t, ts.url+"/bucket/key", nil); code != 200 || body != "s3" {
		t.Fatalf("GET /bucket/key = %d %q, want 200 s3", code, body)
	}
	tests := []struct {
		name     string
		path     string
		mod      func(*http.Request)
		wantCode int
		wantBody string // substring
	}{
		{"live", PathLive, nil, 200, "ok"},
		{"ready", PathReady, nil, 200, "ok"},
		{"metrics", PathMetrics, nil, 200, metrics.NameInflight},
		{"object path", "/health/other", nil, 200, "s3"},
		{"signed metrics is ListObjects", PathMetrics, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request")
		}, 200, "s3"},
		{"presigned health is GetObject", PathLive + "?X-Amz-Signature=abc", nil, 200, "s3"},
		{"virtual-hosted bucket key", PathMetrics, func(r *http.Request) { r.Host = "photos.s3.test" }, 200, "s3"},
		{"path-style host on domain", PathLive, func(r *http.Request) { r.Host = "s3.test" }, 200, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := get(t, ts.url+tt.path, tt.mod)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s = %d %.200q, want %d containing %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
			if id := h.Get(HeaderRequestID); len(id) != 16 {
				t.Errorf("GET %s: %s = %q, want a 16-character id", tt.path, HeaderRequestID, id)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	ts := start(t, s3Stub, nil)
	_, _, h1 := get(t, ts.url+"/b/k", nil)
	_, _, h2 := get(t, ts.url+"/b/k", nil)
	id1, id2 := h1.Get(HeaderRequestID), h2.Get(HeaderRequestID)
	if id1 == "" || id1 == id2 {
		t.Errorf("request ids %q and %q: want distinct non-empty ids", id1, id2)
	}
	if seen := h1.Get("X-Seen-Request-Id"); seen != id1 {
		t.Errorf("handler saw request id %q in its context, header says %q", seen, id1)
	}
}

func TestReady_notReady(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	ts := start(t, s3Stub, func(o *Options) {
		o.Ready = func() error {
			if failing.Load() {
				return errors.New("meta store closed")
			}
			return nil
		}
	})
	for range 3 {
		if code, _, _ := get(t, ts.url+PathReady, nil); code != http.StatusServiceUnavailable {
			t.Errorf("GET %s = %d, want 503", PathReady, code)
		}
	}
	// The loss of readiness is logged once, not at every probe.
	if n := strings.Count(ts.logs.String(), "not ready"); n != 1 {
		t.Errorf("logged \"not ready\" %d times for 3 probes, want once", n)
	}
	failing.Store(false)
	if code, _, _ := get(t, ts.url+PathReady, nil); code != http.StatusOK {
		t.Errorf("GET %s after recovery = %d, want 200", PathReady, code)
	}
	if !strings.Contains(ts.logs.String(), "ready again") {
		t.Error("the return to readiness was not logged")
	}
	if code, _, _ := get(t, ts.url+PathLive, nil); code != http.StatusOK {
		t.Errorf("GET %s = %d, want 200", PathLive, code)
	}
}

func TestReady_draining(t *testing.T) {
	// Once shutdown begins the listener is closed, so drive the handler
	// directly to observe the 503 a keep-alive probe would get.
	ts := start(t, s3Stub, nil)
	ts.draining.Store(true)
	defer ts.draining.Store(false)
	req, _ := http.NewRequest(http.MethodGet, PathReady, nil)
	rec := &recorder{header: http.Header{}}
	ts.http.Handler.ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable {
		t.Errorf("ready while draining = %d, want 503", rec.code)
	}
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(c int) {
	if r.code == 0 {
		r.code = c
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return r.body.Write(p)
}

func TestAccessLog_noQueryString(t *testing.T) {
	ts := start(t, s3Stub, nil)
	get(t, ts.url+"/bucket/key?X-Amz-Credential=AK&X-Amz-Signature=topsecretsig", nil)
	if err := ts.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "path=/bucket/key") || !strings.Contains(logs, "status=200") {
		t.Errorf("no access line for /bucket/key in logs:\n%s", logs)
	}
	if !strings.Contains(logs, "request_id=") {
		t.Errorf("access line has no request_id:\n%s", logs)
	}
	if strings.Contains(logs, "topsecretsig") {
		t.Errorf("logs contain the presigned signature:\n%s", logs)
	}
}

// TestShutdown_finishesInFlight starts a request whose body arrives only
// after Shutdown was called, and checks that the request completes and
// Shutdown waits for it.
func TestShutdown_finishesInFlight(t *testing.T) {
	entered := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, _ = w.Write(b)
	})
	ts := start(t, h, nil)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPut, ts.url+"/b/k", pr)
	type result struct {
		code int
		body string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{resp.StatusCode, string(b), err}
	}()
	if _, err := pw.Write([]byte("first ")); err != nil {
		t.Fatal(err)
	}
	<-entered

	shutdownErr := make(chan error, 1)
	go func() { shutdownErr <- ts.Shutdown(context.Background()) }()
	// Shutdown has begun once the listener refuses new connections.
	for {
		c, err := net.Dial("tcp", ts.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		runtimeYield()
	}
	select {
	case err := <-shutdownErr:
		t.Fatalf("Shutdown returned %v while a request was in flight", err)
	default:
	}
	if _, err := pw.Write([]byte("second")); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	res := <-resc
	if res.err != nil || res.code != 200 || res.body != "first second" {
		t.Errorf("in-flight PUT = %d %q %v, want 200 %q", res.code, res.body, res.err, "first second")
	}
	if err := <-shutdownErr; err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
}

func TestShutdown_timeout(t *testing.T) {
	entered := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		_, _ = io.Copy(io.Discard, r.Body) // ends when the connection is closed
	})
	ts := start(t, h, func(o *Options) { o.Config.ShutdownTimeout = 50 * time.Millisecond })
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPut, ts.url+"/b/k", pr)
	clientDone := make(chan struct{})
	go func() {
		defer close(clientDone)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	if _, err := pw.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	<-entered
	err := ts.Shutdown(context.Background())
	if err == nil || errors.Is(err, ErrHandlersRunning) {
		t.Errorf("Shutdown with a stuck upload = %v, want a timeout error with handlers finished", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown error %v does not wrap context.DeadlineExceeded", err)
	}
	pw.Close()
	<-clientDone
}

func TestRun_stopsOnCancel(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	s, err := New(Options{Config: cfg, Handler: s3Stub, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	if code, _, _ := get(t, "http://"+s.Addr().String()+PathLive, nil); code != 200 {
		t.Fatalf("live = %d, want 200", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
}

func TestServe_notStarted(t *testing.T) {
	s, err := New(Options{Config: config.Default(), Handler: s3Stub, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(); !errors.Is(err, ErrNotStarted) {
		t.Errorf("Serve before Start = %v, want ErrNotStarted", err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown before Start = %v, want nil", err)
	}
}

func TestStart_givenListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := start(t, s3Stub, func(o *Options) { o.Listener = ln })
	if got := ts.Addr().String(); got != ln.Addr().String() {
		t.Errorf("Addr() = %s, want the given listener's %s", got, ln.Addr())
	}
	if code, _, _ := get(t, ts.url+PathLive, nil); code != 200 {
		t.Errorf("live on the given listener = %d, want 200", code)
	}
}

// TestRequestID_notOnInterimResponse checks that a handler's "100 Continue"
// goes out without headers and the final response carries the request id.
func TestRequestID_notOnInterimResponse(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusContinue)
		w.WriteHeader(http.StatusOK)
	})
	ts := start(t, h, nil)
	conn, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var interim []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
		interim = append(interim, strings.TrimSpace(line))
	}
	if len(interim) != 1 || !strings.HasPrefix(interim[0], "HTTP/1.1 100") {
		t.Errorf("interim response = %q, want a bare 100 Continue", interim)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(resp.Header.Get(HeaderRequestID)) != 16 {
		t.Errorf("final response %d with request id %q, want 200 and an id", resp.StatusCode, resp.Header.Get(HeaderRequestID))
	}
}
