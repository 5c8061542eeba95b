package policy

import "fmt"

// Outcome is the result of evaluating a request.
type Outcome int

// The three outcomes AWS distinguishes (IAM's policy simulator calls them
// allowed, explicitDeny and implicitDeny).
const (
	// ImplicitDeny: no applicable statement allowed the request, or a
	// policy type that must also allow (a permissions boundary, a
	// session policy, the other account's side) did not.
	ImplicitDeny Outcome = iota
	// Allowed: the request may proceed.
	Allowed
	// ExplicitDeny: a Deny statement applies; nothing overrides it.
	ExplicitDeny
)

func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "Allowed"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// PolicyType names the kind of policy that decided.
type PolicyType int

// The policy types of AWS's evaluation logic that coffer has.
const (
	NoPolicy PolicyType = iota
	// IdentityBased: policies attached to the user (and its groups) or
	// the role.
	IdentityBased
	// ResourceBased: the resource's policy (bucket, key or trust
	// policy).
	ResourceBased
	// PermissionsBoundary: the user's or role's boundary.
	PermissionsBoundary
	// SessionPolicy: policies passed when the session was created.
	SessionPolicy
	// AccountRoot: the root user in its own account, allowed unless
	// denied.
	AccountRoot
)

// phrase is the policy type as AWS's AccessDenied messages name it.
func (t PolicyType) phrase() string {
	switch t {
	case IdentityBased:
		return "identity-based policy"
	case ResourceBased:
		return "resource-based policy"
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	case AccountRoot:
		return "account root user"
	}
	return "policy"
}

func (t PolicyType) String() string { return t.phrase() }

// Decision is the result of Evaluate: the outcome, and what decided it.
type Decision struct {
	Outcome Outcome
	// Type is the policy type of the deciding statement, or for an
	// implicit deny the type that did not allow.
	Type PolicyType
	// Policy is the Name of the policy holding the deciding statement;
	// "" when no statement decided.
	Policy string
	// Sid and Statement (its index, -1 when none) identify the deciding
	// statement within Policy.
	Sid       string
	Statement int
	// Action is the evaluated action, for Reason.
	Action string
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.Outcome == Allowed }

// Reason is the end of AWS's AccessDenied message for a denied request:
// "because no identity-based policy allows the s3:GetObject action" or
// "with an explicit deny in a resource-based policy". It is "" for an
// allowed request.
func (d Decision) Reason() string {
	switch d.Outcome {
	case ExplicitDeny:
		article := "a"
		if d.Type == IdentityBased {
			article = "an"
		}
		return fmt.Sprintf("with an explicit deny in %s %s", article, d.Type.phrase())
	case ImplicitDeny:
		return fmt.Sprintf("because no %s allows the %s action", d.Type.phrase(), d.Action)
	}
	return ""
}

// String describes the decision for logs, naming the deciding statement.
func (d Decision) String() string {
	s := d.Outcome.String()
	if r := d.Reason(); r != "" {
		s += " " + r
	} else {
		s += " by " + d.Type.phrase()
	}
	if d.Policy != "" {
		s += fmt.Sprintf(" (policy %s, statement %d", d.Policy, d.Statement)
		if d.Sid != "" {
			s += fmt.Sprintf(" %q", d.Sid)
		}
		s += ")"
	}
	return s
}
