package iam

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

var _ sigv4.Credentials = (*Store)(nil)

// Lookup implements sigv4.Credentials over every account's root key and
// every user's Active access key. An Inactive or deleted key answers
// sigv4.ErrUnknownAccessKey from the first request after the change was
// acknowledged (see cache).
func (s *Store) Lookup(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	if c, ok := s.cache.cred(accessKey); ok {
		return c, nil
	}
	gen := s.cache.generation()
	c, err := s.loadCredential(ctx, accessKey)
	if err != nil {
		return sigv4.Credential{}, err
	}
	s.cache.putCred(gen, accessKey, c)
	return c, nil
}

func (s *Store) loadCredential(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	unknown := fmt.Errorf("lookup %q: %w", accessKey, sigv4.ErrUnknownAccessKey)
	var c sigv4.Credential
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var rec keyRecord
		found, err := get(r, key(subKey, accessKey), &rec)
		if err != nil {
			return err
		}
		if !found || !rec.Active {
			return unknown
		}
		p := sigv4.Principal{AccessKey: accessKey, AccountID: rec.Account}
		if rec.User == "" {
			p.Name, p.ARN, p.UserID, p.Root = "root", "arn:aws:iam::"+rec.Account+":root", rec.Account, true
		} else {
			u, err := readUser(r, rec.Account, rec.User)
			if err != nil {
				return err
			}
			p.Name, p.ARN, p.UserID, p.Path = u.Name, entityARN(rec.Account, "user", u.Path, u.Name), u.ID, u.Path
		}
		secret, err := s.keyring.Open(rec.Secret, keySealContext(accessKey))
		if err != nil {
			return fmt.Errorf("iam: access key %s: %w", accessKey, err)
		}
		c = sigv4.Credential{AccessKey: accessKey, SecretKey: string(secret), Principal: p}
		clear(secret)
		return nil
	})
	return c, err
}
