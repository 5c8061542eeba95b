package iamapi

import (
	"context"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// entityNameParams are the UserName, GroupName and RoleName parameters
// (botocore existingUserNameType, groupNameType, roleNameType).
var entityNameParams = map[iam.EntityKind]queryapi.String{
	iam.EntityUser:  {Name: "UserName", Field: "userName", Required: true, Min: 1, Max: 128, Pattern: namePattern},
	iam.EntityGroup: {Name: "GroupName", Field: "groupName", Required: true, Min: 1, Max: 128, Pattern: namePattern},
	iam.EntityRole:  roleNameParam,
}

// entityParam reads the entity a user, group or role action names.
func entityParam(c *queryapi.Call, kind iam.EntityKind) (iam.Entity, error) {
	name, err := str(c, entityNameParams[kind])
	return iam.Entity{Account: c.Principal.AccountID, Kind: kind, Name: name}, err
}

// putInlinePolicy answers PutUserPolicy, PutGroupPolicy and PutRolePolicy.
func (h *handlers) putInlinePolicy(kind iam.EntityKind) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		name, err := str(c, policyNameParam)
		if err != nil {
			return nil, err
		}
		doc, err := str(c, docParam("PolicyDocument", "policyDocument"))
		if err != nil {
			return nil, err
		}
		return nil, h.store.PutInlinePolicy(ctx, e, name, doc)
	}
}

// inlinePolicyResult is the content of GetUserPolicyResult,
// GetGroupPolicyResult and GetRolePolicyResult: the entity's name, the
// policy's name and its URL-encoded document.
type inlinePolicyResult struct {
	UserName       string `xml:"UserName,omitempty"`
	GroupName      string `xml:"GroupName,omitempty"`
	RoleName       string `xml:"RoleName,omitempty"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

// getInlinePolicy answers GetUserPolicy, GetGroupPolicy and GetRolePolicy.
func (h *handlers) getInlinePolicy(kind iam.EntityKind) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		name, err := str(c, policyNameParam)
		if err != nil {
			return nil, err
		}
		doc, err := h.store.GetInlinePolicy(ctx, e, name)
		if err != nil {
			return nil, err
		}
		out := inlinePolicyResult{PolicyName: name, PolicyDocument: encodeDocument(doc)}
		switch kind {
		case iam.EntityUser:
			out.UserName = e.Name
		case iam.EntityGroup:
			out.GroupName = e.Name
		default:
			out.RoleName = e.Name
		}
		return out, nil
	}
}

// listInlinePoliciesResult is the content of ListUserPoliciesResult,
// ListGroupPoliciesResult and ListRolePoliciesResult.
type listInlinePoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

// listInlinePolicies answers ListUserPolicies, ListGroupPolicies and
// ListRolePolicies.
func (h *handlers) listInlinePolicies(kind iam.EntityKind) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		o, err := listOptions(c.Params, false)
		if err != nil {
			return nil, err
		}
		names, page, err := h.store.ListInlinePolicies(ctx, e, o)
		if err != nil {
			return nil, err
		}
		if names == nil {
			names = []string{}
		}
		return listInlinePoliciesResult{PolicyNames: names, IsTruncated: page.IsTruncated, Marker: page.Marker}, nil
	}
}

// deleteInlinePolicy answers DeleteUserPolicy, DeleteGroupPolicy and
// DeleteRolePolicy.
func (h *handlers) deleteInlinePolicy(kind iam.EntityKind) func(context.Context, *queryapi.Call) (any, error) {
	return func(ctx context.Context, c *queryapi.Call) (any, error) {
		e, err := entityParam(c, kind)
		if err != nil {
			return nil, err
		}
		name, err := str(c, policyNameParam)
		if err != nil {
			return nil, err
		}
		return nil, h.store.DeleteInlinePolicy(ctx, e, name)
	}
}

// entityResource returns the resource ARN of a user, group or role
// action: the entity's ARN with its stored path ("/" when it does not
// exist).
func (h *handlers) entityResource(kind iam.EntityKind) func(context.Context, *queryapi.Call) string {
	return func(ctx context.Context, c *queryapi.Call) string {
		name, _ := c.Params.Get(entityNameParams[kind].Name)
		acct := c.Principal.AccountID
		path := "/"
		switch kind {
		case iam.EntityUser:
			if u, err := h.store.GetUser(ctx, acct, name); err == nil {
				path = u.Path
			}
		case iam.EntityGroup:
			if g, _, _, err := h.store.GetGroup(ctx, acct, name, iam.ListOptions{MaxItems: 1}); err == nil {
				path = g.Path
			}
		default:
			return h.roleResource(ctx, c)
		}
		return "arn:aws:iam::" + acct + ":" + kind.String() + path + name
	}
}
