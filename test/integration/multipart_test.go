package integration_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

const mib = 1 << 20

// upload is one multipart upload in progress.
type upload struct {
	e     *env
	key   string
	id    string
	parts []types.CompletedPart
}

func (e *env) createUpload(t *testing.T, key string, mod ...func(*s3.CreateMultipartUploadInput)) *upload {
	t.Helper()
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	for _, m := range mod {
		m(in)
	}
	out, err := e.s3.CreateMultipartUpload(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateMultipartUpload(%s): %v", key, err)
	}
	if aws.ToString(out.UploadId) == "" {
		t.Fatal("CreateMultipartUpload returned no UploadId")
	}
	return &upload{e: e, key: key, id: aws.ToString(out.UploadId)}
}

// part uploads body as part n and remembers it for complete.
func (u *upload) part(t *testing.T, n int32, body []byte, mod ...func(*s3.UploadPartInput)) *s3.UploadPartOutput {
	t.Helper()
	in := &s3.UploadPartInput{Bucket: aws.String(u.e.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id),
		PartNumber: aws.Int32(n), Body: bytes.NewReader(body)}
	for _, m := range mod {
		m(in)
	}
	out, err := u.e.s3.UploadPart(ctx(t), in)
	if err != nil {
		t.Fatalf("UploadPart(%d): %v", n, err)
	}
	sum := md5.Sum(body)
	if got, want := aws.ToString(out.ETag), quoted(hex.EncodeToString(sum[:])); got != want {
		t.Errorf("UploadPart(%d) ETag = %s, want %s", n, got, want)
	}
	u.parts = append(u.parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag,
		ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C, ChecksumSHA256: out.ChecksumSHA256,
		ChecksumSHA1: out.ChecksumSHA1, ChecksumCRC64NVME: out.ChecksumCRC64NVME})
	return out
}

func (u *upload) complete(t *testing.T, mod ...func(*s3.CompleteMultipartUploadInput)) (*s3.CompleteMultipartUploadOutput, error) {
	t.Helper()
	in := &s3.CompleteMultipartUploadInput{Bucket: aws.String(u.e.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts}}
	for _, m := range mod {
		m(in)
	}
	return u.e.s3.CompleteMultipartUpload(ctx(t), in)
}

// multipartETag is S3's ETag of a multipart object: the MD5 of the parts'
// binary MD5s, a dash and the part count.
func multipartETag(parts ...[]byte) string {
	var all []byte
	for _, p := range parts {
		s := md5.Sum(p)
		all = append(all, s[:]...)
	}
	s := md5.Sum(all)
	return quoted(fmt.Sprintf("%s-%d", hex.EncodeToString(s[:]), len(parts)))
}

func TestCompleteMultipartUpload(t *testing.T) {
	e := newEnv(t)
	p1, p2 := randBytes(t, 5*mib), randBytes(t, 1234)
	u := e.createUpload(t, "big", func(in *s3.CreateMultipartUploadInput) {
		in.ContentType = aws.String("application/octet-stream")
		in.Metadata = map[string]string{"kind": "multipart"}
	})
	u.part(t, 1, p1)
	u.part(t, 2, p2)
	out, err := u.complete(t)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if got, want := aws.ToString(out.ETag), multipartETag(p1, p2); got != want {
		t.Errorf("Complete ETag = %s, want %s", got, want)
	}
	got := e.getBody(t, "big")
	if !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) {
		t.Errorf("GetObject of the completed upload: %d bytes, want %d, or content differs", len(got), len(p1)+len(p2))
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	if head.Metadata["kind"] != "multipart" || aws.ToString(head.ContentType) != "application/octet-stream" {
		t.Errorf("HeadObject metadata %v type %q: want the upload's", head.Metadata, aws.ToString(head.ContentType))
	}

	// partNumber GET returns one part, with the part count.
	pg, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("big"), PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatalf("GetObject(partNumber=2): %v", err)
	}
	b, _ := io.ReadAll(pg.Body)
	pg.Body.Close()
	if !bytes.Equal(b, p2) {
		t.Errorf("GetObject(partNumber=2) returned %d bytes, want part 2 (%d bytes)", len(b), len(p2))
	}
	if aws.ToInt32(pg.PartsCount) != 2 {
		t.Errorf("x-amz-mp-parts-count = %d, want 2", aws.ToInt32(pg.PartsCount))
	}
	if want := fmt.Sprintf("bytes %d-%d/%d", len(p1), len(p1)+len(p2)-1, len(p1)+len(p2)); aws.ToString(pg.ContentRange) != want {
		t.Errorf("Content-Range = %q, want %q", aws.ToString(pg.ContentRange), want)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("big"), PartNumber: aws.Int32(3)})
	wantCode(t, "GetObject(partNumber=3)", err, "InvalidPartNumber", 416)

	// The upload is gone once completed.
	_, err = e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("big"), UploadId: aws.String(u.id)})
	wantCode(t, "ListParts(completed upload)", err, "NoSuchUpload", 404)
}

func TestCompleteMultipartUpload_entityTooSmall(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "small")
	u.part(t, 1, randBytes(t, 1024))
	u.part(t, 2, randBytes(t, 1024))
	_, err := u.complete(t)
	wantCode(t, "CompleteMultipartUpload(small first part)", err, "EntityTooSmall", 400)
}

func TestCompleteMultipartUpload_invalidPartOrder(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "order")
	u.part(t, 1, randBytes(t, 5*mib))
	u.part(t, 2, randBytes(t, 10))
	u.parts[0], u.parts[1] = u.parts[1], u.parts[0]
	_, err := u.complete(t)
	wantCode(t, "CompleteMultipartUpload(descending parts)", err, "InvalidPartOrder", 400)
}

func TestCompleteMultipartUpload_invalidPart(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "invalid")
	u.part(t, 1, randBytes(t, 10))
	tests := []struct {
		name  string
		parts []types.CompletedPart
	}{
		{"wrong etag", []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(`"00000000000000000000000000000000"`)}}},
		{"part never uploaded", []types.CompletedPart{{PartNumber: aws.Int32(2), ETag: u.parts[0].ETag}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := u.complete(t, func(in *s3.CompleteMultipartUploadInput) {
				in.MultipartUpload = &types.CompletedMultipartUpload{Parts: tt.parts}
			})
			wantCode(t, "CompleteMultipartUpload", err, "InvalidPart", 400)
		})
	}
}

func TestAbortMultipartUpload(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "aborted")
	u.part(t, 1, randBytes(t, 100))
	if _, err := e.s3.AbortMultipartUpload(ctx(t), &s3.AbortMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("aborted"),
		UploadId: aws.String(u.id)}); err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err)
	}
	_, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("aborted"), UploadId: aws.String(u.id),
		PartNumber: aws.Int32(2), Body: bytes.NewReader([]byte("x"))})
	wantCode(t, "UploadPart(aborted upload)", err, "NoSuchUpload", 404)
	_, err = u.complete(t)
	wantCode(t, "CompleteMultipartUpload(aborted upload)", err, "NoSuchUpload", 404)
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("aborted")})
	wantCode(t, "HeadObject(aborted upload)", err, "NotFound", 404)
}

func TestListParts(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "parts")
	sizes := []int{5, 6, 7}
	for i, n := range sizes {
		u.part(t, int32(i+1), randBytes(t, n))
	}
	var got []int
	var marker *string
	for pages := 0; ; pages++ {
		out, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("parts"),
			UploadId: aws.String(u.id), MaxParts: aws.Int32(2), PartNumberMarker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.Parts {
			got = append(got, int(aws.ToInt64(p.Size)))
			if aws.ToString(p.ETag) != aws.ToString(u.parts[aws.ToInt32(p.PartNumber)-1].ETag) {
				t.Errorf("part %d ETag = %s, want %s", aws.ToInt32(p.PartNumber), aws.ToString(p.ETag), aws.ToString(u.parts[aws.ToInt32(p.PartNumber)-1].ETag))
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		marker = out.NextPartNumberMarker
		if pages > 5 {
			t.Fatal("ListParts does not end")
		}
	}
	if diff := cmp.Diff(sizes, got); diff != "" {
		t.Errorf("part sizes (-want +got):\n%s", diff)
	}
	_, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("parts"), UploadId: aws.String("nope")})
	wantCode(t, "ListParts(unknown upload)", err, "NoSuchUpload", 404)
}

func TestListMultipartUploads(t *testing.T) {
	e := newEnv(t)
	a := e.createUpload(t, "a/1")
	b := e.createUpload(t, "a/2")
	c := e.createUpload(t, "b/1")
	out, err := e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, up := range out.Uploads {
		got = append(got, aws.ToString(up.Key)+"="+aws.ToString(up.UploadId))
	}
	want := []string{"a/1=" + a.id, "a/2=" + b.id, "b/1=" + c.id}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	out, err = e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/", "b/"}, prefixesOf(out.CommonPrefixes)); diff != "" {
		t.Errorf("upload common prefixes (-want +got):\n%s", diff)
	}
	out, err = e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket), Prefix: aws.String("a/"),
		MaxUploads: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Uploads) != 1 || !aws.ToBool(out.IsTruncated) || aws.ToString(out.NextKeyMarker) != "a/1" {
		t.Errorf("max-uploads=1: %d uploads, truncated %v, next key marker %q; want 1, true, a/1",
			len(out.Uploads), aws.ToBool(out.IsTruncated), aws.ToString(out.NextKeyMarker))
	}
}

func TestUploadPartCopy_range(t *testing.T) {
	e := newEnv(t)
	src := randBytes(t, 6*mib)
	e.put(t, "src", src)
	u := e.createUpload(t, "dst")
	out, err := e.s3.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"),
		UploadId: aws.String(u.id), PartNumber: aws.Int32(1), CopySource: aws.String(e.bucket + "/src"),
		CopySourceRange: aws.String(fmt.Sprintf("bytes=0-%d", 5*mib-1))})
	if err != nil {
		t.Fatalf("UploadPartCopy: %v", err)
	}
	sum := md5.Sum(src[:5*mib])
	if got, want := aws.ToString(out.CopyPartResult.ETag), quoted(hex.EncodeToString(sum[:])); got != want {
		t.Errorf("UploadPartCopy ETag = %s, want %s", got, want)
	}
	u.parts = append(u.parts, types.CompletedPart{PartNumber: aws.Int32(1), ETag: out.CopyPartResult.ETag})
	out, err = e.s3.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"),
		UploadId: aws.String(u.id), PartNumber: aws.Int32(2), CopySource: aws.String(e.bucket + "/src"),
		CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", 5*mib, 6*mib-1))})
	if err != nil {
		t.Fatalf("UploadPartCopy(part 2): %v", err)
	}
	u.parts = append(u.parts, types.CompletedPart{PartNumber: aws.Int32(2), ETag: out.CopyPartResult.ETag})
	if _, err := u.complete(t); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if got := e.getBody(t, "dst"); !bytes.Equal(got, src) {
		t.Errorf("object assembled from copied parts differs from the source (%d vs %d bytes)", len(got), len(src))
	}
	// A range past the source's end is refused (AWS: 400 InvalidArgument
	// "Range specified is not valid for source object of size").
	u2 := e.createUpload(t, "dst2")
	_, err = e.s3.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: aws.String(e.bucket), Key: aws.String("dst2"),
		UploadId: aws.String(u2.id), PartNumber: aws.Int32(1), CopySource: aws.String(e.bucket + "/src"),
		CopySourceRange: aws.String(fmt.Sprintf("bytes=0-%d", 7*mib))})
	if got := code(err); got != "InvalidArgument" && got != "InvalidRange" {
		t.Errorf("UploadPartCopy(range past end) code = %q (err %v), want InvalidArgument or InvalidRange", got, err)
	}
}
