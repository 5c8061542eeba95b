package iam

import (
	"context"
	"slices"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// PutInlinePolicy adds or replaces the inline policy name of an entity
// (PutUserPolicy, PutGroupPolicy, PutRolePolicy). The size quota is the
// sum of the entity's inline policies, as in AWS.
func (s *Store) PutInlinePolicy(ctx context.Context, e Entity, name, doc string) error {
	if err := validName("policyName", name, maxPolicyName); err != nil {
		return err
	}
	k := e.Kind.inlineKind()
	if _, err := parseDocument(doc, k); err != nil {
		return err
	}
	return s.update(ctx, func(tx meta.Txn) error {
		le, err := loadEntity(tx, e)
		if err != nil {
			return err
		}
		total := k.Size([]byte(doc))
		for n, d := range le.rec.Inline {
			if n != name {
				total += k.Size([]byte(d))
			}
		}
		if total > k.Limit() {
			return errorf(ErrLimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", k.Limit(), e.Kind, e.Name)
		}
		if le.rec.Inline == nil {
			le.rec.Inline = map[string]string{}
		}
		le.rec.Inline[name] = doc
		return le.save(tx)
	})
}

// GetInlinePolicy returns the document of an entity's inline policy.
func (s *Store) GetInlinePolicy(ctx context.Context, e Entity, name string) (string, error) {
	var doc string
	err := s.meta.View(ctx, func(r meta.Reader) error {
		le, err := loadEntity(r, e)
		if err != nil {
			return err
		}
		d, ok := le.rec.Inline[name]
		if !ok {
			return errorf(ErrNoSuchEntity, "The %s policy with name %s cannot be found.", e.Kind, name)
		}
		doc = d
		return nil
	})
	return doc, err
}

// ListInlinePolicies lists the names of an entity's inline policies.
func (s *Store) ListInlinePolicies(ctx context.Context, e Entity, o ListOptions) ([]string, Page, error) {
	var names []string
	err := s.meta.View(ctx, func(r meta.Reader) error {
		le, err := loadEntity(r, e)
		for n := range le.rec.Inline {
			names = append(names, n)
		}
		return err
	})
	if err != nil {
		return nil, Page{}, err
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(a, b) })
	return pageSlice(names, func(n string) string { return n }, o)
}

// DeleteInlinePolicy deletes an entity's inline policy.
func (s *Store) DeleteInlinePolicy(ctx context.Context, e Entity, name string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		le, err := loadEntity(tx, e)
		if err != nil {
			return err
		}
		if _, ok := le.rec.Inline[name]; !ok {
			return errorf(ErrNoSuchEntity, "The %s policy with name %s cannot be found.", e.Kind, name)
		}
		delete(le.rec.Inline, name)
		return le.save(tx)
	})
}
