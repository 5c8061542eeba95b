package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// EntityPolicies returns the policies that apply to the user, group or
// role e, as Authorize evaluates them: a user's own inline and attached
// policies and those of its groups, a group's own, a role's own, and the
// user's or role's permissions boundary. Inline policies are named
// "user/NAME/POLICY" ("group/…", "role/…"), managed policies by ARN.
// SimulatePrincipalPolicy uses it.
func (s *Store) EntityPolicies(ctx context.Context, e Entity) (policy.PolicySet, error) {
	id := &identity{}
	err := s.meta.View(ctx, func(r meta.Reader) error {
		switch e.Kind {
		case EntityUser:
			rec, err := readUser(r, e.Account, e.Name)
			if err != nil {
				return err
			}
			if err := addPolicies(r, id, e.Account, "user/"+rec.Name, &rec.entityRecord, policy.UserInline); err != nil {
				return err
			}
			groups, err := userGroups(r, e.Account, e.Name)
			if err != nil {
				return err
			}
			for _, g := range groups {
				if err := addGroupPolicies(r, id, e.Account, g); err != nil {
					return err
				}
			}
			return nil
		case EntityGroup:
			return addGroupPolicies(r, id, e.Account, e.Name)
		case EntityRole:
			rec, err := readRole(r, e.Account, e.Name)
			if err != nil {
				return err
			}
			return addPolicies(r, id, e.Account, "role/"+rec.Name, &rec.entityRecord, policy.RoleInline)
		}
		return errorf(ErrInvalidInput, "Unknown entity kind %s.", e.Kind)
	})
	return id.set, err
}

// addGroupPolicies adds a group's inline and attached policies; groups
// have no boundary.
func addGroupPolicies(r meta.Reader, id *identity, account, name string) error {
	grec, err := readGroup(r, account, name)
	if err != nil {
		return err
	}
	grec.Boundary = ""
	return addPolicies(r, id, account, "group/"+grec.Name, &grec.entityRecord, policy.GroupInline)
}
