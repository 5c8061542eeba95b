package integration_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

func TestCreateBucket_again(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "CreateBucket(existing)", err, "BucketAlreadyOwnedByYou", 409)
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
