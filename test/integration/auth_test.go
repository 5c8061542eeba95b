package integration_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
)

func TestAuth_wrongSecret(t *testing.T) {
	e := newEnv(t)
	c := e.srv.S3(func(o *s3.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(e.srv.AccessKey, e.srv.SecretKey+"x", "")
	})
	_, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantCode(t, "ListObjectsV2(wrong secret)", err, "SignatureDoesNotMatch", 403)
	_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject(wrong secret)", err, "SignatureDoesNotMatch", 403)
}

func TestAuth_unknownAccessKey(t *testing.T) {
	e := newEnv(t)
	c := e.srv.S3(func(o *s3.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider("AKIAUNKNOWNUNKNOWN00", e.srv.SecretKey, "")
	})
	_, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets(unknown key)", err, "InvalidAccessKeyId", 403)
}

func TestAuth_anonymous(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("secret data"))
	c := e.srv.S3(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject(anonymous)", err, "AccessDenied", 403)

	code, s3code := rawRequest(t, http.MethodGet, e.srv.URL("/"+e.bucket+"/k"), nil)
	if code != 403 || s3code != "AccessDenied" {
		t.Errorf("plain GET = %d %s, want 403 AccessDenied", code, s3code)
	}
}

// rawRequest sends an unsigned request and returns the status and the S3
// error code in the body, if any.
func rawRequest(t *testing.T, method, url string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(b, &e)
	return resp.StatusCode, e.Code
}

func TestPresign_getAndPut(t *testing.T) {
	e := newEnv(t)
	p := s3.NewPresignClient(e.s3)
	put, err := p.PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("presigned")},
		s3.WithPresignExpires(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx(t), put.Method, put.URL, strings.NewReader("via presigned PUT"))
	for k, vs := range put.SignedHeader {
		if !strings.EqualFold(k, "Host") {
			req.Header[k] = vs
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT = %d %s", resp.StatusCode, b)
	}

	get, err := p.PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("presigned")},
		s3.WithPresignExpires(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "via presigned PUT" {
		t.Errorf("presigned GET = %d %q, want 200 %q", resp.StatusCode, b, "via presigned PUT")
	}

	// Tampering with the signed query fails the signature.
	code, s3code := rawRequest(t, http.MethodGet, strings.Replace(get.URL, "presigned", "presigneX", 1), nil)
	if code != 403 || s3code != "SignatureDoesNotMatch" {
		t.Errorf("tampered presigned GET = %d %s, want 403 SignatureDoesNotMatch", code, s3code)
	}
}

func TestPresign_expired(t *testing.T) {
	fake := clock.NewFake(time.Now())
	srv := coffertest.Start(t, coffertest.WithClock(fake))
	e := &env{srv: srv, s3: srv.S3()}
	e.bucket = e.newBucket(t)
	e.put(t, "k", []byte("x"))
	get, err := s3.NewPresignClient(e.s3).PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")},
		s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if code, s3code := rawRequest(t, http.MethodGet, get.URL, nil); code != 200 {
		t.Fatalf("fresh presigned GET = %d %s, want 200", code, s3code)
	}
	fake.Advance(2 * time.Minute)
	code, s3code := rawRequest(t, http.MethodGet, get.URL, nil)
	if code != 403 || s3code != "AccessDenied" {
		t.Errorf("expired presigned GET = %d %s, want 403 AccessDenied", code, s3code)
	}
}

func TestAuth_requestTimeTooSkewed(t *testing.T) {
	// The server's clock is 20 minutes ahead of the client's.
	fake := clock.NewFake(time.Now().Add(20 * time.Minute))
	srv := coffertest.Start(t, coffertest.WithClock(fake))
	_, err := srv.S3().ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets(skewed)", err, "RequestTimeTooSkewed", 403)
}
