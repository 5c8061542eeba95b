package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/policy"
)

// aclSource hands Authorize the ACL state of one authorization question:
// the bucket's grants and, for an object, the addressed version's grants
// and owner. Authorize asks only when its decision needs them; the first
// question reads them all in one meta read, which the second reuses. A
// bucket with ACLs disabled yields none after reading its bucket record.
type aclSource struct {
	h                      *Handler
	authenticated          bool
	bucket, key, versionID string

	read bool
	ag   object.AccessGrants
}

// grants reads the ACL state once.
func (s *aclSource) grants(ctx context.Context) (object.AccessGrants, error) {
	if !s.read {
		ag, err := s.h.objects.AccessGrants(ctx, s.bucket, s.key, s.versionID, s.key != "")
		if err != nil {
			return object.AccessGrants{}, err
		}
		s.ag, s.read = ag, true
	}
	return s.ag, nil
}

// ObjectOwner implements iam.ACLSource.
func (s *aclSource) ObjectOwner(ctx context.Context) (string, error) {
	ag, err := s.grants(ctx)
	if err != nil || !ag.Enabled {
		return "", err
	}
	return ag.ObjectOwner, nil
}

// ACLPolicy implements iam.ACLSource.
func (s *aclSource) ACLPolicy(ctx context.Context) (*policy.Policy, error) {
	isObject := s.key != ""
	ag, err := s.grants(ctx)
	if err != nil || !ag.Enabled {
		return nil, err
	}
	objectGrants := ag.Object
	if objectGrants == nil && ag.ObjectOwner != "" {
		// A version without an ACL gives its owner FULL_CONTROL, which
		// matters when another account owns it (ObjectWriter).
		id, err := s.h.canonicalOf(ctx, ag.ObjectOwner)
		if err != nil {
			return nil, err
		}
		objectGrants = acl.OwnerFull(id)
	}
	_, ignore := s.h.publicAccess(ctx, s.bucket, "")
	return acl.Policy(acl.Input{
		Bucket:        s.bucket,
		BucketGrants:  acl.IgnorePublicACLs(ignore, ag.Bucket),
		Object:        isObject,
		ObjectGrants:  acl.IgnorePublicACLs(ignore, objectGrants),
		Authenticated: s.authenticated,
	})
}
