package policy

// PolicyRole says which part of a PolicySet a policy is.
type PolicyRole int

// The parts of a PolicySet.
const (
	RoleIdentity PolicyRole = iota + 1
	RoleResource
	RoleBoundary
	RoleSession
)

// Match is a statement that applies to a request: the Name of its policy
// in the set, the part of the set the policy is, the statement's index
// in the policy and its effect.
type Match struct {
	Policy    string
	Role      PolicyRole
	Statement int
	Effect    Effect
}

// Matches lists every statement of set that applies to req (its action,
// resource and conditions, and for the resource policy its principal), in
// set order: identity policies, the resource policy, the boundary, the
// session policies. IAM's policy simulator reports them as
// MatchedStatements; Evaluate decides with the same test.
func Matches(req Request, set PolicySet) []Match {
	if req.Context == nil {
		req.Context = Keys{}
	}
	boundary := set.Boundary != nil
	var out []Match
	add := func(a *Attached, role PolicyRole) {
		if a == nil || a.Policy == nil {
			return
		}
		p := a.Policy
		for i := range p.Statements {
			s := &p.Statements[i]
			if _, ok := s.applies(&req, p.substitutes(), role == RoleResource, boundary); ok {
				out = append(out, Match{Policy: a.Name, Role: role, Statement: i, Effect: s.Effect})
			}
		}
	}
	for i := range set.Identity {
		add(&set.Identity[i], RoleIdentity)
	}
	add(set.Resource, RoleResource)
	add(set.Boundary, RoleBoundary)
	for i := range set.Session {
		add(&set.Session[i], RoleSession)
	}
	return out
}
