package iamapi

import (
	"context"
	"regexp"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Role parameters, with botocore's constraints (roleNameType, pathType,
// roleDescriptionType, policyDocumentType).
var (
	roleNameParam = queryapi.String{Name: "RoleName", Field: "roleName", Required: true, Min: 1, Max: 64, Pattern: namePattern}
	rolePathParam = queryapi.String{Name: "Path", Field: "path", Min: 1, Max: 512, Pattern: longest(`(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F})`)}
	roleDescParam = queryapi.String{Name: "Description", Field: "description", Max: 1000,
		Pattern: regexp.MustCompile(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*`)}
	trustDocParam     = docParam("AssumeRolePolicyDocument", "assumeRolePolicyDocument")
	roleBoundaryParam = queryapi.String{Name: "PermissionsBoundary", Field: "permissionsBoundary", Required: true, Min: 20, Max: 2048}
)

// longest compiles a botocore pattern with leftmost-longest matching, so
// that an alternation such as "(/)|(/.../)" matches a whole value.
func longest(expr string) *regexp.Regexp {
	re := regexp.MustCompile(expr)
	re.Longest()
	return re
}

// role is IAM's Role element. GetRole and CreateRole fill every field;
// ListRoles leaves out the boundary, tags and last use, as AWS does.
type role struct {
	Path                     string            `xml:"Path"`
	RoleName                 string            `xml:"RoleName"`
	RoleID                   string            `xml:"RoleId"`
	Arn                      string            `xml:"Arn"`
	CreateDate               string            `xml:"CreateDate"`
	AssumeRolePolicyDocument string            `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string            `xml:"Description,omitempty"`
	MaxSessionDuration       int               `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *attachedBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags                     *tagList          `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{}         `xml:"RoleLastUsed,omitempty"`
}

// attachedBoundary is AttachedPermissionsBoundary.
type attachedBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

// entityTag is one Tag member.
type entityTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func boundaryOf(arn string) *attachedBoundary {
	if arn == "" {
		return nil
	}
	return &attachedBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

// tagList is a Tags element. It is a pointer in its parents so that no
// tags leave the element out (encoding/xml writes an empty "Tags" for
// an empty "Tags>member" path even with omitempty).
type tagList struct {
	Member []entityTag `xml:"member"`
}

// tagsOf renders tags; none is nil.
func tagsOf(tags []iam.Tag) *tagList {
	if len(tags) == 0 {
		return nil
	}
	out := &tagList{Member: make([]entityTag, len(tags))}
	for i, t := range tags {
		out.Member[i] = entityTag(t)
	}
	return out
}

// roleOf renders r; full adds what GetRole adds to ListRoles's answer.
func roleOf(r iam.Role, full bool) role {
	out := role{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: timeOf(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration}
	if full {
		out.PermissionsBoundary = boundaryOf(r.PermissionsBoundary)
		out.Tags = tagsOf(r.Tags)
		out.RoleLastUsed = &struct{}{}
	}
	return out
}

// roleResult is the content of CreateRoleResult, GetRoleResult and
// UpdateRoleDescriptionResult.
type roleResult struct {
	Role role `xml:"Role"`
}

// tagParams reads Tags as the store's tags.
func tagParams(c *queryapi.Call) ([]iam.Tag, error) {
	tags, err := c.Params.Tags("Tags")
	if err != nil {
		return nil, err
	}
	out := make([]iam.Tag, len(tags))
	for i, t := range tags {
		out[i] = iam.Tag(t)
	}
	return out, nil
}

func (h *handlers) createRole(ctx context.Context, c *queryapi.Call) (any, error) {
	in := iam.CreateRoleInput{Account: c.Principal.AccountID}
	var err error
	if in.Name, err = str(c, roleNameParam); err != nil {
		return nil, err
	}
	if in.Path, err = str(c, rolePathParam); err != nil {
		return nil, err
	}
	if in.AssumeRolePolicyDocument, err = str(c, trustDocParam); err != nil {
		return nil, err
	}
	if in.Description, err = str(c, roleDescParam); err != nil {
		return nil, err
	}
	d, _, err := c.Params.Int("MaxSessionDuration", "maxSessionDuration", iam.MinMaxSessionDuration, iam.MaxMaxSessionDuration)
	if err != nil {
		return nil, err
	}
	in.MaxSessionDuration = int(d)
	b := roleBoundaryParam
	b.Required = false
	if in.PermissionsBoundary, err = str(c, b); err != nil {
		return nil, err
	}
	if in.Tags, err = tagParams(c); err != nil {
		return nil, err
	}
	r, err := h.store.CreateRole(ctx, in)
	if err != nil {
		return nil, err
	}
	out := roleOf(r, true)
	out.RoleLastUsed = nil
	return roleResult{Role: out}, nil
}

func (h *handlers) getRole(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	r, err := h.store.GetRole(ctx, c.Principal.AccountID, name)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleOf(r, true)}, nil
}

// listRolesResult is ListRolesResult's content.
type listRolesResult struct {
	Roles       []role `xml:"Roles>member"`
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func (h *handlers) listRoles(ctx context.Context, c *queryapi.Call) (any, error) {
	o, err := listOptions(c.Params, true)
	if err != nil {
		return nil, err
	}
	roles, page, err := h.store.ListRoles(ctx, c.Principal.AccountID, o)
	if err != nil {
		return nil, err
	}
	out := listRolesResult{Roles: make([]role, len(roles)), IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i, r := range roles {
		out.Roles[i] = roleOf(r, false)
	}
	return out, nil
}

func (h *handlers) updateRole(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	desc, hasDesc, err := c.Params.String(roleDescParam)
	if err != nil {
		return nil, err
	}
	d, _, err := c.Params.Int("MaxSessionDuration", "maxSessionDuration", iam.MinMaxSessionDuration, iam.MaxMaxSessionDuration)
	if err != nil {
		return nil, err
	}
	var dp *string
	if hasDesc {
		dp = &desc
	}
	// UpdateRole has an empty output shape: AWS sends an empty
	// UpdateRoleResult element, and the SDKs expect it.
	return struct{}{}, h.store.UpdateRole(ctx, c.Principal.AccountID, name, dp, int(d))
}

// updateRoleDescription answers UpdateRoleDescription, which returns the
// changed role.
func (h *handlers) updateRoleDescription(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	dp := roleDescParam
	dp.Required = true
	desc, err := str(c, dp)
	if err != nil {
		return nil, err
	}
	if err := h.store.UpdateRole(ctx, c.Principal.AccountID, name, &desc, 0); err != nil {
		return nil, err
	}
	r, err := h.store.GetRole(ctx, c.Principal.AccountID, name)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleOf(r, true)}, nil
}

func (h *handlers) deleteRole(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteRole(ctx, c.Principal.AccountID, name)
}

func (h *handlers) updateAssumeRolePolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	p := docParam("PolicyDocument", "policyDocument")
	doc, err := str(c, p)
	if err != nil {
		return nil, err
	}
	return nil, h.store.UpdateAssumeRolePolicy(ctx, c.Principal.AccountID, name, doc)
}

func (h *handlers) tagRole(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	if !c.Params.Has("Tags.member.1.Key") {
		return nil, queryapi.MissingParameter("Tags")
	}
	tags, err := tagParams(c)
	if err != nil {
		return nil, err
	}
	return nil, h.store.TagRole(ctx, c.Principal.AccountID, name, tags)
}

func (h *handlers) untagRole(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	keys, err := c.Params.List("TagKeys")
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, queryapi.MissingParameter("TagKeys")
	}
	return nil, h.store.UntagRole(ctx, c.Principal.AccountID, name, keys)
}

// listRoleTagsResult is ListRoleTagsResult's content.
type listRoleTagsResult struct {
	Tags        []entityTag `xml:"Tags>member"`
	IsTruncated bool        `xml:"IsTruncated"`
	Marker      string      `xml:"Marker,omitempty"`
}

// listRoleTags answers ListRoleTags. A role has at most 50 tags, so the
// answer pages over the role's tags in memory.
func (h *handlers) listRoleTags(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	r, err := h.store.GetRole(ctx, c.Principal.AccountID, name)
	if err != nil {
		return nil, err
	}
	all := []entityTag{}
	if t := tagsOf(r.Tags); t != nil {
		all = t.Member
	}
	items, trunc, marker, err := pageInMemory(all, o)
	if err != nil {
		return nil, err
	}
	return listRoleTagsResult{Tags: items, IsTruncated: trunc, Marker: marker}, nil
}

func (h *handlers) putRolePermissionsBoundary(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	arn, err := str(c, roleBoundaryParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.PutRolePermissionsBoundary(ctx, c.Principal.AccountID, name, arn)
}

func (h *handlers) deleteRolePermissionsBoundary(ctx context.Context, c *queryapi.Call) (any, error) {
	name, err := str(c, roleNameParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteRolePermissionsBoundary(ctx, c.Principal.AccountID, name)
}

// roleResource is the ARN Authorize is asked about for a role action: the
// role's ARN with its path (from the request for CreateRole, from the
// store otherwise; "/" for a role that does not exist).
func (h *handlers) roleResource(ctx context.Context, c *queryapi.Call) string {
	name, _ := c.Params.Get("RoleName")
	path, ok := c.Params.Get("Path")
	if !ok || path == "" {
		path = "/"
		if r, err := h.store.GetRole(ctx, c.Principal.AccountID, name); err == nil {
			path = r.Path
		}
	}
	return "arn:aws:iam::" + c.Principal.AccountID + ":role" + path + name
}
