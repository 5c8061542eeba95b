package iam

import (
	"strconv"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/policy"
)

// requestKeys is the context policies see for a request: first the keys
// this package owns, which describe the principal and the time and which a
// caller cannot override; then the caller's req.Conditions; then the
// wire's lazily filled req.Context. An owned key's value is made only
// when a policy asks for it: a request's policies test a few keys, and
// building all of them for every request cost more than evaluating the
// policies.
type requestKeys struct {
	req Request
	id  *identity
	now time.Time
}

// requestContext is the context policies see for req.
func (s *Store) requestContext(req Request, id *identity) policy.Context {
	return &requestKeys{req: req, id: id, now: s.clock.Now().UTC()}
}

// Lookup implements policy.Context. Key names are case-insensitive.
func (k *requestKeys) Lookup(key string) ([]string, bool) {
	if v, ok := k.own(key); ok {
		return []string{v}, true
	}
	for name, v := range k.req.Conditions {
		if strings.EqualFold(name, key) {
			return v, true
		}
	}
	if k.req.Context == nil {
		return nil, false
	}
	return k.req.Context.Lookup(key)
}

const principalTagPrefix = "aws:PrincipalTag/"

// own returns the value of an owned key, if the request has it.
func (k *requestKeys) own(key string) (string, bool) {
	p := &k.req.Principal
	is := func(name string) bool { return strings.EqualFold(key, name) }
	switch {
	case is("aws:CurrentTime"):
		return k.now.Format(time.RFC3339), true
	case is("aws:EpochTime"):
		return strconv.FormatInt(k.now.Unix(), 10), true
	case is("aws:PrincipalType"):
		switch {
		case p.Anonymous:
			return "Anonymous", true
		case p.Root:
			return "Account", true
		case p.RoleARN != "":
			return "AssumedRole", true
		}
		return "User", true
	case p.Anonymous:
		return "", false
	case is("aws:PrincipalAccount"):
		return p.AccountID, true
	case is("aws:userid"):
		return p.UserID, true
	case is("aws:PrincipalArn"):
		if !p.Root && p.RoleARN != "" {
			return p.RoleARN, true
		}
		return p.ARN, true
	case is("aws:username"):
		return p.Name, !p.Root && p.RoleARN == ""
	case is("aws:TokenIssueTime"):
		return p.TokenIssued.UTC().Format(time.RFC3339), !p.TokenIssued.IsZero()
	case is("aws:MultiFactorAuthPresent"):
		return strconv.FormatBool(p.MFA), !p.TokenIssued.IsZero()
	case is("aws:MultiFactorAuthAge"):
		return strconv.FormatInt(int64(k.now.Sub(p.TokenIssued)/time.Second), 10), !p.TokenIssued.IsZero() && p.MFA
	case is("aws:SourceIdentity"):
		return p.SourceIdentity, p.SourceIdentity != ""
	case len(key) > len(principalTagPrefix) && strings.EqualFold(key[:len(principalTagPrefix)], principalTagPrefix) && k.id != nil:
		// The last of two tags whose keys differ only in case wins, as
		// when the keys were folded into one map.
		v, ok := "", false
		for _, t := range k.id.tags {
			if strings.EqualFold(t.Key, key[len(principalTagPrefix):]) {
				v, ok = t.Value, true
			}
		}
		return v, ok
	}
	return "", false
}
