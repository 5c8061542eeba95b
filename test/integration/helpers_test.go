package integration_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// bucketSeq makes bucket names unique within the test binary.
var bucketSeq atomic.Int64

// env is one test's server, SDK client and bucket.
type env struct {
	srv    *coffertest.Server
	s3     *s3.Client
	bucket string
}

// newEnv starts a coffer and creates a bucket on it.
func newEnv(t *testing.T, opts ...coffertest.Option) *env {
	t.Helper()
	srv := coffertest.Start(t, opts...)
	e := &env{srv: srv, s3: srv.S3()}
	e.bucket = e.newBucket(t)
	return e
}

// newBucket creates a bucket with a fresh name.
func (e *env) newBucket(t *testing.T) string {
	t.Helper()
	name := e.newBucketName()
	if _, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket(%s): %v", name, err)
	}
	return name
}

// newBucketName returns a fresh bucket name.
func (e *env) newBucketName() string {
	return fmt.Sprintf("bucket-%d-%d", time.Now().UnixNano()%1e6, bucketSeq.Add(1))
}

func ctx(t *testing.T) context.Context { return t.Context() }

// put stores body under key and returns the response.
func (e *env) put(t *testing.T, key string, body []byte, mod ...func(*s3.PutObjectInput)) *s3.PutObjectOutput {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	for _, m := range mod {
		m(in)
	}
	out, err := e.s3.PutObject(ctx(t), in)
	if err != nil {
		t.Fatalf("PutObject(%s): %v", key, err)
	}
	return out
}

// getBody reads an object whole.
func (e *env) getBody(t *testing.T, key string) []byte {
	t.Helper()
	out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject(%s): %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("GetObject(%s) body: %v", key, err)
	}
	return b
}

// randBytes returns n random bytes.
func randBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// code returns the S3 error code of an SDK error, or "" if err carries none.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// status returns the HTTP status of an SDK error's response, or 0.
func status(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// wantCode fails the test unless err is an S3 error with the given code and
// HTTP status.
func wantCode(t *testing.T, op string, err error, wantCode string, wantStatus int) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded, want %s (%d)", op, wantCode, wantStatus)
	}
	if got := code(err); got != wantCode {
		t.Errorf("%s error code = %q, want %q (err: %v)", op, got, wantCode, err)
	}
	if got := status(err); got != wantStatus {
		t.Errorf("%s HTTP status = %d, want %d", op, got, wantStatus)
	}
}

// quoted returns s in double quotes, as ETags are sent.
func quoted(s string) string { return `"` + strings.Trim(s, `"`) + `"` }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// urlPathEscape escapes each segment of a key for x-amz-copy-source.
func urlPathEscape(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
