package iam

import (
	"context"
	"slices"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// maxAttachedPolicies is IAM's default limit of managed policies attached
// to one user, group or role.
const maxAttachedPolicies = 10

// AttachedPolicy names a managed policy attached to an entity.
type AttachedPolicy struct {
	PolicyName string
	PolicyARN  string
}

// setAttachment adds or removes the reverse index key of an attachment.
func setAttachment(tx meta.Txn, arn string, kind EntityKind, account, name string, on bool) error {
	k := key(subPolicyUsers, arn, kind.String(), account, lower(name))
	if on {
		return tx.Set(k, marker)
	}
	return tx.Delete(k)
}

// AttachPolicy attaches a managed policy to an entity (AttachUserPolicy,
// AttachGroupPolicy, AttachRolePolicy). Attaching twice is a no-op.
func (s *Store) AttachPolicy(ctx context.Context, e Entity, arn string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		le, err := loadEntity(tx, e)
		if err != nil {
			return err
		}
		if err := s.checkPolicyExists(tx, e.Account, arn); err != nil {
			return err
		}
		if slices.Contains(le.rec.Attached, arn) {
			return nil
		}
		if len(le.rec.Attached) >= maxAttachedPolicies {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for PoliciesPerUser: %d", maxAttachedPolicies)
		}
		le.rec.Attached = append(le.rec.Attached, arn)
		if err := setAttachment(tx, arn, e.Kind, e.Account, e.Name, true); err != nil {
			return err
		}
		return le.save(tx)
	})
}

// DetachPolicy detaches a managed policy from an entity.
func (s *Store) DetachPolicy(ctx context.Context, e Entity, arn string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		le, err := loadEntity(tx, e)
		if err != nil {
			return err
		}
		if !slices.Contains(le.rec.Attached, arn) {
			return errorf(ErrNoSuchEntity, "Policy %s was not found.", arn)
		}
		le.rec.Attached = slices.DeleteFunc(le.rec.Attached, func(a string) bool { return a == arn })
		if err := setAttachment(tx, arn, e.Kind, e.Account, e.Name, false); err != nil {
			return err
		}
		return le.save(tx)
	})
}

// ListAttachedPolicies lists the managed policies attached to an entity,
// optionally only those whose path starts with o.PathPrefix.
func (s *Store) ListAttachedPolicies(ctx context.Context, e Entity, o ListOptions) ([]AttachedPolicy, Page, error) {
	var out []AttachedPolicy
	err := s.meta.View(ctx, func(r meta.Reader) error {
		le, err := loadEntity(r, e)
		for _, arn := range le.rec.Attached {
			path, name := policyPathName(arn)
			if o.PathPrefix == "" || strings.HasPrefix(path, o.PathPrefix) {
				out = append(out, AttachedPolicy{PolicyName: name, PolicyARN: arn})
			}
		}
		return err
	})
	if err != nil {
		return nil, Page{}, err
	}
	slices.SortFunc(out, func(a, b AttachedPolicy) int { return strings.Compare(a.PolicyARN, b.PolicyARN) })
	return pageSlice(out, func(p AttachedPolicy) string { return p.PolicyARN }, ListOptions{Marker: o.Marker, MaxItems: o.MaxItems})
}

// policyPathName splits any managed policy ARN into path and name.
func policyPathName(arn string) (path, name string) {
	_, res, _ := strings.Cut(arn, ":policy/")
	i := strings.LastIndexByte(res, '/')
	return "/" + res[:i+1], res[i+1:]
}

// PolicyEntities is ListEntitiesForPolicy's answer: names of the users,
// groups and roles a managed policy is attached to.
type PolicyEntities struct {
	Users, Groups, Roles []string
}

// ListEntitiesForPolicy lists the entities of account that a managed
// policy is attached to.
func (s *Store) ListEntitiesForPolicy(ctx context.Context, account, arn string) (PolicyEntities, error) {
	var out PolicyEntities
	err := s.meta.View(ctx, func(r meta.Reader) error {
		if err := s.checkPolicyExists(r, account, arn); err != nil {
			return err
		}
		for _, kind := range []EntityKind{EntityUser, EntityGroup, EntityRole} {
			err := scanKeys(r, scope(subPolicyUsers, arn, kind.String(), account), func(name string) error {
				le, err := loadEntity(r, Entity{Account: account, Kind: kind, Name: name})
				if err != nil {
					return err
				}
				switch kind {
				case EntityUser:
					out.Users = append(out.Users, le.rec.Name)
				case EntityGroup:
					out.Groups = append(out.Groups, le.rec.Name)
				default:
					out.Roles = append(out.Roles, le.rec.Name)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
