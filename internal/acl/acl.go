// Package acl is S3's access control list model: grants and their
// grantees, canned ACLs, Object Ownership, and what each grant allows,
// expressed as the resource-based policy AWS evaluates it as.
package acl

import (
	"errors"
	"slices"
)

// Permission is what a grant allows, as S3 names it.
type Permission string

// The five ACL permissions. Their meaning on a bucket and on an object is
// in Actions.
const (
	Read        Permission = "READ"
	Write       Permission = "WRITE"
	ReadACP     Permission = "READ_ACP"
	WriteACP    Permission = "WRITE_ACP"
	FullControl Permission = "FULL_CONTROL"
)

// ParsePermission returns the permission named s; ok is false for a name
// S3 does not know.
func ParsePermission(s string) (Permission, bool) {
	switch p := Permission(s); p {
	case Read, Write, ReadACP, WriteACP, FullControl:
		return p, true
	}
	return "", false
}

// GranteeType is the xsi:type of a Grantee element.
type GranteeType string

// The grantee types S3 accepts.
const (
	CanonicalUser GranteeType = "CanonicalUser"
	// Email names an account by its email address. It is input only: S3
	// stores (and renders) the account's canonical user id instead.
	Email GranteeType = "AmazonCustomerByEmail"
	Group GranteeType = "Group"
)

// The predefined groups, named by URI.
const (
	AllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// knownGroup reports whether uri names one of S3's groups.
func knownGroup(uri string) bool {
	return uri == AllUsers || uri == AuthenticatedUsers || uri == LogDelivery
}

// Grantee is who a grant is to: one of ID (CanonicalUser), Email or URI
// (Group) is set, as Type says.
type Grantee struct {
	Type  GranteeType
	ID    string
	Email string
	URI   string
}

// Grant gives Grantee Permission.
type Grant struct {
	Grantee    Grantee
	Permission Permission
}

// Errors. The S3 wire maps each to its error code.
var (
	// ErrMalformed is an ACL S3 rejects as MalformedACLError: a grant
	// without a grantee or permission, an unknown permission or
	// grantee type.
	ErrMalformed = errors.New("acl: malformed acl")
	// ErrInvalidGrantee is a grantee S3 rejects as InvalidArgument: an
	// unknown canonical id or group URI, a badly formed grant header.
	ErrInvalidGrantee = errors.New("acl: invalid grantee")
	// ErrUnresolvableEmail is a grant by an email address no account
	// has (UnresolvableGrantByEmailAddress).
	ErrUnresolvableEmail = errors.New("acl: unresolvable grant by email address")
	// ErrNotSupported is an ACL on a bucket whose Object Ownership is
	// BucketOwnerEnforced (AccessControlListNotSupported).
	ErrNotSupported = errors.New("acl: the bucket does not allow acls")
	// ErrOwnershipConflict is BucketOwnerEnforced asked of a bucket whose
	// ACL grants to others (InvalidBucketAclWithObjectOwnership).
	ErrOwnershipConflict = errors.New("acl: bucket acl conflicts with object ownership")
	// ErrPublicBlocked is a public ACL refused by BlockPublicAcls
	// (AccessDenied).
	ErrPublicBlocked = errors.New("acl: public acl blocked")
	// ErrUnknownCanned is a canned ACL S3 does not know (InvalidArgument).
	ErrUnknownCanned = errors.New("acl: unknown canned acl")
)

// MaxGrants is the most grants an ACL may hold, as S3 documents.
const MaxGrants = 100

// Validate checks grants as S3 checks a stored ACL's structure (not
// whether its grantees exist): known permissions, one grantee each, and
// at most MaxGrants.
func Validate(grants []Grant) error {
	if len(grants) > MaxGrants {
		return ErrMalformed
	}
	for _, g := range grants {
		if _, ok := ParsePermission(string(g.Permission)); !ok {
			return ErrMalformed
		}
		switch gt := g.Grantee; gt.Type {
		case CanonicalUser:
			if gt.ID == "" {
				return ErrInvalidGrantee
			}
		case Email:
			if gt.Email == "" {
				return ErrInvalidGrantee
			}
		case Group:
			if !knownGroup(gt.URI) {
				return ErrInvalidGrantee
			}
		default:
			return ErrMalformed
		}
	}
	return nil
}

// OwnerFull is the ACL S3 reports for a resource without one: its owner
// has FULL_CONTROL.
func OwnerFull(owner string) []Grant {
	return []Grant{{Grantee: Grantee{Type: CanonicalUser, ID: owner}, Permission: FullControl}}
}

// OwnerOnly reports whether grants give nothing to anyone but owner: the
// ACLs a bucket with ACLs disabled still accepts ("bucket owner full
// control ACLs").
func OwnerOnly(grants []Grant, owner string) bool {
	for _, g := range grants {
		if g.Grantee.Type != CanonicalUser || g.Grantee.ID != owner {
			return false
		}
	}
	return true
}

// dedupe drops repeated grants, keeping the first.
func dedupe(grants []Grant) []Grant {
	out := grants[:0:0]
	for _, g := range grants {
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}
