package policy

import (
	"fmt"
	"strings"
)

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// All is the bare "*": everyone, anonymous requests included.
	All bool
	// AWS lists "*", account ids ("123456789012"), and IAM and STS
	// ARNs: arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION and
	// :federated-user/NAME.
	AWS []string
	// Service lists service principals such as
	// "logging.s3.amazonaws.com".
	Service []string
	// Federated lists identity providers (web identity or SAML).
	Federated []string
	// CanonicalUser lists S3 canonical user ids.
	CanonicalUser []string
}

// parsePrincipals parses a Principal or NotPrincipal value: "*" or an
// object whose members are AWS, Service, Federated and CanonicalUser.
func parsePrincipals(k Kind, v jvalue, i int) (*Principals, error) {
	bad := func(shown string) error {
		return malformed(k, probPrincipal, shown, "statement %d: invalid principal %s", i, shown)
	}
	switch v.kind {
	case jString:
		if v.text != "*" {
			return nil, bad(fmt.Sprintf("%q", v.text))
		}
		return &Principals{All: true}, nil
	case jObject:
	default:
		return nil, malformed(k, probShape, "", "statement %d: Principal is a %s", i, v.kind)
	}
	if len(v.obj) == 0 {
		return nil, bad("{}")
	}
	ps := &Principals{}
	for _, m := range v.obj {
		list, ok := m.val.strings()
		if !ok || len(list) == 0 {
			return nil, bad(fmt.Sprintf("%q", m.name))
		}
		var dst *[]string
		check := validOtherPrincipal
		switch m.name {
		case "AWS":
			dst, check = &ps.AWS, validAWSPrincipal
		case "Service":
			dst = &ps.Service
		case "Federated":
			dst = &ps.Federated
		case "CanonicalUser":
			dst = &ps.CanonicalUser
		default:
			return nil, bad(fmt.Sprintf("%q", m.name))
		}
		for _, p := range list {
			if !check(p) {
				return nil, bad(fmt.Sprintf("%q:%q", m.name, p))
			}
		}
		*dst = list
	}
	return ps, nil
}

// validAWSPrincipal accepts "*", a 12-digit account id, and the IAM and
// STS principal ARNs. AWS allows no wildcard inside a principal ARN.
func validAWSPrincipal(p string) bool {
	if p == "*" || isAccountID(p) {
		return true
	}
	return parseARNPrincipal(p).kind != arnInvalid
}

// validOtherPrincipal accepts a non-empty value without wildcards or white
// space, for Service, Federated and CanonicalUser.
func validOtherPrincipal(p string) bool {
	return p != "" && !strings.ContainsAny(p, "*? \t\r\n")
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

type arnKind int

const (
	arnInvalid arnKind = iota
	arnRoot
	arnUser
	arnRole
	arnSession
	arnFederatedUser
)

type arnPrincipal struct {
	kind    arnKind
	account string
}

// parseARNPrincipal classifies an IAM or STS principal ARN.
func parseARNPrincipal(p string) arnPrincipal {
	parts := strings.SplitN(p, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] != "" ||
		!isAccountID(parts[4]) || strings.ContainsAny(p, "*?") {
		return arnPrincipal{}
	}
	res, acct := parts[5], parts[4]
	switch parts[2] {
	case "iam":
		switch {
		case res == "root":
			return arnPrincipal{arnRoot, acct}
		case strings.HasPrefix(res, "user/") && len(res) > len("user/"):
			return arnPrincipal{arnUser, acct}
		case strings.HasPrefix(res, "role/") && len(res) > len("role/"):
			return arnPrincipal{arnRole, acct}
		}
	case "sts":
		if name, ok := strings.CutPrefix(res, "assumed-role/"); ok {
			role, session, ok := strings.Cut(name, "/")
			if ok && role != "" && session != "" && !strings.Contains(session, "/") {
				return arnPrincipal{arnSession, acct}
			}
		}
		if name, ok := strings.CutPrefix(res, "federated-user/"); ok && name != "" {
			return arnPrincipal{arnFederatedUser, acct}
		}
	}
	return arnPrincipal{}
}

// PrincipalType is what kind of principal made a request.
type PrincipalType int

// The principal types.
const (
	// Anonymous is an unsigned request.
	Anonymous PrincipalType = iota
	// Root is an account's root user.
	Root
	// User is an IAM user (long-term keys or a GetSessionToken session).
	User
	// AssumedRole is a role session from AssumeRole and its variants.
	AssumedRole
	// FederatedUser is a GetFederationToken session.
	FederatedUser
	// Service is an AWS service acting for itself.
	Service
	// WebIdentity is a caller of AssumeRoleWithWebIdentity or
	// AssumeRoleWithSAML, known by its identity provider.
	WebIdentity
)

// Principal describes who made a request, as authentication learned it.
type Principal struct {
	Type PrincipalType
	// Account is the principal's 12-digit account id ("" for Anonymous,
	// Service and WebIdentity).
	Account string
	// ARN is the principal's own ARN: arn:aws:iam::ACCOUNT:root,
	// arn:aws:iam::ACCOUNT:user/PATH/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or
	// arn:aws:sts::ACCOUNT:federated-user/NAME.
	ARN string
	// RoleARN is, for an AssumedRole session, the role's ARN
	// (arn:aws:iam::ACCOUNT:role/PATH/NAME), which a resource policy
	// may name to cover every session of the role.
	RoleARN string
	// ServiceName is, for Service, the service principal
	// ("logging.s3.amazonaws.com").
	ServiceName string
	// Provider is, for WebIdentity, the identity provider a trust
	// policy names under Federated.
	Provider string
	// CanonicalID is the S3 canonical user id of the principal's
	// account, matched by CanonicalUser.
	CanonicalID string
}

// grant is how specifically a resource policy statement names a principal.
// AWS treats the levels differently within one account: naming a user or
// a role session directly grants past permissions boundaries and session
// policies; naming the role or everyone adds to the identity policies and
// stays limited by them; naming the account only delegates to the
// account's own identity policies.
type grant int

const (
	grantNone     grant = iota
	grantAccount        // the principal's account (id or :root)
	grantIndirect       // "*", or the role of a role session
	grantDirect         // the user, session, root, service or provider itself
)

// match reports how specifically ps (a Principal element) names p.
func (ps *Principals) match(p Principal) grant {
	best := grantNone
	up := func(g grant) {
		best = max(best, g)
	}
	if ps.All {
		up(grantIndirect)
	}
	for _, a := range ps.AWS {
		up(matchAWS(a, p))
	}
	if p.Type == Service {
		for _, s := range ps.Service {
			if strings.EqualFold(s, p.ServiceName) {
				up(grantDirect)
			}
		}
	}
	if p.Type == WebIdentity {
		for _, f := range ps.Federated {
			if f == p.Provider {
				up(grantDirect)
			}
		}
	}
	if p.CanonicalID != "" {
		// A canonical user id names an account, as an account id
		// does: it grants the account's root directly and only
		// delegates to the identity policies of the account's users
		// and sessions (an ACL grant to an account does not reach "users
		// in your account", S3 User Guide, "Managing access with ACLs").
		for _, c := range ps.CanonicalUser {
			if c != p.CanonicalID {
				continue
			}
			if p.Type == Root {
				up(grantDirect)
			} else {
				up(grantAccount)
			}
		}
	}
	return best
}

// matchAWS matches one "AWS" entry.
func matchAWS(a string, p Principal) grant {
	switch p.Type {
	case Service, WebIdentity:
		return grantNone
	}
	if a == "*" {
		return grantIndirect
	}
	if p.Account == "" {
		return grantNone
	}
	if isAccountID(a) || parseARNPrincipal(a).kind == arnRoot {
		if accountOf(a) != p.Account {
			return grantNone
		}
		if p.Type == Root {
			return grantDirect
		}
		return grantAccount
	}
	switch {
	case a == p.ARN && p.Type != Anonymous:
		return grantDirect
	case p.Type == AssumedRole && a == p.RoleARN:
		return grantIndirect
	}
	return grantNone
}

func accountOf(a string) string {
	if isAccountID(a) {
		return a
	}
	return strings.SplitN(a, ":", 6)[4]
}

// excludes reports whether a NotPrincipal element lists p. AWS evaluates
// NotPrincipal against each identity in the principal's chain: a role
// session is also its role and its account, a user also its account. A
// principal is left out only if every link is listed, which is why AWS's
// NotPrincipal examples list the account, the role and the session.
func (ps *Principals) excludes(p Principal) bool {
	if ps.All {
		return true
	}
	listed := func(arn string) bool {
		for _, a := range ps.AWS {
			if a == "*" || a == arn {
				return true
			}
		}
		return false
	}
	account := func() bool {
		for _, a := range ps.AWS {
			if a == "*" || (isAccountID(a) || parseARNPrincipal(a).kind == arnRoot) && accountOf(a) == p.Account {
				return true
			}
		}
		return false
	}
	switch p.Type {
	case Root:
		return account()
	case User, FederatedUser:
		return account() && listed(p.ARN)
	case AssumedRole:
		return account() && listed(p.RoleARN) && listed(p.ARN)
	case Service, WebIdentity:
		return ps.match(p) == grantDirect
	}
	return false // anonymous: only "*", handled above
}
