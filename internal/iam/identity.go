package iam

import (
	"context"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// identKey is the cache key of a principal's identity: a struct rather
// than a joined string, so that a cache hit allocates nothing.
type identKey struct {
	kind byte // 'r' root, 's' role session, 'u' user
	a, b string
}

// identityKey is the cache key of a principal's identity. The unique id
// is part of it so that a user deleted and created again under the same
// name is another identity.
func identityKey(p sigv4.Principal) identKey {
	switch {
	case p.Root:
		return identKey{kind: 'r', a: p.AccountID}
	case p.RoleARN != "":
		// A role session's policies include its own session policies.
		return identKey{kind: 's', a: p.AccessKey}
	}
	return identKey{kind: 'u', a: p.ARN, b: p.UserID}
}

// identity returns p's resolved identity from the cache, loading it on a
// miss.
func (s *Store) identity(ctx context.Context, p sigv4.Principal) (*identity, error) {
	k := identityKey(p)
	if id, ok := s.cache.ident(k); ok {
		return id, nil
	}
	return s.loadIdentity(ctx, k, p)
}

// loadIdentity reads p's identity from meta and caches it. It is apart
// from identity so that the closure capturing p, which moves p to the
// heap, costs only on a miss.
func (s *Store) loadIdentity(ctx context.Context, k identKey, p sigv4.Principal) (*identity, error) {
	gen := s.cache.generation()
	var id *identity
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		id, err = loadIdentity(r, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.cache.putIdent(gen, k, id)
	return id, nil
}

func loadIdentity(r meta.Reader, p sigv4.Principal) (*identity, error) {
	acct, err := readAccount(r, p.AccountID)
	if err != nil {
		return nil, err
	}
	id := &identity{canonicalID: acct.CanonicalID}
	switch {
	case p.Root:
		return id, nil
	case p.RoleARN != "":
		return id, addSession(r, id, p)
	}
	rec, err := readUser(r, p.AccountID, p.Name)
	if err != nil {
		return nil, err
	}
	if rec.ID != p.UserID {
		return nil, noSuch("user", p.Name)
	}
	id.tags = rec.Tags
	if err := addPolicies(r, id, p.AccountID, "user/"+rec.Name, &rec.entityRecord, policy.UserInline); err != nil {
		return nil, err
	}
	groups, err := userGroups(r, p.AccountID, p.Name)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		grec, err := readGroup(r, p.AccountID, g)
		if err != nil {
			return nil, err
		}
		grec.Boundary = "" // groups have no boundary
		if err := addPolicies(r, id, p.AccountID, "group/"+grec.Name, &grec.entityRecord, policy.GroupInline); err != nil {
			return nil, err
		}
	}
	return id, nil
}

// addPolicies parses an entity's inline and attached policies into id
// and sets its boundary. A stored document that no longer parses is an
// error, never skipped: skipping a Deny would widen access.
func addPolicies(r meta.Reader, id *identity, account, label string, e *entityRecord, inline policy.Kind) error {
	for name, doc := range e.Inline {
		p, err := policy.Parse([]byte(doc), inline)
		if err != nil {
			return fmt.Errorf("iam: stored policy %s/%s: %w", label, name, err)
		}
		id.set.Identity = append(id.set.Identity, policy.Attached{Name: label + "/" + name, Policy: p})
	}
	for _, arn := range e.Attached {
		p, err := managedDocument(r, account, arn)
		if err != nil {
			return err
		}
		id.set.Identity = append(id.set.Identity, policy.Attached{Name: arn, Policy: p})
	}
	if e.Boundary != "" {
		p, err := managedDocument(r, account, e.Boundary)
		if err != nil {
			return err
		}
		id.set.Boundary = &policy.Attached{Name: e.Boundary, Policy: p}
	}
	return nil
}

// managedDocument returns the parsed default version of a managed policy.
func managedDocument(r meta.Reader, account, arn string) (*policy.Policy, error) {
	if e, ok := awsManagedByARN[arn]; ok {
		return e.parsed, nil
	}
	rec, err := readPolicy(r, account, arn)
	if err != nil {
		return nil, err
	}
	v, ok := rec.version(rec.Default)
	if !ok {
		return nil, fmt.Errorf("iam: policy %s has no default version %s", arn, rec.Default)
	}
	p, err := policy.Parse([]byte(v.Document), policy.Managed)
	if err != nil {
		return nil, fmt.Errorf("iam: stored policy %s %s: %w", arn, v.ID, err)
	}
	return p, nil
}

// addSession resolves a role session: the role's policies, tags and
// boundary, then the session's policies and tags.
func addSession(r meta.Reader, id *identity, p sigv4.Principal) error {
	var sess sessionRecord
	found, err := get(r, key(subSession, p.AccessKey), &sess)
	if err != nil {
		return err
	}
	if !found || sess.Role == "" {
		return errorf(ErrNoSuchEntity, "The session %s cannot be found.", p.AccessKey)
	}
	rec, err := readRole(r, p.AccountID, sess.Role)
	if err != nil {
		return err
	}
	if rec.ID != sess.RoleID || entityARN(p.AccountID, "role", rec.Path, rec.Name) != p.RoleARN {
		return noSuch("role", sess.Role)
	}
	if err := addPolicies(r, id, p.AccountID, "role/"+rec.Name, &rec.entityRecord, policy.RoleInline); err != nil {
		return err
	}
	id.tags = mergeSessionTags(rec.Tags, sess.Tags)
	if sess.Policy != "" {
		sp, err := policy.Parse([]byte(sess.Policy), policy.Session)
		if err != nil {
			return fmt.Errorf("iam: stored session policy of %s: %w", p.AccessKey, err)
		}
		id.set.Session = append(id.set.Session, policy.Attached{Name: "session/" + sess.Name, Policy: sp})
	}
	for _, arn := range sess.PolicyARNs {
		sp, err := managedDocument(r, p.AccountID, arn)
		if err != nil {
			return err
		}
		id.set.Session = append(id.set.Session, policy.Attached{Name: arn, Policy: sp})
	}
	return nil
}

// mergeSessionTags returns the role's tags with the session's tags
// replacing those of the same key, as AWS resolves aws:PrincipalTag.
func mergeSessionTags(role, session []Tag) []Tag {
	out := make([]Tag, 0, len(role)+len(session))
	for _, t := range role {
		overridden := false
		for _, st := range session {
			overridden = overridden || strings.EqualFold(st.Key, t.Key)
		}
		if !overridden {
			out = append(out, t)
		}
	}
	return append(out, session...)
}
