package iam

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

var _ sigv4.Credentials = (*Store)(nil)

// Lookup implements sigv4.Credentials over every account's root key,
// every user's Active access key and every live session (ASIA… keys,
// whose requests must carry the session token). An Inactive or deleted
// key, or a session whose role or user was deleted, answers
// sigv4.ErrUnknownAccessKey from the first request after the change was
// acknowledged (see cache); an expired session answers ErrExpiredToken.
func (s *Store) Lookup(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	c, ok := s.cache.cred(accessKey)
	if !ok {
		gen := s.cache.generation()
		var err error
		if c, err = s.loadCredential(ctx, accessKey); err != nil {
			return sigv4.Credential{}, err
		}
		s.cache.putCred(gen, accessKey, c)
	}
	if !c.expires.IsZero() && !s.clock.Now().Before(c.expires) {
		return sigv4.Credential{}, fmt.Errorf("lookup %q: %w", accessKey, ErrExpiredToken)
	}
	return c.cred, nil
}

func (s *Store) loadCredential(ctx context.Context, accessKey string) (cachedCred, error) {
	var c cachedCred
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		if isSessionKey(accessKey) {
			c, err = s.loadSession(r, accessKey)
		} else {
			c.cred, err = s.loadKey(r, accessKey)
		}
		return err
	})
	return c, err
}

func unknownKey(accessKey string) error {
	return fmt.Errorf("lookup %q: %w", accessKey, sigv4.ErrUnknownAccessKey)
}

// loadKey reads a long-term key: a root key or a user's.
func (s *Store) loadKey(r meta.Reader, accessKey string) (sigv4.Credential, error) {
	var rec keyRecord
	found, err := get(r, key(subKey, accessKey), &rec)
	if err != nil {
		return sigv4.Credential{}, err
	}
	if !found || !rec.Active {
		return sigv4.Credential{}, unknownKey(accessKey)
	}
	p := sigv4.Principal{AccessKey: accessKey, AccountID: rec.Account}
	if rec.User == "" {
		p.Name, p.ARN, p.UserID, p.Root = "root", "arn:aws:iam::"+rec.Account+":root", rec.Account, true
	} else if err := userPrincipal(r, &p, rec.Account, rec.User, ""); err != nil {
		return sigv4.Credential{}, err
	}
	secret, err := s.open(rec.Secret, keySealContext(accessKey), accessKey)
	return sigv4.Credential{AccessKey: accessKey, SecretKey: secret, Principal: p}, err
}

// userPrincipal fills p with a user's identity. A non-empty wantID must
// be the user's unique id: a user deleted and made again is another one.
func userPrincipal(r meta.Reader, p *sigv4.Principal, account, user, wantID string) error {
	u, err := readUser(r, account, user)
	if err != nil || wantID != "" && u.ID != wantID {
		return unknownKey(p.AccessKey)
	}
	p.Name, p.ARN, p.UserID, p.Path = u.Name, entityARN(account, "user", u.Path, u.Name), u.ID, u.Path
	return nil
}

// loadSession reads temporary credentials. The session's role or user
// must still exist with the same unique id.
func (s *Store) loadSession(r meta.Reader, accessKey string) (cachedCred, error) {
	var rec sessionRecord
	found, err := get(r, key(subSession, accessKey), &rec)
	if err != nil {
		return cachedCred{}, err
	}
	if !found {
		return cachedCred{}, unknownKey(accessKey)
	}
	p := sigv4.Principal{AccessKey: accessKey, AccountID: rec.Account, MFA: rec.MFA, TokenIssued: rec.Issued, SourceIdentity: rec.SourceIdentity}
	switch {
	case rec.Root:
		if _, err := readAccount(r, rec.Account); err != nil {
			return cachedCred{}, unknownKey(accessKey)
		}
		p.Name, p.ARN, p.UserID, p.Root = "root", "arn:aws:iam::"+rec.Account+":root", rec.Account, true
	case rec.Role != "":
		role, err := readRole(r, rec.Account, rec.Role)
		if err != nil || role.ID != rec.RoleID {
			return cachedCred{}, unknownKey(accessKey)
		}
		p.Name = rec.Name
		p.ARN = "arn:aws:sts::" + rec.Account + ":assumed-role/" + role.Name + "/" + rec.Name
		p.UserID = role.ID + ":" + rec.Name
		p.RoleARN = entityARN(rec.Account, "role", role.Path, role.Name)
	default:
		if err := userPrincipal(r, &p, rec.Account, rec.User, rec.UserID); err != nil {
			return cachedCred{}, err
		}
	}
	secret, err := s.open(rec.Secret, sessionSealContext(accessKey, "secret"), accessKey)
	if err != nil {
		return cachedCred{}, err
	}
	token, err := s.open(rec.Token, sessionSealContext(accessKey, "token"), accessKey)
	return cachedCred{cred: sigv4.Credential{AccessKey: accessKey, SecretKey: secret, SessionToken: token, Principal: p}, expires: rec.Expires}, err
}

// open unseals a stored secret. The error names the key, never the
// secret.
func (s *Store) open(sealed, context []byte, accessKey string) (string, error) {
	b, err := s.keyring.Open(sealed, context)
	if err != nil {
		return "", fmt.Errorf("iam: secret of %s: %w", accessKey, err)
	}
	defer clear(b)
	return string(b), nil
}
