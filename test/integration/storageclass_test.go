package integration_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// headClass returns the storage class HeadObject reports ("" when S3
// sends no x-amz-storage-class, as it does for STANDARD).
func (e *env) headClass(t *testing.T, key string) types.StorageClass {
	t.Helper()
	out, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject(%s): %v", key, err)
	}
	return out.StorageClass
}

// TestStorageClass_putHeadGetList stores objects in several classes and
// checks the class in HEAD and GET headers (absent for STANDARD) and in
// both listing versions and ListObjectVersions.
func TestStorageClass_putHeadGetList(t *testing.T) {
	e := newEnv(t)
	classes := map[string]types.StorageClass{
		"a-default":  "",
		"b-standard": types.StorageClassStandard,
		"c-ia":       types.StorageClassStandardIa,
		"d-onezone":  types.StorageClassOnezoneIa,
		"e-it":       types.StorageClassIntelligentTiering,
		"f-glir":     types.StorageClassGlacierIr,
		"g-glacier":  types.StorageClassGlacier,
		"h-deep":     types.StorageClassDeepArchive,
		"i-rrs":      types.StorageClassReducedRedundancy,
	}
	for key, sc := range classes {
		e.put(t, key, []byte(key), func(in *s3.PutObjectInput) { in.StorageClass = sc })
	}
	want := func(sc types.StorageClass) types.StorageClass {
		if sc == "" {
			return types.StorageClassStandard
		}
		return sc
	}
	for key, sc := range classes {
		wantHeader := sc
		if sc == types.StorageClassStandard {
			wantHeader = ""
		}
		if got := e.headClass(t, key); got != wantHeader {
			t.Errorf("HeadObject(%s) StorageClass = %q, want %q", key, got, wantHeader)
		}
		out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		if sc == types.StorageClassGlacier || sc == types.StorageClassDeepArchive {
			// Archived until restored (restore_test.go).
			wantCode(t, "GetObject("+key+")", err, "InvalidObjectState", 403)
			continue
		}
		if err != nil {
			t.Fatalf("GetObject(%s): %v", key, err)
		}
		out.Body.Close()
		if out.StorageClass != wantHeader {
			t.Errorf("GetObject(%s) StorageClass = %q, want %q", key, out.StorageClass, wantHeader)
		}
	}
	v2, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	for _, o := range v2.Contents {
		if got := types.StorageClass(o.StorageClass); got != want(classes[*o.Key]) {
			t.Errorf("ListObjectsV2 %s StorageClass = %q, want %q", *o.Key, got, want(classes[*o.Key]))
		}
	}
	v1, err := e.s3.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	for _, o := range v1.Contents {
		if got := types.StorageClass(o.StorageClass); got != want(classes[*o.Key]) {
			t.Errorf("ListObjects %s StorageClass = %q, want %q", *o.Key, got, want(classes[*o.Key]))
		}
	}
	if len(v1.Contents) != len(classes) || len(v2.Contents) != len(classes) {
		t.Errorf("listed %d and %d objects, want %d", len(v1.Contents), len(v2.Contents), len(classes))
	}
}

// TestListObjectVersions_storageClass checks <StorageClass> of versions
// written with and without versioning.
func TestListObjectVersions_storageClass(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("null version"), func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassGlacierIr })
	if _, err := e.s3.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("PutBucketVersioning: %v", err)
	}
	e.put(t, "k", []byte("v2"), func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassStandardIa })
	e.put(t, "k", []byte("v3"))
	out, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("ListObjectVersions: %v", err)
	}
	var got []types.ObjectVersionStorageClass
	for _, v := range out.Versions {
		got = append(got, v.StorageClass)
	}
	want := []types.ObjectVersionStorageClass{"STANDARD", "STANDARD_IA", "GLACIER_IR"}
	if len(got) != len(want) {
		t.Fatalf("ListObjectVersions classes = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ListObjectVersions classes = %v, want %v", got, want)
			break
		}
	}
}

// TestCopyObject_storageClass checks that a copy is STANDARD unless the
// request names a class (S3 does not copy the source's class), and that
// a new class is a change that lets an object be copied onto itself.
func TestCopyObject_storageClass(t *testing.T) {
	e := newEnv(t)
	e.put(t, "src", []byte("data"), func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassStandardIa })
	copyTo := func(key string, sc types.StorageClass) error {
		_, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
			CopySource: aws.String(e.bucket + "/src"), StorageClass: sc})
		return err
	}
	if err := copyTo("plain", ""); err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	if got := e.headClass(t, "plain"); got != "" {
		t.Errorf("copy without a class: StorageClass = %q, want STANDARD (no header)", got)
	}
	if err := copyTo("deep", types.StorageClassDeepArchive); err != nil {
		t.Fatalf("CopyObject(DEEP_ARCHIVE): %v", err)
	}
	if got := e.headClass(t, "deep"); got != types.StorageClassDeepArchive {
		t.Errorf("copy with DEEP_ARCHIVE: StorageClass = %q", got)
	}
	wantCode(t, "CopyObject(onto itself, same class)", copyTo("src", types.StorageClassStandardIa), "InvalidRequest", 400)
	if err := copyTo("src", types.StorageClassOnezoneIa); err != nil {
		t.Fatalf("CopyObject(onto itself, new class): %v", err)
	}
	if got := e.headClass(t, "src"); got != types.StorageClassOnezoneIa {
		t.Errorf("after changing the class in place: StorageClass = %q, want ONEZONE_IA", got)
	}
	if got := e.getBody(t, "src"); string(got) != "data" {
		t.Errorf("after changing the class in place: body = %q", got)
	}
}

// TestMultipart_storageClass checks that the class given at creation is
// listed with the upload and its parts and given to the object.
func TestMultipart_storageClass(t *testing.T) {
	e := newEnv(t)
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket),
		Key: aws.String("mp"), StorageClass: types.StorageClassIntelligentTiering})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	part, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("part"))})
	if err != nil {
		t.Fatalf("UploadPart: %v", err)
	}
	lp, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: up.UploadId})
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	if lp.StorageClass != types.StorageClassIntelligentTiering {
		t.Errorf("ListParts StorageClass = %q, want INTELLIGENT_TIERING", lp.StorageClass)
	}
	lu, err := e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	if len(lu.Uploads) != 1 || lu.Uploads[0].StorageClass != types.StorageClassIntelligentTiering {
		t.Errorf("ListMultipartUploads = %+v, want one INTELLIGENT_TIERING upload", lu.Uploads)
	}
	_, err = e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket),
		Key: aws.String("mp"), UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{
			Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if got := e.headClass(t, "mp"); got != types.StorageClassIntelligentTiering {
		t.Errorf("HeadObject StorageClass = %q, want INTELLIGENT_TIERING", got)
	}

	// An upload without a class lists as STANDARD.
	up2, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp2")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	lp, err = e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("mp2"), UploadId: up2.UploadId})
	if err != nil {
		t.Fatalf("ListParts: %v", err)
	}
	if lp.StorageClass != types.StorageClassStandard {
		t.Errorf("ListParts StorageClass = %q, want STANDARD", lp.StorageClass)
	}
}

// TestPutObject_invalidStorageClass checks that S3's InvalidStorageClass
// answers a class a general purpose bucket does not have, on every write,
// and that nothing is written.
func TestPutObject_invalidStorageClass(t *testing.T) {
	e := newEnv(t)
	e.put(t, "src", []byte("x"))
	for _, sc := range []types.StorageClass{"PLATINUM", types.StorageClassExpressOnezone, types.StorageClassOutposts,
		types.StorageClassSnow, "FSX_OPENZFS", "standard_ia"} {
		_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
			Body: bytes.NewReader([]byte("x")), StorageClass: sc})
		wantCode(t, "PutObject("+string(sc)+")", err, "InvalidStorageClass", http.StatusBadRequest)
		_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
			CopySource: aws.String(e.bucket + "/src"), StorageClass: sc})
		wantCode(t, "CopyObject("+string(sc)+")", err, "InvalidStorageClass", http.StatusBadRequest)
		_, err = e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket),
			Key: aws.String("k"), StorageClass: sc})
		wantCode(t, "CreateMultipartUpload("+string(sc)+")", err, "InvalidStorageClass", http.StatusBadRequest)
	}
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "HeadObject after rejected writes", err, "NotFound", http.StatusNotFound)
	lu, err := e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	if len(lu.Uploads) != 0 {
		t.Errorf("ListMultipartUploads = %d uploads after rejected creations, want 0", len(lu.Uploads))
	}
}
