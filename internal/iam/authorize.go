package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Request is one question to Authorize: may Principal perform Action on the
// resource named by Bucket and Key?
type Request struct {
	Principal sigv4.Principal
	// Action is the IAM action name, for example "s3:GetObject".
	Action string
	Bucket string // empty for account-level actions such as s3:ListAllMyBuckets
	Key    string // empty for bucket-level actions
	// Conditions carries request context for policy conditions, keyed by
	// condition key (for example "aws:SecureTransport"). Unused today.
	Conditions map[string][]string
}

// Decision is Authorize's answer.
type Decision struct {
	Allowed bool
	// Reason says, for the server's logs, why access was denied. It is never
	// sent to the client.
	Reason string
}

// Authorizer is the one access decision every operation asks for before it
// acts, including work background engines do on a user's behalf.
type Authorizer interface {
	Authorize(ctx context.Context, req Request) Decision
}

// RootOnly allows every action to the account's root principal and denies
// everything to everyone else. It is the policy until users and policies
// exist.
type RootOnly struct{}

// Authorize implements Authorizer.
func (RootOnly) Authorize(_ context.Context, req Request) Decision {
	switch {
	case req.Principal.Anonymous:
		return Decision{Reason: "anonymous access is not allowed"}
	case !req.Principal.Root:
		return Decision{Reason: "no policy allows " + req.Action}
	}
	return Decision{Allowed: true}
}
