package integration_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"
)

func TestCopyObject_taggingDirective(t *testing.T) {
	e := newEnv(t)
	e.put(t, "src", []byte("x"), func(in *s3.PutObjectInput) { in.Tagging = aws.String("a=1") })
	tests := []struct {
		name      string
		directive types.TaggingDirective
		want      map[string]string
	}{
		{"COPY", types.TaggingDirectiveCopy, map[string]string{"a": "1"}},
		{"REPLACE", types.TaggingDirectiveReplace, map[string]string{"b": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dst-" + tt.name),
				CopySource: aws.String(e.bucket + "/src"), TaggingDirective: tt.directive, Tagging: aws.String("b=2")}); err != nil {
				t.Fatalf("CopyObject: %v", err)
			}
			out, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("dst-" + tt.name)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tagMap(out.TagSet)); diff != "" {
				t.Errorf("tags of the copy (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeadObject_conditional(t *testing.T) {
	e := newEnv(t)
	put := e.put(t, "h", []byte("head"))
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("h"), IfNoneMatch: put.ETag})
	if got := status(err); got != 304 {
		t.Errorf("HeadObject(If-None-Match current) status = %d (err %v), want 304", got, err)
	}
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("h"), IfMatch: aws.String(`"nope"`)})
	if got := status(err); got != 412 {
		t.Errorf("HeadObject(If-Match wrong) status = %d (err %v), want 412", got, err)
	}
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("h"),
		IfModifiedSince: aws.Time(time.Now().Add(time.Hour))})
	if got := status(err); got != 304 {
		t.Errorf("HeadObject(If-Modified-Since future) status = %d (err %v), want 304", got, err)
	}
}

// TestGetObject_unparsableRangeIgnored checks that a Range header that is
// not a valid byte range is ignored, as HTTP says and S3 does: 200, the
// whole object.
func TestGetObject_unparsableRangeIgnored(t *testing.T) {
	e := newEnv(t)
	e.put(t, "r", []byte("0123456789"))
	for _, rng := range []string{"bytes=5-2", "items=0-1", "bytes=abc"} {
		out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("r"), Range: aws.String(rng)})
		if err != nil {
			t.Errorf("GetObject(Range %q) = %v, want the whole object", rng, err)
			continue
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(b) != "0123456789" {
			t.Errorf("GetObject(Range %q) = %q, want the whole object", rng, b)
		}
	}
}

func TestMinio_copyTagsAndPresign(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	if _, err := mc.PutObject(ctx(t), e.bucket, "src", strings.NewReader("minio data"), 10,
		minio.PutObjectOptions{UserTags: map[string]string{"t": "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.CopyObject(ctx(t), minio.CopyDestOptions{Bucket: e.bucket, Object: "dst"},
		minio.CopySrcOptions{Bucket: e.bucket, Object: "src"}); err != nil {
		t.Fatalf("minio CopyObject: %v", err)
	}
	tg, err := mc.GetObjectTagging(ctx(t), e.bucket, "dst", minio.GetObjectTaggingOptions{})
	if err != nil {
		t.Fatalf("minio GetObjectTagging: %v", err)
	}
	if got := tg.ToMap(); got["t"] != "v" || len(got) != 1 {
		t.Errorf("tags of the copy = %v, want t=v", got)
	}
	newTags, _ := tags.NewTags(map[string]string{"x": "y"}, true)
	if err := mc.PutObjectTagging(ctx(t), e.bucket, "dst", newTags, minio.PutObjectTaggingOptions{}); err != nil {
		t.Fatalf("minio PutObjectTagging: %v", err)
	}
	u, err := mc.PresignedGetObject(ctx(t), e.bucket, "dst", time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "minio data" {
		t.Errorf("minio presigned GET = %d %q, want 200 %q", resp.StatusCode, b, "minio data")
	}
	if err := mc.RemoveObject(ctx(t), e.bucket, "dst", minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("minio RemoveObject: %v", err)
	}
}

func TestMinio_composeObject(t *testing.T) {
	e := newEnv(t)
	mc := e.srv.Minio()
	a, b := randBytes(t, 5*mib), randBytes(t, 1000)
	for k, body := range map[string][]byte{"a": a, "b": b} {
		if _, err := mc.PutObject(ctx(t), e.bucket, k, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// ComposeObject is a multipart upload of UploadPartCopy parts.
	if _, err := mc.ComposeObject(ctx(t), minio.CopyDestOptions{Bucket: e.bucket, Object: "ab"},
		minio.CopySrcOptions{Bucket: e.bucket, Object: "a"}, minio.CopySrcOptions{Bucket: e.bucket, Object: "b"}); err != nil {
		t.Fatalf("minio ComposeObject: %v", err)
	}
	if got := e.getBody(t, "ab"); !bytes.Equal(got, append(append([]byte{}, a...), b...)) {
		t.Errorf("composed object has %d bytes differing from a+b", len(got))
	}
}
