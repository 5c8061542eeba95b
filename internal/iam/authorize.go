package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/access"
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
	// ACL, if set, supplies the ACL grants that may allow what policies
	// do not (authorize_acl.go).
	ACL ACLSource
	// KMSKey, if set, is the KMS key the request acts on (Resource is its
	// ARN): its key policy is the resource policy, which must allow the
	// request itself or delegate it to the account's IAM policies, and
	// its grants may allow what no policy denies (authorize_key.go).
	KMSKey *KeyResource
}

// resource returns the request's resource ARN.
func (r *Request) resource() string {
	switch {
	case r.Resource != "":
		return r.Resource
	case r.Bucket == "":
		return "*"
	case r.Key == "":
		return "arn:aws:s3:::" + r.Bucket
	}
	return "arn:aws:s3:::" + r.Bucket + "/" + r.Key
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

// RootOnly allows every action to a root principal and denies everything
// to everyone else. Tests that need no Store use it.
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

// Buckets gives Authorize a bucket's access state (owner, bucket policy,
// Block Public Access) in one read. The object service satisfies it and
// serves it from a cache.
type Buckets interface {
	BucketAccess(ctx context.Context, bucket string) (*access.Bucket, error)
}

var _ Authorizer = (*Store)(nil)

// Authorize decides req with AWS's policy evaluation logic over the
// principal's identity policies (a user's own and its groups', a role's),
// its permissions boundary, the bucket's policy (as Block Public Access's
// RestrictPublicBuckets leaves it) and its owner account. The owner
// account's root may always read, replace and delete the bucket policy.
// On a bucket that enables ACLs, a request on an existing object version
// another account owns is decided in that object's context instead
// (objectcontext.go): the object owner is the resource's account, the
// object ACL grants and the bucket policy only denies. Once the caches
// (its own and the Buckets source's) are warm it reads no meta, but for
// that object owner and the ACLs where they count.
func (s *Store) Authorize(ctx context.Context, req Request) Decision {
	p := req.Principal
	resource := req.resource()
	pr := policyPrincipal(p)
	var set policy.PolicySet
	// ownerAccount owns the bucket; resourceAccount owns what req acts
	// on: the bucket's owner, or another account that owns the object.
	ownerAccount, resourceAccount, objectOwner := "", "", ""
	var ident *identity
	if !p.Anonymous {
		var err error
		if ident, err = s.identity(ctx, p); err != nil {
			return s.failed(ctx, req, "resolve identity", err)
		}
		set, pr.CanonicalID = ident.set, ident.canonicalID
	}
	// CreateBucket is decided in the caller's own account: a name another
	// account holds is the service's BucketAlreadyExists, not a
	// cross-account request, and no existing bucket's policy applies.
	if req.KMSKey != nil {
		resourceAccount = req.KMSKey.Account
		set.Resource = &policy.Attached{Name: "key-policy/" + req.KMSKey.ARN, Policy: req.KMSKey.Policy}
	}
	if req.Bucket != "" && s.buckets != nil && req.Action != "s3:CreateBucket" {
		ba, err := s.buckets.BucketAccess(ctx, req.Bucket)
		if err != nil {
			return s.failed(ctx, req, "bucket access", err)
		}
		ownerAccount = bucketOwner(ba)
		resourceAccount = ownerAccount
		rp := bucketPolicyFor(ba, p, ownerAccount)
		if objectOwner, err = foreignObjectOwner(ctx, req, ba, ownerAccount); err != nil {
			return s.failed(ctx, req, "object owner", err)
		}
		if objectOwner != "" {
			// The object context: the object's owner is the resource's
			// account and only its ACL grants; the bucket owner's
			// policy can still deny.
			resourceAccount, rp = objectOwner, denyOnly(rp)
		}
		if rp != nil {
			set.Resource = &policy.Attached{Name: "bucket/" + req.Bucket, Policy: rp}
		}
	}
	preq := policy.Request{
		Principal:       pr,
		Action:          req.Action,
		Resource:        resource,
		ResourceAccount: resourceAccount,
		Context:         s.requestContext(req, ident),
	}
	d, err := withACL(ctx, req, preq, set, policy.Evaluate(preq, set))
	if err != nil {
		return s.failed(ctx, req, "acl", err)
	}
	if !p.Anonymous {
		s.noteUse(ctx, p.AccessKey, serviceOf(req.Action))
	}
	d = withGrant(req, d)
	if !d.Allowed() && ownerRootManagesPolicy(p, ownerAccount, req.Action) {
		d = policy.Decision{Outcome: policy.Allowed, Type: policy.AccountRoot, Statement: -1, Action: req.Action}
	}
	if d.Allowed() {
		return Decision{Allowed: true, Policy: d}
	}
	// AWS explains a denial only to a caller of the resource owner's
	// account.
	explain := !p.Anonymous && (resourceAccount == "" || resourceAccount == p.AccountID)
	reason := d.String()
	if objectOwner != "" {
		reason = "object owned by account " + objectOwner + ", not the bucket owner " + ownerAccount +
			": only its ACL grants and the bucket policy's denies apply; " + reason
	}
	return Decision{Reason: reason, Policy: d, Explain: explain}
}

// failed denies a request whose inputs could not be read: fail closed.
func (s *Store) failed(ctx context.Context, req Request, what string, err error) Decision {
	s.log.ErrorContext(ctx, "authorization failed closed", "principal", req.Principal.ARN, "op", req.Action, "what", what, "err", err)
	return Decision{Reason: what + ": " + err.Error(), Policy: policy.Decision{Outcome: policy.ImplicitDeny, Action: req.Action, Statement: -1}}
}

// policyPrincipal describes p for the policy engine.
func policyPrincipal(p sigv4.Principal) policy.Principal {
	switch {
	case p.Anonymous:
		return policy.Principal{Type: policy.Anonymous}
	case p.Root:
		return policy.Principal{Type: policy.Root, Account: p.AccountID, ARN: p.ARN}
	case p.RoleARN != "":
		return policy.Principal{Type: policy.AssumedRole, Account: p.AccountID, ARN: p.ARN, RoleARN: p.RoleARN}
	}
	return policy.Principal{Type: policy.User, Account: p.AccountID, ARN: p.ARN}
}
