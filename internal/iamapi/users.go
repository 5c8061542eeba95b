package iamapi

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// namePattern is botocore's pattern for user, group and role names.
var namePattern = regexp.MustCompile(`[\w+=,.@-]+`)

// Parameters shared by the user, key, group and MFA actions, with
// botocore's constraints (userNameType, existingUserNameType, pathType,
// pathPrefixType, markerType).
var (
	existingUserName = queryapi.String{Name: "UserName", Field: "userName", Min: 1, Max: 128, Pattern: namePattern}
	requiredUserName = queryapi.String{Name: "UserName", Field: "userName", Required: true, Min: 1, Max: 128, Pattern: namePattern}
	newUserName      = queryapi.String{Name: "UserName", Field: "userName", Required: true, Min: 1, Max: 64, Pattern: namePattern}
	pathParam        = queryapi.String{Name: "Path", Field: "path", Min: 1, Max: 512}
	boundaryParam    = queryapi.String{Name: "PermissionsBoundary", Field: "permissionsBoundary", Min: 20, Max: 2048}
)

// members is a list in the query protocol's XML: <X><member>…</member></X>.
// It renders the empty element for an empty list, as AWS does.
type members[T any] struct {
	Member []T `xml:"member"`
}

// tag is IAM's Tag element.
type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// boundary is IAM's AttachedPermissionsBoundary element.
type boundary struct {
	Type string `xml:"PermissionsBoundaryType"`
	Arn  string `xml:"PermissionsBoundaryArn"`
}

// user is IAM's User element. The root user has no Path and no UserName,
// so those are omitted when empty, as AWS omits them.
type user struct {
	Path                string        `xml:"Path,omitempty"`
	UserName            string        `xml:"UserName,omitempty"`
	UserID              string        `xml:"UserId"`
	Arn                 string        `xml:"Arn"`
	CreateDate          string        `xml:"CreateDate"`
	PermissionsBoundary *boundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                *members[tag] `xml:"Tags,omitempty"`
}

// paged is the IsTruncated and Marker pair of every list result.
type paged struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func pageOf(p iam.Page) paged { return paged{IsTruncated: p.IsTruncated, Marker: p.Marker} }

// listOptions reads Marker, MaxItems and, when prefixed, PathPrefix.
func listOptions(p queryapi.Params, prefixed bool) (iam.ListOptions, error) {
	var o iam.ListOptions
	var err error
	if o.Marker, _, err = p.String(markerParam); err != nil {
		return o, err
	}
	n, _, err := p.Int("MaxItems", "maxItems", 1, 1000)
	if err != nil {
		return o, err
	}
	o.MaxItems = int(n)
	if prefixed {
		o.PathPrefix, _, err = p.String(pathPrefixParam)
	}
	return o, err
}

// fmtTime renders a timestamp as IAM does.
func fmtTime(t time.Time) string { return t.UTC().Format(queryapi.TimeFormat) }

func tagsIn(p queryapi.Params, name string) ([]iam.Tag, error) {
	in, err := p.Tags(name)
	if err != nil {
		return nil, err
	}
	if len(in) > 50 {
		return nil, queryapi.Validation("", "tags", "Member must have length less than or equal to 50")
	}
	out := make([]iam.Tag, len(in))
	for i, t := range in {
		out[i] = iam.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

func tagsOut(ts []iam.Tag) []tag {
	out := make([]tag, len(ts))
	for i, t := range ts {
		out[i] = tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// userOut renders a user; full adds the boundary and tags, which GetUser
// and CreateUser return and list actions leave out, as AWS does.
func userOut(u iam.User, full bool) user {
	out := user{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN, CreateDate: fmtTime(u.Created)}
	if full && u.PermissionsBoundary != "" {
		out.PermissionsBoundary = &boundary{Type: "Policy", Arn: u.PermissionsBoundary}
	}
	if full && len(u.Tags) > 0 {
		out.Tags = &members[tag]{Member: tagsOut(u.Tags)}
	}
	return out
}

func usersOut(us []iam.User) members[user] {
	out := members[user]{Member: make([]user, len(us))}
	for i, u := range us {
		out.Member[i] = userOut(u, false)
	}
	return out
}

// userARN is the resource ARN of a user: its stored path, or "/" for a
// user that does not exist (yet).
func (h *handlers) userARN(ctx context.Context, account, name string) string {
	if u, err := h.store.GetUser(ctx, account, name); err == nil {
		return u.ARN
	}
	return "arn:aws:iam::" + account + ":user/" + name
}

// userResource is the resource of actions on the user named by UserName,
// or on the caller itself without one.
func (h *handlers) userResource(ctx context.Context, c *queryapi.Call) string {
	name, ok := c.Params.Get("UserName")
	if !ok || name == "" {
		return c.Principal.ARN
	}
	return h.userARN(ctx, c.Principal.AccountID, name)
}

// newUserResource is CreateUser's resource, built from its Path.
func newUserResource(_ context.Context, c *queryapi.Call) string {
	name, _ := c.Params.Get("UserName")
	path, ok := c.Params.Get("Path")
	if !ok || path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.Principal.AccountID + ":user" + path + name
}

// selfUser returns UserName, or the calling IAM user's own name when it
// is omitted; root is true when the caller is the root user and named no
// user. A role session must name the user, as in AWS.
func selfUser(c *queryapi.Call) (name string, root bool, err error) {
	name, ok, err := c.Params.String(existingUserName)
	if err != nil || ok {
		return name, false, err
	}
	switch {
	case c.Principal.Root:
		return "", true, nil
	case c.Principal.RoleARN != "":
		return "", false, &queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError",
			Message: "Must specify userName when calling with non-User credentials"}
	}
	return c.Principal.Name, false, nil
}

type userResult struct {
	User user `xml:"User"`
}

func (h *handlers) createUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(newUserName)
	if err != nil {
		return nil, err
	}
	path, _, err := c.Params.String(pathParam)
	if err != nil {
		return nil, err
	}
	pb, _, err := c.Params.String(boundaryParam)
	if err != nil {
		return nil, err
	}
	tags, err := tagsIn(c.Params, "Tags")
	if err != nil {
		return nil, err
	}
	u, err := h.store.CreateUser(ctx, iam.CreateUserInput{Account: c.Principal.AccountID, Name: name, Path: path, Tags: tags, PermissionsBoundary: pb})
	if err != nil {
		return nil, err
	}
	return userResult{User: userOut(u, true)}, nil
}

// getUser answers GetUser. Without UserName it describes the caller; the
// root user is described by its account id and root ARN.
func (h *handlers) getUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, root, err := selfUser(c)
	if err != nil {
		return nil, err
	}
	p := c.Principal
	if root {
		return userResult{User: user{UserID: p.AccountID, Arn: p.ARN, CreateDate: fmtTime(h.created(p.AccountID))}}, nil
	}
	u, err := h.store.GetUser(ctx, p.AccountID, name)
	if err != nil {
		return nil, err
	}
	return userResult{User: userOut(u, true)}, nil
}

type listUsersResult struct {
	Users members[user] `xml:"Users"`
	paged
}

func (h *handlers) listUsers(ctx context.Context, c *queryapi.Call) (any, error) {
	o, err := listOptions(c.Params, true)
	if err != nil {
		return nil, err
	}
	us, page, err := h.store.ListUsers(ctx, c.Principal.AccountID, o)
	if err != nil {
		return nil, err
	}
	return listUsersResult{Users: usersOut(us), paged: pageOf(page)}, nil
}

func (h *handlers) updateUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
	if err != nil {
		return nil, err
	}
	newName, _, err := c.Params.String(queryapi.String{Name: "NewUserName", Field: "newUserName", Min: 1, Max: 64, Pattern: namePattern})
	if err != nil {
		return nil, err
	}
	newPath, _, err := c.Params.String(queryapi.String{Name: "NewPath", Field: "newPath", Min: 1, Max: 512})
	if err != nil {
		return nil, err
	}
	return nil, h.store.UpdateUser(ctx, c.Principal.AccountID, name, newName, newPath)
}

func (h *handlers) deleteUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteUser(ctx, c.Principal.AccountID, name)
}

func (h *handlers) tagUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
	if err != nil {
		return nil, err
	}
	if !c.Params.Has("Tags.member.1.Key") {
		return nil, queryapi.MissingParameter("Tags")
	}
	tags, err := tagsIn(c.Params, "Tags")
	if err != nil {
		return nil, err
	}
	return nil, h.store.TagUser(ctx, c.Principal.AccountID, name, tags)
}

func (h *handlers) untagUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
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
	if len(keys) > 50 {
		return nil, queryapi.Validation("", "tagKeys", "Member must have length less than or equal to 50")
	}
	return nil, h.store.UntagUser(ctx, c.Principal.AccountID, name, keys)
}

type listUserTagsResult struct {
	Tags members[tag] `xml:"Tags"`
	paged
}

func (h *handlers) listUserTags(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	u, err := h.store.GetUser(ctx, c.Principal.AccountID, name)
	if err != nil {
		return nil, err
	}
	tags, page := pageTags(u.Tags, o)
	return listUserTagsResult{Tags: members[tag]{Member: tagsOut(tags)}, paged: page}, nil
}

// pageTags pages a tag list in stored order; the marker is the count of
// tags already returned.
func pageTags(ts []iam.Tag, o iam.ListOptions) ([]iam.Tag, paged) {
	start, _ := strconv.Atoi(o.Marker)
	if start < 0 || start > len(ts) {
		start = len(ts)
	}
	n := o.MaxItems
	if n == 0 {
		n = 100
	}
	ts = ts[start:]
	if len(ts) > n {
		return ts[:n], paged{IsTruncated: true, Marker: strconv.Itoa(start + n)}
	}
	return ts, paged{}
}

func (h *handlers) putUserPermissionsBoundary(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(newUserName)
	if err != nil {
		return nil, err
	}
	b := boundaryParam
	b.Required = true
	pb, _, err := c.Params.String(b)
	if err != nil {
		return nil, err
	}
	return nil, h.store.PutUserPermissionsBoundary(ctx, c.Principal.AccountID, name, pb)
}

func (h *handlers) deleteUserPermissionsBoundary(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(newUserName)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteUserPermissionsBoundary(ctx, c.Principal.AccountID, name)
}
