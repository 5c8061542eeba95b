package coffertest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

func TestStart_clients(t *testing.T) {
	srv := coffertest.Start(t)
	if _, err := srv.S3().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("made-by-sdk")}); err != nil {
		t.Fatalf("S3 client: %v", err)
	}
	buckets, err := srv.Minio().ListBuckets(t.Context())
	if err != nil {
		t.Fatalf("minio client: %v", err)
	}
	if len(buckets) != 1 || buckets[0].Name != "made-by-sdk" {
		t.Errorf("minio ListBuckets = %+v, want the bucket the SDK made", buckets)
	}
}

func TestStart_twoServersIsolated(t *testing.T) {
	a, b := coffertest.Start(t), coffertest.Start(t)
	if a.Endpoint == b.Endpoint || a.DataDir == b.DataDir || a.AccessKey == b.AccessKey {
		t.Errorf("two servers share endpoint, data or keys: %s %s", a.Endpoint, b.Endpoint)
	}
	if _, err := a.S3().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("only-in-a")}); err != nil {
		t.Fatal(err)
	}
	out, err := b.S3().ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 0 {
		t.Errorf("server b lists %d buckets created on a", len(out.Buckets))
	}
}

func TestStart_optionsAndRestart(t *testing.T) {
	dir := t.TempDir()
	fake := clock.NewFake(time.Now())
	srv := coffertest.Start(t, coffertest.WithDataDir(dir), coffertest.WithClock(fake),
		coffertest.WithConfig(func(c *config.Config) { c.RootAccessKey, c.RootSecretKey = "TESTKEY", "testsecret" }))
	if srv.AccessKey != "TESTKEY" || srv.Clock != fake {
		t.Errorf("options not applied: key %q clock %T", srv.AccessKey, srv.Clock)
	}
	if _, err := srv.S3().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("survives")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown = %v, want nil", err)
	}
	again := coffertest.Start(t, coffertest.WithDataDir(dir))
	if again.AccessKey != "TESTKEY" {
		t.Errorf("restart uses key %q, want the stored TESTKEY", again.AccessKey)
	}
	if _, err := again.S3().HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("survives")}); err != nil {
		t.Errorf("HeadBucket after restart: %v", err)
	}
}

// TestStart_diskReserve: the test server keeps the disk reserve as coffer
// server does: with a reserve larger than any disk, writes are refused
// with 503 SlowDown, nothing is stored, and reads go on.
func TestStart_diskReserve(t *testing.T) {
	srv := coffertest.Start(t, coffertest.WithConfig(func(c *config.Config) { c.DiskReserve = 1 << 60 }))
	c := srv.S3()
	_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("full")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "SlowDown") {
		t.Fatalf("CreateBucket with the disk below the reserve: %v; want 503 SlowDown", err)
	}
	out, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets with the disk below the reserve: %v", err)
	}
	if len(out.Buckets) != 0 {
		t.Errorf("ListBuckets = %d buckets after a refused CreateBucket, want none", len(out.Buckets))
	}
}
