package bench

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func page(truncated bool, token string, keys ...string) *s3.ListObjectsV2Output {
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(truncated)}
	if token != "" {
		out.NextContinuationToken = aws.String(token)
	}
	for _, k := range keys {
		out.Contents = append(out.Contents, types.Object{Key: aws.String(k)})
	}
	return out
}

func TestCheckPage(t *testing.T) {
	tests := []struct {
		name  string
		pages []*s3.ListObjectsV2Output
		ok    bool
	}{
		{"whole walk", []*s3.ListObjectsV2Output{page(true, "t", "p/a", "p/b"), page(false, "", "p/c")}, true},
		{"key repeated across pages", []*s3.ListObjectsV2Output{page(true, "t", "p/a", "p/b"), page(false, "", "p/b")}, false},
		{"keys out of order", []*s3.ListObjectsV2Output{page(false, "", "p/b", "p/a", "p/c")}, false},
		{"key outside the prefix", []*s3.ListObjectsV2Output{page(false, "", "p/a", "p/b", "q/c")}, false},
		{"walk ends short", []*s3.ListObjectsV2Output{page(true, "t", "p/a"), page(false, "", "p/b")}, false},
		{"truncated without a token", []*s3.ListObjectsV2Output{page(true, "", "p/a", "p/b", "p/c")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &worker{b: &bench{prefix: "p/", preloaded: 3}}
			var err error
			for _, p := range tt.pages {
				if err = w.checkPage(p); err != nil {
					break
				}
			}
			if (err == nil) != tt.ok {
				t.Fatalf("checkPage error = %v, want ok = %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, errVerify) {
				t.Fatalf("checkPage error %v does not wrap errVerify", err)
			}
		})
	}
}

// TestBufferingTransport checks that the body reaches the caller whole and
// that the last-byte time is taken after the server's last write, not at
// the response headers.
func TestBufferingTransport(t *testing.T) {
	const pause = 50 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "first half ")
		w.(http.Flusher).Flush()
		time.Sleep(pause)
		io.WriteString(w, "second half")
	}))
	defer srv.Close()

	var last time.Time
	start := time.Now()
	req, err := http.NewRequestWithContext(withLastByte(context.Background(), &last), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := bufferingTransport{next: http.DefaultTransport}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "first half second half" {
		t.Fatalf("body %q, err %v", body, err)
	}
	if last.Sub(start) < pause {
		t.Fatalf("last byte recorded %v after the start, before the server's %v pause ended", last.Sub(start), pause)
	}
}
