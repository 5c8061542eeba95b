package iamapi

import (
	"context"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// groupNameParam is botocore's groupNameType.
var groupNameParam = queryapi.String{Name: "GroupName", Field: "groupName", Required: true, Min: 1, Max: 128, Pattern: namePattern}

// group is IAM's Group element.
type group struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func groupOut(g iam.Group) group {
	return group{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN, CreateDate: fmtTime(g.Created)}
}

func groupsOut(gs []iam.Group) members[group] {
	out := members[group]{Member: make([]group, len(gs))}
	for i, g := range gs {
		out.Member[i] = groupOut(g)
	}
	return out
}

// groupResource is the ARN of the group named by GroupName: its stored
// path, or Path (CreateGroup), or "/".
func (h *handlers) groupResource(ctx context.Context, c *queryapi.Call) string {
	name, _ := c.Params.Get("GroupName")
	if g, _, _, err := h.store.GetGroup(ctx, c.Principal.AccountID, name, iam.ListOptions{MaxItems: 1}); err == nil {
		return g.ARN
	}
	path, ok := c.Params.Get("Path")
	if !ok || path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.Principal.AccountID + ":group" + path + name
}

type groupResult struct {
	Group group `xml:"Group"`
}

func (h *handlers) createGroup(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(groupNameParam)
	if err != nil {
		return nil, err
	}
	path, _, err := c.Params.String(pathParam)
	if err != nil {
		return nil, err
	}
	g, err := h.store.CreateGroup(ctx, c.Principal.AccountID, name, path)
	if err != nil {
		return nil, err
	}
	return groupResult{Group: groupOut(g)}, nil
}

type getGroupResult struct {
	Group group         `xml:"Group"`
	Users members[user] `xml:"Users"`
	paged
}

func (h *handlers) getGroup(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(groupNameParam)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	g, us, page, err := h.store.GetGroup(ctx, c.Principal.AccountID, name, o)
	if err != nil {
		return nil, err
	}
	return getGroupResult{Group: groupOut(g), Users: usersOut(us), paged: pageOf(page)}, nil
}

type listGroupsResult struct {
	Groups members[group] `xml:"Groups"`
	paged
}

func (h *handlers) listGroups(ctx context.Context, c *queryapi.Call) (any, error) {
	o, err := listOptions(c.Params, true)
	if err != nil {
		return nil, err
	}
	gs, page, err := h.store.ListGroups(ctx, c.Principal.AccountID, o)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groupsOut(gs), paged: pageOf(page)}, nil
}

func (h *handlers) deleteGroup(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(groupNameParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteGroup(ctx, c.Principal.AccountID, name)
}

// membership reads GroupName and UserName.
func membership(c *queryapi.Call) (grp, usr string, err error) {
	if grp, _, err = c.Params.String(groupNameParam); err != nil {
		return "", "", err
	}
	usr, _, err = c.Params.String(requiredUserName)
	return grp, usr, err
}

func (h *handlers) addUserToGroup(ctx context.Context, c *queryapi.Call) (any, error) {
	g, u, err := membership(c)
	if err != nil {
		return nil, err
	}
	return nil, h.store.AddUserToGroup(ctx, c.Principal.AccountID, g, u)
}

func (h *handlers) removeUserFromGroup(ctx context.Context, c *queryapi.Call) (any, error) {
	g, u, err := membership(c)
	if err != nil {
		return nil, err
	}
	return nil, h.store.RemoveUserFromGroup(ctx, c.Principal.AccountID, g, u)
}

func (h *handlers) listGroupsForUser(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(requiredUserName)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	gs, page, err := h.store.ListGroupsForUser(ctx, c.Principal.AccountID, name, o)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groupsOut(gs), paged: pageOf(page)}, nil
}
