package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// seen is what a backend received.
type seen struct {
	backend    int
	requestURI string
	host       string
	header     http.Header
	body       string
}

// backends starts n test backends that record each request and answer
// "backend N".
func backends(t *testing.T, n int) (addrs []string, got func() []seen) {
	t.Helper()
	var (
		mu  sync.Mutex
		all []seen
	)
	for i := range n {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			all = append(all, seen{backend: i, requestURI: r.RequestURI, host: r.Host, header: r.Header.Clone(), body: string(body)})
			mu.Unlock()
			w.Header().Set("ETag", `"abc"`)
			fmt.Fprintf(w, "backend %d", i)
		}))
		t.Cleanup(srv.Close)
		addrs = append(addrs, srv.Listener.Addr().String())
	}
	return addrs, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), all...)
	}
}

func startBalancer(t *testing.T, addrs []string) (*Balancer, string) {
	t.Helper()
	b, err := New(addrs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv.Listener.Addr().String()
}

func TestBalancer_roundRobin(t *testing.T) {
	addrs, got := backends(t, 3)
	b, lb := startBalancer(t, addrs)
	for i := range 7 {
		resp, err := http.Get("http://" + lb + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("backend %d", i%3); string(body) != want {
			t.Errorf("request %d answered by %q, want %q", i, body, want)
		}
	}
	if n := len(got()); n != 7 {
		t.Errorf("backends saw %d requests, want 7", n)
	}
	want := fmt.Sprintf("%s=3 %s=2 %s=2", addrs[0], addrs[1], addrs[2])
	if c := b.Counts(); c != want {
		t.Errorf("Counts() = %q, want %q", c, want)
	}
}

// TestBalancer_passesRequestThrough sends raw requests, so that the test
// controls every byte of the request line and headers, and checks that the
// backend gets the same request URI, Host, headers and body.
func TestBalancer_passesRequestThrough(t *testing.T) {
	tests := []struct {
		name, uri, host string
	}{
		{"plain", "/bucket/key", "127.0.0.1:9000"},
		{"escaped plus and space", "/bucket/a%2Bb%20c%28copy%29.dat", "127.0.0.1:9000"},
		{"unusual escape of an unreserved byte", "/bucket/%41%7e", "127.0.0.1:9000"},
		{"non-ASCII", "/bucket/%E6%97%A5%E6%9C%AC/%C3%BC", "127.0.0.1:9000"},
		{"raw reserved bytes", "/bucket/a+b=c&d;e:f@g!h*i'j,k$", "127.0.0.1:9000"},
		{"double slash and dot segments", "/bucket//a/./b/../c", "127.0.0.1:9000"},
		{"query", "/bucket?list-type=2&prefix=a%2Fb&delimiter=%2F&encoding-type=url&x=", "127.0.0.1:9000"},
		{"virtual host", "/key?uploads", "bucket.s3.example.com:9000"},
	}
	addrs, got := backends(t, 1)
	_, lb := startBalancer(t, addrs)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "payload " + tt.name
			req := "PUT " + tt.uri + " HTTP/1.1\r\n" +
				"Host: " + tt.host + "\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n" +
				"X-Amz-Date: 20260101T000000Z\r\n" +
				"X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n" +
				"X-Amz-Meta-Mixed: Value  With  Spaces\r\n" +
				"Content-Type: application/octet-stream\r\n" +
				"Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==\r\n" +
				fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
				"\r\n" + body
			resp := rawRequest(t, lb, req)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"abc"` {
				t.Fatalf("status %d, ETag %q; want 200 and the backend's ETag", resp.StatusCode, resp.Header.Get("ETag"))
			}
			all := got()
			if len(all) != i+1 {
				t.Fatalf("backend saw %d requests, want %d", len(all), i+1)
			}
			s := all[i]
			if s.requestURI != tt.uri {
				t.Errorf("request URI %q, want %q", s.requestURI, tt.uri)
			}
			if s.host != tt.host {
				t.Errorf("Host %q, want %q", s.host, tt.host)
			}
			if s.body != body {
				t.Errorf("body %q, want %q", s.body, body)
			}
			for k, v := range map[string]string{
				"Authorization":        "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
				"X-Amz-Date":           "20260101T000000Z",
				"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
				"X-Amz-Meta-Mixed":     "Value  With  Spaces",
				"Content-Type":         "application/octet-stream",
				"Content-Md5":          "1B2M2Y8AsgTpgAmY7PhCfg==",
				"Content-Length":       fmt.Sprint(len(body)),
				"X-Forwarded-For":      "",
				"X-Forwarded-Host":     "",
				"Forwarded":            "",
				"Accept-Encoding":      "",
				"User-Agent":           "",
			} {
				if g := s.header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
		})
	}
}

// rawRequest writes req on a new connection to addr and reads the response.
func rawRequest(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp
}

// TestBalancer_streams: the backend gets the start of a request body
// before the client has sent the rest, and the client gets the start of a
// response before the backend has written the rest; neither is buffered.
func TestBalancer_streams(t *testing.T) {
	firstIn := make(chan string, 1) // what the backend read first
	firstOut := make(chan struct{}) // the client has read the first part
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 5)
		_, err := io.ReadFull(r.Body, buf)
		if err != nil {
			t.Errorf("backend read: %v", err)
		}
		firstIn <- string(buf)
		rest, _ := io.ReadAll(r.Body)
		w.Write([]byte("part1"))
		w.(http.Flusher).Flush()
		select {
		case <-firstOut:
		case <-time.After(10 * time.Second):
			t.Error("the client did not get the first part of the response before the backend wrote the rest")
		}
		w.Write([]byte("part2:" + string(rest)))
	}))
	t.Cleanup(srv.Close)
	_, lb := startBalancer(t, []string{srv.Listener.Addr().String()})

	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPut, "http://"+lb+"/b/k", pr)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		resp *http.Response
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		res <- result{resp, err}
	}()
	if _, err := pw.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-firstIn:
		if got != "hello" {
			t.Errorf("backend read %q first, want %q", got, "hello")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the backend did not get the start of the body before the client finished it")
	}
	pw.Write([]byte(" world"))
	pw.Close()
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.resp.Body.Close()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(r.resp.Body, buf); err != nil || string(buf) != "part1" {
		t.Fatalf("first part of the response %q, %v; want part1", buf, err)
	}
	close(firstOut)
	rest, _ := io.ReadAll(r.resp.Body)
	if string(rest) != "part2: world" {
		t.Errorf("rest of the response %q, want %q", rest, "part2: world")
	}
}

func TestBalancer_backendDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	_, lb := startBalancer(t, []string{dead})
	resp, err := http.Get("http://" + lb + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d with the backend down, want 502", resp.StatusCode)
	}
}

func TestNew_rejects(t *testing.T) {
	for _, in := range [][]string{
		nil,
		{"ftp://127.0.0.1:1"},
		{"http://127.0.0.1:1/prefix"},
		{"http://127.0.0.1:1/?q=1"},
		{"http://"},
		{"127.0.0.1:1", "%zz"},
	} {
		if _, err := New(in); err == nil {
			t.Errorf("New(%q) = nil error, want one", in)
		}
	}
	if _, err := New([]string{"127.0.0.1:1", "http://127.0.0.1:2/", "https://h:3"}); err != nil {
		t.Errorf("New of valid backends: %v", err)
	}
}

// TestBalancer_metadataHeaderCase: user metadata header names reach the
// client in lower case, as the backend wrote them, and the other names in
// the backend's canonical form.
func TestBalancer_metadataHeaderCase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["x-amz-meta-colour"] = []string{"blue"}
		w.Header()["x-amz-meta-owner"] = []string{"e2e"}
		w.Header().Set("X-Amz-Request-Id", "R1")
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("body"))
	}))
	t.Cleanup(srv.Close)
	_, lb := startBalancer(t, []string{srv.Listener.Addr().String()})
	for _, method := range []string{"GET", "HEAD"} {
		c, err := net.Dial("tcp", lb)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, method+" /b/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		raw, _ := io.ReadAll(c)
		c.Close()
		head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
		for _, want := range []string{"\r\nx-amz-meta-colour: blue", "\r\nx-amz-meta-owner: e2e", "\r\nX-Amz-Request-Id: R1", "\r\nContent-Type: text/plain"} {
			if !strings.Contains(head, want) {
				t.Errorf("%s response header block lacks %q:\n%s", method, want[2:], head)
			}
		}
	}
}
