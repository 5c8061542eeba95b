package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/object"
)

// aclCall records a call of the ACL and ownership methods.
type aclCall struct {
	Op                     string
	Bucket, Key, VersionID string
	Grants                 []acl.Grant
	OwnerOnly              bool
	Ownership              acl.Ownership
}

func (f *fakeObjects) PutBucketOwnership(_ context.Context, bucket string, o acl.Ownership, _ string) error {
	f.record(aclCall{Op: "PutBucketOwnership", Bucket: bucket, Ownership: o})
	return f.err
}

func (f *fakeObjects) GetBucketOwnership(_ context.Context, bucket string) (acl.Ownership, error) {
	f.record(aclCall{Op: "GetBucketOwnership", Bucket: bucket})
	return ownershipOf(f.bucket), f.err
}

func (f *fakeObjects) DeleteBucketOwnership(_ context.Context, bucket string) error {
	f.record(aclCall{Op: "DeleteBucketOwnership", Bucket: bucket})
	return f.err
}

func (f *fakeObjects) PutBucketACL(_ context.Context, bucket string, grants []acl.Grant, ownerOnly bool) error {
	f.record(aclCall{Op: "PutBucketACL", Bucket: bucket, Grants: grants, OwnerOnly: ownerOnly})
	if f.err == nil && !ownershipOf(f.bucket).ACLsEnabled() && !ownerOnly {
		return acl.ErrNotSupported
	}
	return f.err
}

func (f *fakeObjects) GetBucketACL(_ context.Context, bucket string) (object.Bucket, []acl.Grant, error) {
	f.record(aclCall{Op: "GetBucketACL", Bucket: bucket})
	return f.bucket, f.grants, f.err
}

func (f *fakeObjects) PutObjectACL(_ context.Context, bucket, key, versionID string, grants []acl.Grant, ownerOnly bool) (string, error) {
	f.record(aclCall{Op: "PutObjectACL", Bucket: bucket, Key: key, VersionID: versionID, Grants: grants, OwnerOnly: ownerOnly})
	if f.err == nil && !ownershipOf(f.bucket).ACLsEnabled() && !ownerOnly {
		return "", acl.ErrNotSupported
	}
	return f.version, f.err
}

func (f *fakeObjects) GetObjectACL(_ context.Context, bucket, key, versionID string) (object.ObjectACL, error) {
	f.record(aclCall{Op: "GetObjectACL", Bucket: bucket, Key: key, VersionID: versionID})
	return object.ObjectACL{Bucket: f.bucket, Owner: f.bucket.Owner, VersionID: f.version, Grants: f.grants}, f.err
}

func (f *fakeObjects) AccessGrants(_ context.Context, bucket, key, versionID string, isObject bool) (object.AccessGrants, error) {
	return object.AccessGrants{Enabled: ownershipOf(f.bucket).ACLsEnabled(), Bucket: f.grants, Object: f.grants}, f.err
}
