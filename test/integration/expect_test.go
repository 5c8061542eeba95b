package integration_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestPutObject_expectContinueEmptyBody sends presigned PUTs of an empty
// body with Expect: 100-continue on one kept-alive connection, the way
// botocore uploads an empty file. S3 answers 100 Continue before the final
// response; without it botocore misreads the next response on the
// connection.
func TestPutObject_expectContinueEmptyBody(t *testing.T) {
	e := newEnv(t)
	conn, err := net.Dial("tcp", e.srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	for i := range 2 {
		key := fmt.Sprintf("empty-%d", i)
		put, err := s3.NewPresignClient(e.s3).PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(put.URL)
		fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n", u.RequestURI(), u.Host)
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, "HTTP/1.1 100") {
			t.Errorf("request %d: first status line %q, want 100 Continue", i, strings.TrimSpace(line))
		} else {
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					t.Fatal(err)
				}
				if l == "\r\n" {
					break
				}
			}
		}
		var resp *http.Response
		if strings.HasPrefix(line, "HTTP/1.1 100") {
			resp, err = http.ReadResponse(br, nil)
		} else {
			resp, err = http.ReadResponse(bufio.NewReader(strings.NewReader(line+readHeaderBlock(t, br))), nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: final status %d, want 200", i, resp.StatusCode)
		}
	}
	for i := range 2 {
		if got := e.getBody(t, fmt.Sprintf("empty-%d", i)); len(got) != 0 {
			t.Errorf("empty-%d holds %d bytes", i, len(got))
		}
	}
}

// readHeaderBlock reads header lines up to and including the blank line.
func readHeaderBlock(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	var sb strings.Builder
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(l)
		if l == "\r\n" {
			return sb.String()
		}
	}
}
