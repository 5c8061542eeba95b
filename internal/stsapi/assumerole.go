package stsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// defaultRoleSession is AssumeRole's DurationSeconds when absent.
const defaultRoleSession = 3600

// credentials is the Credentials element of AssumeRole's and
// GetSessionToken's results.
type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentialsOf(s iam.Session) credentials {
	return credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken,
		Expiration: s.Expiration.UTC().Format(time.RFC3339)}
}

// assumedRoleUser is AssumeRoleResult's AssumedRoleUser.
type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

// assumeRoleResult is AssumeRoleResult's content. PackedPolicySize is
// sent when session policies or tags were passed.
type assumeRoleResult struct {
	Credentials      credentials     `xml:"Credentials"`
	AssumedRoleUser  assumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize *int            `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string          `xml:"SourceIdentity,omitempty"`
}

// roleRequest is an AssumeRole call's parameters.
type roleRequest struct {
	roleARN, sessionName, externalID, serial, code, policy, sourceIdentity string
	duration                                                               int64
	policyARNs                                                             []string
	tags                                                                   []iam.Tag
	transitive                                                             []string
}

func parseRoleRequest(p queryapi.Params) (roleRequest, error) {
	var r roleRequest
	var err error
	if r.roleARN, _, err = p.String(arnParam); err != nil {
		return r, err
	}
	if r.sessionName, _, err = p.String(roleSessionNameParam); err != nil {
		return r, err
	}
	d, ok, err := p.Int("DurationSeconds", "durationSeconds", iam.MinSessionDuration, 43200)
	if err != nil {
		return r, err
	}
	r.duration = defaultRoleSession
	if ok {
		r.duration = d
	}
	for _, f := range []struct {
		dst *string
		s   queryapi.String
	}{{&r.externalID, externalIDParam}, {&r.policy, policyParam}, {&r.sourceIdentity, sourceIdentityParam}} {
		if *f.dst, err = optional(p, f.s); err != nil {
			return r, err
		}
	}
	if strings.HasPrefix(strings.ToLower(r.sourceIdentity), "aws:") {
		return r, queryapi.Validation(r.sourceIdentity, "sourceIdentity", "Member must not begin with aws:")
	}
	if r.serial, r.code, err = mfaCode(p); err != nil {
		return r, err
	}
	if r.policyARNs, err = policyARNs(p); err != nil {
		return r, err
	}
	r.tags, r.transitive, err = sessionTags(p)
	return r, err
}

// assumeRole issues a role session. The role's trust policy is evaluated
// with the caller as principal together with the caller's own policies
// (policy.Evaluate's rules: within one account a trust policy naming the
// caller suffices and one naming the account needs an identity policy
// too; across accounts both sides must allow). Passing tags also needs
// sts:TagSession, and a source identity sts:SetSourceIdentity.
func (h *handlers) assumeRole(ctx context.Context, c *queryapi.Call) (any, error) {
	r, err := parseRoleRequest(c.Params)
	if err != nil {
		return nil, err
	}
	caller := c.Principal
	if caller.Root {
		return nil, errRootAssumeRole
	}
	mfa := false
	if r.serial != "" {
		if err := h.id.VerifyMFA(ctx, caller, r.serial, r.code); err != nil {
			return nil, err
		}
		mfa = true
	}
	conds := roleConditions(r, mfa)
	role, err := h.authorizeRole(ctx, caller, "sts:AssumeRole", r.roleARN, conds)
	if err != nil {
		return nil, err
	}
	if len(r.tags) > 0 || len(r.transitive) > 0 {
		if _, err := h.authorizeRole(ctx, caller, "sts:TagSession", r.roleARN, conds); err != nil {
			return nil, err
		}
	}
	if r.sourceIdentity != "" || caller.SourceIdentity != "" {
		if _, err := h.authorizeRole(ctx, caller, "sts:SetSourceIdentity", r.roleARN, conds); err != nil {
			return nil, err
		}
	}
	in := iam.SessionInput{Account: role.Account, RoleName: role.Name, SessionName: r.sessionName,
		Duration: time.Duration(r.duration) * time.Second, Policy: r.policy, PolicyARNs: r.policyARNs,
		Tags: r.tags, TransitiveTagKeys: r.transitive, SourceIdentity: r.sourceIdentity, MFA: mfa || caller.MFA}
	if temporary(caller) {
		in.Caller = caller.AccessKey
	}
	s, err := h.id.CreateSession(ctx, in)
	if err != nil {
		return nil, err
	}
	out := assumeRoleResult{Credentials: credentialsOf(s), SourceIdentity: s.SourceIdentity,
		AssumedRoleUser: assumedRoleUser{AssumedRoleID: s.AssumedRoleID, Arn: s.ARN}}
	if r.policy != "" || len(r.policyARNs) > 0 || len(r.tags) > 0 {
		out.PackedPolicySize = &s.PackedPolicySize
	}
	return out, nil
}

// errRootAssumeRole is AWS's answer to AssumeRole signed by an account's
// root user, whatever the trust policy says.
var errRootAssumeRole = &queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied",
	Message: "Roles may not be assumed by root accounts."}

// temporary reports whether p signed with temporary credentials.
func temporary(p sigv4.Principal) bool { return !p.TokenIssued.IsZero() }

// roleConditions are the request's condition keys for the trust policy.
func roleConditions(r roleRequest, mfa bool) map[string][]string {
	conds := map[string][]string{"sts:RoleSessionName": {r.sessionName}}
	if r.externalID != "" {
		conds["sts:ExternalId"] = []string{r.externalID}
	}
	if r.sourceIdentity != "" {
		conds["sts:SourceIdentity"] = []string{r.sourceIdentity}
	}
	if mfa {
		conds["aws:MultiFactorAuthPresent"] = []string{"true"}
		conds["aws:MultiFactorAuthAge"] = []string{"0"}
	}
	if len(r.tags) > 0 {
		keys := make([]string, 0, len(r.tags))
		for _, t := range r.tags {
			conds["aws:RequestTag/"+t.Key] = []string{t.Value}
			keys = append(keys, t.Key)
		}
		conds["aws:TagKeys"] = keys
	}
	if len(r.transitive) > 0 {
		conds["sts:TransitiveTagKeys"] = r.transitive
	}
	return conds
}

// authorizeRole asks the identity store whether caller may perform
// action on the role, answering AccessDenied as STS does, also for a role
// that does not exist.
func (h *handlers) authorizeRole(ctx context.Context, caller sigv4.Principal, action, roleARN string, conds map[string][]string) (iam.Role, error) {
	role, d, err := h.id.AuthorizeRole(ctx, caller, action, roleARN, conds)
	switch {
	case errors.Is(err, iam.ErrNoSuchEntity):
	case err != nil:
		return iam.Role{}, err
	case d.Allowed:
		return role, nil
	}
	return iam.Role{}, &queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, roleARN)}
}
