package integration_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/minio/minio-go/v7"
)

// rawHeader returns the HTTP headers behind an SDK result.
func rawHeader(t *testing.T, md middleware.Metadata) http.Header {
	t.Helper()
	raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok {
		t.Fatal("no raw response")
	}
	return raw.Header
}

// versionHeader reports a response's x-amz-version-id and whether it was
// sent at all.
func versionHeader(h http.Header, name string) (string, bool) {
	v, ok := h[http.CanonicalHeaderKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// wantVersion checks a version header: absent when want is "", a fresh
// version id (neither empty nor "null") when want is "new", else exactly
// want.
func wantVersion(t *testing.T, op string, h http.Header, name, want string) {
	t.Helper()
	got, sent := versionHeader(h, name)
	switch {
	case want == "" && sent:
		t.Errorf("%s sent %s %q, want none", op, name, got)
	case want == "new" && (!sent || got == "" || got == "null"):
		t.Errorf("%s %s = %q (sent %v), want a new version id", op, name, got, sent)
	case want != "" && want != "new" && got != want:
		t.Errorf("%s %s = %q (sent %v), want %q", op, name, got, sent, want)
	}
}

// postObject uploads body to key with a browser-form POST signed by
// minio-go, and returns the response headers.
func (e *env) postObject(t *testing.T, key string, body []byte) http.Header {
	t.Helper()
	p := minio.NewPostPolicy()
	if err := p.SetBucket(e.bucket); err != nil {
		t.Fatal(err)
	}
	if err := p.SetKey(key); err != nil {
		t.Fatal(err)
	}
	if err := p.SetExpires(time.Now().UTC().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	u, fields, err := e.srv.Minio().PresignedPostPolicy(ctx(t), p)
	if err != nil {
		t.Fatalf("PresignedPostPolicy: %v", err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "upload")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, u.String(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST object: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST object status = %d, want 204", resp.StatusCode)
	}
	return resp.Header
}

// TestVersioning_writeHeaders pins the x-amz-version-id (and related)
// headers of every write in the three versioning states, as S3 sends them:
// a write into a suspended bucket makes the null version but names no
// version (PutObject API reference, "Versioning suspended" example); a
// delete marker names its version, "null" when suspended (DeleteObject
// API reference: "x-amz-version-id: Returns the version ID of the delete
// marker created as a result of the DELETE operation").
func TestVersioning_writeHeaders(t *testing.T) {
	tests := []struct {
		name   string
		status types.BucketVersioningStatus
		// write is what a new object's x-amz-version-id must be, source
		// the copy source's, marker a delete marker's ("" for no marker).
		write, source, marker string
	}{
		{"unversioned", "", "", "", ""},
		{"enabled", types.BucketVersioningStatusEnabled, "new", "new", "new"},
		{"suspended", types.BucketVersioningStatusSuspended, "", "null", "null"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.bucket = e.newBucket(t)
			if tt.status != "" {
				e.versioning(t, e.bucket, tt.status)
			}
			b := aws.String(e.bucket)
			put := e.put(t, "put", []byte("body"))
			wantVersion(t, "PutObject", rawHeader(t, put.ResultMetadata), "X-Amz-Version-Id", tt.write)

			u := e.createUpload(t, "mp")
			u.part(t, 1, []byte("part"))
			done, err := u.complete(t)
			if err != nil {
				t.Fatalf("CompleteMultipartUpload: %v", err)
			}
			wantVersion(t, "CompleteMultipartUpload", rawHeader(t, done.ResultMetadata), "X-Amz-Version-Id", tt.write)

			cp, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"),
				CopySource: aws.String(e.bucket + "/put")})
			if err != nil {
				t.Fatalf("CopyObject: %v", err)
			}
			h := rawHeader(t, cp.ResultMetadata)
			wantVersion(t, "CopyObject", h, "X-Amz-Version-Id", tt.write)
			wantVersion(t, "CopyObject", h, "X-Amz-Copy-Source-Version-Id", tt.source)
			if tt.source == "new" && h.Get("X-Amz-Copy-Source-Version-Id") != aws.ToString(put.VersionId) {
				t.Errorf("CopyObject x-amz-copy-source-version-id = %q, want the source's %q",
					h.Get("X-Amz-Copy-Source-Version-Id"), aws.ToString(put.VersionId))
			}

			wantVersion(t, "POST object", e.postObject(t, "post", []byte("form")), "X-Amz-Version-Id", tt.write)

			del, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("put")})
			if err != nil {
				t.Fatalf("DeleteObject: %v", err)
			}
			h = rawHeader(t, del.ResultMetadata)
			wantVersion(t, "DeleteObject", h, "X-Amz-Version-Id", tt.marker)
			if dm, sent := versionHeader(h, "X-Amz-Delete-Marker"); (tt.marker != "") != (dm == "true") || (tt.marker == "" && sent) {
				t.Errorf("DeleteObject x-amz-delete-marker = %q (sent %v), want a marker: %v", dm, sent, tt.marker != "")
			}

			dos, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: b,
				Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("copy")}}}})
			if err != nil || len(dos.Deleted) != 1 {
				t.Fatalf("DeleteObjects = %+v, %v", dos, err)
			}
			d := dos.Deleted[0]
			mid := aws.ToString(d.DeleteMarkerVersionId)
			switch {
			case aws.ToBool(d.DeleteMarker) != (tt.marker != ""):
				t.Errorf("DeleteObjects DeleteMarker = %v, want %v", aws.ToBool(d.DeleteMarker), tt.marker != "")
			case tt.marker == "" && mid != "",
				tt.marker == "new" && (mid == "" || mid == "null"),
				tt.marker == "null" && mid != "null":
				t.Errorf("DeleteObjects DeleteMarkerVersionId = %q, want %s", mid, tt.marker)
			}
			if v := aws.ToString(d.VersionId); v != "" {
				t.Errorf("DeleteObjects VersionId = %q for a request without one, want none", v)
			}
		})
	}
}
