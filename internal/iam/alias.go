package iam

import (
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/meta"
)

// validAlias is IAM's rule for account aliases: 3-63 lower-case letters,
// digits and hyphens, not starting or ending with a hyphen.
func validAlias(a string) bool {
	if len(a) < 3 || len(a) > 63 || a[0] == '-' || a[len(a)-1] == '-' {
		return false
	}
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// CreateAccountAlias sets the account's alias (an account has at most
// one; aliases are unique across accounts).
func (s *Store) CreateAccountAlias(ctx context.Context, account, alias string) error {
	if !validAlias(alias) {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", alias)
	}
	return s.update(ctx, func(tx meta.Txn) error {
		if _, err := readAccount(tx, account); err != nil {
			return err
		}
		if owner, err := tx.Get(key(subAliasOwner, alias)); err == nil {
			if string(owner[1:]) == account {
				return nil
			}
			return errorf(ErrEntityAlreadyExists, "The account alias %s already exists.", alias)
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		if old, err := tx.Get(key(subAlias, account)); err == nil {
			if err := tx.Delete(key(subAliasOwner, string(old[1:]))); err != nil {
				return err
			}
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		if err := tx.Set(key(subAlias, account), append([]byte{recordV1}, alias...)); err != nil {
			return err
		}
		return tx.Set(key(subAliasOwner, alias), append([]byte{recordV1}, account...))
	})
}

// ListAccountAliases returns the account's alias, if any.
func (s *Store) ListAccountAliases(ctx context.Context, account string) ([]string, error) {
	var out []string
	err := s.meta.View(ctx, func(r meta.Reader) error {
		b, err := r.Get(key(subAlias, account))
		if err == nil && len(b) > 1 {
			out = []string{string(b[1:])}
		}
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		return err
	})
	return out, err
}

// DeleteAccountAlias deletes the account's alias.
func (s *Store) DeleteAccountAlias(ctx context.Context, account, alias string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		b, err := tx.Get(key(subAlias, account))
		if errors.Is(err, meta.ErrNotFound) || err == nil && string(b[1:]) != alias {
			return errorf(ErrNoSuchEntity, "The account alias %s cannot be found.", alias)
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(key(subAlias, account)); err != nil {
			return err
		}
		return tx.Delete(key(subAliasOwner, alias))
	})
}
