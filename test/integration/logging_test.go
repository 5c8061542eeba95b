package integration_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/reqid"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogs_noSecrets drives successful and failing signed, presigned and
// anonymous requests with every log level enabled, and checks that no
// secret, signature or presigned query reaches the logs.
func TestLogs_noSecrets(t *testing.T) {
	var logs syncBuffer
	log := slog.New(reqid.NewHandler(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	srv := coffertest.Start(t, coffertest.WithLogger(log))
	e := &env{srv: srv, s3: srv.S3()}
	e.bucket = e.newBucket(t)
	e.put(t, "k", []byte("x"))

	get, err := s3.NewPresignClient(e.s3).PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")},
		s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(get.URL)
	signature := u.Query().Get("X-Amz-Signature")
	rawRequest(t, http.MethodGet, get.URL, nil)
	rawRequest(t, http.MethodGet, strings.Replace(get.URL, "/k?", "/other?", 1), nil) // signature mismatch
	bad := srv.S3(func(o *s3.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(srv.AccessKey, "wrong-secret-value", "")
	})
	_, _ = bad.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	rawRequest(t, http.MethodGet, srv.URL("/"+e.bucket+"/k"), nil) // anonymous

	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, `"request_id"`) {
		t.Errorf("no log record carries a request_id:\n%s", out)
	}
	for name, secret := range map[string]string{
		"secret key":          srv.SecretKey,
		"wrong secret":        "wrong-secret-value",
		"presigned signature": signature,
		"signature param":     "X-Amz-Signature",
		"credential param":    "X-Amz-Credential",
	} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain the %s", name)
		}
	}
}

// TestRequestID_matchesErrorBody checks that the id in the
// x-amz-request-id header is the one in the error document and is fresh
// for every request.
func TestRequestID_matchesErrorBody(t *testing.T) {
	srv := coffertest.Start(t)
	seen := map[string]bool{}
	for range 3 {
		resp, err := http.Get(srv.URL("/no-such-bucket/k"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc struct {
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("error body %q: %v", b, err)
		}
		id := resp.Header.Get("x-amz-request-id")
		if id == "" || doc.RequestID != id {
			t.Errorf("x-amz-request-id %q, error body RequestId %q: want equal and non-empty", id, doc.RequestID)
		}
		if seen[id] {
			t.Errorf("request id %q reused", id)
		}
		seen[id] = true
	}
}
