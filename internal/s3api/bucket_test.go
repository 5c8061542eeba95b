package s3api

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestBucketHandlers(t *testing.T) {
	created := testTime
	runHandlerCases(t, []handlerCase{
		{name: "create", method: "PUT", target: "/photos", status: 200,
			hdr:  map[string]string{"Location": "/photos"},
			call: object.CreateBucketInput{Name: "photos", Owner: "000000000000", OwnedOK: true, Ownership: acl.BucketOwnerEnforced}},
		{name: "create with empty body in us-east-1", method: "PUT", target: "/photos", body: "", status: 200},
		{name: "create naming us-east-1", method: "PUT", target: "/photos",
			body:   `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`,
			status: 400, code: "InvalidLocationConstraint"},
		{name: "create other region", method: "PUT", target: "/photos",
			body:   `<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
			status: 400, code: "IllegalLocationConstraintException"},
		{name: "create bad xml", method: "PUT", target: "/photos", body: `<CreateBucketConfiguration>`,
			status: 400, code: "MalformedXML"},
		{name: "create exists", method: "PUT", target: "/photos",
			setup:  func(env *testEnv) { env.obj.err = object.ErrBucketAlreadyOwnedByYou },
			status: 409, code: "BucketAlreadyOwnedByYou"},
		{name: "create invalid name", method: "PUT", target: "/Bad_Name",
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidBucketName },
			status: 400, code: "InvalidBucketName"},
		{name: "head", method: "HEAD", target: "/photos", status: 200,
			hdr: map[string]string{"X-Amz-Bucket-Region": "us-east-1"}, call: "photos"},
		{name: "head missing", method: "HEAD", target: "/photos",
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket },
			status: 404, code: "NoSuchBucket"},
		{name: "delete", method: "DELETE", target: "/photos", status: 204, call: "photos"},
		{name: "delete not empty", method: "DELETE", target: "/photos",
			setup:  func(env *testEnv) { env.obj.err = object.ErrBucketNotEmpty },
			status: 409, code: "BucketNotEmpty"},
		{name: "location us-east-1", method: "GET", target: "/photos?location", status: 200,
			golden: "location-us-east-1.xml"},
		{name: "location eu", method: "GET", target: "/photos?location", status: 200,
			setup:  func(env *testEnv) { env.obj.bucket = object.Bucket{Name: "photos", Region: "eu-west-1"} },
			golden: "location-eu-west-1.xml"},
		{name: "list buckets", method: "GET", target: "/", status: 200,
			setup: func(env *testEnv) {
				env.obj.buckets = &object.ListBucketsOutput{Buckets: []object.Bucket{
					{Name: "a", Created: created}, {Name: "b", Region: "us-east-1", Created: created},
				}}
			},
			call:   object.ListBucketsInput{Owner: "000000000000"},
			golden: "list-buckets.xml"},
		{name: "list buckets paged", method: "GET", target: "/?max-buckets=1&prefix=a", status: 200,
			setup: func(env *testEnv) {
				env.obj.buckets = &object.ListBucketsOutput{Buckets: []object.Bucket{{Name: "a1", Created: created}}, Truncated: true}
			},
			call:   object.ListBucketsInput{Owner: "000000000000", Prefix: "a", MaxBuckets: 1},
			golden: "list-buckets-paged.xml"},
		{name: "list buckets continued", method: "GET", target: "/?continuation-token=" + encodeToken("a1"), status: 200,
			setup: func(env *testEnv) { env.obj.buckets = &object.ListBucketsOutput{} },
			call:  object.ListBucketsInput{Owner: "000000000000", StartAfter: "a1"}},
		{name: "list buckets bad max", method: "GET", target: "/?max-buckets=x", status: 400, code: "InvalidArgument"},
	})
}

func TestBucketRegion(t *testing.T) {
	tests := []struct {
		region, constraint string
		want               string
		code               string
	}{
		{"us-east-1", "", "", ""},
		{"us-east-1", "us-east-1", "", "InvalidLocationConstraint"},
		{"us-east-1", "eu-west-1", "", "IllegalLocationConstraintException"},
		{"eu-west-1", "eu-west-1", "eu-west-1", ""},
		{"eu-west-1", "", "", "IllegalLocationConstraintException"},
		{"eu-west-1", "us-west-2", "", "IllegalLocationConstraintException"},
	}
	for _, tc := range tests {
		h := &Handler{region: tc.region}
		got, err := h.bucketRegion(tc.constraint)
		code := ""
		if err != nil {
			ae, _ := lookupError(err)
			code = ae.Code
		}
		if got != tc.want || code != tc.code {
			t.Errorf("region %s: bucketRegion(%q) = %q, %s; want %q, %s", tc.region, tc.constraint, got, code, tc.want, tc.code)
		}
	}
}
