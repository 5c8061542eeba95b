package iam

import (
	"context"
	"slices"

	"github.com/coffer-s3/coffer/internal/meta"
)

// The root user manages its own access keys through IAM as on AWS
// (CreateAccessKey, ListAccessKeys, UpdateAccessKey and DeleteAccessKey
// without UserName): at most two, like a user's. The first account's
// configured root credentials (COFFER_ROOT_ACCESS_KEY and
// COFFER_ROOT_SECRET_KEY, or root-credentials.json) are one of them.
// Deactivating or deleting that pair takes effect at once, and lasts until
// the server starts again: every start installs the configured pair as an
// active root key (Bootstrap), so the operator keeps a way in; it then
// counts as a third key until one is deleted. An operator who wants it
// gone for good configures another pair.

// ListRootAccessKeys lists the root user's keys of account, in the order
// they were made.
func (s *Store) ListRootAccessKeys(ctx context.Context, account string) ([]AccessKey, error) {
	var out []AccessKey
	err := s.meta.View(ctx, func(r meta.Reader) error {
		acct, err := readAccount(r, account)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, id := range acct.rootKeyIDs() {
			var rec keyRecord
			found, err := get(r, key(subKey, id), &rec)
			if err != nil {
				return err
			}
			if found {
				out = append(out, AccessKey{Account: account, AccessKeyID: id, Status: status(rec.Active), Created: rec.Created})
			}
		}
		return nil
	})
	return out, err
}

// CreateRootAccessKey creates an Active key pair for the root user of
// account; the secret is returned only here and stored only sealed.
func (s *Store) CreateRootAccessKey(ctx context.Context, account string) (AccessKey, string, error) {
	id, secret := NewAccessKeyID(prefixAccessKey), NewSecretKey()
	sealed, err := s.sealKey(id, secret)
	if err != nil {
		return AccessKey{}, "", err
	}
	now := s.now()
	err = s.update(ctx, func(tx meta.Txn) error {
		acct, err := readAccount(tx, account)
		if err != nil {
			return err
		}
		if len(acct.rootKeyIDs()) >= maxKeysPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		if err := put(tx, key(subKey, id), &keyRecord{Account: account, Secret: sealed, Active: true, Created: now}); err != nil {
			return err
		}
		acct.RootKeys = append(acct.RootKeys, id)
		return put(tx, key(subAccount, account), &acct)
	})
	if err != nil {
		return AccessKey{}, "", err
	}
	return AccessKey{Account: account, AccessKeyID: id, Status: StatusActive, Created: now}, secret, nil
}

// UpdateRootAccessKey sets a root key's status; an Inactive key stops
// working for the next request.
func (s *Store) UpdateRootAccessKey(ctx context.Context, account, id, st string) error {
	if st != StatusActive && st != StatusInactive {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", st)
	}
	return s.update(ctx, func(tx meta.Txn) error {
		_, rec, err := readRootKey(tx, account, id)
		if err != nil {
			return err
		}
		rec.Active = st == StatusActive
		return put(tx, key(subKey, id), &rec)
	})
}

// DeleteRootAccessKey deletes a root key, the last one included (AWS
// allows it: the root user then signs in without keys); it stops working
// for the next request.
func (s *Store) DeleteRootAccessKey(ctx context.Context, account, id string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		acct, _, err := readRootKey(tx, account, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(key(subKey, id)); err != nil {
			return err
		}
		if acct.RootKey == id {
			acct.RootKey = ""
		}
		acct.RootKeys = slices.DeleteFunc(acct.RootKeys, func(k string) bool { return k == id })
		return put(tx, key(subAccount, account), &acct)
	})
}

// readRootKey reads the account and its root key id, or NoSuchEntity.
func readRootKey(r meta.Reader, account, id string) (accountRecord, keyRecord, error) {
	acct, err := readAccount(r, account)
	if err != nil {
		return acct, keyRecord{}, err
	}
	var rec keyRecord
	found, err := get(r, key(subKey, id), &rec)
	if err == nil && (!found || rec.Account != account || rec.User != "" || !slices.Contains(acct.rootKeyIDs(), id)) {
		err = errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
	}
	return acct, rec, err
}
