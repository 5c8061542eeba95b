package policy

import (
	"fmt"
	"unicode/utf8"
)

// Kind says what a policy document is for. It decides which elements are
// required or forbidden (an identity policy names no Principal, a
// resource policy must), which error texts a caller gets back (IAM's or
// S3's) and how large the document may be.
type Kind int

// The kinds of policy document. Sizes are from "IAM and AWS STS quotas"
// (IAM counts characters and does not count white space), "Bucket policy
// examples" (a bucket policy is limited to 20 KB) and the KMS key policy
// quota (32 KB).
const (
	// Managed is a customer managed policy, also used as a permissions
	// boundary: at most 6,144 characters.
	Managed Kind = iota + 1
	// UserInline is an inline policy of a user. AWS's 2,048 characters
	// is the sum over all of the user's inline policies; iam adds them
	// up, Parse checks one document against the whole quota.
	UserInline
	// GroupInline is an inline policy of a group: 5,120 characters in all.
	GroupInline
	// RoleInline is an inline policy of a role: 10,240 characters in all.
	RoleInline
	// Trust is a role's trust policy (AssumeRolePolicyDocument): 2,048
	// characters. It names a Principal and no Resource, and only sts
	// actions.
	Trust
	// Session is an inline session policy passed to AssumeRole or
	// GetFederationToken: 2,048 characters of plain text, white space
	// included (the Policy parameter's length). STS's separate limit on
	// the packed policy and tags is the caller's to check.
	Session
	// Bucket is an S3 bucket policy: at most 20 KB, S3's error texts.
	Bucket
	// Key is a KMS key policy: at most 32 KB.
	Key
)

var kindNames = map[Kind]string{
	Managed: "managed", UserInline: "user inline", GroupInline: "group inline",
	RoleInline: "role inline", Trust: "trust", Session: "session",
	Bucket: "bucket", Key: "key",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Limit is the largest document of kind k, in the unit Size counts.
func (k Kind) Limit() int {
	switch k {
	case Managed:
		return 6144
	case UserInline, Trust, Session:
		return 2048
	case GroupInline:
		return 5120
	case RoleInline:
		return 10240
	case Bucket:
		return 20 * 1024
	case Key:
		return 32 * 1024
	}
	return 0
}

// Size measures doc as AWS does for kind k: IAM's quotas count characters
// other than white space; a session policy's limit is on its plain text
// length; S3 and KMS count bytes.
func (k Kind) Size(doc []byte) int {
	switch k {
	case Bucket, Key:
		return len(doc)
	case Session:
		return utf8.RuneCount(doc)
	}
	n := 0
	for _, r := range string(doc) {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			n++
		}
	}
	return n
}

// identity reports whether k is attached to an identity (or to its
// session): no Principal, Resource required.
func (k Kind) identity() bool {
	switch k {
	case Managed, UserInline, GroupInline, RoleInline, Session:
		return true
	}
	return false
}

// gatekeeper reports whether a resource policy of kind k must itself
// allow a request, even within its own account: a role is assumed only by
// those its trust policy names, and a KMS key is used only as its key
// policy allows ("Unless the key policy explicitly allows it, you cannot
// use IAM policies to allow access to a KMS key").
func (k Kind) gatekeeper() bool { return k == Trust || k == Key }

// s3 reports whether k answers with S3's MalformedPolicy texts rather than
// IAM's MalformedPolicyDocument ones.
func (k Kind) s3() bool { return k == Bucket }

// SizeError reports a document larger than its kind allows. IAM answers it
// with LimitExceeded ("Cannot exceed quota for PolicySize: 6144"), S3 and
// STS with their own codes; the wire chooses.
type SizeError struct {
	Kind  Kind
	Size  int // as Kind.Size measures
	Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("policy: %s policy size %d exceeds quota %d", e.Kind, e.Size, e.Limit)
}
