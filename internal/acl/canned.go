package acl

// execReader is the canonical user id aws-exec-read grants READ to:
// Amazon EC2's, which reads AMI bundles. No coffer account has it.
const execReader = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"

// CannedNames lists the canned ACLs S3 knows.
var CannedNames = []string{
	"private", "public-read", "public-read-write", "authenticated-read",
	"aws-exec-read", "bucket-owner-read", "bucket-owner-full-control",
	"log-delivery-write",
}

// BucketOwnerFullControl is the canned ACL whose writes a
// BucketOwnerPreferred bucket's owner takes ownership of.
const BucketOwnerFullControl = "bucket-owner-full-control"

// Canned returns the grants of the canned ACL name on a resource owned by
// owner in a bucket owned by bucketOwner (both canonical user ids; equal
// for a bucket's own ACL, where bucket-owner-read and
// bucket-owner-full-control grant the owner alone, as S3 ignores them on
// buckets). ErrUnknownCanned for a name S3 does not know.
func Canned(name, owner, bucketOwner string) ([]Grant, error) {
	g := OwnerFull(owner)
	group := func(uri string, p Permission) Grant {
		return Grant{Grantee: Grantee{Type: Group, URI: uri}, Permission: p}
	}
	user := func(id string, p Permission) Grant {
		return Grant{Grantee: Grantee{Type: CanonicalUser, ID: id}, Permission: p}
	}
	switch name {
	case "private":
	case "public-read":
		g = append(g, group(AllUsers, Read))
	case "public-read-write":
		g = append(g, group(AllUsers, Read), group(AllUsers, Write))
	case "authenticated-read":
		g = append(g, group(AuthenticatedUsers, Read))
	case "aws-exec-read":
		g = append(g, user(execReader, Read))
	case "bucket-owner-read":
		g = append(g, user(bucketOwner, Read))
	case BucketOwnerFullControl:
		g = append(g, user(bucketOwner, FullControl))
	case "log-delivery-write":
		g = append(g, group(LogDelivery, Write), group(LogDelivery, ReadACP))
	default:
		return nil, ErrUnknownCanned
	}
	return dedupe(g), nil
}
