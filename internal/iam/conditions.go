package iam

import (
	"strconv"
	"time"

	"github.com/coffer-s3/coffer/internal/policy"
)

// layered is a request context whose own keys (the principal's and the
// time, which a caller cannot override) are looked up before the wire's
// lazily filled context.
type layered struct {
	own  policy.Keys
	wire policy.Context
}

// Lookup implements policy.Context.
func (l layered) Lookup(key string) ([]string, bool) {
	if v, ok := l.own.Lookup(key); ok {
		return v, true
	}
	if l.wire == nil {
		return nil, false
	}
	return l.wire.Lookup(key)
}

// requestContext is the context policies see for req.
func (s *Store) requestContext(req Request, id *identity) policy.Context {
	own := s.conditionKeys(req, id)
	if req.Context == nil {
		return own
	}
	return layered{own: own, wire: req.Context}
}

// conditionKeys builds the keys this package owns, which describe the
// principal and the time, over the caller's req.Conditions map. Keys the
// principal sets cannot be overridden by the caller's map.
func (s *Store) conditionKeys(req Request, id *identity) policy.Keys {
	k := make(policy.Keys, len(req.Conditions)+12)
	for name, v := range req.Conditions {
		k.Set(name, v...)
	}
	now := s.clock.Now().UTC()
	k.Set("aws:CurrentTime", now.Format(time.RFC3339))
	k.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	p := req.Principal
	if p.Anonymous {
		k.Set("aws:PrincipalType", "Anonymous")
		return k
	}
	k.Set("aws:PrincipalAccount", p.AccountID)
	k.Set("aws:userid", p.UserID)
	switch {
	case p.Root:
		k.Set("aws:PrincipalArn", p.ARN)
		k.Set("aws:PrincipalType", "Account")
	case p.RoleARN != "":
		k.Set("aws:PrincipalArn", p.RoleARN)
		k.Set("aws:PrincipalType", "AssumedRole")
	default:
		k.Set("aws:PrincipalArn", p.ARN)
		k.Set("aws:PrincipalType", "User")
		k.Set("aws:username", p.Name)
	}
	if id != nil {
		for _, t := range id.tags {
			k.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	}
	if !p.TokenIssued.IsZero() {
		k.Set("aws:TokenIssueTime", p.TokenIssued.UTC().Format(time.RFC3339))
		k.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(p.MFA))
		if p.MFA {
			k.Set("aws:MultiFactorAuthAge", strconv.FormatInt(int64(now.Sub(p.TokenIssued)/time.Second), 10))
		}
	}
	if p.SourceIdentity != "" {
		k.Set("aws:SourceIdentity", p.SourceIdentity)
	}
	return k
}
