package iam

import (
	"context"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// maxGroupsPerUser is IAM's limit of groups a user may belong to.
const maxGroupsPerUser = 10

// Group is an IAM group.
type Group struct {
	Account string
	Path    string
	Name    string
	ID      string // AGPA…
	ARN     string
	Created time.Time
}

func (r *groupRecord) group(account string) Group {
	return Group{Account: account, Path: r.Path, Name: r.Name, ID: r.ID, ARN: entityARN(account, "group", r.Path, r.Name), Created: r.Created}
}

func groupKey(account, name string) []byte { return key(subGroup, account, lower(name)) }

func readGroup(r meta.Reader, account, name string) (groupRecord, error) {
	var rec groupRecord
	found, err := get(r, groupKey(account, name), &rec)
	if err == nil && !found {
		err = noSuch("group", name)
	}
	return rec, err
}

// CreateGroup creates a group.
func (s *Store) CreateGroup(ctx context.Context, account, name, path string) (Group, error) {
	if err := validName("groupName", name, maxGroupName); err != nil {
		return Group{}, err
	}
	path, err := normPath(path)
	if err != nil {
		return Group{}, err
	}
	rec := groupRecord{entityRecord{Name: name, Path: path, ID: newID(prefixGroup, 17), Created: s.now()}}
	err = s.update(ctx, func(tx meta.Txn) error {
		if _, err := readAccount(tx, account); err != nil {
			return err
		}
		if found, err := get(tx, groupKey(account, name), &groupRecord{}); err != nil {
			return err
		} else if found {
			return exists("Group", name)
		}
		return put(tx, groupKey(account, name), &rec)
	})
	if err != nil {
		return Group{}, err
	}
	return rec.group(account), nil
}

// GetGroup returns a group and its members (paged).
func (s *Store) GetGroup(ctx context.Context, account, name string, o ListOptions) (Group, []User, Page, error) {
	var g groupRecord
	var users []User
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		if g, err = readGroup(r, account, name); err != nil {
			return err
		}
		users = users[:0]
		return scanKeys(r, scope(subGroupUsers, account, lower(name)), func(u string) error {
			rec, err := readUser(r, account, u)
			if err == nil {
				users = append(users, rec.user(account))
			}
			return err
		})
	})
	if err != nil {
		return Group{}, nil, Page{}, err
	}
	users, page, err := pageSlice(users, func(u User) string { return lower(u.Name) }, o)
	return g.group(account), users, page, err
}

// ListGroups lists an account's groups in name order.
func (s *Store) ListGroups(ctx context.Context, account string, o ListOptions) (groups []Group, page Page, err error) {
	err = s.meta.View(ctx, func(r meta.Reader) error {
		groups, page, err = listScope(r, scope(subGroup, account), o, func(b []byte) (Group, string, error) {
			var rec groupRecord
			err := decodeRecord(b, &rec)
			return rec.group(account), rec.Path, err
		})
		return err
	})
	return groups, page, err
}

// DeleteGroup deletes a group without members or policies.
func (s *Store) DeleteGroup(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readGroup(tx, account, name)
		if err != nil {
			return err
		}
		members := 0
		if err := scanKeys(tx, scope(subGroupUsers, account, lower(name)), func(string) error { members++; return nil }); err != nil {
			return err
		}
		if members > 0 || len(rec.Inline) > 0 || len(rec.Attached) > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must remove users and policies from group first.")
		}
		return tx.Delete(groupKey(account, name))
	})
}

// AddUserToGroup adds a user to a group (idempotent, as in AWS).
func (s *Store) AddUserToGroup(ctx context.Context, account, group, user string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		if _, err := readGroup(tx, account, group); err != nil {
			return err
		}
		if _, err := readUser(tx, account, user); err != nil {
			return err
		}
		groups, err := userGroups(tx, account, user)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if g == lower(group) {
				return nil
			}
		}
		if len(groups) >= maxGroupsPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		return setMembership(tx, account, user, group, true)
	})
}

// RemoveUserFromGroup removes a user from a group.
func (s *Store) RemoveUserFromGroup(ctx context.Context, account, group, user string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		if _, err := readGroup(tx, account, group); err != nil {
			return err
		}
		if _, err := readUser(tx, account, user); err != nil {
			return err
		}
		if _, err := tx.Get(key(subUserGroups, account, lower(user), lower(group))); err != nil {
			return noSuch("user", user) // AWS: the user is not in the group
		}
		return setMembership(tx, account, user, group, false)
	})
}

// ListGroupsForUser lists the groups a user belongs to.
func (s *Store) ListGroupsForUser(ctx context.Context, account, user string, o ListOptions) ([]Group, Page, error) {
	var out []Group
	err := s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := readUser(r, account, user); err != nil {
			return err
		}
		names, err := userGroups(r, account, user)
		out = out[:0]
		for _, n := range names {
			g, err := readGroup(r, account, n)
			if err != nil {
				return err
			}
			out = append(out, g.group(account))
		}
		return err
	})
	if err != nil {
		return nil, Page{}, err
	}
	return pageSlice(out, func(g Group) string { return lower(g.Name) }, o)
}

// userGroups returns the lower-case names of a user's groups.
func userGroups(r meta.Reader, account, user string) ([]string, error) {
	var out []string
	err := scanKeys(r, scope(subUserGroups, account, lower(user)), func(g string) error {
		out = append(out, g)
		return nil
	})
	return out, err
}

// setMembership adds (in true) or removes both membership index keys.
func setMembership(tx meta.Txn, account, user, group string, in bool) error {
	a, b := key(subUserGroups, account, lower(user), lower(group)), key(subGroupUsers, account, lower(group), lower(user))
	if !in {
		if err := tx.Delete(a); err != nil {
			return err
		}
		return tx.Delete(b)
	}
	if err := tx.Set(a, marker); err != nil {
		return err
	}
	return tx.Set(b, marker)
}
