package integration_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// TestCreateBucket_alreadyOwnedUSEast1: in us-east-1, S3 answers 200 OK to
// re-creating a bucket you own, for legacy compatibility, and leaves the
// bucket as it was (BucketAlreadyOwnedByYou, S3 API reference).
func TestCreateBucket_alreadyOwnedUSEast1(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	e.put(t, "k", []byte("kept"))
	out, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket), ObjectLockEnabledForBucket: aws.Bool(true)})
	if err != nil {
		t.Fatalf("CreateBucket(owned, us-east-1) = %v, want 200 OK", err)
	}
	raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response)
	if !ok || raw.StatusCode != 200 {
		t.Fatalf("CreateBucket(owned, us-east-1) raw response %v, want status 200", raw)
	}
	if got := string(e.getBody(t, "k")); got != "kept" {
		t.Errorf("object after re-create = %q, want kept", got)
	}
	v, err := e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: aws.String(e.bucket)})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Errorf("GetBucketVersioning after re-create = %+v, %v; want Enabled", v, err)
	}
	_, err = e.s3.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetObjectLockConfiguration after re-create", err, "ObjectLockConfigurationNotFoundError", 404)
}

// TestCreateBucket_alreadyOwnedOtherRegion: outside us-east-1, re-creating
// a bucket you own is BucketAlreadyOwnedByYou (409).
func TestCreateBucket_alreadyOwnedOtherRegion(t *testing.T) {
	srv := coffertest.Start(t, coffertest.WithConfig(func(c *config.Config) { c.Region = "eu-west-1" }))
	c := srv.S3(func(o *s3.Options) { o.Region = "eu-west-1" })
	in := &s3.CreateBucketInput{Bucket: aws.String("owned-twice"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}
	if _, err := c.CreateBucket(ctx(t), in); err != nil {
		t.Fatalf("CreateBucket(eu-west-1): %v", err)
	}
	_, err := c.CreateBucket(ctx(t), in)
	wantCode(t, "CreateBucket(owned, eu-west-1)", err, "BucketAlreadyOwnedByYou", 409)
}

func TestCreateBucket_invalidName(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.S3()
	for _, name := range []string{"ab", "UpperCase", "under_score", "-leading-dash", "192.168.5.4", "double..dot"} {
		t.Run(name, func(t *testing.T) {
			_, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name)})
			wantCode(t, "CreateBucket("+name+")", err, "InvalidBucketName", 400)
		})
	}
}

func TestCreateBucket_locationConstraint(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.S3()
	// us-east-1 is the one region whose constraint must be absent.
	_, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{
		Bucket:                    aws.String("located"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1},
	})
	if err == nil {
		t.Fatal("CreateBucket with eu-west-1 constraint on a us-east-1 endpoint succeeded, want an error")
	}
	if got := code(err); got != "IllegalLocationConstraintException" && got != "InvalidLocationConstraint" {
		t.Errorf("CreateBucket(eu-west-1) code = %q, want IllegalLocationConstraintException or InvalidLocationConstraint", got)
	}
}

func TestHeadBucket(t *testing.T) {
	e := newEnv(t)
	if _, err := e.s3.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Errorf("HeadBucket(existing): %v", err)
	}
	_, err := e.s3.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")})
	// HEAD responses have no body, so the SDK names the error after the status.
	wantCode(t, "HeadBucket(missing)", err, "NotFound", 404)
}

func TestListBuckets(t *testing.T) {
	srv := coffertest.Start(t)
	e := &env{srv: srv, s3: srv.S3()}
	want := []string{e.newBucket(t), e.newBucket(t), e.newBucket(t)}
	slices.Sort(want)
	out, err := e.s3.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range out.Buckets {
		got = append(got, aws.ToString(b.Name))
		if b.CreationDate == nil || b.CreationDate.IsZero() {
			t.Errorf("bucket %s has no CreationDate", aws.ToString(b.Name))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("ListBuckets = %q, want %q", got, want)
	}
	if out.Owner == nil || aws.ToString(out.Owner.ID) == "" {
		t.Error("ListBuckets has no Owner ID")
	}
}

func TestGetBucketLocation(t *testing.T) {
	e := newEnv(t)
	out, err := e.s3.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	// us-east-1 buckets report an empty LocationConstraint.
	if out.LocationConstraint != "" {
		t.Errorf("GetBucketLocation = %q, want empty for us-east-1", out.LocationConstraint)
	}
	_, err = e.s3.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String("no-such-bucket")})
	wantCode(t, "GetBucketLocation(missing)", err, "NoSuchBucket", 404)
}

func TestDeleteBucket_notEmpty(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("v"))
	_, err := e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "DeleteBucket(non-empty)", err, "BucketNotEmpty", 409)
}

// TestDeleteBucket_incompleteUploads: incomplete multipart uploads do not
// keep a bucket; S3 deletes it and discards them (DeleteBucket: "All
// objects (including all object versions and delete markers) in the bucket
// must be deleted before the bucket itself can be deleted").
func TestDeleteBucket_incompleteUploads(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "big")
	u.part(t, 1, randBytes(t, 5<<20))
	u.part(t, 2, []byte("tail"))
	e.createUpload(t, "other")
	out, err := e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("DeleteBucket(with incomplete uploads) = %v, want 204", err)
	}
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); !ok || raw.StatusCode != 204 {
		t.Errorf("DeleteBucket raw response %v, want status 204", raw)
	}
	_, err = e.s3.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "HeadBucket(deleted)", err, "NotFound", 404)
	if _, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("CreateBucket(again): %v", err)
	}
	list, err := e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	if err != nil || len(list.Uploads) != 0 {
		t.Fatalf("ListMultipartUploads of the recreated bucket = %d uploads, %v; want none", len(list.Uploads), err)
	}
	_, err = e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("big"), UploadId: aws.String(u.id)})
	wantCode(t, "ListParts(discarded upload)", err, "NoSuchUpload", 404)
}

// TestDeleteBucket_onlyDeleteMarker: a delete marker and the version under
// it keep a bucket (BucketNotEmpty), uploads or not.
func TestDeleteBucket_onlyDeleteMarker(t *testing.T) {
	e := newEnv(t)
	e.versioning(t, e.bucket, types.BucketVersioningStatusEnabled)
	e.put(t, "k", []byte("v"))
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	u := e.createUpload(t, "pending")
	_, err := e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "DeleteBucket(versions left)", err, "BucketNotEmpty", 409)
	if _, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("pending"), UploadId: aws.String(u.id)}); err != nil {
		t.Errorf("ListParts after refused DeleteBucket: %v; the upload must stay", err)
	}
}

func TestDeleteBucket_empty(t *testing.T) {
	e := newEnv(t)
	if _, err := e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	_, err := e.s3.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "HeadBucket(deleted)", err, "NotFound", 404)
	_, err = e.s3.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "DeleteBucket(deleted)", err, "NoSuchBucket", 404)
}

func TestPutObject_noSuchBucket(t *testing.T) {
	srv := coffertest.Start(t)
	_, err := srv.S3().PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")})
	wantCode(t, "PutObject(missing bucket)", err, "NoSuchBucket", 404)
}
