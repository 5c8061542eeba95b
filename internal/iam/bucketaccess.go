package iam

import (
	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// bucketOwner is the account that owns a bucket; "" for a bucket that
// does not exist, which is then treated as the caller's own.
func bucketOwner(ba *access.Bucket) string {
	switch {
	case ba == nil || !ba.Exists:
		return ""
	case ba.Owner == "":
		// Buckets recorded without an owner predate accounts: the first
		// account owns them.
		return RootAccountID
	}
	return ba.Owner
}

// ownerRootManagesPolicy reports the exception S3 makes to a bucket
// policy's explicit deny: the root user of the bucket owner's account can
// always read, replace and delete the bucket's policy, so that a policy
// can never lock its owner out ("Bucket policy examples", S3 User Guide).
func ownerRootManagesPolicy(p sigv4.Principal, owner, action string) bool {
	if !p.Root || owner == "" || p.AccountID != owner {
		return false
	}
	switch action {
	case "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy":
		return true
	}
	return false
}

// bucketPolicyFor is the bucket policy a request is evaluated against.
// When the bucket's policy is public and RestrictPublicBuckets applies to
// it (the bucket's or its owner account's setting), S3 lets only
// principals of the owner's account (and service principals, which coffer
// does not have) be granted anything by it: for anyone else only its Deny
// statements remain.
func bucketPolicyFor(ba *access.Bucket, p sigv4.Principal, owner string) *policy.Policy {
	if ba == nil || ba.Policy == nil {
		return nil
	}
	rp := ba.Policy
	if !ba.PolicyPublic || !ba.EffectiveBlock().RestrictPublicBuckets {
		return rp
	}
	if !p.Anonymous && (owner == "" || p.AccountID == owner) {
		return rp
	}
	return denyOnly(rp)
}
