package access

import (
	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/policy"
)

// PublicAccessBlock is one level (bucket or account) of S3 Block Public
// Access: four independent flags, each false unless set.
type PublicAccessBlock struct {
	// BlockPublicAcls refuses PUTs that carry a public ACL.
	BlockPublicAcls bool
	// IgnorePublicAcls makes public ACL grants count for nothing.
	IgnorePublicAcls bool
	// BlockPublicPolicy refuses a PutBucketPolicy whose policy is public.
	BlockPublicPolicy bool
	// RestrictPublicBuckets limits a bucket whose policy is public to
	// service principals and principals of the bucket owner's account.
	RestrictPublicBuckets bool
}

// All is every flag on: what AWS gives new buckets since April 2023.
var All = PublicAccessBlock{true, true, true, true}

// Effective combines a bucket's and its owner account's settings: S3
// applies the most restrictive combination, so a flag set at either level
// is on. A nil level sets nothing.
func Effective(bucket, account *PublicAccessBlock) PublicAccessBlock {
	var e PublicAccessBlock
	for _, p := range []*PublicAccessBlock{bucket, account} {
		if p == nil {
			continue
		}
		e.BlockPublicAcls = e.BlockPublicAcls || p.BlockPublicAcls
		e.IgnorePublicAcls = e.IgnorePublicAcls || p.IgnorePublicAcls
		e.BlockPublicPolicy = e.BlockPublicPolicy || p.BlockPublicPolicy
		e.RestrictPublicBuckets = e.RestrictPublicBuckets || p.RestrictPublicBuckets
	}
	return e
}

// Bucket is a bucket's access state, read together once per request.
// Values are shared between requests and must not be changed.
type Bucket struct {
	// Exists is false for a bucket that does not exist; the other fields
	// are then zero.
	Exists bool
	// Owner is the owning account's id; "" for a bucket recorded before
	// accounts existed.
	Owner string
	// Policy is the bucket policy, nil when it has none.
	Policy *policy.Policy
	// PolicyPublic is policy.IsPublic(Policy), computed once.
	PolicyPublic bool
	// Block is the bucket's own Block Public Access configuration, nil
	// when it has none.
	Block *PublicAccessBlock
	// AccountBlock is the owner account's configuration, nil when it has
	// none.
	AccountBlock *PublicAccessBlock
	// Ownership is the bucket's effective Object Ownership, read with the
	// bucket record at no extra cost. "" counts as BucketOwnerEnforced.
	Ownership acl.Ownership

	// Further access state goes here beside the fields above; keep this
	// struct the one read of a bucket's access state.
}

// ACLsEnabled reports whether the bucket's Object Ownership enables ACLs:
// only then may an object belong to another account than the bucket's,
// and only then do grants count.
func (b *Bucket) ACLsEnabled() bool {
	return b.Ownership != "" && b.Ownership.ACLsEnabled()
}

// EffectiveBlock is the Block Public Access settings that apply to the
// bucket: its own and its account's, the more restrictive winning.
func (b *Bucket) EffectiveBlock() PublicAccessBlock {
	return Effective(b.Block, b.AccountBlock)
}
