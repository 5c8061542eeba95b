package kms

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// s3Alias is the alias of each account's AWS-managed key for S3.
const s3Alias = "alias/aws/s3"

// keyName is what a KeyId parameter names once parsed.
type keyName struct {
	account string
	id      string // a key id, or "" for an alias
	alias   string // "alias/..." or ""
}

// parseKeyName reads a KeyId parameter: a key id, a key ARN, an alias
// name or an alias ARN. A bare id or alias names the caller's account; an
// ARN may name another (cross-account use needs the key policy's
// consent). Anything else, and ARNs of another region, name no key.
func (s *Service) parseKeyName(account, v string) (keyName, error) {
	notFound := errorf(ErrNotFound, "Invalid keyId %s", v)
	if strings.HasPrefix(v, "arn:") {
		parts := strings.SplitN(v, ":", 6)
		if len(parts) != 6 || parts[1] != "aws" || parts[2] != "kms" || parts[3] != s.opts.Region || !isAccount(parts[4]) {
			return keyName{}, notFound
		}
		account, v = parts[4], parts[5]
		if id, ok := strings.CutPrefix(v, "key/"); ok {
			v = id
		} else if !strings.HasPrefix(v, "alias/") {
			return keyName{}, notFound
		}
	}
	if strings.HasPrefix(v, "alias/") {
		if !validAliasName(v) {
			return keyName{}, notFound
		}
		return keyName{account: account, alias: v}, nil
	}
	u, ok := parseUUID(v)
	if !ok {
		return keyName{}, notFound
	}
	return keyName{account: account, id: formatUUID(u)}, nil
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// load returns the key a KeyId parameter names for caller, brought up to
// date (due rotations and deletions applied). The account's AWS-managed
// S3 key is created on first use of its alias.
func (s *Service) load(ctx context.Context, caller Caller, keyID string) (*keyRecord, error) {
	if keyID == "" {
		return nil, invalid("KeyId is required")
	}
	n, err := s.parseKeyName(caller.Principal.AccountID, keyID)
	if err != nil {
		return nil, err
	}
	var k *keyRecord
	err = s.opts.Meta.View(ctx, func(r meta.Reader) error {
		k, err = readNamed(r, n)
		return err
	})
	if errors.Is(err, ErrNotFound) && n.alias == s3Alias && n.account == caller.Principal.AccountID {
		return s.ensureS3Key(ctx, n.account)
	}
	if err != nil {
		return nil, err
	}
	if !lifecycleDue(k, s.clock.Now()) {
		return k, nil
	}
	return s.refresh(ctx, keyRef{k.Account, k.ID})
}

// readNamed reads the key n names.
func readNamed(r meta.Reader, n keyName) (*keyRecord, error) {
	id := n.id
	if n.alias != "" {
		var a aliasRecord
		found, err := get(r, metaKey(subAlias, n.account, n.alias), &a)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, errorf(ErrNotFound, "Alias %s is not found.", aliasARNFor(n))
		}
		id = a.KeyID
	}
	return readKey(r, n.account, id)
}

func aliasARNFor(n keyName) string { return "arn:aws:kms:*:" + n.account + ":" + n.alias }

// readKey reads a key record.
func readKey(r meta.Reader, account, id string) (*keyRecord, error) {
	var k keyRecord
	found, err := get(r, metaKey(subKey, account, id), &k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errorf(ErrNotFound, "Key '%s' does not exist", keyARN("*", account, id))
	}
	return &k, nil
}

// lifecycleDue reports whether k has a deletion or rotation due at now.
func lifecycleDue(k *keyRecord, now time.Time) bool {
	switch {
	case k.State == StatePendingDeletion:
		return !now.Before(k.Deletion)
	case k.State == StateEnabled && k.Rotation.Enabled:
		return !now.Before(k.Rotation.Next)
	}
	return false
}

// refresh applies ref's due deletion or rotation in one transaction and
// returns the key as it now is (ErrNotFound once deleted).
func (s *Service) refresh(ctx context.Context, ref keyRef) (*keyRecord, error) {
	var out *keyRecord
	err := s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		k, err := readKey(tx, ref.account, ref.id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if !lifecycleDue(k, now) {
			out = k
			return nil
		}
		if k.State == StatePendingDeletion {
			return deleteKey(tx, k)
		}
		if err := s.addMaterial(k, k.Rotation.Next, false); err != nil {
			return err
		}
		k.Rotation.Next = nextRotation(now, k.Rotation.PeriodDays)
		out = k
		return put(tx, metaKey(subKey, k.Account, k.ID), k)
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		s.log.InfoContext(ctx, "kms key deleted after its waiting period", "key", ref.id, "account", ref.account)
		return nil, errorf(ErrNotFound, "Key '%s' does not exist", keyARN(s.opts.Region, ref.account, ref.id))
	}
	return out, nil
}

// deleteKey removes k with its aliases and grants.
func deleteKey(tx meta.Txn, k *keyRecord) error {
	var dead [][]byte
	collect := func(prefix []byte, match func(v []byte) bool) error {
		it := tx.Scan(prefix, prefixEnd(prefix), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			if match(it.Value()) {
				dead = append(dead, append([]byte(nil), it.Key()...))
			}
		}
		return it.Err()
	}
	if err := collect(scope(subAlias, k.Account), func(v []byte) bool {
		var a aliasRecord
		return decodeRecord(v, &a) == nil && a.KeyID == k.ID
	}); err != nil {
		return err
	}
	if err := collect(scope(subGrant, k.Account, k.ID), func([]byte) bool { return true }); err != nil {
		return err
	}
	dead = append(dead, metaKey(subKey, k.Account, k.ID), metaKey(subKeyIndex, k.ID))
	for _, d := range dead {
		if err := tx.Delete(d); err != nil {
			return err
		}
	}
	return nil
}

// mutate re-reads ref's key in a transaction, lets fn change it and writes
// it back; fn sees the key as it is at commit time.
func (s *Service) mutate(ctx context.Context, ref keyRef, fn func(tx meta.Txn, k *keyRecord) error) (*keyRecord, error) {
	var out *keyRecord
	err := s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		k, err := readKey(tx, ref.account, ref.id)
		if err != nil {
			return err
		}
		if err := fn(tx, k); err != nil {
			return err
		}
		out = k
		return put(tx, metaKey(subKey, k.Account, k.ID), k)
	})
	return out, err
}
