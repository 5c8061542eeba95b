package integration_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

var allAttributes = []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum,
	types.ObjectAttributesObjectParts, types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}

func (e *env) attributes(t *testing.T, key string, mod ...func(*s3.GetObjectAttributesInput)) (*s3.GetObjectAttributesOutput, error) {
	t.Helper()
	in := &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String(key), ObjectAttributes: allAttributes}
	for _, m := range mod {
		m(in)
	}
	return e.s3.GetObjectAttributes(ctx(t), in)
}

// A single-part object: the ETag without quotes, its checksum with its
// type, its size and storage class, and no ObjectParts.
func TestGetObjectAttributes_singlePart(t *testing.T) {
	e := newEnv(t)
	body := []byte("attributes of a small object")
	put := e.put(t, "k", body, func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 })
	out, err := e.attributes(t, "k")
	if err != nil {
		t.Fatalf("GetObjectAttributes: %v", err)
	}
	if got, want := aws.ToString(out.ETag), strings.Trim(aws.ToString(put.ETag), `"`); got != want {
		t.Errorf("ETag = %q, want %q (S3 sends it without quotes here)", got, want)
	}
	if out.Checksum == nil || aws.ToString(out.Checksum.ChecksumSHA256) != sum(t, types.ChecksumAlgorithmSha256, body) ||
		out.Checksum.ChecksumType != types.ChecksumTypeFullObject {
		t.Errorf("Checksum = %+v, want SHA256 %s FULL_OBJECT", out.Checksum, sum(t, types.ChecksumAlgorithmSha256, body))
	}
	if aws.ToInt64(out.ObjectSize) != int64(len(body)) || out.StorageClass != types.StorageClassStandard {
		t.Errorf("ObjectSize, StorageClass = %d, %q", aws.ToInt64(out.ObjectSize), out.StorageClass)
	}
	if out.ObjectParts != nil {
		t.Errorf("ObjectParts = %+v for a single-part object, want none", out.ObjectParts)
	}
	if out.LastModified == nil || out.VersionId != nil || aws.ToBool(out.DeleteMarker) {
		t.Errorf("LastModified %v, VersionId %v, DeleteMarker %v", out.LastModified, out.VersionId, out.DeleteMarker)
	}
	// Only what was asked for.
	only, err := e.attributes(t, "k", func(in *s3.GetObjectAttributesInput) {
		in.ObjectAttributes = []types.ObjectAttributes{types.ObjectAttributesObjectSize}
	})
	if err != nil {
		t.Fatal(err)
	}
	if only.ETag != nil || only.Checksum != nil || only.StorageClass != "" || aws.ToInt64(only.ObjectSize) != int64(len(body)) {
		t.Errorf("ObjectSize only = %+v", only)
	}
}

// A multipart object with a COMPOSITE checksum lists its parts as
// ListParts would, numbered as they were uploaded, with their checksums,
// paged by x-amz-max-parts and x-amz-part-number-marker; with a
// FULL_OBJECT checksum S3 gives only the part count.
func TestGetObjectAttributes_multipart(t *testing.T) {
	e := newEnv(t, coffertest.WithMinPartSize(5))
	parts := [][]byte{[]byte("first part"), []byte("second part"), []byte("3")}
	numbers := []int32{1, 3, 5}
	for _, typ := range []types.ChecksumType{types.ChecksumTypeComposite, types.ChecksumTypeFullObject} {
		key := string(typ)
		u := e.createUpload(t, key, func(in *s3.CreateMultipartUploadInput) {
			in.ChecksumAlgorithm, in.ChecksumType = types.ChecksumAlgorithmCrc32, typ
		})
		for i, p := range parts {
			u.part(t, numbers[i], p, func(in *s3.UploadPartInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32 })
		}
		if _, err := u.complete(t); err != nil {
			t.Fatalf("CompleteMultipartUpload(%s): %v", typ, err)
		}
	}

	out, err := e.attributes(t, "FULL_OBJECT")
	if err != nil {
		t.Fatal(err)
	}
	if op := out.ObjectParts; op == nil || aws.ToInt32(op.TotalPartsCount) != 3 || len(op.Parts) != 0 || op.MaxParts != nil {
		t.Errorf("FULL_OBJECT ObjectParts = %+v, want only TotalPartsCount 3", op)
	}

	out, err = e.attributes(t, "COMPOSITE")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.Checksum.ChecksumCRC32), strings.TrimSuffix(compositeSum(t, types.ChecksumAlgorithmCrc32, parts...), "-3"); got != want {
		t.Errorf("COMPOSITE checksum = %q, want %q (no -N suffix here)", got, want)
	}
	if got, want := "\""+aws.ToString(out.ETag)+"\"", multipartETag(parts...); got != want {
		t.Errorf("ETag = %s, want %s", got, want)
	}
	type page struct {
		Numbers   []int32
		Sizes     []int64
		Sums      []string
		Truncated bool
		Next      string
		Count     int32
	}
	pageOf := func(op *types.GetObjectAttributesParts) page {
		p := page{Truncated: aws.ToBool(op.IsTruncated), Next: aws.ToString(op.NextPartNumberMarker), Count: aws.ToInt32(op.TotalPartsCount)}
		for _, pt := range op.Parts {
			p.Numbers = append(p.Numbers, aws.ToInt32(pt.PartNumber))
			p.Sizes = append(p.Sizes, aws.ToInt64(pt.Size))
			p.Sums = append(p.Sums, aws.ToString(pt.ChecksumCRC32))
		}
		return p
	}
	crc := func(i int) string { return sum(t, types.ChecksumAlgorithmCrc32, parts[i]) }
	tests := []struct {
		name     string
		maxParts int32
		marker   string
		want     page
	}{
		{"all", 0, "", page{[]int32{1, 3, 5}, []int64{10, 11, 1}, []string{crc(0), crc(1), crc(2)}, false, "5", 3}},
		{"first", 1, "", page{[]int32{1}, []int64{10}, []string{crc(0)}, true, "1", 3}},
		{"after a gap", 1, "2", page{[]int32{3}, []int64{11}, []string{crc(1)}, true, "3", 3}},
		{"last", 5, "3", page{[]int32{5}, []int64{1}, []string{crc(2)}, false, "5", 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.attributes(t, "COMPOSITE", func(in *s3.GetObjectAttributesInput) {
				if tt.maxParts != 0 {
					in.MaxParts = aws.Int32(tt.maxParts)
				}
				if tt.marker != "" {
					in.PartNumberMarker = aws.String(tt.marker)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, pageOf(out.ObjectParts)); diff != "" {
				t.Errorf("ObjectParts (-want +got):\n%s", diff)
			}
		})
	}
}

// Versions: a version named by its id; a delete marker as the current
// version is 404 NoSuchKey with x-amz-delete-marker, and named by its id
// 405 MethodNotAllowed; an unknown attribute name is InvalidArgument.
func TestGetObjectAttributes_versionsAndErrors(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	put := e.put(t, "k", []byte("v1"))
	del, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.attributes(t, "k", func(in *s3.GetObjectAttributesInput) { in.VersionId = put.VersionId })
	if err != nil {
		t.Fatalf("GetObjectAttributes(version): %v", err)
	}
	if aws.ToString(out.VersionId) != aws.ToString(put.VersionId) || aws.ToInt64(out.ObjectSize) != 2 {
		t.Errorf("GetObjectAttributes(version) = version %q, size %d", aws.ToString(out.VersionId), aws.ToInt64(out.ObjectSize))
	}

	_, err = e.attributes(t, "k")
	wantCode(t, "GetObjectAttributes(delete marker)", err, "NoSuchKey", 404)
	if got := respHeader(err, "X-Amz-Delete-Marker"); got != "true" {
		t.Errorf("x-amz-delete-marker = %q, want true", got)
	}
	_, err = e.attributes(t, "k", func(in *s3.GetObjectAttributesInput) { in.VersionId = del.VersionId })
	wantCode(t, "GetObjectAttributes(delete marker by id)", err, "MethodNotAllowed", 405)
	_, err = e.attributes(t, "missing")
	wantCode(t, "GetObjectAttributes(missing key)", err, "NoSuchKey", 404)
	_, err = e.attributes(t, "k", func(in *s3.GetObjectAttributesInput) {
		in.VersionId = put.VersionId
		in.ObjectAttributes = []types.ObjectAttributes{"Owner"}
	})
	wantCode(t, "GetObjectAttributes(unknown attribute)", err, "InvalidArgument", 400)
}
