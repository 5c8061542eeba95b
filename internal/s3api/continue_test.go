package s3api

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

// TestExpectContinueEmptyBody sends an empty PUT with Expect: 100-continue
// over a real connection and checks that 100 Continue precedes the final
// response, then that the connection still serves a second request.
func TestExpectContinueEmptyBody(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{info: object.ObjectInfo{ETag: "d41d8cd98f00b204e9800998ecf8427e"}})
	srv := httptest.NewServer(env.h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i := range 2 {
		if _, err := conn.Write([]byte("PUT /b/empty HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, "HTTP/1.1 100") {
			t.Fatalf("request %d: first status line = %q, want 100 Continue", i, line)
		}
		if blank, _ := br.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("request %d: 100 Continue followed by %q", i, blank)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: final status = %d, want 200", i, resp.StatusCode)
		}
	}
}
