package integration_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// TestRestart_keepsEverything restarts a coffer on its data directory and
// checks that buckets, objects with metadata and tags, and an unfinished
// multipart upload all survive, and the upload can be completed.
func TestRestart_keepsEverything(t *testing.T) {
	e := newEnv(t)
	body := randBytes(t, 300_000)
	e.put(t, "obj", body, func(in *s3.PutObjectInput) {
		in.Metadata = map[string]string{"m": "1"}
		in.Tagging = aws.String("t=1")
	})
	p1 := randBytes(t, 5*mib)
	u := e.createUpload(t, "mpu")
	u.part(t, 1, p1)
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	srv := coffertest.Start(t, coffertest.WithDataDir(e.srv.DataDir))
	if srv.AccessKey != e.srv.AccessKey {
		t.Errorf("restart uses access key %q, want the stored %q", srv.AccessKey, e.srv.AccessKey)
	}
	e2 := &env{srv: srv, s3: srv.S3(), bucket: e.bucket}
	if got := e2.getBody(t, "obj"); !bytes.Equal(got, body) {
		t.Errorf("object after restart: %d bytes, want the %d put", len(got), len(body))
	}
	head, err := e2.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("obj")})
	if err != nil {
		t.Fatal(err)
	}
	if head.Metadata["m"] != "1" || aws.ToInt32(head.TagCount) != 1 {
		t.Errorf("after restart metadata %v tag count %d, want m=1 and 1 tag", head.Metadata, aws.ToInt32(head.TagCount))
	}
	ups, err := e2.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].UploadId) != u.id {
		t.Fatalf("uploads after restart = %d, want the one started before", len(ups.Uploads))
	}
	u.e = e2
	p2 := randBytes(t, 10)
	u.part(t, 2, p2)
	if _, err := u.complete(t); err != nil {
		t.Fatalf("completing an upload started before the restart: %v", err)
	}
	if got := e2.getBody(t, "mpu"); !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) {
		t.Errorf("completed object has %d bytes differing from its parts", len(got))
	}
}
