package iam

import (
	"context"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// Role session duration limits, in seconds (MaxSessionDuration).
const (
	MinMaxSessionDuration     = 3600
	MaxMaxSessionDuration     = 43200
	defaultMaxSessionDuration = 3600
)

// Role is an IAM role.
type Role struct {
	Account string
	Path    string
	Name    string
	ID      string // AROA…
	ARN     string
	Created time.Time
	// AssumeRolePolicyDocument is the trust policy as written.
	AssumeRolePolicyDocument string
	Description              string
	// MaxSessionDuration is in seconds.
	MaxSessionDuration  int
	Tags                []Tag
	PermissionsBoundary string
}

func (r *roleRecord) role(account string) Role {
	return Role{Account: account, Path: r.Path, Name: r.Name, ID: r.ID, ARN: entityARN(account, "role", r.Path, r.Name),
		Created: r.Created, AssumeRolePolicyDocument: r.Trust, Description: r.Description,
		MaxSessionDuration: r.MaxSession, Tags: r.Tags, PermissionsBoundary: r.Boundary}
}

func roleKey(account, name string) []byte { return key(subRole, account, lower(name)) }

func readRole(r meta.Reader, account, name string) (roleRecord, error) {
	var rec roleRecord
	found, err := get(r, roleKey(account, name), &rec)
	if err == nil && !found {
		err = noSuch("role", name)
	}
	return rec, err
}

// CreateRoleInput is CreateRole's request.
type CreateRoleInput struct {
	Account                  string
	Name                     string
	Path                     string
	AssumeRolePolicyDocument string
	Description              string
	// MaxSessionDuration in seconds; 0 means 3600.
	MaxSessionDuration  int
	Tags                []Tag
	PermissionsBoundary string
}

func checkMaxSession(d int) error {
	if d < MinMaxSessionDuration || d > MaxMaxSessionDuration {
		return errorf(ErrValidation, "The requested MaxSessionDuration %d exceeds the allowed range of %d to %d seconds.", d, MinMaxSessionDuration, MaxMaxSessionDuration)
	}
	return nil
}

// CreateRole creates a role with its trust policy.
func (s *Store) CreateRole(ctx context.Context, in CreateRoleInput) (Role, error) {
	if err := validName("roleName", in.Name, maxRoleName); err != nil {
		return Role{}, err
	}
	path, err := normPath(in.Path)
	if err != nil {
		return Role{}, err
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = defaultMaxSessionDuration
	}
	if err := checkMaxSession(in.MaxSessionDuration); err != nil {
		return Role{}, err
	}
	if _, err := parseDocument(in.AssumeRolePolicyDocument, policy.Trust); err != nil {
		return Role{}, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return Role{}, err
	}
	rec := roleRecord{entityRecord: entityRecord{Name: in.Name, Path: path, ID: newID(prefixRole, 17), Created: s.now(), Tags: tags},
		Trust: in.AssumeRolePolicyDocument, Description: in.Description, MaxSession: in.MaxSessionDuration}
	err = s.update(ctx, func(tx meta.Txn) error {
		return s.insertEntity(tx, in.Account, "Role", in.PermissionsBoundary, roleKey(in.Account, in.Name), &rec.entityRecord, &rec)
	})
	if err != nil {
		return Role{}, err
	}
	return rec.role(in.Account), nil
}

// GetRole returns a role.
func (s *Store) GetRole(ctx context.Context, account, name string) (Role, error) {
	var rec roleRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = readRole(r, account, name)
		return err
	})
	return rec.role(account), err
}

// ListRoles lists an account's roles in name order.
func (s *Store) ListRoles(ctx context.Context, account string, o ListOptions) (roles []Role, page Page, err error) {
	err = s.meta.View(ctx, func(r meta.Reader) error {
		roles, page, err = listScope(r, scope(subRole, account), o, func(b []byte) (Role, string, error) {
			var rec roleRecord
			err := decodeRecord(b, &rec)
			return rec.role(account), rec.Path, err
		})
		return err
	})
	return roles, page, err
}

// UpdateRole changes a role's description and, when maxSession is not 0,
// its MaxSessionDuration. A nil description keeps the current one.
func (s *Store) UpdateRole(ctx context.Context, account, name string, description *string, maxSession int) error {
	if maxSession != 0 {
		if err := checkMaxSession(maxSession); err != nil {
			return err
		}
	}
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		if description != nil {
			rec.Description = *description
		}
		if maxSession != 0 {
			rec.MaxSession = maxSession
		}
		return nil
	})
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Store) UpdateAssumeRolePolicy(ctx context.Context, account, name, doc string) error {
	if _, err := parseDocument(doc, policy.Trust); err != nil {
		return err
	}
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		rec.Trust = doc
		return nil
	})
}

// TagRole adds or replaces tags on a role.
func (s *Store) TagRole(ctx context.Context, account, name string, tags []Tag) error {
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		t, err := mergeTags(rec.Tags, tags)
		rec.Tags = t
		return err
	})
}

// UntagRole removes tags from a role.
func (s *Store) UntagRole(ctx context.Context, account, name string, keys []string) error {
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		rec.Tags = removeTags(rec.Tags, keys)
		return nil
	})
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
func (s *Store) PutRolePermissionsBoundary(ctx context.Context, account, name, policyARN string) error {
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		rec.Boundary = policyARN
		return nil
	}, policyARN)
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Store) DeleteRolePermissionsBoundary(ctx context.Context, account, name string) error {
	return s.updateRole(ctx, account, name, func(rec *roleRecord) error {
		rec.Boundary = ""
		return nil
	})
}

// DeleteRole deletes a role without policies. Its sessions stop working
// with the next request, since their policies come from the role.
func (s *Store) DeleteRole(ctx context.Context, account, name string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readRole(tx, account, name)
		if err != nil {
			return err
		}
		if len(rec.Inline) > 0 || len(rec.Attached) > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must detach all policies first.")
		}
		return tx.Delete(roleKey(account, name))
	})
}

func (s *Store) updateRole(ctx context.Context, account, name string, fn func(*roleRecord) error, needPolicies ...string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readRole(tx, account, name)
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
		return put(tx, roleKey(account, name), &rec)
	})
}
