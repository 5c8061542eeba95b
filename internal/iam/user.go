package iam

import (
	"context"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// User is an IAM user.
type User struct {
	Account string
	Path    string
	Name    string
	// ID is the unique id, AIDA….
	ID      string
	ARN     string
	Created time.Time
	Tags    []Tag
	// PermissionsBoundary is the boundary policy's ARN, "" for none.
	PermissionsBoundary string
}

func entityARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

func (r *userRecord) user(account string) User {
	return User{Account: account, Path: r.Path, Name: r.Name, ID: r.ID, ARN: entityARN(account, "user", r.Path, r.Name),
		Created: r.Created, Tags: r.Tags, PermissionsBoundary: r.Boundary}
}

func userKey(account, name string) []byte { return key(subUser, account, lower(name)) }

// CreateUserInput is CreateUser's request.
type CreateUserInput struct {
	Account             string
	Name                string
	Path                string
	Tags                []Tag
	PermissionsBoundary string
}

// CreateUser creates a user in an account.
func (s *Store) CreateUser(ctx context.Context, in CreateUserInput) (User, error) {
	if err := validName("userName", in.Name, maxUserName); err != nil {
		return User{}, err
	}
	if err := notRootName(in.Name); err != nil {
		return User{}, err
	}
	path, err := normPath(in.Path)
	if err != nil {
		return User{}, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return User{}, err
	}
	rec := userRecord{entityRecord{Name: in.Name, Path: path, ID: newID(prefixUser, 17), Created: s.now(), Tags: tags}}
	err = s.update(ctx, func(tx meta.Txn) error {
		return s.insertEntity(tx, in.Account, "User", in.PermissionsBoundary, userKey(in.Account, in.Name), &rec.entityRecord, &rec)
	})
	if err != nil {
		return User{}, err
	}
	return rec.user(in.Account), nil
}

// GetUser returns a user.
func (s *Store) GetUser(ctx context.Context, account, name string) (User, error) {
	var rec userRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = readUser(r, account, name)
		return err
	})
	return rec.user(account), err
}

func readUser(r meta.Reader, account, name string) (userRecord, error) {
	var rec userRecord
	found, err := get(r, userKey(account, name), &rec)
	if err == nil && !found {
		err = noSuch("user", name)
	}
	return rec, err
}

// ListUsers lists an account's users in name order.
func (s *Store) ListUsers(ctx context.Context, account string, o ListOptions) (users []User, page Page, err error) {
	err = s.meta.View(ctx, func(r meta.Reader) error {
		users, page, err = listScope(r, scope(subUser, account), o, func(b []byte) (User, string, error) {
			var rec userRecord
			err := decodeRecord(b, &rec)
			return rec.user(account), rec.Path, err
		})
		return err
	})
	return users, page, err
}

// UpdateUser renames a user or moves it to another path; empty newName
// or newPath keep the current value. Keys, groups and policies follow.
func (s *Store) UpdateUser(ctx context.Context, account, name, newName, newPath string) error {
	if newName != "" {
		if err := validName("newUserName", newName, maxUserName); err != nil {
			return err
		}
		if err := notRootName(newName); err != nil {
			return err
		}
	}
	if newPath != "" {
		if _, err := normPath(newPath); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readUser(tx, account, name)
		if err != nil {
			return err
		}
		if newPath != "" {
			rec.Path = newPath
		}
		if newName == "" || newName == rec.Name {
			return put(tx, userKey(account, name), &rec)
		}
		return s.renameUser(tx, account, rec, newName)
	})
}

// renameUser moves a user's record and every index that names it.
func (s *Store) renameUser(tx meta.Txn, account string, rec userRecord, newName string) error {
	oldName := rec.Name
	if lower(newName) != lower(oldName) {
		if found, err := get(tx, userKey(account, newName), &userRecord{}); err != nil {
			return err
		} else if found {
			return exists("User", newName)
		}
	}
	groups, err := userGroups(tx, account, oldName)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := setMembership(tx, account, oldName, g, false); err != nil {
			return err
		}
		if err := setMembership(tx, account, newName, g, true); err != nil {
			return err
		}
	}
	for _, arn := range rec.Attached {
		if err := setAttachment(tx, arn, EntityUser, account, oldName, false); err != nil {
			return err
		}
		if err := setAttachment(tx, arn, EntityUser, account, newName, true); err != nil {
			return err
		}
	}
	keys, err := userKeys(tx, account, oldName)
	if err != nil {
		return err
	}
	for _, k := range keys {
		k.rec.User = lower(newName)
		if err := put(tx, key(subKey, k.id), &k.rec); err != nil {
			return err
		}
		if err := tx.Delete(key(subUserKeys, account, lower(oldName), k.id)); err != nil {
			return err
		}
		if err := tx.Set(key(subUserKeys, account, lower(newName), k.id), marker); err != nil {
			return err
		}
	}
	if err := renameUserMFA(tx, account, oldName, newName); err != nil {
		return err
	}
	if err := tx.Delete(userKey(account, oldName)); err != nil {
		return err
	}
	rec.Name = newName
	return put(tx, userKey(account, newName), &rec)
}

// DeleteUser deletes a user that has no MFA devices, access keys, groups
// or policies left, as IAM requires (DeleteConflict otherwise).
func (s *Store) DeleteUser(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readUser(tx, account, name)
		if err != nil {
			return err
		}
		if has, err := userHasMFA(tx, account, name); err != nil {
			return err
		} else if has {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete MFA device first.")
		}
		keys, err := userKeys(tx, account, name)
		if err != nil {
			return err
		}
		groups, err := userGroups(tx, account, name)
		if err != nil {
			return err
		}
		if len(keys) > 0 || len(groups) > 0 || len(rec.Inline) > 0 || len(rec.Attached) > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove tokens, access keys, group memberships and policies first.")
		}
		return tx.Delete(userKey(account, name))
	})
}

// TagUser adds or replaces tags on a user.
func (s *Store) TagUser(ctx context.Context, account, name string, tags []Tag) error {
	return s.updateUser(ctx, account, name, func(rec *userRecord) error {
		t, err := mergeTags(rec.Tags, tags)
		rec.Tags = t
		return err
	})
}

// UntagUser removes the tags with the given keys from a user.
func (s *Store) UntagUser(ctx context.Context, account, name string, keys []string) error {
	return s.updateUser(ctx, account, name, func(rec *userRecord) error {
		rec.Tags = removeTags(rec.Tags, keys)
		return nil
	})
}

// PutUserPermissionsBoundary sets a user's permissions boundary to the
// managed policy policyARN.
func (s *Store) PutUserPermissionsBoundary(ctx context.Context, account, name, policyARN string) error {
	return s.updateUser(ctx, account, name, func(rec *userRecord) error {
		rec.Boundary = policyARN
		return nil
	}, policyARN)
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Store) DeleteUserPermissionsBoundary(ctx context.Context, account, name string) error {
	return s.updateUser(ctx, account, name, func(rec *userRecord) error {
		rec.Boundary = ""
		return nil
	})
}

// updateUser applies fn to a user's record in one transaction, after
// checking that the policies named by needPolicies exist.
func (s *Store) updateUser(ctx context.Context, account, name string, fn func(*userRecord) error, needPolicies ...string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readUser(tx, account, name)
		if err != nil {
			return err
		}
		for _, p := range needPolicies {
			if err := s.checkPolicyExists(tx, account, p); err != nil {
				return err
			}
		}
		if err := fn(&rec); err != nil {
			return err
		}
		return put(tx, userKey(account, name), &rec)
	})
}

// RootUserName is the name by which the account's root user manages its
// own MFA devices (EnableMFADevice --user-name root). No IAM user may
// take it, so that the name always means the root user.
const RootUserName = "root"

// notRootName refuses RootUserName, in any case, as a user's name: user
// names are unique without regard to case.
func notRootName(name string) error {
	if lower(name) == RootUserName {
		return errorf(ErrInvalidInput, "The user name %s is reserved for the account's root user.", name)
	}
	return nil
}
