package iam

import "github.com/coffer-s3/coffer/internal/policy"

// KeyResource is the KMS key a request acts on, as Authorize needs it.
// The key service builds it from its records; Authorize decides.
type KeyResource struct {
	// ARN is the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).
	ARN string
	// Account owns the key; a principal of another account needs both
	// the key policy and its own IAM policies to allow.
	Account string
	// Policy is the key policy (kind policy.Key). A nil policy allows
	// nothing: with no key policy, no one may use the key.
	Policy *policy.Policy
	// Grant names a grant on the key that allows the request's
	// operation for the principal, with its constraints satisfied; ""
	// when none does. A grant only allows: an explicit deny in any
	// policy still wins.
	Grant string
}

// withGrant applies a key's grant to d: a request no policy explicitly
// denies is allowed when a grant allows it ("Grants in AWS KMS": a grant
// is an allow-only permission mechanism, alongside key policies and IAM
// policies).
func withGrant(req Request, d policy.Decision) policy.Decision {
	if req.KMSKey == nil || req.KMSKey.Grant == "" || d.Outcome != policy.ImplicitDeny {
		return d
	}
	return policy.Decision{Outcome: policy.Allowed, Type: policy.ResourceBased, Policy: "grant/" + req.KMSKey.Grant,
		Statement: -1, Action: req.Action}
}
