package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/object"
)

// transition moves key's current version to class as the lifecycle
// engine would, judging it from what the service reports.
func (e *env) transition(t *testing.T, key, class string) {
	t.Helper()
	head, err := e.srv.Objects.HeadObject(ctx(t), object.GetInput{Bucket: e.bucket, Key: key})
	if err != nil {
		t.Fatalf("HeadObject(%s): %v", key, err)
	}
	st := object.VersionState{ETag: head.Info.ETag, LastModified: head.Info.LastModified, StorageClass: head.Info.StorageClass}
	if err := e.srv.Objects.TransitionVersion(ctx(t), e.bucket, key, "", st, class); err != nil {
		t.Fatalf("TransitionVersion(%s, %s): %v", key, class, err)
	}
}

// getRange reads bytes [from, to] of key.
func (e *env) getRange(t *testing.T, key string, from, to int) []byte {
	t.Helper()
	out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", from, to))})
	if err != nil {
		t.Fatalf("GetObject(%s, %d-%d): %v", key, from, to, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// putParts uploads parts as a multipart object.
func (e *env) putParts(t *testing.T, key string, parts ...[]byte) {
	t.Helper()
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var done []types.CompletedPart
	for i, p := range parts {
		n := aws.Int32(int32(i + 1))
		out, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: n, Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, types.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	_, err = e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatal(err)
	}
}

// checkTiered reads the transitioned objects back whole and by range and
// checks their class in HEAD and the listing.
func checkTiered(t *testing.T, e *env, class string, objects map[string][]byte) {
	t.Helper()
	for key, want := range objects {
		if got := e.getBody(t, key); !bytes.Equal(got, want) {
			t.Errorf("GetObject(%s) = %d bytes, want %d", key, len(got), len(want))
		}
		from, to := len(want)/3, len(want)/3+70000
		if got := e.getRange(t, key, from, to); !bytes.Equal(got, want[from:to+1]) {
			t.Errorf("GetObject(%s, bytes=%d-%d) differs", key, from, to)
		}
		if got := e.headClass(t, key); string(got) != class {
			t.Errorf("HeadObject(%s) StorageClass = %q, want %q", key, got, class)
		}
	}
	list, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		if string(o.StorageClass) != class {
			t.Errorf("ListObjectsV2 %s StorageClass = %q, want %q", aws.ToString(o.Key), o.StorageClass, class)
		}
	}
}

// TestTransition_dirTier moves a single-part and a multipart object to a
// STANDARD_IA tier on another directory and reads them back.
func TestTransition_dirTier(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, coffertest.WithMinPartSize(5), coffertest.WithConfig(func(c *config.Config) {
		c.Tiers = []string{"STANDARD_IA=" + dir}
	}))
	objects := map[string][]byte{"single": randBytes(t, 300<<10), "multi": nil}
	p1, p2 := randBytes(t, 200<<10), randBytes(t, 150<<10)
	objects["multi"] = append(append([]byte(nil), p1...), p2...)
	e.put(t, "single", objects["single"])
	e.putParts(t, "multi", p1, p2)
	e.transition(t, "single", "STANDARD_IA")
	e.transition(t, "multi", "STANDARD_IA")
	checkTiered(t, e, "STANDARD_IA", objects)
	files := 0
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if rel, _ := filepath.Rel(dir, p); err == nil && !fi.IsDir() && !strings.HasPrefix(rel, "tmp") {
			files++
		}
		return nil
	})
	if files < 3 {
		t.Errorf("tier directory holds %d files, want at least the 3 blobs", files)
	}
}

// TestTransition_s3Tier moves objects to a GLACIER_IR tier kept in a
// bucket of a second coffer, and reads them back through the first.
func TestTransition_s3Tier(t *testing.T) {
	remote := coffertest.Start(t)
	if _, err := remote.S3().CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String("cold")}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, coffertest.WithMinPartSize(5), coffertest.WithConfig(func(c *config.Config) {
		c.Tiers = []string{"GLACIER_IR=s3://cold/coffer-a?endpoint=" + remote.Endpoint}
		c.TierAccessKey, c.TierSecretKey = remote.AccessKey, config.Secret(remote.SecretKey)
	}))
	p1, p2 := randBytes(t, 120<<10), randBytes(t, 90<<10)
	objects := map[string][]byte{"single": randBytes(t, 250<<10), "multi": append(append([]byte(nil), p1...), p2...)}
	e.put(t, "single", objects["single"])
	e.putParts(t, "multi", p1, p2)
	e.transition(t, "single", "GLACIER_IR")
	e.transition(t, "multi", "GLACIER_IR")
	checkTiered(t, e, "GLACIER_IR", objects)
	list, err := remote.S3().ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("cold"), Prefix: aws.String("coffer-a/")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.Contents); n != 3 {
		t.Errorf("remote tier bucket holds %d objects, want 3 (one object, two parts)", n)
	}
	// Encrypted at rest on the first coffer, the bytes stay encrypted in
	// the tier: no stored object is the plaintext.
	for _, o := range list.Contents {
		if aws.ToInt64(o.Size) == int64(len(objects["single"])) || aws.ToInt64(o.Size) == int64(len(p1)) {
			t.Errorf("tier object %s has the plaintext's size %d: not the encrypted stream", aws.ToString(o.Key), aws.ToInt64(o.Size))
		}
	}
	// Deleting the object deletes its bytes in the tier.
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("multi")}); err != nil {
		t.Fatal(err)
	}
	list, err = remote.S3().ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("cold"), Prefix: aws.String("coffer-a/")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.Contents); n != 1 {
		t.Errorf("remote tier bucket holds %d objects after a delete, want 1", n)
	}
}

// httpStatus is the HTTP status of a successful SDK call.
func httpStatus(md middleware.Metadata) int {
	if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		return r.StatusCode
	}
	return 0
}

// TestRestoreObject_glacier takes a GLACIER object through an Expedited
// RestoreObject on S3's 24-hour day (5 minutes), on a fake clock:
// InvalidObjectState before, 202 then 409 while in progress, readable with
// x-amz-restore once done, 200 on an extension, and InvalidObjectState
// again once the sweep expired it.
func TestRestoreObject_glacier(t *testing.T) {
	fc := clock.NewFake(time.Now())
	e := newEnv(t, coffertest.WithClock(fc), coffertest.WithRestoreDay(24*time.Hour))
	body := randBytes(t, 100<<10)
	e.put(t, "cold", body, func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassGlacier })
	e.put(t, "warm", []byte("x"))
	_, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	wantCode(t, "GetObject(GLACIER)", err, "InvalidObjectState", 403)
	_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"),
		CopySource: aws.String(e.bucket + "/cold")})
	wantCode(t, "CopyObject(GLACIER source)", err, "InvalidObjectState", 403)

	restore := func(key string, days int32) (*s3.RestoreObjectOutput, error) {
		return e.s3.RestoreObject(ctx(t), &s3.RestoreObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
			RestoreRequest: &types.RestoreRequest{Days: aws.Int32(days), GlacierJobParameters: &types.GlacierJobParameters{Tier: types.TierExpedited}}})
	}
	_, err = restore("warm", 1)
	wantCode(t, "RestoreObject(STANDARD)", err, "InvalidObjectState", 403)
	// S3 offers no Expedited retrieval from DEEP_ARCHIVE.
	e.put(t, "deep", []byte("d"), func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassDeepArchive })
	_, err = restore("deep", 1)
	wantCode(t, "RestoreObject(DEEP_ARCHIVE, Expedited)", err, "InvalidArgument", 400)
	out, err := restore("cold", 1)
	if err != nil {
		t.Fatalf("RestoreObject: %v", err)
	}
	if got := httpStatus(out.ResultMetadata); got != 202 {
		t.Errorf("first RestoreObject status = %d, want 202", got)
	}
	_, err = restore("cold", 1)
	wantCode(t, "RestoreObject while in progress", err, "RestoreAlreadyInProgress", 409)
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.Restore); got != `ongoing-request="true"` {
		t.Errorf("HeadObject Restore = %q while in progress", got)
	}

	fc.Advance(5*time.Minute - time.Second)
	head, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.Restore); got != `ongoing-request="true"` {
		t.Errorf("HeadObject Restore = %q a second before the 5 minutes of Expedited", got)
	}
	fc.Advance(time.Second)
	done := fc.Now()
	wantExpiry := done.UTC().Add(24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
	head, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	if err != nil {
		t.Fatal(err)
	}
	want := `ongoing-request="false", expiry-date="` + wantExpiry.Format(http1123) + `"`
	if got := aws.ToString(head.Restore); got != want {
		t.Errorf("HeadObject Restore = %q, want %q", got, want)
	}
	if got := e.getBody(t, "cold"); !bytes.Equal(got, body) {
		t.Errorf("GetObject once restored = %d bytes, want %d", len(got), len(body))
	}
	out, err = restore("cold", 2)
	if err != nil {
		t.Fatalf("RestoreObject to extend: %v", err)
	}
	if got := httpStatus(out.ResultMetadata); got != 200 {
		t.Errorf("extending RestoreObject status = %d, want 200", got)
	}

	// The copy expires: signed requests need the clock near real time, so
	// the expired state is checked through the service, then the sweep
	// clears it and the clock comes back for the client.
	fc.Set(wantExpiry.Add(48 * time.Hour))
	if n, err := e.srv.Objects.ExpireRestores(ctx(t)); err != nil || n != 1 {
		t.Fatalf("ExpireRestores = %d, %v; want 1", n, err)
	}
	fc.Set(done)
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	wantCode(t, "GetObject after expiry", err, "InvalidObjectState", 403)
	head, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("cold")})
	if err != nil {
		t.Fatal(err)
	}
	if head.Restore != nil {
		t.Errorf("HeadObject Restore = %q after expiry, want none", aws.ToString(head.Restore))
	}
}

// http1123 is the format of HTTP dates, x-amz-restore's expiry-date.
const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

// TestList_restoreStatus: ListObjectsV2 and ListObjectVersions with
// x-amz-optional-object-attributes: RestoreStatus show each archived object
// being restored (IsRestoreInProgress true, no expiry) or restored
// (IsRestoreInProgress false and RestoreExpiryDate), and nothing for
// objects never restored or of other classes, or when not asked.
func TestList_restoreStatus(t *testing.T) {
	fc := clock.NewFake(time.Now())
	e := newEnv(t, coffertest.WithClock(fc), coffertest.WithRestoreDay(24*time.Hour))
	glacier := func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassGlacier }
	e.put(t, "restored", []byte("r"), glacier)
	e.put(t, "restoring", []byte("o"), glacier)
	e.put(t, "archived", []byte("a"), glacier)
	e.put(t, "warm", []byte("w"))
	restore := func(key string, tier types.Tier) {
		t.Helper()
		if _, err := e.s3.RestoreObject(ctx(t), &s3.RestoreObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
			RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1), GlacierJobParameters: &types.GlacierJobParameters{Tier: tier}}}); err != nil {
			t.Fatalf("RestoreObject(%s): %v", key, err)
		}
	}
	restore("restored", types.TierExpedited)
	fc.Advance(5 * time.Minute) // Expedited is done, Standard (5 hours) is not
	restore("restoring", types.TierStandard)
	wantExpiry := fc.Now().UTC().Add(24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
	show := func(key string, rs *types.RestoreStatus) string {
		switch {
		case rs == nil:
			return key + ":-"
		case rs.RestoreExpiryDate != nil:
			return fmt.Sprintf("%s:%v,%s", key, aws.ToBool(rs.IsRestoreInProgress), rs.RestoreExpiryDate.UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("%s:%v", key, aws.ToBool(rs.IsRestoreInProgress))
	}
	want := "archived:- restored:false," + wantExpiry.Format(time.RFC3339) + " restoring:true warm:-"
	for _, ask := range []bool{true, false} {
		var attrs []types.OptionalObjectAttributes
		if ask {
			attrs = []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}
		}
		v2, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), OptionalObjectAttributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range v2.Contents {
			got = append(got, show(aws.ToString(o.Key), o.RestoreStatus))
		}
		vs, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket), OptionalObjectAttributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		var gotV []string
		for _, v := range vs.Versions {
			gotV = append(gotV, show(aws.ToString(v.Key), v.RestoreStatus))
		}
		w := want
		if !ask {
			w = "archived:- restored:- restoring:- warm:-"
		}
		if g := strings.Join(got, " "); g != w {
			t.Errorf("ListObjectsV2 (RestoreStatus asked: %v) = %s\nwant %s", ask, g, w)
		}
		if g := strings.Join(gotV, " "); g != w {
			t.Errorf("ListObjectVersions (RestoreStatus asked: %v) = %s\nwant %s", ask, g, w)
		}
	}
}
