package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/policy"
)

// aclSource hands Authorize the ACL grants of one authorization
// question: the bucket's and, for an object, the addressed version's.
// Authorize asks for them only when policies alone do not allow, and a
// bucket with ACLs disabled yields none after reading its bucket record.
type aclSource struct {
	h                      *Handler
	authenticated          bool
	bucket, key, versionID string
}

// ACLPolicy implements iam.ACLSource.
func (s *aclSource) ACLPolicy(ctx context.Context) (*policy.Policy, error) {
	isObject := s.key != ""
	ag, err := s.h.objects.AccessGrants(ctx, s.bucket, s.key, s.versionID, isObject)
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
