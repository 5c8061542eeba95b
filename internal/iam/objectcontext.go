package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/policy"
)

// objectContextActions are the object actions S3 decides in the object's
// own context ("How Amazon S3 authorizes a request for an object
// operation", S3 User Guide): each reads or changes a version that
// exists, so the account that owns that version is the one whose grant
// counts. Writing a new object (s3:PutObject, which multipart uploads
// and copies use too) and deleting stay the bucket's to decide: a bucket
// WRITE grant lets its grantee create, overwrite and delete any object,
// and the bucket owner "can also delete any objects in the bucket"
// whoever owns them ("Guidelines for using the available access policy
// options").
var objectContextActions = map[string]bool{
	"s3:GetObject":                  true,
	"s3:GetObjectVersion":           true,
	"s3:GetObjectAcl":               true,
	"s3:GetObjectVersionAcl":        true,
	"s3:PutObjectAcl":               true,
	"s3:PutObjectVersionAcl":        true,
	"s3:GetObjectTagging":           true,
	"s3:GetObjectVersionTagging":    true,
	"s3:PutObjectTagging":           true,
	"s3:PutObjectVersionTagging":    true,
	"s3:DeleteObjectTagging":        true,
	"s3:DeleteObjectVersionTagging": true,
	"s3:GetObjectAttributes":        true,
	"s3:GetObjectVersionAttributes": true,
	"s3:GetObjectRetention":         true,
	"s3:PutObjectRetention":         true,
	"s3:GetObjectLegalHold":         true,
	"s3:PutObjectLegalHold":         true,
	"s3:GetObjectTorrent":           true,
	"s3:RestoreObject":              true,
}

// foreignObjectOwner returns the account that owns the object version req
// addresses when S3 decides req in that object's context and the account
// is not bucketOwner; "" when the bucket owner's context decides, as it
// does for every request on a bucket with ACLs disabled (the bucket owner
// then owns every object). Only then is the owner read, with the ACL
// source's one meta read, which its grants reuse.
func foreignObjectOwner(ctx context.Context, req Request, ba *access.Bucket, bucketOwner string) (string, error) {
	if req.Key == "" || req.ACL == nil || ba == nil || !ba.ACLsEnabled() || !objectContextActions[req.Action] {
		return "", nil
	}
	owner, err := req.ACL.ObjectOwner(ctx)
	if err != nil || owner == bucketOwner {
		return "", err
	}
	return owner, nil
}

// denyOnly is p with only its Deny statements (nil when it has none), or
// nil for no policy. A bucket policy's Allow reaches only the objects the
// bucket owner owns, while its Deny reaches every object in the bucket:
// "the bucket owner, who pays the bills, can write a bucket policy to
// deny access to any objects in the bucket, regardless of who owns it".
func denyOnly(p *policy.Policy) *policy.Policy {
	if p == nil {
		return nil
	}
	denies := *p
	denies.Statements = nil
	for _, st := range p.Statements {
		if st.Effect == policy.Deny {
			denies.Statements = append(denies.Statements, st)
		}
	}
	if len(denies.Statements) == 0 {
		return nil
	}
	return &denies
}
