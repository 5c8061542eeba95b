package iam

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sse"
)

// ErrExpiredToken: temporary credentials whose session has ended
// (ExpiredToken). Lookup returns it wrapped.
var ErrExpiredToken = errors.New("iam: expired token")

// Session duration limits in seconds for STS (AssumeRole's
// DurationSeconds from 900 up to the role's MaxSessionDuration;
// GetSessionToken up to 129,600).
const (
	MinSessionDuration        = 900
	MaxUserSessionDuration    = 129600
	maxSessionPolicyARNs      = 10
	sessionTokenRandomBytes   = 96
	sessionSealContextPurpose = "coffer iam session"
)

// SessionInput describes temporary credentials to issue. The STS wire
// checks the caller's right (AuthorizeAssumeRole, MFA codes) first.
type SessionInput struct {
	Account string
	// RoleName is the role to assume (AssumeRole); UserName the user
	// asking for a session token (GetSessionToken). Exactly one is set.
	RoleName string
	UserName string
	// SessionName is AssumeRole's RoleSessionName.
	SessionName string
	Duration    time.Duration
	// Policy is an inline session policy ("" for none) and PolicyARNs
	// managed session policies; with either, the session may do only
	// what they also allow.
	Policy     string
	PolicyARNs []string
	// Tags are session tags; they override the role's tags of the same
	// key in aws:PrincipalTag.
	Tags           []Tag
	SourceIdentity string
	// MFA says an MFA code was checked when the session was created.
	MFA bool
}

// Session is issued temporary credentials.
type Session struct {
	AccessKeyID     string // ASIA…
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for a role
	// session, the user's ARN for a user session.
	ARN string
	// AssumedRoleID is ROLEID:SESSION for a role session.
	AssumedRoleID string
}

// sessionRecord is a session under 'I' 's' accessKeyID. Secret and Token
// are sealed.
type sessionRecord struct {
	Account        string    `json:"a"`
	Role           string    `json:"r,omitempty"` // lower-case role name
	RoleID         string    `json:"ri,omitempty"`
	User           string    `json:"u,omitempty"` // lower-case user name
	UserID         string    `json:"ui,omitempty"`
	Name           string    `json:"n,omitempty"`
	Secret         []byte    `json:"s"`
	Token          []byte    `json:"tk"`
	Issued         time.Time `json:"t"`
	Expires        time.Time `json:"x"`
	Policy         string    `json:"p,omitempty"`
	PolicyARNs     []string  `json:"pa,omitempty"`
	Tags           []Tag     `json:"tg,omitempty"`
	SourceIdentity string    `json:"si,omitempty"`
	MFA            bool      `json:"mfa,omitempty"`
}

func sessionSealContext(accessKey, what string) []byte {
	return sse.Context(sessionSealContextPurpose, what, accessKey)
}

func newSessionToken() string {
	b := make([]byte, sessionTokenRandomBytes)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// CreateSession issues temporary credentials for a role or a user.
// Deleting the role or user ends the session's access at once.
func (s *Store) CreateSession(ctx context.Context, in SessionInput) (Session, error) {
	if (in.RoleName == "") == (in.UserName == "") {
		return Session{}, errorf(ErrInvalidInput, "a session is for a role or for a user")
	}
	if len(in.PolicyARNs) > maxSessionPolicyARNs {
		return Session{}, errorf(ErrLimitExceeded, "Cannot exceed quota for PolicyArns: %d", maxSessionPolicyARNs)
	}
	if in.Policy != "" {
		if _, err := parseDocument(in.Policy, policy.Session); err != nil {
			return Session{}, err
		}
	}
	id, secret, token := NewAccessKeyID(PrefixSessionKey), NewSecretKey(), newSessionToken()
	sealedSecret, err := s.keyring.Seal([]byte(secret), sessionSealContext(id, "secret"))
	if err != nil {
		return Session{}, err
	}
	sealedToken, err := s.keyring.Seal([]byte(token), sessionSealContext(id, "token"))
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	rec := sessionRecord{Account: in.Account, Name: in.SessionName, Secret: sealedSecret, Token: sealedToken,
		Issued: now, Expires: now.Add(in.Duration), Policy: in.Policy, PolicyARNs: in.PolicyARNs,
		Tags: in.Tags, SourceIdentity: in.SourceIdentity, MFA: in.MFA}
	var out Session
	err = s.update(ctx, func(tx meta.Txn) error {
		for _, arn := range in.PolicyARNs {
			if err := s.checkPolicyExists(tx, in.Account, arn); err != nil {
				return err
			}
		}
		if in.RoleName != "" {
			role, err := readRole(tx, in.Account, in.RoleName)
			if err != nil {
				return err
			}
			if d := in.Duration / time.Second; d < MinSessionDuration || int(d) > role.MaxSession {
				return errorf(ErrValidation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
			}
			rec.Role, rec.RoleID = lower(role.Name), role.ID
			out.ARN = "arn:aws:sts::" + in.Account + ":assumed-role/" + role.Name + "/" + in.SessionName
			out.AssumedRoleID = role.ID + ":" + in.SessionName
		} else {
			u, err := readUser(tx, in.Account, in.UserName)
			if err != nil {
				return err
			}
			if d := in.Duration / time.Second; d < MinSessionDuration || d > MaxUserSessionDuration {
				return errorf(ErrValidation, "The requested DurationSeconds is outside %d to %d.", MinSessionDuration, MaxUserSessionDuration)
			}
			rec.User, rec.UserID = lower(u.Name), u.ID
			out.ARN = entityARN(in.Account, "user", u.Path, u.Name)
		}
		return put(tx, key(subSession, id), &rec)
	})
	if err != nil {
		return Session{}, err
	}
	out.AccessKeyID, out.SecretAccessKey, out.SessionToken, out.Expiration = id, secret, token, rec.Expires
	return out, nil
}

// isSessionKey reports whether accessKey names temporary credentials.
func isSessionKey(accessKey string) bool { return strings.HasPrefix(accessKey, PrefixSessionKey) }
