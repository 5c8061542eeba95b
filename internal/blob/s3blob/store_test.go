package s3blob_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/blobtest"
	"github.com/coffer-s3/coffer/internal/blob/s3blob"
	"github.com/coffer-s3/coffer/internal/coffertest"
)

// TestConformance runs the blob conformance suite against a coffer on
// loopback, each subtest under a prefix of its own. DeleteWhileReading
// is left out: reads are ranged GETs, so a deleted blob stops reading
// (the package documents it).
func TestConformance(t *testing.T) {
	srv := coffertest.Start(t)
	if _, err := srv.S3().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("tier")}); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	blobtest.RunExcept(t, func(t *testing.T) blob.Store {
		st, err := s3blob.New(s3blob.Options{Endpoint: srv.Endpoint, Bucket: "tier", Prefix: fmt.Sprintf("t%d", n.Add(1)),
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: coffertest.Region, TempDir: t.TempDir(), ReadAhead: 4096})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}, "DeleteWhileReading")
}

// Flags survive the round trip through the remote server.
func TestFlags(t *testing.T) {
	srv := coffertest.Start(t)
	ctx := context.Background()
	if _, err := srv.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tier")}); err != nil {
		t.Fatal(err)
	}
	st, err := s3blob.New(s3blob.Options{Endpoint: srv.Endpoint, Bucket: "tier", AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		Region: coffertest.Region, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, flags := range []blob.Flags{0, blob.FlagEncrypted} {
		w, err := st.CreateFlagged(ctx, flags)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("payload"))
		id, err := w.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.Open(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.(blob.FlagReader).Flags(); got != flags {
			t.Errorf("Flags() = %v, want %v", got, flags)
		}
		r.Close()
	}
	if _, err := s3blob.New(s3blob.Options{Bucket: "b"}); err == nil {
		t.Error("New without an endpoint succeeded")
	}
}
