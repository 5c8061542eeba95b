package integration_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// enableVersioning puts the env's bucket in status.
func (e *env) versioning(t *testing.T, bucket string, st types.BucketVersioningStatus) {
	t.Helper()
	_, err := e.s3.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: st}})
	if err != nil {
		t.Fatalf("PutBucketVersioning(%s, %s): %v", bucket, st, err)
	}
}

// getVersion reads one version of key whole.
func (e *env) getVersion(t *testing.T, key, versionID string) (string, *s3.GetObjectOutput) {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := e.s3.GetObject(ctx(t), in)
	if err != nil {
		t.Fatalf("GetObject(%s, %q): %v", key, versionID, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("GetObject(%s, %q) body: %v", key, versionID, err)
	}
	return string(b), out
}

// respHeader returns a header of the HTTP response behind an SDK error.
func respHeader(err error, name string) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get(name)
	}
	return ""
}

// versionEntry is one ListObjectVersions entry, objects and markers alike.
type versionEntry struct {
	Key, VersionID string
	Latest, Marker bool
}

// listAllVersions pages through ListObjectVersions with the SDK's
// paginator and merges versions and markers back into listing order
// (within one page S3 returns them as two lists).
func (e *env) listAllVersions(t *testing.T, in *s3.ListObjectVersionsInput) ([]versionEntry, []string) {
	t.Helper()
	var (
		all []versionEntry
		cps []string
	)
	p := s3.NewListObjectVersionsPaginator(e.s3, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListObjectVersions: %v", err)
		}
		var page []versionEntry
		for _, v := range out.Versions {
			page = append(page, versionEntry{aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), false})
		}
		for _, m := range out.DeleteMarkers {
			page = append(page, versionEntry{aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest), true})
		}
		all = append(all, sortPage(page)...)
		for _, cp := range out.CommonPrefixes {
			cps = append(cps, aws.ToString(cp.Prefix))
		}
	}
	return all, cps
}

// sortPage orders one page's entries as the response had them: the SDK
// splits Version and DeleteMarker elements into two lists, so the order is
// rebuilt from the keys and, within a key, from the version ids, which sort
// newest first. The tests put a null version only where it is the latest
// or the oldest version of its key.
func sortPage(page []versionEntry) []versionEntry {
	out := slices.Clone(page)
	rank := func(v versionEntry) int {
		switch {
		case v.Latest:
			return 0
		case v.VersionID == "null":
			return 2
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b versionEntry) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		return strings.Compare(a.VersionID, b.VersionID)
	})
	return out
}

func TestVersioning_lifecycle(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	got, err := e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || got.Status != "" {
		t.Fatalf("GetBucketVersioning(new) = %+v, %v, want no status", got, err)
	}
	pre := e.put(t, "k", []byte("pre"))
	if pre.VersionId != nil {
		t.Errorf("PutObject before versioning: version id %q, want none", aws.ToString(pre.VersionId))
	}
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	got, err = e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || got.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning = %+v, %v, want Enabled", got, err)
	}
	v1 := aws.ToString(e.put(t, "k", []byte("one")).VersionId)
	v2 := aws.ToString(e.put(t, "k", []byte("two")).VersionId)
	if v1 == "" || v2 == "" || v1 == v2 {
		t.Fatalf("PutObject version ids %q, %q: want two distinct ids", v1, v2)
	}
	for _, tt := range []struct{ vid, body string }{{"", "two"}, {v1, "one"}, {"null", "pre"}} {
		body, out := e.getVersion(t, "k", tt.vid)
		wantVid := tt.vid
		if wantVid == "" {
			wantVid = v2
		}
		if body != tt.body || aws.ToString(out.VersionId) != wantVid {
			t.Errorf("GetObject(versionId=%q) = %q (version %q), want %q (version %q)", tt.vid, body, aws.ToString(out.VersionId), tt.body, wantVid)
		}
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil || aws.ToString(head.VersionId) != v1 || aws.ToInt64(head.ContentLength) != 3 {
		t.Fatalf("HeadObject(v1) = %+v, %v", head, err)
	}

	// A delete adds a marker.
	del, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("DeleteObject = %+v, %v, want a delete marker", del, err)
	}
	marker := aws.ToString(del.VersionId)
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	wantCode(t, "GetObject after delete", err, "NoSuchKey", 404)
	if respHeader(err, "X-Amz-Delete-Marker") != "true" || respHeader(err, "X-Amz-Version-Id") != marker {
		t.Errorf("GetObject after delete: delete marker headers %q %q", respHeader(err, "X-Amz-Delete-Marker"), respHeader(err, "X-Amz-Version-Id"))
	}
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String("k")})
	if status(err) != 404 || respHeader(err, "X-Amz-Delete-Marker") != "true" {
		t.Errorf("HeadObject after delete = %v (marker header %q), want 404 with the marker header", err, respHeader(err, "X-Amz-Delete-Marker"))
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(marker)})
	wantCode(t, "GetObject(marker)", err, "MethodNotAllowed", 405)
	if respHeader(err, "X-Amz-Delete-Marker") != "true" || respHeader(err, "Allow") != "DELETE" {
		t.Errorf("GetObject(marker): headers delete-marker %q allow %q", respHeader(err, "X-Amz-Delete-Marker"), respHeader(err, "Allow"))
	}
	list, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: b})
	if err != nil || len(list.Contents) != 0 {
		t.Fatalf("ListObjectsV2 after delete = %d objects, %v, want none", len(list.Contents), err)
	}
	all, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b})
	want := []versionEntry{{"k", marker, true, true}, {"k", v2, false, false}, {"k", v1, false, false}, {"k", "null", false, false}}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("ListObjectVersions (-want +got):\n%s", diff)
	}

	// Removing the marker makes v2 current again.
	del, err = e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(marker)})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != marker {
		t.Fatalf("DeleteObject(marker) = %+v, %v", del, err)
	}
	if body, _ := e.getVersion(t, "k", ""); body != "two" {
		t.Fatalf("GetObject after removing the marker = %q, want two", body)
	}
	// Removing v2 for good makes v1 current.
	del, err = e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v2)})
	if err != nil || aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != v2 {
		t.Fatalf("DeleteObject(v2) = %+v, %v", del, err)
	}
	if body, _ := e.getVersion(t, "k", ""); body != "one" {
		t.Fatalf("GetObject after removing v2 = %q, want one", body)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v2)})
	wantCode(t, "GetObject(removed version)", err, "NoSuchVersion", 404)
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String("not-a-version")})
	wantCode(t, "GetObject(malformed version id)", err, "InvalidArgument", 400)

	// Suspended: writes are the null version, replacing the old one; the
	// PUT names no version (see TestVersioning_writeHeaders).
	e.versioning(t, e.bucket, types.BucketVersioningStatusSuspended)
	if vid := aws.ToString(e.put(t, "k", []byte("null2")).VersionId); vid != "" {
		t.Errorf("suspended PutObject version id = %q, want none", vid)
	}
	all, _ = e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b})
	want = []versionEntry{{"k", "null", true, false}, {"k", v1, false, false}}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("ListObjectVersions after suspended PUT (-want +got):\n%s", diff)
	}
	for i := 0; i < 2; i++ {
		del, err = e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k")})
		if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != "null" {
			t.Fatalf("suspended DeleteObject = %+v, %v, want a null marker", del, err)
		}
	}
	all, _ = e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b})
	want = []versionEntry{{"k", "null", true, true}, {"k", v1, false, false}}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("ListObjectVersions after suspended deletes (-want +got):\n%s", diff)
	}
}

func TestVersioning_putBucketVersioningErrors(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	tests := []struct {
		name   string
		cfg    *types.VersioningConfiguration
		code   string
		status int
	}{
		{"bad status", &types.VersioningConfiguration{Status: "On"}, "IllegalVersioningConfigurationException", 400},
		{"no status", &types.VersioningConfiguration{}, "IllegalVersioningConfigurationException", 400},
		{"mfa delete without x-amz-mfa", &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled},
			"AccessDenied", 403},
	}
	for _, tt := range tests {
		_, err := e.s3.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: tt.cfg})
		wantCode(t, "PutBucketVersioning("+tt.name+")", err, tt.code, tt.status)
	}
	got, err := e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || got.Status != "" {
		t.Fatalf("GetBucketVersioning after refused changes = %+v, %v, want unversioned", got, err)
	}
	_, err = e.s3.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{
		Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteDisabled}})
	if err != nil {
		t.Fatalf("PutBucketVersioning(MfaDelete Disabled): %v", err)
	}
	_, err = e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: aws.String("no-such-bucket-v")})
	wantCode(t, "GetBucketVersioning(missing bucket)", err, "NoSuchBucket", 404)
}

// TestVersioning_versionIDs checks x-amz-version-id and versionId on
// copy, multipart, tagging and DeleteObjects.
func TestVersioning_versionIDs(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put(t, "src", []byte("first")).VersionId)
	e.put(t, "src", []byte("second"))

	cp, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"),
		CopySource: aws.String(e.bucket + "/src?versionId=" + v1)})
	if err != nil || aws.ToString(cp.CopySourceVersionId) != v1 || aws.ToString(cp.VersionId) == "" {
		t.Fatalf("CopyObject(v1) = %+v, %v", cp, err)
	}
	if body, out := e.getVersion(t, "dst", ""); body != "first" || aws.ToString(out.VersionId) != aws.ToString(cp.VersionId) {
		t.Fatalf("copied object = %q (version %q), want first (version %q)", body, aws.ToString(out.VersionId), aws.ToString(cp.VersionId))
	}
	_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"),
		CopySource: aws.String(e.bucket + "/src?versionId=bad")})
	wantCode(t, "CopyObject(bad source version)", err, "InvalidArgument", 400)

	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	pc, err := e.s3.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String(e.bucket + "/src?versionId=" + v1)})
	if err != nil || aws.ToString(pc.CopySourceVersionId) != v1 {
		t.Fatalf("UploadPartCopy(v1) = %+v, %v", pc, err)
	}
	done, err := e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: pc.CopyPartResult.ETag}}}})
	if err != nil || aws.ToString(done.VersionId) == "" {
		t.Fatalf("CompleteMultipartUpload = %+v, %v, want a version id", done, err)
	}

	_, err = e.s3.PutObjectTagging(ctx(t), &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("src"), VersionId: aws.String(v1),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("old"), Value: aws.String("yes")}}}})
	if err != nil {
		t.Fatalf("PutObjectTagging(v1): %v", err)
	}
	tags, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("src"), VersionId: aws.String(v1)})
	if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.VersionId) != v1 {
		t.Fatalf("GetObjectTagging(v1) = %+v, %v", tags, err)
	}
	cur, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("src")})
	if err != nil || len(cur.TagSet) != 0 {
		t.Fatalf("GetObjectTagging(current) = %+v, %v, want no tags", cur, err)
	}

	res, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("src"), VersionId: aws.String(v1)},
		{Key: aws.String("dst")},
	}}})
	if err != nil || len(res.Deleted) != 2 || len(res.Errors) != 0 {
		t.Fatalf("DeleteObjects = %+v, %v", res, err)
	}
	for _, d := range res.Deleted {
		switch aws.ToString(d.Key) {
		case "src":
			if aws.ToString(d.VersionId) != v1 || aws.ToBool(d.DeleteMarker) {
				t.Errorf("DeleteObjects[src] = %+v, want version %s removed", d, v1)
			}
		case "dst":
			if !aws.ToBool(d.DeleteMarker) || aws.ToString(d.DeleteMarkerVersionId) == "" {
				t.Errorf("DeleteObjects[dst] = %+v, want a delete marker", d)
			}
		}
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("src"), VersionId: aws.String(v1)})
	wantCode(t, "GetObject(deleted v1)", err, "NoSuchVersion", 404)
}

// TestListObjectVersions_paging walks a history of several keys, versions
// and markers with the SDK paginator at several page sizes, with and
// without a delimiter, and with URL encoding.
func TestListObjectVersions_paging(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	keys := []string{"a/1", "a/2", "b c", "d"}
	for round := 0; round < 3; round++ {
		for _, k := range keys {
			e.put(t, k, []byte(fmt.Sprint(k, round)))
		}
	}
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	full, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b})
	if len(full) != 13 {
		t.Fatalf("ListObjectVersions = %d entries, want 13", len(full))
	}
	for i, v := range full {
		first := i == 0 || full[i-1].Key != v.Key
		if v.Latest != first {
			t.Errorf("entry %d %+v: IsLatest %v, want %v", i, v, v.Latest, first)
		}
	}
	if last := full[9]; last.Key != "d" || !last.Marker {
		t.Errorf("d's first entry = %+v, want the delete marker", last)
	}
	for _, size := range []int32{1, 2, 5} {
		got, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b, MaxKeys: aws.Int32(size)})
		if diff := cmp.Diff(full, got); diff != "" {
			t.Errorf("pages of %d (-want +got):\n%s", size, diff)
		}
		got, cps := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b, MaxKeys: aws.Int32(size), Delimiter: aws.String("/")})
		if diff := cmp.Diff(full[6:], got); diff != "" {
			t.Errorf("delimiter, pages of %d (-want +got):\n%s", size, diff)
		}
		if diff := cmp.Diff([]string{"a/"}, cps); diff != "" {
			t.Errorf("delimiter, pages of %d: prefixes (-want +got):\n%s", size, diff)
		}
	}
	got, _ := e.listAllVersions(t, &s3.ListObjectVersionsInput{Bucket: b, Prefix: aws.String("b"), EncodingType: types.EncodingTypeUrl})
	if len(got) != 3 || got[0].Key != "b+c" {
		t.Errorf("prefix b, url encoding = %+v, want 3 versions of %q", got, "b+c")
	}
	_, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: b, VersionIdMarker: aws.String(full[0].VersionID)})
	wantCode(t, "ListObjectVersions(version marker alone)", err, "InvalidArgument", 400)
}

// TestVersioning_rawHeaders checks the wire details the SDK hides: the
// delete-marker header is never sent as false, and a versioned GET names
// its version.
func TestVersioning_rawHeaders(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	v := aws.ToString(e.put(t, "k", bytes.Repeat([]byte("x"), 10)).VersionId)
	out, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v)})
	if err != nil {
		t.Fatalf("DeleteObject(v): %v", err)
	}
	raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response)
	if !ok {
		t.Fatal("no raw response")
	}
	captured := raw.Header
	if _, ok := captured["X-Amz-Delete-Marker"]; ok {
		t.Errorf("DeleteObject(version) sent x-amz-delete-marker %q; S3 never sends false", captured.Get("X-Amz-Delete-Marker"))
	}
	if captured.Get("X-Amz-Version-Id") != v {
		t.Errorf("DeleteObject(version) x-amz-version-id = %q, want %q", captured.Get("X-Amz-Version-Id"), v)
	}
}
