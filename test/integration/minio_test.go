package integration_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestMinio_putObjectLarge(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	body := randBytes(t, 20*mib)
	// minio-go splits 20 MiB into 16 MiB parts: a multipart upload whose
	// parts are sent with streaming signatures over plain HTTP.
	info, err := mc.PutObject(ctx(t), e.bucket, "large", bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ContentType: "application/x-large", UserMetadata: map[string]string{"origin": "minio"}})
	if err != nil {
		t.Fatalf("minio PutObject(20 MiB): %v", err)
	}
	if info.Size != int64(len(body)) {
		t.Errorf("PutObject size = %d, want %d", info.Size, len(body))
	}
	if !strings.HasSuffix(info.ETag, "-2") {
		t.Errorf("PutObject ETag = %q, want a 2-part multipart ETag", info.ETag)
	}
	obj, err := mc.GetObject(ctx(t), e.bucket, "large", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil {
		t.Fatalf("minio GetObject read: %v", err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("minio GetObject returned %d bytes differing from the %d put", len(got), len(body))
	}
	st, err := mc.StatObject(ctx(t), e.bucket, "large", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.ContentType != "application/x-large" || st.UserMetadata["Origin"] != "minio" {
		t.Errorf("StatObject type %q metadata %v, want application/x-large and Origin=minio", st.ContentType, st.UserMetadata)
	}
}

func TestMinio_putObjectStreamingSingle(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	body := randBytes(t, 3*mib)
	info, err := mc.PutObject(ctx(t), e.bucket, "single", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("minio PutObject(3 MiB): %v", err)
	}
	s := md5.Sum(body)
	if info.ETag != hex.EncodeToString(s[:]) {
		t.Errorf("ETag = %q, want %x", info.ETag, s)
	}
	if got := e.getBody(t, "single"); !bytes.Equal(got, body) {
		t.Error("object put by minio-go reads back different through the AWS SDK")
	}
}

func TestMinio_putObjectUnknownSize(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	body := randBytes(t, 1*mib+17)
	if _, err := mc.PutObject(ctx(t), e.bucket, "unknown-size", io.MultiReader(bytes.NewReader(body)), -1, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("minio PutObject(size -1): %v", err)
	}
	if got := e.getBody(t, "unknown-size"); !bytes.Equal(got, body) {
		t.Error("object put with unknown size reads back different")
	}
}

func TestMinio_listObjects(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	e.putAll(t, listKeys)
	list := func(opts minio.ListObjectsOptions) []string {
		var out []string
		for o := range mc.ListObjects(ctx(t), e.bucket, opts) {
			if o.Err != nil {
				t.Fatalf("minio ListObjects: %v", o.Err)
			}
			out = append(out, o.Key)
		}
		return out
	}
	tests := []struct {
		name string
		opts minio.ListObjectsOptions
		want []string
	}{
		{"top level", minio.ListObjectsOptions{}, []string{"a.txt", "b.txt", "photos/", "videos/"}},
		{"recursive", minio.ListObjectsOptions{Recursive: true}, []string{"a.txt", "b.txt", "photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/cover.jpg", "videos/x.mp4"}},
		{"prefix", minio.ListObjectsOptions{Prefix: "photos/"}, []string{"photos/2024/", "photos/cover.jpg"}},
		{"v1 paged", minio.ListObjectsOptions{Recursive: true, UseV1: true, MaxKeys: 2}, []string{"a.txt", "b.txt", "photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/cover.jpg", "videos/x.mp4"}},
		{"v2 paged", minio.ListObjectsOptions{Recursive: true, MaxKeys: 2}, []string{"a.txt", "b.txt", "photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/cover.jpg", "videos/x.mp4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := list(tt.opts)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ListObjects = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMinio_fputFget(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.bin"), filepath.Join(dir, "dst.bin")
	body := randBytes(t, 7*mib+3)
	if err := os.WriteFile(src, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.FPutObject(ctx(t), e.bucket, "file", src, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("FPutObject: %v", err)
	}
	if err := mc.FGetObject(ctx(t), e.bucket, "file", dst, minio.GetObjectOptions{}); err != nil {
		t.Fatalf("FGetObject: %v", err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(got) != sha256.Sum256(body) {
		t.Errorf("FGetObject SHA-256 %x, want %x", sha256.Sum256(got), sha256.Sum256(body))
	}
}

func TestMinio_errorCodes(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	_, err := mc.StatObject(ctx(t), e.bucket, "missing", minio.StatObjectOptions{})
	if got := minio.ToErrorResponse(err); got.Code != "NoSuchKey" || got.StatusCode != 404 {
		t.Errorf("StatObject(missing) = %s %d, want NoSuchKey 404", got.Code, got.StatusCode)
	}
	// Re-creating an owned bucket in us-east-1 is S3's legacy 200 OK
	// (TestCreateBucket_alreadyOwnedUSEast1).
	if err = mc.MakeBucket(ctx(t), e.bucket, minio.MakeBucketOptions{}); err != nil {
		t.Errorf("MakeBucket(existing, us-east-1) = %v, want success", err)
	}
	// A HEAD response has no body, so minio-go guesses codes for StatObject;
	// a listing reads the code from the error body.
	for o := range mc.ListObjects(ctx(t), "no-such-bucket", minio.ListObjectsOptions{}) {
		if got := minio.ToErrorResponse(o.Err); got.Code != "NoSuchBucket" {
			t.Errorf("ListObjects(missing bucket) = %q, want NoSuchBucket", got.Code)
		}
	}
	for i := range 3 {
		if _, err := mc.PutObject(ctx(t), e.bucket, fmt.Sprintf("rm/%d", i), bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	objs := make(chan minio.ObjectInfo, 3)
	for i := range 3 {
		objs <- minio.ObjectInfo{Key: fmt.Sprintf("rm/%d", i)}
	}
	close(objs)
	for r := range mc.RemoveObjects(ctx(t), e.bucket, objs, minio.RemoveObjectsOptions{}) {
		t.Errorf("RemoveObjects %s: %v", r.ObjectName, r.Err)
	}
}
