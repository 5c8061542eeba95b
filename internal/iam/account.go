package iam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// RootAccountID is the id of the first account, the one created on first
// start. Buckets made before accounts existed record it as their owner.
const RootAccountID = "000000000000"

// firstAccountName names the first account.
const firstAccountName = "coffer"

// Account is an account: its own users, roles, groups, policies and
// buckets, and a root user.
type Account struct {
	ID string
	// Name is the operator's label for the account.
	Name string
	// CanonicalID is the 64-hex-digit S3 canonical user id (ACLs).
	CanonicalID string
	// Email is the account's email address ("" for none): S3 ACL
	// grants by emailAddress resolve to the account that has it.
	Email string
	// RootAccessKey is the root user's access key id.
	RootAccessKey string
	Created       time.Time
}

// ARN returns the root user's ARN, arn:aws:iam::ID:root.
func (a Account) ARN() string { return "arn:aws:iam::" + a.ID + ":root" }

func (r *accountRecord) account() Account {
	return Account{ID: r.ID, Name: r.Name, CanonicalID: r.CanonicalID, Email: r.Email, RootAccessKey: r.RootKey, Created: r.Created}
}

// keySealContext binds a sealed secret to its access key id, so a sealed
// secret copied to another key record does not open.
func keySealContext(accessKey string) []byte { return sse.Context("coffer iam access key", accessKey) }

func (s *Store) sealKey(accessKey, secret string) ([]byte, error) {
	return s.keyring.Seal([]byte(secret), keySealContext(accessKey))
}

// Bootstrap makes sure the first account (RootAccountID) exists and that
// its root user's key pair is accessKey and secret, the credentials
// coffer loaded or generated at start. A changed key pair replaces the
// old one, which stops working; a pair the root user deactivated or
// deleted through IAM is installed again, active. Root keys made through
// IAM are left as they are. It is idempotent.
func (s *Store) Bootstrap(ctx context.Context, accessKey, secret string) error {
	if accessKey == "" || secret == "" {
		return errors.New("iam: bootstrap: empty root credentials")
	}
	sealed, err := s.sealKey(accessKey, secret)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx meta.Txn) error {
		var acct accountRecord
		found, err := get(tx, key(subAccount, RootAccountID), &acct)
		if err != nil {
			return err
		}
		if !found {
			acct = accountRecord{ID: RootAccountID, Name: firstAccountName, CanonicalID: newCanonicalID(), Created: s.now()}
		}
		if acct.RootKey != accessKey {
			if acct.RootKey != "" {
				if err := tx.Delete(key(subKey, acct.RootKey)); err != nil {
					return err
				}
			}
			var other keyRecord
			if found, err := get(tx, key(subKey, accessKey), &other); err != nil {
				return err
			} else if found {
				return fmt.Errorf("iam: bootstrap: root access key %s belongs to account %s", accessKey, other.Account)
			}
			acct.RootKey = accessKey
		} else if s.keyMatches(tx, accessKey, secret) && keyActive(tx, accessKey) {
			return put(tx, key(subAccount, RootAccountID), &acct)
		}
		// The configured pair is written afresh, and active, when it is
		// new, changed its secret, or the root user deactivated or
		// deleted it through IAM: the operator's credentials always work
		// after a start (see rootkeys.go).
		rec := keyRecord{Account: RootAccountID, Secret: sealed, Active: true, Created: s.now()}
		if err := put(tx, key(subKey, accessKey), &rec); err != nil {
			return err
		}
		return put(tx, key(subAccount, RootAccountID), &acct)
	})
}

// keyActive reports whether the stored key accessKey is Active.
func keyActive(r meta.Reader, accessKey string) bool {
	var rec keyRecord
	found, err := get(r, key(subKey, accessKey), &rec)
	return err == nil && found && rec.Active
}

// keyMatches reports whether the stored key accessKey has secret.
func (s *Store) keyMatches(r meta.Reader, accessKey, secret string) bool {
	var rec keyRecord
	if found, err := get(r, key(subKey, accessKey), &rec); err != nil || !found {
		return false
	}
	pt, err := s.keyring.Open(rec.Secret, keySealContext(accessKey))
	defer clear(pt)
	return err == nil && string(pt) == secret
}

// CreateAccount creates an account named name with a fresh root key
// pair, returned once: only its sealed form is kept.
func (s *Store) CreateAccount(ctx context.Context, name string) (acct Account, accessKey, secret string, err error) {
	return s.CreateAccountWithEmail(ctx, name, "")
}

// maxEmailLength bounds an account's email address (RFC 5321's path).
const maxEmailLength = 254

// validEmail is a plain check of an address's shape: one @ with text on
// both sides, nothing that would end a grant header's quoted value.
func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && len(e) <= maxEmailLength && local != "" && domain != "" &&
		!strings.ContainsAny(domain, "@") && !strings.ContainsAny(e, " \t\r\n\",<>")
}

// CreateAccountWithEmail is CreateAccount with an email address ("" for
// none), which no other account may have.
func (s *Store) CreateAccountWithEmail(ctx context.Context, name, email string) (acct Account, accessKey, secret string, err error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 50 {
		return Account{}, "", "", errorf(ErrValidation, "The account name must be 1 to 50 characters.")
	}
	email = strings.TrimSpace(email)
	if email != "" && !validEmail(email) {
		return Account{}, "", "", errorf(ErrValidation, "The email address is not valid.")
	}
	accessKey, secret = NewAccessKeyID(prefixAccessKey), NewSecretKey()
	sealed, err := s.sealKey(accessKey, secret)
	if err != nil {
		return Account{}, "", "", err
	}
	var rec accountRecord
	err = s.update(ctx, func(tx meta.Txn) error {
		if email != "" {
			taken := false
			err := scanRecords(tx, key(subAccount), func(_ []byte, other *accountRecord) error {
				taken = taken || strings.EqualFold(other.Email, email)
				return nil
			})
			if err != nil {
				return err
			}
			if taken {
				return errorf(ErrEntityAlreadyExists, "An account with email address %s already exists.", email)
			}
		}
		rec = accountRecord{Name: name, CanonicalID: newCanonicalID(), Created: s.now(), RootKey: accessKey, Email: email}
		for {
			rec.ID = newAccountID()
			_, err := tx.Get(key(subAccount, rec.ID))
			if errors.Is(err, meta.ErrNotFound) {
				break
			}
			if err != nil {
				return err
			}
		}
		if err := put(tx, key(subAccount, rec.ID), &rec); err != nil {
			return err
		}
		return put(tx, key(subKey, accessKey), &keyRecord{Account: rec.ID, Secret: sealed, Active: true, Created: rec.Created})
	})
	if err != nil {
		return Account{}, "", "", err
	}
	return rec.account(), accessKey, secret, nil
}

// GetAccount returns the account id.
func (s *Store) GetAccount(ctx context.Context, id string) (Account, error) {
	var rec accountRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = readAccount(r, id)
		return err
	})
	return rec.account(), err
}

func readAccount(r meta.Reader, id string) (accountRecord, error) {
	var rec accountRecord
	found, err := get(r, key(subAccount, id), &rec)
	if err == nil && !found {
		err = errorf(ErrNoSuchEntity, "The account %s cannot be found.", id)
	}
	return rec, err
}

// ListAccounts returns every account in id order.
func (s *Store) ListAccounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out = out[:0]
		return scanRecords(r, key(subAccount), func(_ []byte, rec *accountRecord) error {
			out = append(out, rec.account())
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// scanRecords decodes every record under prefix into a T and calls fn.
func scanRecords[T any](r meta.Reader, prefix []byte, fn func(k []byte, rec *T) error) error {
	it := r.Scan(prefix, prefixEnd(prefix), meta.ScanOptions{})
	defer it.Close()
	for it.Next() {
		var rec T
		if err := decodeRecord(it.Value(), &rec); err != nil {
			return err
		}
		if err := fn(it.Key(), &rec); err != nil {
			return err
		}
	}
	return it.Err()
}

// scanKeys calls fn with the part of every key under prefix after it.
func scanKeys(r meta.Reader, prefix []byte, fn func(rest string) error) error {
	it := r.Scan(prefix, prefixEnd(prefix), meta.ScanOptions{})
	defer it.Close()
	for it.Next() {
		if err := fn(string(it.Key()[len(prefix):])); err != nil {
			return err
		}
	}
	return it.Err()
}

// AccountCreated returns when account id was created, or the zero time for
// an account it cannot read: the root user's CreateDate in IAM answers.
func (s *Store) AccountCreated(id string) time.Time {
	a, err := s.GetAccount(context.Background(), id)
	if err != nil {
		return time.Time{}
	}
	return a.Created
}
