package iam

import (
	"context"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	account, res, ok := strings.Cut(rest, ":role/")
	if !ok || len(account) != 12 {
		return "", "", false
	}
	name = res[strings.LastIndexByte(res, '/')+1:]
	return account, name, name != ""
}

// AuthorizeRole decides whether caller may perform action (sts:AssumeRole,
// sts:TagSession, sts:SetSourceIdentity) on the role roleARN. The role's
// trust policy must allow it (a trust policy is a gatekeeper: identity
// policies alone never suffice); across accounts the caller's identity
// policies must allow it too. conditions carries the request's keys,
// such as sts:ExternalId and sts:RoleSessionName. A role that does not
// exist is ErrNoSuchEntity (STS answers AccessDenied for it).
func (s *Store) AuthorizeRole(ctx context.Context, caller sigv4.Principal, action, roleARN string, conditions map[string][]string) (Role, Decision, error) {
	account, name, ok := parseRoleARN(roleARN)
	if !ok {
		return Role{}, Decision{}, errorf(ErrValidation, "%s is not a valid role ARN.", roleARN)
	}
	var rec roleRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = readRole(r, account, name)
		return err
	})
	if err != nil {
		return Role{}, Decision{}, err
	}
	role := rec.role(account)
	if role.ARN != roleARN {
		return Role{}, Decision{}, noSuch("role", name)
	}
	trust, err := parseDocument(rec.Trust, policy.Trust)
	if err != nil {
		return Role{}, Decision{}, err
	}
	var set policy.PolicySet
	pr := policyPrincipal(caller)
	var ident *identity
	if !caller.Anonymous {
		if ident, err = s.identity(ctx, caller); err != nil {
			return Role{}, Decision{}, err
		}
		set, pr.CanonicalID = ident.set, ident.canonicalID
	}
	set.Resource = &policy.Attached{Name: "trust/" + role.Name, Policy: trust}
	req := Request{Principal: caller, Action: action, Conditions: conditions, Resource: roleARN}
	d := policy.Evaluate(policy.Request{Principal: pr, Action: action, Resource: roleARN, ResourceAccount: account,
		Context: s.requestContext(req, ident)}, set)
	if d.Allowed() {
		return role, Decision{Allowed: true, Policy: d}, nil
	}
	return role, Decision{Reason: d.String(), Policy: d}, nil
}
