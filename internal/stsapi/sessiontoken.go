package stsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// defaultSessionToken is GetSessionToken's DurationSeconds when absent.
const defaultSessionToken = 43200

// sessionTokenResult is GetSessionTokenResult's content.
type sessionTokenResult struct {
	Credentials credentials `xml:"Credentials"`
}

// errSessionCredentials is AWS's answer to GetSessionToken signed with
// temporary credentials.
var errSessionCredentials = &queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied",
	Message: "Cannot call GetSessionToken with session credentials"}

// getSessionToken issues temporary credentials for the calling user or
// root user, with the MFA context when SerialNumber and TokenCode are
// given. AWS: a root user's session lasts at most an hour, longer
// requests get an hour.
func (h *handlers) getSessionToken(ctx context.Context, c *queryapi.Call) (any, error) {
	caller := c.Principal
	if temporary(caller) {
		return nil, errSessionCredentials
	}
	d, ok, err := c.Params.Int("DurationSeconds", "durationSeconds", iam.MinSessionDuration, iam.MaxUserSessionDuration)
	if err != nil {
		return nil, err
	}
	if !ok {
		d = defaultSessionToken
	}
	serial, code, err := mfaCode(c.Params)
	if err != nil {
		return nil, err
	}
	in := iam.SessionInput{Account: caller.AccountID, UserName: caller.Name}
	if caller.Root {
		in.UserName, in.Root = "", true
		d = min(d, iam.MaxRootSessionDuration)
	}
	in.Duration = time.Duration(d) * time.Second
	if serial != "" {
		if err := h.id.VerifyMFA(ctx, caller, serial, code); err != nil {
			return nil, err
		}
		in.MFA = true
	}
	s, err := h.id.CreateSession(ctx, in)
	if err != nil {
		return nil, err
	}
	return sessionTokenResult{Credentials: credentialsOf(s)}, nil
}

// accessKeyInfo is GetAccessKeyInfoResult's content.
type accessKeyInfo struct {
	Account string `xml:"Account"`
}

// getAccessKeyInfo answers the account of any access key id, long-term
// or temporary. AWS derives the account from the id itself; coffer looks
// the key up, so a key it never issued, or a deleted one, is refused as
// AWS's reference allows ("Providing a deleted access key might return
// an error that the key doesn't exist").
func (h *handlers) getAccessKeyInfo(ctx context.Context, c *queryapi.Call) (any, error) {
	id, _, err := c.Params.String(accessKeyIDParam)
	if err != nil {
		return nil, err
	}
	acct, err := h.id.AccessKeyInfo(ctx, id)
	if errors.Is(err, iam.ErrNoSuchEntity) {
		return nil, queryapi.InvalidParameterValue(fmt.Sprintf("The access key ID %s does not exist.", id))
	}
	if err != nil {
		return nil, err
	}
	return accessKeyInfo{Account: acct}, nil
}
