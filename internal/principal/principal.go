// Package principal names who a request was authenticated as: the
// identity sigv4 yields and the domain packages (iam, kms, object) pass
// along. It imports nothing but the standard library's time, so that a
// package may name a principal without depending on the wire that
// authenticated it.
package principal

import "time"

// Principal is who a request was authenticated as.
type Principal struct {
	AccessKey string // empty for anonymous requests
	AccountID string // 12-digit account id
	// Name is the user name, "root" for the account's root credentials.
	Name string
	// ARN names the principal as policies and error messages do:
	// arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/PATH/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. Empty for anonymous.
	ARN string
	// UserID is the principal's unique id (aws:userid): the account id for
	// the root user, AIDA... for a user, AROA...:SESSION for a role session.
	UserID    string
	Root      bool
	Anonymous bool
	// Path is an IAM user's path ("/" by default; empty for others).
	Path string
	// RoleARN is, for a role session, the role's ARN
	// (arn:aws:iam::ACCOUNT:role/PATH/NAME); empty otherwise.
	RoleARN string
	// MFA reports that the temporary credentials were issued after an
	// MFA code was checked (aws:MultiFactorAuthPresent).
	MFA bool
	// TokenIssued is when temporary credentials were issued
	// (aws:TokenIssueTime, aws:MultiFactorAuthAge); zero for long-term
	// keys.
	TokenIssued time.Time
	// SourceIdentity is the source identity set when a role was assumed
	// (aws:SourceIdentity); empty when none.
	SourceIdentity string
}
