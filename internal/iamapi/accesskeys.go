package iamapi

import (
	"context"
	"net/http"
	"regexp"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Access key parameters (botocore accessKeyIdType, statusType).
var (
	accessKeyIDParam = queryapi.String{Name: "AccessKeyId", Field: "accessKeyId", Required: true, Min: 16, Max: 128, Pattern: regexp.MustCompile(`[\w]+`)}
	keyStatusParam   = queryapi.String{Name: "Status", Field: "status", Required: true, Enum: []string{"Active", "Inactive", "Expired"}}
)

// accessKey is IAM's AccessKey element (CreateAccessKey only).
type accessKey struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	CreateDate      string `xml:"CreateDate"`
}

// accessKeyMetadata is IAM's AccessKeyMetadata element; a root key has no
// UserName.
type accessKeyMetadata struct {
	UserName    string `xml:"UserName,omitempty"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	AccessKey accessKey `xml:"AccessKey"`
}

func (h *handlers) createAccessKey(ctx context.Context, c *queryapi.Call) (any, error) {
	name, root, err := selfUser(c)
	if err != nil {
		return nil, err
	}
	var k iam.AccessKey
	var secret string
	if root {
		// The root user's own keys (no UserName), as AWS allows.
		k, secret, err = h.store.CreateRootAccessKey(ctx, c.Principal.AccountID)
	} else {
		k, secret, err = h.store.CreateAccessKey(ctx, c.Principal.AccountID, name)
	}
	if err != nil {
		return nil, err
	}
	return createAccessKeyResult{AccessKey: accessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID,
		Status: k.Status, SecretAccessKey: secret, CreateDate: fmtTime(k.Created)}}, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[accessKeyMetadata] `xml:"AccessKeyMetadata"`
	paged
}

// listAccessKeys lists a user's keys; the root user without UserName sees
// its own.
func (h *handlers) listAccessKeys(ctx context.Context, c *queryapi.Call) (any, error) {
	name, root, err := selfUser(c)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	var out listAccessKeysResult
	var keys []iam.AccessKey
	var page iam.Page
	if root {
		keys, err = h.store.ListRootAccessKeys(ctx, c.Principal.AccountID)
	} else {
		keys, page, err = h.store.ListAccessKeys(ctx, c.Principal.AccountID, name, o)
	}
	if err != nil {
		return nil, err
	}
	out.AccessKeyMetadata.Member = make([]accessKeyMetadata, len(keys))
	for i, k := range keys {
		out.AccessKeyMetadata.Member[i] = accessKeyMetadata{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: fmtTime(k.Created)}
	}
	out.paged = pageOf(page)
	return out, nil
}

func (h *handlers) updateAccessKey(ctx context.Context, c *queryapi.Call) (any, error) {
	name, root, err := selfUser(c)
	if err != nil {
		return nil, err
	}
	id, _, err := c.Params.String(accessKeyIDParam)
	if err != nil {
		return nil, err
	}
	st, _, err := c.Params.String(keyStatusParam)
	if err != nil {
		return nil, err
	}
	if st == "Expired" {
		return nil, &queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput",
			Message: "Status Expired cannot be set; use Active or Inactive."}
	}
	if root {
		return nil, h.store.UpdateRootAccessKey(ctx, c.Principal.AccountID, id, st)
	}
	return nil, h.store.UpdateAccessKey(ctx, c.Principal.AccountID, name, id, st)
}

func (h *handlers) deleteAccessKey(ctx context.Context, c *queryapi.Call) (any, error) {
	name, root, err := selfUser(c)
	if err != nil {
		return nil, err
	}
	id, _, err := c.Params.String(accessKeyIDParam)
	if err != nil {
		return nil, err
	}
	if root {
		return nil, h.store.DeleteRootAccessKey(ctx, c.Principal.AccountID, id)
	}
	return nil, h.store.DeleteAccessKey(ctx, c.Principal.AccountID, name, id)
}

// accessKeyLastUsed is IAM's AccessKeyLastUsed element.
type accessKeyLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	ServiceName  string `xml:"ServiceName"`
	Region       string `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	UserName          string            `xml:"UserName,omitempty"`
	AccessKeyLastUsed accessKeyLastUsed `xml:"AccessKeyLastUsed"`
}

// getAccessKeyLastUsed reports a key's last use. The store answers for
// any key id, as AWS does; a root key has no UserName.
func (h *handlers) getAccessKeyLastUsed(ctx context.Context, c *queryapi.Call) (any, error) {
	id, _, err := c.Params.String(accessKeyIDParam)
	if err != nil {
		return nil, err
	}
	u, err := h.store.GetAccessKeyLastUsed(ctx, id)
	if err != nil {
		return nil, err
	}
	out := getAccessKeyLastUsedResult{UserName: u.UserName, AccessKeyLastUsed: accessKeyLastUsed{ServiceName: u.Service, Region: u.Region}}
	if !u.Date.IsZero() {
		out.AccessKeyLastUsed.LastUsedDate = fmtTime(u.Date)
	}
	return out, nil
}

// keyResource is the resource of GetAccessKeyLastUsed: the key's user in
// the caller's account, or "*" as AWS names it for a key it cannot place.
func (h *handlers) keyResource(ctx context.Context, c *queryapi.Call) string {
	id, _ := c.Params.Get("AccessKeyId")
	if u, err := h.store.GetAccessKeyLastUsed(ctx, id); err == nil && u.UserName != "" {
		if acct, err := h.store.AccessKeyInfo(ctx, id); err == nil && acct == c.Principal.AccountID {
			return h.userARN(ctx, acct, u.UserName)
		}
	}
	return "arn:aws:iam::" + c.Principal.AccountID + ":user/*"
}
