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

// ErrPackedPolicyTooLarge: a session's policies and tags exceed the
// packed size limit (STS PackedPolicyTooLarge, 400).
var ErrPackedPolicyTooLarge = errors.New("iam: packed policy too large")

// ErrSessionRefused: STS refuses to issue the session whatever the
// policies say, such as a role chain that tries to change its source
// identity (STS AccessDenied, 403, with the *Error's message).
var ErrSessionRefused = errors.New("iam: session refused")

// Session duration limits in seconds for STS (AssumeRole's
// DurationSeconds from 900 up to the role's MaxSessionDuration, and up to
// an hour when temporary credentials assume the role: role chaining;
// GetSessionToken up to 129,600 for a user and 3,600 for the root user).
const (
	MinSessionDuration        = 900
	MaxUserSessionDuration    = 129600
	MaxRootSessionDuration    = 3600
	MaxChainedSessionDuration = 3600
	maxSessionPolicyARNs      = 10
	sessionTokenRandomBytes   = 96
	sessionSealContextPurpose = "coffer iam session"
)

// SessionInput describes temporary credentials to issue. The STS wire
// checks the caller's right (AuthorizeAssumeRole, MFA codes) first.
type SessionInput struct {
	Account string
	// RoleName is the role to assume (AssumeRole); UserName the user
	// asking for a session token (GetSessionToken); Root asks for a
	// session token of the account's root user. Exactly one is set.
	RoleName string
	UserName string
	Root     bool
	// Caller is the access key of the caller's temporary credentials
	// ("" for long-term keys). A role session asked for with temporary
	// credentials is role chaining: it lasts at most an hour, inherits
	// the caller's transitive session tags and source identity.
	// Temporary credentials cannot ask for a session token.
	Caller string
	// SessionName is AssumeRole's RoleSessionName.
	SessionName string
	Duration    time.Duration
	// Policy is an inline session policy ("" for none) and PolicyARNs
	// managed session policies; with either, the session may do only
	// what they also allow.
	Policy     string
	PolicyARNs []string
	// Tags are session tags; they override the role's tags of the same
	// key in aws:PrincipalTag. TransitiveTagKeys names those of them
	// that pass on to the sessions this one assumes (role chaining).
	Tags              []Tag
	TransitiveTagKeys []string
	// SourceIdentity, once set, passes to every session of a role chain
	// and cannot be changed there.
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
	// PackedPolicySize is how much of the packed size limit the
	// session's policies and tags use, in percent.
	PackedPolicySize int
	// SourceIdentity is the session's source identity, set or inherited.
	SourceIdentity string
}

// sessionRecord is a session under 'I' 's' accessKeyID. Secret and Token
// are sealed.
type sessionRecord struct {
	Account        string    `json:"a"`
	Role           string    `json:"r,omitempty"` // lower-case role name
	RoleID         string    `json:"ri,omitempty"`
	User           string    `json:"u,omitempty"` // lower-case user name
	UserID         string    `json:"ui,omitempty"`
	Root           bool      `json:"rt,omitempty"` // a root user's session token
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
	// Transitive are the keys of Tags that pass to chained sessions
	// (inherited ones included).
	Transitive []string `json:"tt,omitempty"`
}

func sessionSealContext(accessKey, what string) []byte {
	return sse.Context(sessionSealContextPurpose, what, accessKey)
}

func newSessionToken() string {
	b := make([]byte, sessionTokenRandomBytes)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// CreateSession issues temporary credentials for a role, a user or an
// account's root user. Deleting the role or user ends the session's
// access at once.
func (s *Store) CreateSession(ctx context.Context, in SessionInput) (Session, error) {
	kinds := 0
	for _, set := range []bool{in.RoleName != "", in.UserName != "", in.Root} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return Session{}, errorf(ErrInvalidInput, "a session is for a role, a user or the root user")
	}
	if in.RoleName == "" && in.Caller != "" {
		return Session{}, errorf(ErrSessionRefused, "Cannot call GetSessionToken with session credentials")
	}
	if len(in.PolicyARNs) > maxSessionPolicyARNs {
		return Session{}, errorf(ErrLimitExceeded, "Cannot exceed quota for PolicyArns: %d", maxSessionPolicyARNs)
	}
	packed := packedPolicySize(in.Policy, in.PolicyARNs, in.Tags)
	if packed > 100 {
		return Session{}, errorf(ErrPackedPolicyTooLarge, "Packed policy consumes %d%% of allotted space, please use smaller policy.", packed)
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
	var out Session
	// A session only adds records under a fresh random key, and misses are
	// never cached, so no cache anywhere can hold something this changes:
	// a plain transaction, without Store.update's invalidation and
	// cluster-wide generation bump (which would make every AssumeRole
	// empty every node's credential cache).
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		out = Session{}
		rec := sessionRecord{Account: in.Account, Name: in.SessionName, Secret: sealedSecret, Token: sealedToken,
			Issued: now, Expires: now.Add(in.Duration), Policy: in.Policy, PolicyARNs: in.PolicyARNs,
			Tags: in.Tags, Transitive: in.TransitiveTagKeys, SourceIdentity: in.SourceIdentity, MFA: in.MFA}
		for _, arn := range in.PolicyARNs {
			if err := s.checkPolicyExists(tx, in.Account, arn); err != nil {
				return err
			}
		}
		var err error
		switch {
		case in.RoleName != "":
			err = roleSession(tx, in, &rec, &out)
		case in.Root:
			err = rootSession(in, &rec, &out)
		default:
			err = userSession(tx, in, &rec, &out)
		}
		if err != nil {
			return err
		}
		if err := put(tx, key(subSession, id), &rec); err != nil {
			return err
		}
		return tx.Set(expiryKey(rec.Expires, id), marker)
	})
	if err != nil {
		return Session{}, err
	}
	out.AccessKeyID, out.SecretAccessKey, out.SessionToken = id, secret, token
	out.PackedPolicySize = packed
	return out, nil
}

// roleSession fills a role session's record (AssumeRole), applying the
// rules of role chaining when in.Caller is set.
func roleSession(tx meta.Txn, in SessionInput, rec *sessionRecord, out *Session) error {
	role, err := readRole(tx, in.Account, in.RoleName)
	if err != nil {
		return err
	}
	d := in.Duration / time.Second
	if d < MinSessionDuration || int(d) > role.MaxSession {
		return errorf(ErrValidation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if in.Caller != "" {
		if d > MaxChainedSessionDuration {
			return errorf(ErrValidation, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
		if err := chain(tx, in.Caller, rec); err != nil {
			return err
		}
	}
	rec.Role, rec.RoleID = lower(role.Name), role.ID
	out.ARN = "arn:aws:sts::" + in.Account + ":assumed-role/" + role.Name + "/" + in.SessionName
	out.AssumedRoleID = role.ID + ":" + in.SessionName
	out.Expiration, out.SourceIdentity = rec.Expires, rec.SourceIdentity
	return nil
}

// userSession fills an IAM user's session-token record.
func userSession(tx meta.Txn, in SessionInput, rec *sessionRecord, out *Session) error {
	u, err := readUser(tx, in.Account, in.UserName)
	if err != nil {
		return err
	}
	if d := in.Duration / time.Second; d < MinSessionDuration || d > MaxUserSessionDuration {
		return errorf(ErrValidation, "The requested DurationSeconds is outside %d to %d.", MinSessionDuration, MaxUserSessionDuration)
	}
	rec.User, rec.UserID = lower(u.Name), u.ID
	out.ARN, out.Expiration = entityARN(in.Account, "user", u.Path, u.Name), rec.Expires
	return nil
}

// rootSession fills a root user's session-token record.
func rootSession(in SessionInput, rec *sessionRecord, out *Session) error {
	if d := in.Duration / time.Second; d < MinSessionDuration || d > MaxRootSessionDuration {
		return errorf(ErrValidation, "The requested DurationSeconds is outside %d to %d.", MinSessionDuration, MaxRootSessionDuration)
	}
	rec.Root = true
	out.ARN, out.Expiration = "arn:aws:iam::"+in.Account+":root", rec.Expires
	return nil
}

// isSessionKey reports whether accessKey names temporary credentials.
func isSessionKey(accessKey string) bool { return strings.HasPrefix(accessKey, PrefixSessionKey) }
