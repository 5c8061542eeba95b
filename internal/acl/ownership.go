package acl

import "errors"

// Ownership is a bucket's Object Ownership setting: who owns the objects
// other accounts write, and whether ACLs are in force.
type Ownership string

// The three settings.
const (
	// BucketOwnerEnforced disables ACLs: the bucket owner owns every
	// object, ACLs grant nothing, and only owner-only ACLs may be set.
	// New buckets get it since April 2023.
	BucketOwnerEnforced Ownership = "BucketOwnerEnforced"
	// BucketOwnerPreferred: an object written with the
	// bucket-owner-full-control canned ACL is owned by the bucket owner;
	// otherwise by the writer's account. ACLs are in force.
	BucketOwnerPreferred Ownership = "BucketOwnerPreferred"
	// ObjectWriter: the writer's account owns what it writes. ACLs are
	// in force. Buckets made before Object Ownership behave so.
	ObjectWriter Ownership = "ObjectWriter"
)

// ErrInvalidOwnership is an ownership setting S3 does not know.
var ErrInvalidOwnership = errors.New("acl: invalid object ownership")

// ParseOwnership returns the setting named s.
func ParseOwnership(s string) (Ownership, error) {
	switch o := Ownership(s); o {
	case BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter:
		return o, nil
	}
	return "", ErrInvalidOwnership
}

// ACLsEnabled reports whether ACLs grant access under o.
func (o Ownership) ACLsEnabled() bool { return o != BucketOwnerEnforced }

// ObjectOwner returns the account that owns an object writerAccount
// writes into a bucket of bucketAccount under o; ownerFull says the write
// carried the bucket-owner-full-control canned ACL.
func (o Ownership) ObjectOwner(bucketAccount, writerAccount string, ownerFull bool) string {
	switch {
	case writerAccount == "":
		// An anonymous write (a public-read-write bucket) has no
		// account to own it.
		return bucketAccount
	case o == BucketOwnerEnforced:
		return bucketAccount
	case o == BucketOwnerPreferred && ownerFull:
		return bucketAccount
	}
	return writerAccount
}

// CheckWrite decides whether a write may carry grants under o: with ACLs
// disabled only ACLs that give nothing beyond owner's own FULL_CONTROL
// pass (ErrNotSupported otherwise). Nil grants (no ACL asked) always
// pass.
func (o Ownership) CheckWrite(grants []Grant, owner string) error {
	if o.ACLsEnabled() || OwnerOnly(grants, owner) {
		return nil
	}
	return ErrNotSupported
}

// CheckSwitch decides whether a bucket whose ACL is bucketGrants may move
// to o: BucketOwnerEnforced needs an ACL that grants nothing to anyone but
// the owner (InvalidBucketAclWithObjectOwnership otherwise).
func CheckSwitch(o Ownership, bucketGrants []Grant, owner string) error {
	if o == BucketOwnerEnforced && !OwnerOnly(bucketGrants, owner) {
		return ErrOwnershipConflict
	}
	return nil
}
