package policy

import "strings"

// Request is what is being asked, as the evaluator needs it.
type Request struct {
	Principal Principal
	// Action is "service:Name", such as "s3:GetObject".
	Action string
	// Resource is the ARN acted on, such as "arn:aws:s3:::bucket/key"
	// or a role's ARN for sts:AssumeRole.
	Resource string
	// ResourceAccount owns the resource; "" means the principal's own
	// account. When it differs from Principal.Account the request is
	// cross-account and both sides must allow.
	ResourceAccount string
	// Context holds the condition keys (and the values of ${...}
	// variables); nil is an empty context.
	Context Context
}

// Attached is a policy with the name reports give it (a policy ARN, or
// something like "user/alice/ReadLogs" for an inline policy).
type Attached struct {
	Name   string
	Policy *Policy
}

// PolicySet is every policy that applies to a request.
type PolicySet struct {
	// Identity holds the principal's identity-based policies: a
	// user's own and its groups', or a role session's role's.
	Identity []Attached
	// Resource is the resource's policy, if it has one: a bucket
	// policy, a key policy, or for sts:AssumeRole the role's trust
	// policy.
	Resource *Attached
	// Boundary is the user's or role's permissions boundary, if set.
	Boundary *Attached
	// Session holds the session policies passed when the session was
	// created, if any; then one of them must also allow.
	Session []Attached
}

// hit is an applicable statement.
type hit struct {
	policy string
	sid    string
	index  int
	grant  grant
}

// scan finds, in one policy, the first applicable Deny statement and the
// applicable Allow statement that names the principal most directly.
// resource says the policy is a resource policy, whose statements must
// name the principal; boundary says the principal has a permissions
// boundary, under which AWS's NotPrincipal never leaves the principal
// out.
func scan(a *Attached, req *Request, resource, boundary bool) (deny, allow *hit) {
	p := a.Policy
	for i := range p.Statements {
		s := &p.Statements[i]
		g, ok := s.applies(req, p.substitutes(), resource, boundary)
		if !ok {
			continue
		}
		h := &hit{policy: a.Name, sid: s.Sid, index: i, grant: g}
		if s.Effect == Deny {
			if deny == nil {
				deny = h
			}
		} else if allow == nil || g > allow.grant {
			allow = h
		}
	}
	return deny, allow
}

// applies reports whether statement s applies to req and, for a resource
// policy, how it names the principal.
func (s *Statement) applies(req *Request, substitute, resource, boundary bool) (grant, bool) {
	g := grantDirect
	if resource {
		switch {
		case s.Principal == nil:
			return grantNone, false
		case s.NotPrincipal:
			if !boundary && s.Principal.excludes(req.Principal) {
				return grantNone, false
			}
			g = grantIndirect
		default:
			g = s.Principal.match(req.Principal)
			if g == grantNone {
				return grantNone, false
			}
		}
	}
	if !s.matchesAction(req.Action) || !s.matchesResource(req.Resource, substitute, req.Context) {
		return grantNone, false
	}
	return g, s.conditionsHold(req.Context, substitute)
}

// conditionsHold evaluates the Condition block: every condition must
// hold. A condition that cannot be evaluated makes the statement not
// apply. A value whose variable has no value is dropped: AWS treats it
// as null, equal to and like nothing.
func (s *Statement) conditionsHold(ctx Context, substitute bool) bool {
	for _, c := range s.Condition {
		if c.compiled != nil {
			if ok, err := c.compiled.eval(c.Key, ctx); err != nil || !ok {
				return false
			}
			continue
		}
		cc := substitutedCondition(&c, ctx, substitute)
		if ok, err := cc.eval(c.Key, ctx); err != nil || !ok {
			return false
		}
	}
	return true
}

// hasVariable reports whether any of values holds a policy variable.
func hasVariable(values []string) bool {
	for _, v := range values {
		if strings.Contains(v, "${") {
			return true
		}
	}
	return false
}

// Evaluate decides req against the policies in set as AWS's "Policy
// evaluation logic" and "Cross-account policy evaluation logic" describe:
//
//   - An applicable Deny in any policy is an explicit deny.
//   - The root user in its own account is allowed.
//   - Anonymous, service and web-identity callers have no identity
//     policies: only the resource policy can allow them.
//   - Within one account, the request is allowed if the resource policy
//     names the user or role session itself, or if an identity policy
//     or a resource policy statement naming the role or "*" allows and
//     the permissions boundary and session policies (when present) allow
//     too. A statement naming only the account delegates to identity
//     policies and grants nothing itself.
//   - A trust policy or key policy must allow in any case, if only by
//     naming the account: identity policies alone never assume a role or
//     use a key.
//   - Across accounts, the principal's side (identity policies,
//     boundary, session policies; implicit for a root user) and the
//     resource policy must both allow.
func Evaluate(req Request, set PolicySet) Decision {
	if req.Context == nil {
		req.Context = Keys{}
	}
	e := evaluation{req: &req, set: &set}
	if d, ok := e.explicitDeny(); ok {
		return d
	}
	return e.allow()
}

type evaluation struct {
	req *Request
	set *PolicySet
	// The first applicable Allow of each policy type, if any. explicitDeny
	// scans every policy whole, so it finds them; allow reads them rather
	// than evaluate every statement a second time.
	identityAllow, resourceAllow, boundaryAllow, sessionAllow *hit
}

func (e *evaluation) decide(o Outcome, t PolicyType, h *hit) Decision {
	d := Decision{Outcome: o, Type: t, Statement: -1, Action: e.req.Action}
	if h != nil {
		d.Policy, d.Sid, d.Statement = h.policy, h.sid, h.index
	}
	return d
}

// explicitDeny looks for an applicable Deny in every policy. When there is
// none it has scanned every policy, and noted each type's first
// applicable Allow in e.
func (e *evaluation) explicitDeny() (Decision, bool) {
	boundary := e.set.Boundary != nil
	// check scans one policy: a Deny decides; the first Allow of the
	// policy's type is kept in *allow. (The boundary flag matters only
	// to a resource policy's NotPrincipal, so each policy is scanned
	// exactly as allow would.)
	check := func(t PolicyType, a *Attached, resource bool, allow **hit) (Decision, bool) {
		if a == nil || a.Policy == nil {
			return Decision{}, false
		}
		d, al := scan(a, e.req, resource, boundary)
		if d != nil {
			return e.decide(ExplicitDeny, t, d), true
		}
		if *allow == nil {
			*allow = al
		}
		return Decision{}, false
	}
	for i := range e.set.Identity {
		if d, ok := check(IdentityBased, &e.set.Identity[i], false, &e.identityAllow); ok {
			return d, true
		}
	}
	if d, ok := check(ResourceBased, e.set.Resource, true, &e.resourceAllow); ok {
		return d, true
	}
	if d, ok := check(PermissionsBoundary, e.set.Boundary, false, &e.boundaryAllow); ok {
		return d, true
	}
	for i := range e.set.Session {
		if d, ok := check(SessionPolicy, &e.set.Session[i], false, &e.sessionAllow); ok {
			return d, true
		}
	}
	return Decision{}, false
}

// allow decides a request that no policy denies, from the Allows
// explicitDeny found; it must run after explicitDeny.
func (e *evaluation) allow() Decision {
	p := e.req.Principal
	res := e.resourceAllow
	switch p.Type {
	case Anonymous, Service, WebIdentity:
		if res != nil {
			return e.decide(Allowed, ResourceBased, res)
		}
		return e.decide(ImplicitDeny, ResourceBased, nil)
	}
	same := e.req.ResourceAccount == "" || e.req.ResourceAccount == p.Account
	if res == nil && e.set.Resource != nil && e.set.Resource.Policy != nil && e.set.Resource.Policy.Kind.gatekeeper() {
		return e.decide(ImplicitDeny, ResourceBased, nil)
	}
	if p.Type == Root {
		switch {
		case same:
			return e.decide(Allowed, AccountRoot, nil)
		case res != nil:
			return e.decide(Allowed, ResourceBased, res)
		}
		return e.decide(ImplicitDeny, ResourceBased, nil)
	}
	id := e.identityAllow
	if same {
		return e.sameAccount(id, res)
	}
	if d, ok := e.limits(id != nil); !ok {
		return d
	}
	if res == nil {
		return e.decide(ImplicitDeny, ResourceBased, nil)
	}
	return e.decide(Allowed, ResourceBased, res)
}

// sameAccount decides a request by an IAM user or session in the
// resource's own account.
func (e *evaluation) sameAccount(id, res *hit) Decision {
	if res != nil && res.grant == grantDirect {
		return e.decide(Allowed, ResourceBased, res)
	}
	viaResource := res != nil && res.grant == grantIndirect
	if d, ok := e.limits(id != nil || viaResource); !ok {
		return d
	}
	if id != nil {
		return e.decide(Allowed, IdentityBased, id)
	}
	return e.decide(Allowed, ResourceBased, res)
}

// limits checks that something allowed (granted) and that the
// permissions boundary and session policies, when present, allow too.
func (e *evaluation) limits(granted bool) (Decision, bool) {
	if !granted {
		return e.decide(ImplicitDeny, IdentityBased, nil), false
	}
	if b := e.set.Boundary; b != nil && b.Policy != nil && e.boundaryAllow == nil {
		return e.decide(ImplicitDeny, PermissionsBoundary, nil), false
	}
	if len(e.set.Session) > 0 && e.sessionAllow == nil {
		return e.decide(ImplicitDeny, SessionPolicy, nil), false
	}
	return Decision{}, true
}
