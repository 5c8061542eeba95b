package iamapi

import (
	"context"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// attachPolicy answers AttachUserPolicy, AttachGroupPolicy and
// AttachRolePolicy; detach the Detach… actions.
func (h *handlers) attachPolicy(kind iam.EntityKind, detach bool) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		arn, err := str(c, policyArnParam)
		if err != nil {
			return nil, err
		}
		if detach {
			return nil, h.store.DetachPolicy(ctx, e, arn)
		}
		return nil, h.store.AttachPolicy(ctx, e, arn)
	}
}

// attachedPolicy is IAM's AttachedPolicy element.
type attachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// listAttachedResult is the content of ListAttachedUserPoliciesResult and
// its group and role twins.
type listAttachedResult struct {
	AttachedPolicies []attachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool             `xml:"IsTruncated"`
	Marker           string           `xml:"Marker,omitempty"`
}

// listAttached answers ListAttachedUserPolicies, ListAttachedGroupPolicies
// and ListAttachedRolePolicies.
func (h *handlers) listAttached(kind iam.EntityKind) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		o, err := listOptions(c.Params, false)
		if err != nil {
			return nil, err
		}
		pp := pathPrefixParam
		pp.Pattern = policyPathParam.Pattern
		if o.PathPrefix, err = str(c, pp); err != nil {
			return nil, err
		}
		ps, page, err := h.store.ListAttachedPolicies(ctx, e, o)
		if err != nil {
			return nil, err
		}
		out := listAttachedResult{AttachedPolicies: make([]attachedPolicy, len(ps)), IsTruncated: page.IsTruncated, Marker: page.Marker}
		for i, p := range ps {
			out.AttachedPolicies[i] = attachedPolicy{PolicyName: p.PolicyName, PolicyArn: p.PolicyARN}
		}
		return out, nil
	}
}

// policyEntity is one member of PolicyUsers, PolicyGroups or PolicyRoles.
type policyEntity struct {
	UserName  string `xml:"UserName,omitempty"`
	UserID    string `xml:"UserId,omitempty"`
	GroupName string `xml:"GroupName,omitempty"`
	GroupID   string `xml:"GroupId,omitempty"`
	RoleName  string `xml:"RoleName,omitempty"`
	RoleID    string `xml:"RoleId,omitempty"`
	kind      iam.EntityKind
}

// listEntitiesResult is ListEntitiesForPolicyResult's content.
type listEntitiesResult struct {
	PolicyGroups []policyEntity `xml:"PolicyGroups>member"`
	PolicyUsers  []policyEntity `xml:"PolicyUsers>member"`
	PolicyRoles  []policyEntity `xml:"PolicyRoles>member"`
	IsTruncated  bool           `xml:"IsTruncated"`
	Marker       string         `xml:"Marker,omitempty"`
}

var entityFilterParam = queryapi.String{Name: "EntityFilter", Field: "entityFilter",
	Enum: []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}}

// listEntitiesForPolicy answers ListEntitiesForPolicy: the users, groups
// and roles a policy is attached to (groups, users, then roles, each in
// name order), filtered by EntityFilter and PathPrefix and paged together.
func (h *handlers) listEntitiesForPolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	filter, err := str(c, entityFilterParam)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	pp := pathPrefixParam
	pp.Pattern = rolePathParam.Pattern // botocore pathType
	if o.PathPrefix, err = str(c, pp); err != nil {
		return nil, err
	}
	if _, err := str(c, usageParam); err != nil {
		return nil, err
	}
	acct := c.Principal.AccountID
	ents, err := h.store.ListEntitiesForPolicy(ctx, acct, arn)
	if err != nil {
		return nil, err
	}
	keep := func(k iam.EntityKind, path string) bool {
		return (filter == "" || strings.EqualFold(filter, k.String())) &&
			(o.PathPrefix == "" || strings.HasPrefix(path, o.PathPrefix))
	}
	var all []policyEntity
	for _, name := range ents.Groups {
		g, _, _, err := h.store.GetGroup(ctx, acct, name, iam.ListOptions{MaxItems: 1})
		if err != nil {
			return nil, err
		}
		if keep(iam.EntityGroup, g.Path) {
			all = append(all, policyEntity{GroupName: g.Name, GroupID: g.ID, kind: iam.EntityGroup})
		}
	}
	for _, name := range ents.Users {
		u, err := h.store.GetUser(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		if keep(iam.EntityUser, u.Path) {
			all = append(all, policyEntity{UserName: u.Name, UserID: u.ID, kind: iam.EntityUser})
		}
	}
	for _, name := range ents.Roles {
		r, err := h.store.GetRole(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		if keep(iam.EntityRole, r.Path) {
			all = append(all, policyEntity{RoleName: r.Name, RoleID: r.ID, kind: iam.EntityRole})
		}
	}
	page, trunc, marker, err := pageInMemory(all, o)
	if err != nil {
		return nil, err
	}
	out := listEntitiesResult{PolicyGroups: []policyEntity{}, PolicyUsers: []policyEntity{}, PolicyRoles: []policyEntity{},
		IsTruncated: trunc, Marker: marker}
	for _, e := range page {
		switch e.kind {
		case iam.EntityGroup:
			out.PolicyGroups = append(out.PolicyGroups, e)
		case iam.EntityUser:
			out.PolicyUsers = append(out.PolicyUsers, e)
		default:
			out.PolicyRoles = append(out.PolicyRoles, e)
		}
	}
	return out, nil
}
