package server

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// paceConfig sets tiny pacing limits so that tests take milliseconds.
func paceConfig(idle time.Duration, rate int64) func(*Options) {
	return func(o *Options) {
		o.Config.BodyIdleTimeout = idle
		o.Config.MinBodyRate = rate
	}
}

// drainHandler reads the whole body and answers 200 "ok", or 400
// "RequestTimeout" when the body was cut by its pacing.
var drainHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "RequestTimeout")
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		_, _ = fmt.Fprintf(w, "ok %d", n)
	}
})

// rawRequest opens a connection to addr and writes head; the caller
// writes the body.
func rawRequest(t *testing.T, addr, head string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	return c
}

// readResponse reads one response from c, failing after a generous bound.
func readResponse(t *testing.T, c net.Conn) (int, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPacedBody_stalledIsCut(t *testing.T) {
	ts := start(t, drainHandler, paceConfig(100*time.Millisecond, 0))
	c := rawRequest(t, ts.Addr().String(), "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
	if code, body := readResponse(t, c); code != http.StatusBadRequest || body != "RequestTimeout" {
		t.Fatalf("stalled body: %d %q, want 400 RequestTimeout", code, body)
	}
	// The server keeps serving.
	if code, body, _ := get(t, ts.url+"/b/k", nil); code != http.StatusOK || body != "ok 0" {
		t.Errorf("GET after a cut upload = %d %q", code, body)
	}
}

func TestPacedBody_trickleBelowRateIsCut(t *testing.T) {
	ts := start(t, drainHandler, paceConfig(100*time.Millisecond, 10_000))
	c := rawRequest(t, ts.Addr().String(), "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 { // a byte every 10 ms: 100 B/s, well under 10 kB/s
			if _, err := c.Write([]byte{'x'}); err != nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	if code, body := readResponse(t, c); code != http.StatusBadRequest || body != "RequestTimeout" {
		t.Fatalf("trickled body: %d %q, want 400 RequestTimeout", code, body)
	}
	c.Close()
	<-done
}

func TestPacedBody_slowSteadyCompletes(t *testing.T) {
	// 1 KiB every 5 ms (about 200 KiB/s) against a 20 kB/s minimum, with
	// an idle timeout far above the gaps.
	ts := start(t, drainHandler, paceConfig(time.Second, 20_000))
	const chunks = 100
	c := rawRequest(t, ts.Addr().String(), fmt.Sprintf("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", chunks<<10))
	go func() {
		for range chunks {
			if _, err := c.Write(make([]byte, 1<<10)); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	if code, body := readResponse(t, c); code != http.StatusOK || body != fmt.Sprintf("ok %d", chunks<<10) {
		t.Fatalf("slow steady body: %d %q, want 200", code, body)
	}
}

func TestPacedBody_HTTP2StalledIsCut(t *testing.T) {
	f := startTLS(t, drainHandler, paceConfig(100*time.Millisecond, 0))
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte("0123456789")) }() // then nothing
	req, err := http.NewRequest(http.MethodPut, f.url+"/b/k", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 1000
	resp, err := f.client(false, true).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusBadRequest || string(b) != "RequestTimeout" {
		t.Fatalf("HTTP/%d stalled body: %d %q, want HTTP/2 400 RequestTimeout", resp.ProtoMajor, resp.StatusCode, b)
	}
}

// sparseFile returns a file of n bytes that takes no disk space.
func sparseFile(t *testing.T, n int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, n); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPacedWriter_stalledReaderIsCut sends a response far larger than the
// socket buffers to a client that never reads: the handler's write must
// fail within the idle timeout, by Write and by ReadFrom (sendfile).
func TestPacedWriter_stalledReaderIsCut(t *testing.T) {
	const size = 256 << 20
	path := sparseFile(t, size)
	for _, tt := range []struct {
		name string
		h2   bool
		send func(w http.ResponseWriter) error
	}{
		{"Write", false, func(w http.ResponseWriter) error {
			buf := make([]byte, 256<<10)
			for range size / len(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
			return nil
		}},
		{"ReadFrom", false, func(w http.ResponseWriter) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = w.(io.ReaderFrom).ReadFrom(&io.LimitedReader{R: f, N: size})
			return err
		}},
		{"HTTP2", true, func(w http.ResponseWriter) error {
			buf := make([]byte, 256<<10)
			for range size / len(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			result := make(chan error, 1)
			h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(size))
				result <- tt.send(w)
			})
			if tt.h2 {
				// The transport buffers at most a stream's flow-control
				// window of a body nobody reads; then the server blocks.
				f := startTLS(t, h, paceConfig(100*time.Millisecond, 0))
				tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: f.roots}, ForceAttemptHTTP2: true}
				t.Cleanup(tr.CloseIdleConnections)
				resp, err := (&http.Client{Transport: tr}).Get(f.url + "/b/big")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { resp.Body.Close() })
				if resp.ProtoMajor != 2 {
					t.Fatalf("got HTTP/%d, want 2", resp.ProtoMajor)
				}
			} else {
				ts := start(t, h, paceConfig(100*time.Millisecond, 0))
				rawRequest(t, ts.Addr().String(), "GET /b/big HTTP/1.1\r\nHost: x\r\n\r\n") // never read
			}
			select {
			case err := <-result:
				if err == nil {
					t.Fatal("the whole response was written to a client that reads nothing")
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the write to a stalled reader was not cut")
			}
		})
	}
}

// TestPacedBody_unreadBodyIsBounded: a handler that answers without
// reading the body (a refusal) leaves net/http to discard it after the
// handler; a client that then stalls is still cut, so the connection
// closes rather than wait for ever.
func TestPacedBody_unreadBodyIsBounded(t *testing.T) {
	refuse := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	})
	ts := start(t, refuse, paceConfig(100*time.Millisecond, 0))
	c := rawRequest(t, ts.Addr().String(), "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
	// The server closes the connection once its discard times out.
	if n, err := br.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("after the refusal: read %d bytes, %v; want the connection closed", n, err)
	}
}

func TestPacer_chunkSize(t *testing.T) {
	for _, tt := range []struct {
		idle     time.Duration
		minRate  int64
		lastRate float64
		want     int64
	}{
		{30 * time.Second, 4096, 0, 61440},
		{30 * time.Second, 0, 0, minChunk},
		{30 * time.Second, 4096, 20 << 10, 76800},     // 20 KiB/s reader: 30 s / 8 of it
		{30 * time.Second, 4096, 100 << 20, maxChunk}, // fast reader: capped
		{100 * time.Millisecond, 1 << 30, 0, maxChunk},
	} {
		p := pacer{idle: tt.idle, minRate: tt.minRate, lastRate: tt.lastRate}
		if got := p.chunkSize(); got != tt.want {
			t.Errorf("chunkSize(idle %v, min %d, last %v) = %d, want %d", tt.idle, tt.minRate, tt.lastRate, got, tt.want)
		}
	}
}

// TestPacer_rate drives a pacer with a fake clock: a window of waiting
// that moved less than the minimum rate fails, one that moved enough
// starts a new window.
func TestPacer_rate(t *testing.T) {
	now := time.Unix(0, 0)
	var deadlines []time.Time
	p := pacer{idle: 10 * time.Second, minRate: 100, now: func() time.Time { return now },
		set: func(d time.Time) error { deadlines = append(deadlines, d); return nil }}
	step := func(wait time.Duration, n int) error {
		start := p.begin()
		now = now.Add(wait)
		return p.end(start, n)
	}
	if err := step(5*time.Second, 600); err != nil {
		t.Fatalf("half a window: %v", err)
	}
	if err := step(5*time.Second, 500); err != nil { // 1100 B in 10 s: above 100 B/s
		t.Fatalf("a window at 110 B/s: %v", err)
	}
	if err := step(9*time.Second, 10); err != nil {
		t.Fatalf("part of a new window: %v", err)
	}
	if err := step(time.Second, 10); !errors.Is(err, os.ErrDeadlineExceeded) { // 20 B in 10 s
		t.Fatalf("a window at 2 B/s: %v, want a deadline error", err)
	}
	if last := deadlines[len(deadlines)-1]; !last.Before(now) {
		t.Errorf("after a slow window the deadline is %v, want in the past of %v", last, now)
	}
	if len(deadlines) < 4 {
		t.Errorf("deadline moved %d times over four operations seconds apart, want each time", len(deadlines))
	}
}

// TestPaced_keepAliveAfterIdle: the write deadline a request leaves on an
// HTTP/1.1 connection must not fail the next request on it, which comes
// after the deadline passed, including net/http's own 100 Continue.
func TestPaced_keepAliveAfterIdle(t *testing.T) {
	const idle = 50 * time.Millisecond
	ts := start(t, drainHandler, paceConfig(idle, 0))
	c := rawRequest(t, ts.Addr().String(), "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	time.Sleep(5 * idle) // the connection idles past the deadline the first request left
	if _, err := io.WriteString(c, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("second request: %v, %v; want 100 Continue", resp, err)
	}
	if _, err := io.WriteString(c, "abc"); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("second request's answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "ok 3" {
		t.Errorf("second request: %d %q, want 200 ok 3", resp.StatusCode, b)
	}
}
