package iam

import (
	"context"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// maxKeysPerUser is IAM's limit of access keys per user.
const maxKeysPerUser = 2

// Access key statuses, as IAM spells them.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// AccessKey describes an access key; it never holds the secret.
type AccessKey struct {
	Account     string
	UserName    string // "" for the root user's key
	AccessKeyID string
	Status      string // StatusActive or StatusInactive
	Created     time.Time
}

// AccessKeyLastUsed is GetAccessKeyLastUsed's answer. Date is zero when
// the key was never used; then Service and Region are "N/A" as in AWS.
type AccessKeyLastUsed struct {
	UserName string
	Date     time.Time
	Service  string
	Region   string
}

type storedKey struct {
	id  string
	rec keyRecord
}

func status(active bool) string {
	if active {
		return StatusActive
	}
	return StatusInactive
}

// userKeys returns a user's keys in id order.
func userKeys(r meta.Reader, account, user string) ([]storedKey, error) {
	var out []storedKey
	err := scanKeys(r, scope(subUserKeys, account, lower(user)), func(id string) error {
		var rec keyRecord
		found, err := get(r, key(subKey, id), &rec)
		if err == nil && found {
			out = append(out, storedKey{id, rec})
		}
		return err
	})
	return out, err
}

// CreateAccessKey creates an Active key pair for a user and returns it;
// the secret is returned only here and stored only sealed.
func (s *Store) CreateAccessKey(ctx context.Context, account, user string) (AccessKey, string, error) {
	id, secret := NewAccessKeyID(prefixAccessKey), NewSecretKey()
	sealed, err := s.sealKey(id, secret)
	if err != nil {
		return AccessKey{}, "", err
	}
	var name string
	now := s.now()
	err = s.update(ctx, func(tx meta.Txn) error {
		u, err := readUser(tx, account, user)
		if err != nil {
			return err
		}
		name = u.Name
		keys, err := userKeys(tx, account, user)
		if err != nil {
			return err
		}
		if len(keys) >= maxKeysPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		if err := put(tx, key(subKey, id), &keyRecord{Account: account, User: lower(user), Secret: sealed, Active: true, Created: now}); err != nil {
			return err
		}
		return tx.Set(key(subUserKeys, account, lower(user), id), marker)
	})
	if err != nil {
		return AccessKey{}, "", err
	}
	return AccessKey{Account: account, UserName: name, AccessKeyID: id, Status: StatusActive, Created: now}, secret, nil
}

// ListAccessKeys lists a user's keys.
func (s *Store) ListAccessKeys(ctx context.Context, account, user string, o ListOptions) ([]AccessKey, Page, error) {
	var out []AccessKey
	err := s.meta.View(ctx, func(r meta.Reader) error {
		u, err := readUser(r, account, user)
		if err != nil {
			return err
		}
		keys, err := userKeys(r, account, user)
		out = out[:0]
		for _, k := range keys {
			out = append(out, AccessKey{Account: account, UserName: u.Name, AccessKeyID: k.id, Status: status(k.rec.Active), Created: k.rec.Created})
		}
		return err
	})
	if err != nil {
		return nil, Page{}, err
	}
	return pageSlice(out, func(k AccessKey) string { return k.AccessKeyID }, o)
}

// readUserKey reads key id of user in account, or NoSuchEntity.
func readUserKey(r meta.Reader, account, user, id string) (keyRecord, error) {
	var rec keyRecord
	found, err := get(r, key(subKey, id), &rec)
	if err == nil && (!found || rec.Account != account || rec.User != lower(user) || rec.User == "") {
		err = errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
	}
	return rec, err
}

// UpdateAccessKey sets a key's status. An Inactive key stops working for
// the next request.
func (s *Store) UpdateAccessKey(ctx context.Context, account, user, id, st string) error {
	if st != StatusActive && st != StatusInactive {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", st)
	}
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readUserKey(tx, account, user, id)
		if err != nil {
			return err
		}
		rec.Active = st == StatusActive
		return put(tx, key(subKey, id), &rec)
	})
}

// DeleteAccessKey deletes a key; it stops working for the next request.
func (s *Store) DeleteAccessKey(ctx context.Context, account, user, id string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		if _, err := readUserKey(tx, account, user, id); err != nil {
			return err
		}
		if err := tx.Delete(key(subKey, id)); err != nil {
			return err
		}
		return tx.Delete(key(subUserKeys, account, lower(user), id))
	})
}

// GetAccessKeyLastUsed reports when and where a key was last used. Any
// account's caller may ask about any key, as in AWS; the answer names the
// key's user ("" for a root key: the wire answers with the account).
func (s *Store) GetAccessKeyLastUsed(ctx context.Context, id string) (AccessKeyLastUsed, error) {
	var rec keyRecord
	var name string
	err := s.meta.View(ctx, func(r meta.Reader) error {
		found, err := get(r, key(subKey, id), &rec)
		if err == nil && !found {
			return errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
		}
		if err == nil && rec.User != "" {
			u, err := readUser(r, rec.Account, rec.User)
			name = u.Name
			return err
		}
		return err
	})
	if err != nil {
		return AccessKeyLastUsed{}, err
	}
	out := AccessKeyLastUsed{UserName: name, Date: rec.LastUsed, Service: rec.LastUsedService, Region: rec.LastUsedRegion}
	if u, ok := s.pendingUse(id); ok && u.at.After(out.Date) {
		out.Date, out.Service, out.Region = u.at, u.service, u.region
	}
	if out.Date.IsZero() {
		out.Service, out.Region = "N/A", "N/A"
	}
	return out, nil
}

// AccessKeyInfo returns the account that owns an access key id
// (sts:GetAccessKeyInfo): a long-term key, active or not, or temporary
// credentials (ASIA…) until their record is collected.
func (s *Store) AccessKeyInfo(ctx context.Context, id string) (string, error) {
	var account string
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var found bool
		var err error
		if isSessionKey(id) {
			var rec sessionRecord
			found, err = get(r, key(subSession, id), &rec)
			account = rec.Account
		} else {
			var rec keyRecord
			found, err = get(r, key(subKey, id), &rec)
			account = rec.Account
		}
		if err == nil && !found {
			return errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
		}
		return err
	})
	return account, err
}
