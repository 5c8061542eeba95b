package iam

import (
	"context"
	"slices"

	"github.com/coffer-s3/coffer/internal/policy"
)

// ACLSource is what Authorize learns of a request's ACLs, each read only
// when the decision needs it. Both are answered from one read, kept for
// the one Authorize call the source is made for.
type ACLSource interface {
	// ACLPolicy yields the resource-based policy that the request's ACL
	// grants amount to (the bucket's and, for an object request, the
	// version's; see package acl), or nil when they allow nothing or the
	// bucket's Object Ownership disables ACLs.
	ACLPolicy(ctx context.Context) (*policy.Policy, error)
	// ObjectOwner returns the account that owns the object version the
	// request addresses: "" when there is none (no such key or version,
	// a delete marker, a bucket request) or it records no owner.
	ObjectOwner(ctx context.Context) (string, error)
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
