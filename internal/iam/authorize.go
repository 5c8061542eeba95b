package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/policy"
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
	// Resource is the ARN policies match the request against, as AWS
	// names it: arn:aws:s3:::BUCKET for bucket actions,
	// arn:aws:s3:::BUCKET/KEY for object actions, arn:aws:s3:::* for
	// s3:ListAllMyBuckets (an action with no resource type). The S3 wire
	// always sets it; a caller that leaves it empty lets Authorize derive
	// it from Bucket and Key.
	Resource string
	// Context holds the request's own condition keys (aws:SourceIp,
	// aws:SecureTransport, aws:UserAgent, aws:Referer and the s3:* keys
	// AWS documents for Action); Authorize adds the keys it owns (the
	// principal's, aws:CurrentTime, aws:EpochTime) over it. It may load
	// values lazily (s3:ExistingObjectTag/* reads the object's tags on
	// first use), so it is valid only during the Authorize call and must
	// not be kept. Nil means the request has no keys.
	Context policy.Context
	// Conditions carries further condition keys, keyed by condition key
	// (for example "aws:SecureTransport"). The S3 wire leaves it nil and
	// fills Context instead.
	Conditions map[string][]string
}

// Decision is Authorize's answer.
type Decision struct {
	Allowed bool
	// Reason says, for the server's logs, why access was denied. It is never
	// sent to the client.
	Reason string
	// Policy is the policy evaluation behind the answer: the outcome, the
	// policy type that decided and the deciding statement. Its Reason()
	// ("because no identity-based policy allows the s3:GetObject action",
	// "with an explicit deny in a resource-based policy") ends the
	// AccessDenied message the wire sends when Explain is set.
	Policy policy.Decision
	// Explain says the caller may be told why it was denied. AWS words
	// its AccessDenied message ("User: ARN is not authorized to perform:
	// ACTION on resource: ARN because ...") only for requests from the
	// resource owner's own account; anonymous and cross-account callers
	// read a bare "Access Denied".
	Explain bool
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
		// Only a resource policy can allow an anonymous caller, and
		// there are none yet.
		return Decision{
			Reason: "anonymous access is not allowed",
			Policy: policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.ResourceBased, Statement: -1, Action: req.Action},
		}
	case !req.Principal.Root:
		return Decision{
			Reason:  "no policy allows " + req.Action,
			Policy:  policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Statement: -1, Action: req.Action},
			Explain: true,
		}
	}
	return Decision{Allowed: true, Policy: policy.Decision{Outcome: policy.Allowed, Type: policy.AccountRoot, Statement: -1, Action: req.Action}}
}
