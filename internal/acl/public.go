package acl

// IsPublic reports whether grants make a resource public as AWS defines
// a public ACL: a grant of any permission to AllUsers or
// AuthenticatedUsers.
func IsPublic(grants []Grant) bool {
	for _, g := range grants {
		if isPublicGrant(g) {
			return true
		}
	}
	return false
}

func isPublicGrant(g Grant) bool {
	return g.Grantee.Type == Group && (g.Grantee.URI == AllUsers || g.Grantee.URI == AuthenticatedUsers)
}

// CheckBlockPublicACLs is Block Public Access's BlockPublicAcls on a
// request that sets grants (PutBucketAcl, PutObjectAcl, and PutObject,
// CopyObject, CreateMultipartUpload, POST upload and CreateBucket with an
// ACL): with block set, a public ACL is refused with ErrPublicBlocked.
func CheckBlockPublicACLs(block bool, grants []Grant) error {
	if block && IsPublic(grants) {
		return ErrPublicBlocked
	}
	return nil
}

// IgnorePublicACLs is Block Public Access's IgnorePublicAcls at
// evaluation: with ignore set, the public grants are dropped and the rest
// kept. grants is not changed.
func IgnorePublicACLs(ignore bool, grants []Grant) []Grant {
	if !ignore || !IsPublic(grants) {
		return grants
	}
	out := make([]Grant, 0, len(grants))
	for _, g := range grants {
		if !isPublicGrant(g) {
			out = append(out, g)
		}
	}
	return out
}
