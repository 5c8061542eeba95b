package bench

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/certgen"
	"github.com/coffer-s3/coffer/internal/coffertest"
)

// startCoffer starts a real coffer for the test and returns a small run
// against it, plus a function counting the buckets it holds.
func startCoffer(t *testing.T) (Config, func() int) {
	srv := coffertest.Start(t)
	cfg := fakeConfig(srv.Endpoint, WorkloadPut)
	cfg.AccessKey, cfg.SecretKey, cfg.Region = srv.AccessKey, srv.SecretKey, coffertest.Region
	client := srv.S3()
	buckets := func() int {
		out, err := client.ListBuckets(t.Context(), nil)
		if err != nil {
			t.Fatalf("ListBuckets: %v", err)
		}
		return len(out.Buckets)
	}
	return cfg, buckets
}

// TestRun_serverMemory samples this test process, which serves the
// in-process coffer, the way --server-pid samples a server.
func TestRun_serverMemory(t *testing.T) {
	cfg, _ := startCoffer(t)
	cfg.ServerPID = os.Getpid()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if m := r.ServerMemory; m == nil || m.PID != cfg.ServerPID || m.PeakRSSMiB <= 0 || m.HWMMiB < m.PeakRSSMiB || m.Samples == 0 ||
		m.StartRSSMiB <= 0 || m.StartRSSMiB > m.PeakRSSMiB {
		t.Errorf("server memory = %+v, want a positive peak at most VmHWM", m)
	}
}

// TestRun_https measures a coffer serving HTTPS, trusting only its
// certificate, and checks that an untrusted endpoint fails to set up.
func TestRun_https(t *testing.T) {
	srv := coffertest.Start(t, coffertest.WithTLS())
	cfg := fakeConfig(srv.Endpoint, WorkloadGet)
	cfg.AccessKey, cfg.SecretKey, cfg.Region = srv.AccessKey, srv.SecretKey, coffertest.Region
	cfg.RootCAs = srv.RootCAs()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run over https: %v", err)
	}
	if n := r.ErrorCount(); n != 0 {
		t.Errorf("%d errors over https", n)
	}
	cfg.RootCAs = nil
	if _, err := Run(t.Context(), cfg); err == nil {
		t.Error("Run against an untrusted certificate succeeded")
	}
}

func TestCABundleFlag(t *testing.T) {
	dir := t.TempDir()
	ca, err := certgen.NewCA("bench", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	good, bad := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "bad.pem")
	os.WriteFile(good, ca.CertPEM, 0o644)
	os.WriteFile(bad, []byte("nothing"), 0o644)
	var o options
	if err := newFlagSet(&o, io.Discard).Parse([]string{"--ca-bundle", good}); err != nil || o.cfg.RootCAs == nil {
		t.Errorf("--ca-bundle %s: %v, pool %v", good, err, o.cfg.RootCAs)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.pem")} {
		if err := newFlagSet(&o, io.Discard).Parse([]string{"--ca-bundle", p}); err == nil {
			t.Errorf("--ca-bundle %s accepted", p)
		}
	}
}

// TestRun_sseKMS runs put and get with SSE-KMS, with and without bucket
// keys, against a real coffer and checks how the objects are stored.
func TestRun_sseKMS(t *testing.T) {
	for _, bucketKey := range []bool{false, true} {
		srv := coffertest.Start(t)
		client := srv.S3()
		if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("sse")}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{WorkloadPut, WorkloadGet} {
			cfg := fakeConfig(srv.Endpoint, w)
			cfg.AccessKey, cfg.SecretKey, cfg.Region = srv.AccessKey, srv.SecretKey, coffertest.Region
			cfg.Bucket, cfg.Keep, cfg.SSE, cfg.BucketKey = "sse", true, SSEKMS, bucketKey
			r, err := Run(t.Context(), cfg)
			if err != nil {
				t.Fatalf("Run %s (bucket key %v): %v", w, bucketKey, err)
			}
			if n := r.ErrorCount(); n != 0 || r.SSE != SSEKMS || r.BucketKey != bucketKey {
				t.Errorf("%s (bucket key %v): %d errors, report sse %q bucket key %v", w, bucketKey, n, r.SSE, r.BucketKey)
			}
		}
		list, err := client.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("sse"), MaxKeys: aws.Int32(1)})
		if err != nil || len(list.Contents) == 0 {
			t.Fatalf("ListObjectsV2: %v, %d objects", err, len(list.Contents))
		}
		head, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("sse"), Key: list.Contents[0].Key})
		if err != nil {
			t.Fatal(err)
		}
		if head.ServerSideEncryption != "aws:kms" || aws.ToBool(head.BucketKeyEnabled) != bucketKey {
			t.Errorf("stored object: encryption %q, bucket key %v; want aws:kms, %v", head.ServerSideEncryption, aws.ToBool(head.BucketKeyEnabled), bucketKey)
		}
	}
}
