package integration_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

func TestCopyObject_metadataDirective(t *testing.T) {
	e := newEnv(t)
	dst := e.newBucket(t)
	src := e.put(t, "src", []byte("copy me"), func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
		in.Metadata = map[string]string{"a": "1"}
	})
	tests := []struct {
		name      string
		directive types.MetadataDirective
		wantType  string
		wantMeta  map[string]string
	}{
		{"COPY", types.MetadataDirectiveCopy, "text/plain", map[string]string{"a": "1"}},
		{"REPLACE", types.MetadataDirectiveReplace, "application/json", map[string]string{"b": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{
				Bucket: aws.String(dst), Key: aws.String("copy-" + tt.name),
				CopySource:        aws.String(e.bucket + "/src"),
				MetadataDirective: tt.directive,
				ContentType:       aws.String("application/json"),
				Metadata:          map[string]string{"b": "2"},
			})
			if err != nil {
				t.Fatalf("CopyObject: %v", err)
			}
			if got := aws.ToString(out.CopyObjectResult.ETag); got != aws.ToString(src.ETag) {
				t.Errorf("copy ETag = %s, want the source's %s", got, aws.ToString(src.ETag))
			}
			head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copy-" + tt.name)})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(head.ContentType); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if diff := cmp.Diff(tt.wantMeta, head.Metadata); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCopyObject_ontoItselfWithoutReplace(t *testing.T) {
	e := newEnv(t)
	e.put(t, "self", []byte("x"))
	_, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("self"),
		CopySource: aws.String(e.bucket + "/self")})
	wantCode(t, "CopyObject(onto itself)", err, "InvalidRequest", 400)

	_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("self"),
		CopySource: aws.String(e.bucket + "/self"), MetadataDirective: types.MetadataDirectiveReplace,
		Metadata: map[string]string{"new": "yes"}})
	if err != nil {
		t.Fatalf("CopyObject(onto itself, REPLACE): %v", err)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("self")})
	if err != nil {
		t.Fatal(err)
	}
	if head.Metadata["new"] != "yes" {
		t.Errorf("metadata after self-copy with REPLACE = %v, want new=yes", head.Metadata)
	}
}

func TestCopyObject_sourceConditions(t *testing.T) {
	e := newEnv(t)
	src := e.put(t, "src", []byte("conditional copy"))
	etag := aws.ToString(src.ETag)
	future, past := time.Now().Add(time.Hour), time.Now().Add(-time.Hour)
	tests := []struct {
		name string
		mod  func(*s3.CopyObjectInput)
		ok   bool
	}{
		{"if-match match", func(in *s3.CopyObjectInput) { in.CopySourceIfMatch = aws.String(etag) }, true},
		{"if-match mismatch", func(in *s3.CopyObjectInput) { in.CopySourceIfMatch = aws.String(`"abc"`) }, false},
		{"if-none-match match", func(in *s3.CopyObjectInput) { in.CopySourceIfNoneMatch = aws.String(etag) }, false},
		{"if-none-match mismatch", func(in *s3.CopyObjectInput) { in.CopySourceIfNoneMatch = aws.String(`"abc"`) }, true},
		{"if-modified-since future", func(in *s3.CopyObjectInput) { in.CopySourceIfModifiedSince = aws.Time(future) }, false},
		{"if-modified-since past", func(in *s3.CopyObjectInput) { in.CopySourceIfModifiedSince = aws.Time(past) }, true},
		{"if-unmodified-since past", func(in *s3.CopyObjectInput) { in.CopySourceIfUnmodifiedSince = aws.Time(past) }, false},
		{"if-unmodified-since future", func(in *s3.CopyObjectInput) { in.CopySourceIfUnmodifiedSince = aws.Time(future) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"), CopySource: aws.String(e.bucket + "/src")}
			tt.mod(in)
			_, err := e.s3.CopyObject(ctx(t), in)
			if tt.ok {
				if err != nil {
					t.Errorf("CopyObject: %v, want success", err)
				}
				return
			}
			// S3 answers a failed copy-source condition with 412 even for
			// if-none-match and if-modified-since (no 304 on copies).
			wantCode(t, "CopyObject", err, "PreconditionFailed", 412)
		})
	}
}

func TestCopyObject_missingSource(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"),
		CopySource: aws.String(e.bucket + "/missing")})
	wantCode(t, "CopyObject(missing source)", err, "NoSuchKey", 404)
}

func TestCopyObject_keyNeedsEscaping(t *testing.T) {
	e := newEnv(t)
	key := "dir/with space+plus/ü.txt"
	e.put(t, key, []byte("escaped"))
	_, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"),
		CopySource: aws.String(e.bucket + "/" + urlPathEscape(key))})
	if err != nil {
		t.Fatalf("CopyObject(escaped source): %v", err)
	}
	if got := e.getBody(t, "dst"); string(got) != "escaped" {
		t.Errorf("copied body = %q, want escaped", got)
	}
}
