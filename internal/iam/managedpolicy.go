package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// maxPolicyVersions is IAM's limit of versions per managed policy.
const maxPolicyVersions = 5

// ManagedPolicy describes a managed policy, customer or AWS managed.
type ManagedPolicy struct {
	ARN  string
	Name string
	Path string
	ID   string // ANPA…
	// Account is the owning account, "aws" for AWS managed policies.
	Account          string
	Description      string
	DefaultVersionID string
	AttachmentCount  int
	Created          time.Time
	Updated          time.Time
	Tags             []Tag
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID string
	Document  string
	IsDefault bool
	Created   time.Time
}

// PolicyARN returns the ARN of account's customer managed policy.
func PolicyARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":policy" + path + name
}

// parsePolicyARN splits a customer managed policy ARN.
func parsePolicyARN(arn string) (account, path, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", "", false
	}
	account, res, ok := strings.Cut(rest, ":policy/")
	if !ok || len(account) != 12 {
		return "", "", "", false
	}
	i := strings.LastIndexByte(res, '/')
	return account, "/" + res[:i+1], res[i+1:], res[i+1:] != ""
}

func policyKey(account, name string) []byte { return key(subPolicy, account, lower(name)) }

func (r *policyRecord) managed(account string, attachments int) ManagedPolicy {
	return ManagedPolicy{ARN: PolicyARN(account, r.Path, r.Name), Name: r.Name, Path: r.Path, ID: r.ID, Account: account,
		Description: r.Description, DefaultVersionID: r.Default, AttachmentCount: attachments,
		Created: r.Created, Updated: r.Updated, Tags: r.Tags}
}

func (e *awsManagedEntry) managed(attachments int) ManagedPolicy {
	return ManagedPolicy{ARN: e.arn(), Name: e.name, Path: "/", ID: e.id(), Account: "aws", Description: e.description,
		DefaultVersionID: e.version, AttachmentCount: attachments, Created: e.created, Updated: e.updated}
}

func (r *policyRecord) version(id string) (versionRecord, bool) {
	for _, v := range r.Versions {
		if v.ID == id {
			return v, true
		}
	}
	return versionRecord{}, false
}

// readPolicy reads a customer managed policy of account by ARN.
func readPolicy(r meta.Reader, account, arn string) (policyRecord, error) {
	var rec policyRecord
	acct, path, name, ok := parsePolicyARN(arn)
	if !ok {
		return rec, errorf(ErrInvalidInput, "ARN %s is not valid.", arn)
	}
	found, err := get(r, policyKey(acct, name), &rec)
	if err == nil && (!found || acct != account || rec.Path != path || rec.Name != name) {
		err = errorf(ErrNoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
	}
	return rec, err
}

// checkPolicyExists checks that arn names an AWS managed policy or a
// customer managed policy of account.
func (s *Store) checkPolicyExists(r meta.Reader, account, arn string) error {
	if _, ok := awsManagedByARN[arn]; ok {
		return nil
	}
	_, err := readPolicy(r, account, arn)
	return err
}

func attachmentCount(r meta.Reader, arn string) (int, error) {
	n := 0
	err := scanKeys(r, scope(subPolicyUsers, arn), func(string) error { n++; return nil })
	return n, err
}

// CreatePolicyInput is CreatePolicy's request.
type CreatePolicyInput struct {
	Account     string
	Name        string
	Path        string
	Document    string
	Description string
	Tags        []Tag
}

// CreatePolicy creates a customer managed policy whose version v1 is doc.
func (s *Store) CreatePolicy(ctx context.Context, in CreatePolicyInput) (ManagedPolicy, error) {
	if err := validName("policyName", in.Name, maxPolicyName); err != nil {
		return ManagedPolicy{}, err
	}
	path, err := normPath(in.Path)
	if err != nil {
		return ManagedPolicy{}, err
	}
	if _, err := parseDocument(in.Document, policy.Managed); err != nil {
		return ManagedPolicy{}, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return ManagedPolicy{}, err
	}
	now := s.now()
	rec := policyRecord{Name: in.Name, Path: path, ID: newID(prefixPolicy, 17), Description: in.Description,
		Created: now, Updated: now, Default: "v1", NextVersion: 2, Tags: tags,
		Versions: []versionRecord{{ID: "v1", Document: in.Document, Created: now}}}
	err = s.update(ctx, func(tx meta.Txn) error {
		if _, err := readAccount(tx, in.Account); err != nil {
			return err
		}
		if found, err := get(tx, policyKey(in.Account, in.Name), &policyRecord{}); err != nil {
			return err
		} else if found {
			return errorf(ErrEntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.Name)
		}
		return put(tx, policyKey(in.Account, in.Name), &rec)
	})
	if err != nil {
		return ManagedPolicy{}, err
	}
	return rec.managed(in.Account, 0), nil
}

// GetPolicy returns a managed policy: an AWS managed one, or one of
// account's own.
func (s *Store) GetPolicy(ctx context.Context, account, arn string) (ManagedPolicy, error) {
	var out ManagedPolicy
	err := s.meta.View(ctx, func(r meta.Reader) error {
		n, err := attachmentCount(r, arn)
		if err != nil {
			return err
		}
		if e, ok := awsManagedByARN[arn]; ok {
			out = e.managed(n)
			return nil
		}
		rec, err := readPolicy(r, account, arn)
		out = rec.managed(account, n)
		return err
	})
	return out, err
}

// PolicyScope selects ListPolicies' policies, as IAM's Scope parameter.
type PolicyScope string

// The scopes.
const (
	ScopeAll   PolicyScope = "All"
	ScopeAWS   PolicyScope = "AWS"
	ScopeLocal PolicyScope = "Local"
)

// ListPoliciesInput is ListPolicies' request.
type ListPoliciesInput struct {
	Account      string
	Scope        PolicyScope // "" means All
	OnlyAttached bool
	ListOptions
}

// ListPolicies lists managed policies, AWS managed and the account's own,
// in ARN order.
func (s *Store) ListPolicies(ctx context.Context, in ListPoliciesInput) ([]ManagedPolicy, Page, error) {
	var out []ManagedPolicy
	keep := func(p ManagedPolicy) bool {
		return (!in.OnlyAttached || p.AttachmentCount > 0) && (in.PathPrefix == "" || strings.HasPrefix(p.Path, in.PathPrefix))
	}
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out = out[:0]
		if in.Scope != ScopeLocal {
			for _, a := range awsManagedPolicies {
				n, err := attachmentCount(r, a.arn())
				if err != nil {
					return err
				}
				if p := awsManagedByARN[a.arn()].managed(n); keep(p) {
					out = append(out, p)
				}
			}
		}
		if in.Scope == ScopeAWS {
			return nil
		}
		return scanRecords(r, scope(subPolicy, in.Account), func(_ []byte, rec *policyRecord) error {
			n, err := attachmentCount(r, PolicyARN(in.Account, rec.Path, rec.Name))
			if p := rec.managed(in.Account, n); err == nil && keep(p) {
				out = append(out, p)
			}
			return err
		})
	})
	if err != nil {
		return nil, Page{}, err
	}
	slices.SortFunc(out, func(a, b ManagedPolicy) int { return strings.Compare(a.ARN, b.ARN) })
	return pageSlice(out, func(p ManagedPolicy) string { return p.ARN }, ListOptions{Marker: in.Marker, MaxItems: in.MaxItems})
}

// DeletePolicy deletes a customer managed policy that is attached to
// nothing and has only its default version left, as IAM requires.
func (s *Store) DeletePolicy(ctx context.Context, account, arn string) error {
	if _, ok := awsManagedByARN[arn]; ok {
		return errorf(ErrUnmodifiableEntity, "Cannot delete policy %s: it is AWS managed.", arn)
	}
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readPolicy(tx, account, arn)
		if err != nil {
			return err
		}
		if n, err := attachmentCount(tx, arn); err != nil {
			return err
		} else if n > 0 {
			return errorf(ErrDeleteConflict, "Cannot delete a policy attached to entities.")
		}
		if len(rec.Versions) > 1 {
			return errorf(ErrDeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return tx.Delete(policyKey(account, rec.Name))
	})
}

// CreatePolicyVersion adds a version (at most five are kept) and makes it
// the default when setAsDefault.
func (s *Store) CreatePolicyVersion(ctx context.Context, account, arn, doc string, setAsDefault bool) (PolicyVersion, error) {
	if _, ok := awsManagedByARN[arn]; ok {
		return PolicyVersion{}, errorf(ErrUnmodifiableEntity, "Cannot create a version of an AWS managed policy.")
	}
	if _, err := parseDocument(doc, policy.Managed); err != nil {
		return PolicyVersion{}, err
	}
	var v versionRecord
	err := s.updatePolicy(ctx, account, arn, func(rec *policyRecord) error {
		if len(rec.Versions) >= maxPolicyVersions {
			return errorf(ErrLimitExceeded, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		v = versionRecord{ID: fmt.Sprintf("v%d", rec.NextVersion), Document: doc, Created: s.now()}
		rec.NextVersion++
		rec.Versions = append(rec.Versions, v)
		if setAsDefault {
			rec.Default = v.ID
		}
		rec.Updated = v.Created
		return nil
	})
	return PolicyVersion{VersionID: v.ID, Document: doc, IsDefault: setAsDefault, Created: v.Created}, err
}

// GetPolicyVersion returns one version of a managed policy.
func (s *Store) GetPolicyVersion(ctx context.Context, account, arn, versionID string) (PolicyVersion, error) {
	vs, err := s.policyVersions(ctx, account, arn)
	for _, v := range vs {
		if v.VersionID == versionID {
			return v, nil
		}
	}
	if err == nil {
		err = errorf(ErrNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, versionID)
	}
	return PolicyVersion{}, err
}

// ListPolicyVersions lists a managed policy's versions, newest first.
func (s *Store) ListPolicyVersions(ctx context.Context, account, arn string, o ListOptions) ([]PolicyVersion, Page, error) {
	vs, err := s.policyVersions(ctx, account, arn)
	if err != nil {
		return nil, Page{}, err
	}
	// Newest first; the marker is a position key that sorts that way.
	slices.Reverse(vs)
	type item struct {
		k string
		v PolicyVersion
	}
	items := make([]item, len(vs))
	for i, v := range vs {
		items[i] = item{fmt.Sprintf("%04d", i), v}
	}
	page, p, err := pageSlice(items, func(it item) string { return it.k }, o)
	out := make([]PolicyVersion, len(page))
	for i, it := range page {
		out[i] = it.v
	}
	return out, p, err
}

func (s *Store) policyVersions(ctx context.Context, account, arn string) ([]PolicyVersion, error) {
	if e, ok := awsManagedByARN[arn]; ok {
		return []PolicyVersion{{VersionID: e.version, Document: e.document, IsDefault: true, Created: e.updated}}, nil
	}
	var rec policyRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = readPolicy(r, account, arn)
		return err
	})
	var out []PolicyVersion
	for _, v := range rec.Versions {
		out = append(out, PolicyVersion{VersionID: v.ID, Document: v.Document, IsDefault: v.ID == rec.Default, Created: v.Created})
	}
	return out, err
}

// DeletePolicyVersion deletes a version that is not the default.
func (s *Store) DeletePolicyVersion(ctx context.Context, account, arn, versionID string) error {
	return s.updatePolicy(ctx, account, arn, func(rec *policyRecord) error {
		if _, ok := rec.version(versionID); !ok {
			return errorf(ErrNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, versionID)
		}
		if versionID == rec.Default {
			return errorf(ErrDeleteConflict, "Cannot delete the default version of a policy.")
		}
		rec.Versions = slices.DeleteFunc(rec.Versions, func(v versionRecord) bool { return v.ID == versionID })
		return nil
	})
}

// SetDefaultPolicyVersion makes versionID the version in force.
func (s *Store) SetDefaultPolicyVersion(ctx context.Context, account, arn, versionID string) error {
	return s.updatePolicy(ctx, account, arn, func(rec *policyRecord) error {
		if _, ok := rec.version(versionID); !ok {
			return errorf(ErrNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, versionID)
		}
		rec.Default = versionID
		rec.Updated = s.now()
		return nil
	})
}

func (s *Store) updatePolicy(ctx context.Context, account, arn string, fn func(*policyRecord) error) error {
	if _, ok := awsManagedByARN[arn]; ok {
		return errorf(ErrUnmodifiableEntity, "Cannot modify AWS managed policy %s.", arn)
	}
	return s.update(ctx, func(tx meta.Txn) error {
		rec, err := readPolicy(tx, account, arn)
		if err != nil {
			return err
		}
		if err := fn(&rec); err != nil {
			return err
		}
		return put(tx, policyKey(account, rec.Name), &rec)
	})
}
