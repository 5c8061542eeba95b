package iam

import (
	"context"
	"slices"

	"github.com/coffer-s3/coffer/internal/policy"
)

// ACLSource yields the resource-based policy that a request's ACL grants
// amount to (the bucket's and, for an object request, the version's; see
// package acl), or nil when they allow nothing. The S3 wire supplies it
// only for buckets whose Object Ownership enables ACLs.
type ACLSource interface {
	ACLPolicy(ctx context.Context) (*policy.Policy, error)
}

// withACL decides again, with the ACL's grants joined to the bucket
// policy as one more resource-based source, a request that policies
// alone did not allow. ACLs only ever allow, so an allowed request or an
// explicit deny needs no ACL, and the ACL is read only for the requests
// it can change.
func withACL(ctx context.Context, req Request, preq policy.Request, set policy.PolicySet, d policy.Decision) (policy.Decision, error) {
	if d.Allowed() || d.Outcome == policy.ExplicitDeny || req.ACL == nil {
		return d, nil
	}
	ap, err := req.ACL.ACLPolicy(ctx)
	if err != nil || ap == nil {
		return d, err
	}
	merged := &policy.Policy{Kind: ap.Kind, Version: ap.Version, Statements: ap.Statements}
	name := "acl/" + req.Bucket
	if set.Resource != nil && set.Resource.Policy != nil {
		bp := set.Resource.Policy
		merged.Kind, merged.Version = bp.Kind, bp.Version
		merged.Statements = append(slices.Clip(bp.Statements), ap.Statements...)
		name = set.Resource.Name + "+acl"
	}
	set.Resource = &policy.Attached{Name: name, Policy: merged}
	return policy.Evaluate(preq, set), nil
}
