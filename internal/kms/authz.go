package kms

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// authorize asks the one Authorize call whether caller may perform action
// (an operation name, "Encrypt") on k, with the key's policy and any
// grant that allows it; ec is the request's encryption context, if the
// operation has one. A nil k is an operation on no key ("*"): IAM
// policies alone decide.
func (s *Service) authorize(ctx context.Context, caller Caller, op string, k *keyRecord, ec map[string]string) error {
	action := "kms:" + op
	req := iam.Request{Principal: caller.Principal, Action: action, Resource: "*", Conditions: conditions(caller, ec)}
	if k != nil {
		p, err := s.parsedPolicy(k.Policy)
		if err != nil {
			return err
		}
		grant, err := s.grantFor(ctx, caller, op, k, ec)
		if err != nil {
			return err
		}
		req.Resource = k.arn()
		req.KMSKey = &iam.KeyResource{ARN: k.arn(), Account: k.Account, Policy: p, Grant: grant}
	}
	d := s.opts.Authorizer.Authorize(ctx, req)
	if d.Allowed {
		return nil
	}
	s.log.InfoContext(ctx, "kms access denied", "principal", caller.Principal.ARN, "op", action, "resource", req.Resource, "reason", d.Reason)
	if !d.Explain {
		return errorf(ErrAccessDenied, "User: %s is not authorized to perform: %s on resource: %s", caller.Principal.ARN, action, req.Resource)
	}
	reason := d.Policy.Reason()
	if d.Policy.Outcome == policy.ImplicitDeny && k != nil && d.Policy.Type == policy.ResourceBased {
		reason = "because no resource-based policy allows the " + action + " action"
	}
	return errorf(ErrAccessDenied, "User: %s is not authorized to perform: %s on resource: %s %s", caller.Principal.ARN, action, req.Resource, reason)
}

// authorizeAlias asks whether caller may perform op on the alias name of
// its own account. AWS authorizes alias operations on the alias too,
// where only IAM policies apply ("Controlling access to aliases"); the key
// side is asked separately, with the key policy.
func (s *Service) authorizeAlias(ctx context.Context, caller Caller, op, name string) error {
	arn := aliasARN(s.opts.Region, caller.Principal.AccountID, name)
	action := "kms:" + op
	d := s.opts.Authorizer.Authorize(ctx, iam.Request{Principal: caller.Principal, Action: action, Resource: arn,
		Conditions: conditions(caller, nil)})
	if d.Allowed {
		return nil
	}
	s.log.InfoContext(ctx, "kms access denied", "principal", caller.Principal.ARN, "op", action, "resource", arn, "reason", d.Reason)
	return errorf(ErrAccessDenied, "User: %s is not authorized to perform: %s on resource: %s %s", caller.Principal.ARN, action, arn, d.Policy.Reason())
}

// conditions is the request context KMS adds to the caller's own keys
// ("AWS KMS condition keys").
func conditions(caller Caller, ec map[string]string) map[string][]string {
	c := make(map[string][]string, len(caller.Conditions)+len(ec)+3)
	maps.Copy(c, caller.Conditions)
	c["kms:CallerAccount"] = []string{caller.Principal.AccountID}
	if caller.ViaService != "" {
		c["kms:ViaService"] = []string{caller.ViaService}
	}
	if len(ec) > 0 {
		keys := slices.Sorted(maps.Keys(ec))
		c["kms:EncryptionContextKeys"] = keys
		for _, k := range keys {
			c["kms:EncryptionContext:"+k] = []string{ec[k]}
		}
	}
	return c
}

// policyCache keeps parsed key policies by their text: every call on a key
// evaluates its policy, and parsing costs more than evaluating.
type policyCache struct {
	mu sync.Mutex
	m  map[string]*policy.Policy
}

const policyCacheSize = 1024

func (s *Service) parsedPolicy(doc string) (*policy.Policy, error) {
	c := &s.policies
	c.mu.Lock()
	p, ok := c.m[doc]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := policy.Parse([]byte(doc), policy.Key)
	if err != nil {
		// Stored policies were valid when put: an unreadable one is an
		// internal failure, and fails closed.
		return nil, fmt.Errorf("kms: stored key policy: %w", err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= policyCacheSize {
		c.m = make(map[string]*policy.Policy)
	}
	c.m[doc] = p
	c.mu.Unlock()
	return p, nil
}

// grantFor returns the id of a grant on k that allows caller op with ec,
// or "".
func (s *Service) grantFor(ctx context.Context, caller Caller, op string, k *keyRecord, ec map[string]string) (string, error) {
	if caller.Principal.Anonymous {
		return "", nil
	}
	var found string
	err := s.opts.Meta.View(ctx, func(r meta.Reader) error {
		grants, err := readGrants(r, k.Account, k.ID)
		for _, g := range grants {
			if g.allows(caller, op, ec) {
				found = g.ID
				return nil
			}
		}
		return err
	})
	return found, err
}
