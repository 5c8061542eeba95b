package iamapi

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// namePattern is botocore's pattern for user, group and role names.
var namePattern = regexp.MustCompile(`[\w+=,.@-]+`)

// existingUserName is GetUser's UserName (botocore existingUserNameType).
var existingUserName = queryapi.String{Name: "UserName", Field: "userName", Min: 1, Max: 128, Pattern: namePattern}

// user is IAM's User element. The root user has no Path and no UserName,
// so those are omitted when empty, as AWS omits them.
type user struct {
	Path       string `xml:"Path,omitempty"`
	UserName   string `xml:"UserName,omitempty"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

// getUserResult is GetUserResult's content.
type getUserResult struct {
	User user `xml:"User"`
}

// getUser answers GetUser. Without UserName it describes the caller; the
// root user is described by its account id and root ARN.
func (h *handlers) getUser(_ context.Context, c *queryapi.Call) (any, error) {
	name, ok, err := c.Params.String(existingUserName)
	if err != nil {
		return nil, err
	}
	p := c.Principal
	if ok || !p.Root {
		// TODO(#11): users live in the identity store; until it exists
		// the account has none.
		if !ok {
			name = p.Name
		}
		return nil, noSuchUser(name)
	}
	return getUserResult{User: user{
		UserID:     p.AccountID,
		Arn:        p.ARN,
		CreateDate: h.created(p.AccountID).UTC().Format(queryapi.TimeFormat),
	}}, nil
}

// noSuchUser is IAM's answer for an unknown user name.
func noSuchUser(name string) *queryapi.Error {
	return &queryapi.Error{Status: http.StatusNotFound, Code: "NoSuchEntity",
		Message: fmt.Sprintf("The user with name %s cannot be found.", name)}
}
