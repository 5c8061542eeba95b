package integration_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// exists reports whether key has a current object.
func (e *env) exists(t *testing.T, key string) bool {
	t.Helper()
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil && status(err) != 404 {
		t.Fatalf("HeadObject(%s): %v", key, err)
	}
	return err == nil
}

// AWS "How to perform conditional deletes": If-Match with the object's
// ETag or "*" deletes (204); another ETag is 412 PreconditionFailed; a key
// with no current object is 404 NoSuchKey, for "*" as for an ETag.
func TestDeleteObject_ifMatch(t *testing.T) {
	tests := []struct {
		name     string
		put      bool
		ifMatch  string // "etag" is replaced by the object's ETag
		wantCode string
		wantHTTP int
	}{
		{name: "etag", put: true, ifMatch: "etag"},
		{name: "star", put: true, ifMatch: "*"},
		{name: "other etag", put: true, ifMatch: `"00000000000000000000000000000000"`, wantCode: "PreconditionFailed", wantHTTP: 412},
		{name: "missing key etag", ifMatch: `"00000000000000000000000000000000"`, wantCode: "NoSuchKey", wantHTTP: 404},
		{name: "missing key star", ifMatch: "*", wantCode: "NoSuchKey", wantHTTP: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ifMatch := tt.ifMatch
			if tt.put {
				out := e.put(t, "k", []byte("body"))
				if ifMatch == "etag" {
					ifMatch = aws.ToString(out.ETag)
				}
			}
			_, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), IfMatch: aws.String(ifMatch)})
			if tt.wantCode != "" {
				wantCode(t, "DeleteObject", err, tt.wantCode, tt.wantHTTP)
			} else if err != nil {
				t.Fatalf("DeleteObject: %v", err)
			}
			if got, want := e.exists(t, "k"), tt.put && tt.wantCode != ""; got != want {
				t.Errorf("object exists after DeleteObject = %v, want %v", got, want)
			}
		})
	}
}

// In a versioned bucket the condition is judged on the current version
// only: behind a delete marker there is no object (404 NoSuchKey), even
// for the hidden version's ETag, and nothing is written.
func TestDeleteObject_ifMatchDeleteMarker(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	put := e.put(t, "k", []byte("body"))
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket)})
	for _, ifMatch := range []string{"*", aws.ToString(put.ETag)} {
		_, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), IfMatch: aws.String(ifMatch)})
		wantCode(t, "DeleteObject(If-Match "+ifMatch+") over a delete marker", err, "NoSuchKey", 404)
	}
	after, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket)})
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("versions changed by failed conditional deletes (-before +after):\n%s", diff)
	}
	// A matching condition on the current version makes a delete marker.
	put2 := e.put(t, "k", []byte("again"))
	out, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), IfMatch: put2.ETag})
	if err != nil {
		t.Fatalf("DeleteObject(If-Match current ETag): %v", err)
	}
	if !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) == "" {
		t.Errorf("DeleteObject = marker %v, version %q; want a new delete marker", aws.ToBool(out.DeleteMarker), aws.ToString(out.VersionId))
	}
}

// A general purpose bucket refuses x-amz-if-match-size and
// x-amz-if-match-last-modified-time ("only supported for directory
// buckets") and If-Match with a version id: 501 NotImplemented, and the
// object stays.
func TestDeleteObject_unsupportedConditions(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	put := e.put(t, "k", []byte("body"))
	tests := []struct {
		name string
		mod  func(*s3.DeleteObjectInput)
	}{
		{"if-match-size", func(in *s3.DeleteObjectInput) { in.IfMatchSize = aws.Int64(4) }},
		{"if-match-last-modified-time", func(in *s3.DeleteObjectInput) { in.IfMatchLastModifiedTime = aws.Time(time.Now()) }},
		{"if-match with version id", func(in *s3.DeleteObjectInput) {
			in.IfMatch, in.VersionId = put.ETag, put.VersionId
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}
			tt.mod(in)
			_, err := e.s3.DeleteObject(ctx(t), in)
			wantCode(t, "DeleteObject", err, "NotImplemented", 501)
			if !e.exists(t, "k") {
				t.Fatal("object gone after a refused conditional delete")
			}
		})
	}
}

// DeleteObjects takes each entry's <ETag> as its If-Match; a failed
// condition is an <Error> of that entry and the others are deleted.
func TestDeleteObjects_conditional(t *testing.T) {
	e := newEnv(t)
	match := e.put(t, "match", []byte("a"))
	e.put(t, "other", []byte("b"))
	e.put(t, "star", []byte("c"))
	e.put(t, "size", []byte("d"))
	e.put(t, "time", []byte("e"))
	out, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{
			{Key: aws.String("match"), ETag: match.ETag},
			{Key: aws.String("other"), ETag: aws.String(`"00000000000000000000000000000000"`)},
			{Key: aws.String("star"), ETag: aws.String("*")},
			{Key: aws.String("missing"), ETag: aws.String("*")},
			{Key: aws.String("size"), Size: aws.Int64(1)},
			{Key: aws.String("time"), LastModifiedTime: aws.Time(time.Now())},
		}}})
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	got := map[string]string{}
	for _, d := range out.Deleted {
		got[aws.ToString(d.Key)] = "deleted"
	}
	for _, x := range out.Errors {
		got[aws.ToString(x.Key)] = aws.ToString(x.Code)
	}
	want := map[string]string{"match": "deleted", "other": "PreconditionFailed", "star": "deleted",
		"missing": "NoSuchKey", "size": "NotImplemented", "time": "NotImplemented"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DeleteObjects outcome (-want +got):\n%s", diff)
	}
	for key, wantExists := range map[string]bool{"match": false, "other": true, "star": false, "size": true, "time": true} {
		if e.exists(t, key) != wantExists {
			t.Errorf("object %s exists = %v, want %v", key, !wantExists, wantExists)
		}
	}
}
