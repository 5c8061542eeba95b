package integration_test

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// startNodes starts two coffers on one PostgreSQL metadata database and
// one blob directory, with the same root credentials and master key, as
// README "Running several nodes" describes.
func startNodes(t *testing.T) (a, b *coffertest.Server) {
	t.Helper()
	db, blobs := pgtest.URL(t), t.TempDir()
	shared := coffertest.WithConfig(func(c *config.Config) {
		c.Meta, c.BlobDir = config.MetaURL(db), blobs
		c.RootAccessKey, c.RootSecretKey = "CLUSTERROOT", "cluster-root-secret-key"
	})
	a = coffertest.Start(t, shared)
	dirB := t.TempDir()
	key, err := os.ReadFile(filepath.Join(a.DataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dirB, "master.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	b = coffertest.Start(t, shared, coffertest.WithDataDir(dirB))
	return a, b
}

// TestNodes_shareObjects: what one node writes, the other reads, lists,
// overwrites conditionally and deletes at once; only metadata and blobs
// are shared, nothing goes between the nodes.
func TestNodes_shareObjects(t *testing.T) {
	a, b := startNodes(t)
	ctx := t.Context()
	ca, cb := a.S3(), b.S3()
	const bucket = "shared"
	if _, err := ca.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket on node A: %v", err)
	}
	put, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("from A")})
	if err != nil {
		t.Fatalf("PutObject on node A: %v", err)
	}
	got, err := cb.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("GetObject on node B: %v", err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "from A" || aws.ToString(got.ETag) != aws.ToString(put.ETag) {
		t.Errorf("node B reads %q (ETag %s), want %q (ETag %s)", body, aws.ToString(got.ETag), "from A", aws.ToString(put.ETag))
	}

	// A conditional write on B decides on what A wrote.
	_, err = cb.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"),
		Body: strings.NewReader("from B"), IfNoneMatch: aws.String("*")})
	if code(err) != "PreconditionFailed" {
		t.Errorf("PutObject If-None-Match:* on node B over A's object = %v, want PreconditionFailed", err)
	}
	if _, err := cb.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"),
		Body: strings.NewReader("from B"), IfMatch: put.ETag}); err != nil {
		t.Fatalf("PutObject If-Match A's ETag on node B: %v", err)
	}
	if _, err := cb.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k2"), Body: strings.NewReader("2")}); err != nil {
		t.Fatal(err)
	}
	list, err := ca.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("ListObjectsV2 on node A: %v", err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if !slices.Equal(keys, []string{"k", "k2"}) {
		t.Errorf("node A lists %q after node B's writes, want [k k2]", keys)
	}
	got, err = ca.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("GetObject on node A: %v", err)
	}
	body, _ = io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "from B" {
		t.Errorf("node A reads %q after node B's overwrite, want %q", body, "from B")
	}

	if _, err := ca.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}); code(err) != "NotFound" {
		t.Errorf("HeadObject on node B after node A's delete = %v, want NotFound", err)
	}
}
