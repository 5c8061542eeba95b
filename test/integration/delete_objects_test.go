package integration_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDeleteObjects(t *testing.T) {
	tests := []struct {
		name        string
		quiet       bool
		wantDeleted []string
	}{
		{"verbose", false, []string{"a", "b", "c", "missing"}},
		{"quiet", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.putAll(t, []string{"a", "b", "c", "keep"})
			var ids []types.ObjectIdentifier
			for _, k := range []string{"a", "b", "c", "missing"} {
				ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
			}
			out, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket),
				Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(tt.quiet)}})
			if err != nil {
				t.Fatalf("DeleteObjects: %v", err)
			}
			var deleted []string
			for _, d := range out.Deleted {
				deleted = append(deleted, aws.ToString(d.Key))
			}
			slices.Sort(deleted)
			if diff := cmp.Diff(tt.wantDeleted, deleted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Deleted (-want +got):\n%s", diff)
			}
			if len(out.Errors) != 0 {
				t.Errorf("Errors = %+v, want none", out.Errors)
			}
			list, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"keep"}, keysOf(list.Contents)); diff != "" {
				t.Errorf("keys left (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeleteObjects_noSuchBucket(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String("no-such-bucket"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
	wantCode(t, "DeleteObjects(missing bucket)", err, "NoSuchBucket", 404)
}
