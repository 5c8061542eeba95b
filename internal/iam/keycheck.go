package iam

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// errWrongMasterKey: the master keyring does not open the secrets this
// store sealed before, so it is not the key they were sealed with (or
// lacks the version they were sealed under).
var errWrongMasterKey = errors.New("iam: the master key does not open the stored secrets")

// CheckKeyring opens the stored secret of the first account's root key
// with the keyring, and returns an error wrapping errWrongMasterKey if it cannot. Call it
// before Bootstrap: Bootstrap would otherwise take an unreadable root
// secret for a changed one and seal it again under the wrong key,
// leaving every other secret unreadable. A store with no root key yet
// (first start) passes. The error names the key version needed, never
// key material.
func (s *Store) CheckKeyring(ctx context.Context) error {
	return s.meta.View(ctx, func(r meta.Reader) error {
		var acct accountRecord
		found, err := get(r, key(subAccount, RootAccountID), &acct)
		if err != nil || !found || acct.RootKey == "" {
			return err
		}
		var rec keyRecord
		if found, err := get(r, key(subKey, acct.RootKey), &rec); err != nil || !found {
			return err
		}
		pt, err := s.keyring.Open(rec.Secret, keySealContext(acct.RootKey))
		clear(pt)
		switch {
		case errors.Is(err, sse.ErrUnknownKeyVersion):
			return fmt.Errorf("%w: %w", errWrongMasterKey, err)
		case errors.Is(err, sse.ErrNotAuthentic):
			return fmt.Errorf("%w: it is not the key they were sealed with", errWrongMasterKey)
		}
		return err
	})
}
