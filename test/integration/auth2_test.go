package integration_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// TestAuth_signatureV2 signs with the legacy Signature Version 2, which
// minio-go still offers.
func TestAuth_signatureV2(t *testing.T) {
	e := newEnv(t)
	mc, err := minio.New(e.srv.Addr, &minio.Options{Creds: miniocreds.NewStaticV2(e.srv.AccessKey, e.srv.SecretKey, ""),
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mc.PutObject(ctx(t), e.bucket, "v2", strings.NewReader("signed v2"), 9, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("PutObject (SigV2): %v", err)
	}
	if got := e.getBody(t, "v2"); string(got) != "signed v2" {
		t.Errorf("object put with SigV2 = %q", got)
	}
	bad, _ := minio.New(e.srv.Addr, &minio.Options{Creds: miniocreds.NewStaticV2(e.srv.AccessKey, "wrong-secret", ""),
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	_, err = bad.ListBuckets(ctx(t))
	if got := minio.ToErrorResponse(err).Code; got != "SignatureDoesNotMatch" {
		t.Errorf("ListBuckets (SigV2, wrong secret) = %q, want SignatureDoesNotMatch", got)
	}
}

func TestAuth_anonymousListBuckets(t *testing.T) {
	e := newEnv(t)
	c := e.srv.S3(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets(anonymous)", err, "AccessDenied", 403)
}

func TestPresign_tooLongExpiry(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("x"))
	get, err := s3.NewPresignClient(e.s3).PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	// Seven days is the longest AWS allows; the signature covers the
	// value, so change it and expect the parameter error before any
	// signature check.
	u := strings.Replace(get.URL, "X-Amz-Expires=900", "X-Amz-Expires=604801", 1)
	code, s3code := rawRequest(t, http.MethodGet, u, nil)
	if code != 400 || s3code != "AuthorizationQueryParametersError" {
		t.Errorf("presigned GET with X-Amz-Expires=604801 = %d %s, want 400 AuthorizationQueryParametersError", code, s3code)
	}
}
