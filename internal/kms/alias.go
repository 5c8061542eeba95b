package kms

import (
	"context"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// maxAliasName is the longest alias name, "alias/" included.
const maxAliasName = 256

// validAliasName reports whether name has AWS's alias form:
// ^alias/[a-zA-Z0-9/_-]+$, at most 256 characters.
func validAliasName(name string) bool {
	rest, ok := strings.CutPrefix(name, "alias/")
	if !ok || rest == "" || len(name) > maxAliasName {
		return false
	}
	for _, c := range rest {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkAliasName validates a name a user wants to create, change or
// delete: it must be well formed and not under the reserved alias/aws/.
func checkAliasName(name string) error {
	switch {
	case name == "":
		return invalid("1 validation error detected: Value null at 'aliasName' failed to satisfy constraint: Member must not be null")
	case !validAliasName(name):
		return errorf(ErrInvalidAliasName, "Alias must start with the prefix \"alias/\" and contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-), at most %d characters.", maxAliasName)
	case strings.HasPrefix(name, "alias/aws/"):
		return errorf(ErrInvalidAliasName, "Alias must not begin with 'alias/aws/'")
	}
	return nil
}

// CreateAlias names a customer managed key of the caller's account.
func (s *Service) CreateAlias(ctx context.Context, caller Caller, name, target string) (err error) {
	c := s.begin("CreateAlias", caller, false)
	c.params["aliasName"], c.params["targetKeyId"] = name, target
	defer func() { s.end(ctx, c, err) }()
	if err := checkAliasName(name); err != nil {
		return err
	}
	if err := s.authorizeAlias(ctx, caller, "CreateAlias", name); err != nil {
		return err
	}
	k, err := s.aliasTarget(ctx, c, target, "CreateAlias")
	if err != nil {
		return err
	}
	return s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		var a aliasRecord
		found, err := get(tx, metaKey(subAlias, k.Account, name), &a)
		if err != nil {
			return err
		}
		if found {
			return errorf(ErrAlreadyExists, "An alias with the name %s already exists", aliasARN(s.opts.Region, k.Account, name))
		}
		now := s.clock.Now().UTC()
		return put(tx, metaKey(subAlias, k.Account, name), aliasRecord{KeyID: k.ID, Created: now, Updated: now})
	})
}

// aliasTarget loads the key an alias is to point to: a customer managed
// key of the caller's own account, not pending deletion.
func (s *Service) aliasTarget(ctx context.Context, c *call, target, op string) (*keyRecord, error) {
	if target == "" {
		return nil, invalid("1 validation error detected: Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null")
	}
	if strings.HasPrefix(target, "alias/") || strings.Contains(target, ":alias/") {
		return nil, invalid("Aliases must refer to keys. Not aliases")
	}
	k, err := s.useKey(ctx, c, target, op, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case k.Account != c.caller.Principal.AccountID:
		return nil, errorf(ErrNotFound, "Key '%s' does not exist", k.arn())
	case k.Manager == ManagerAWS:
		return nil, errorf(ErrUnsupported, "Cannot point an alias to an AWS managed key")
	case k.State == StatePendingDeletion:
		return nil, errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
	}
	return k, nil
}

// UpdateAlias points an existing alias at another key.
func (s *Service) UpdateAlias(ctx context.Context, caller Caller, name, target string) (err error) {
	c := s.begin("UpdateAlias", caller, false)
	c.params["aliasName"], c.params["targetKeyId"] = name, target
	defer func() { s.end(ctx, c, err) }()
	if err := checkAliasName(name); err != nil {
		return err
	}
	account := caller.Principal.AccountID
	if _, err := s.load(ctx, caller, name); err != nil {
		return err
	}
	if err := s.authorizeAlias(ctx, caller, "UpdateAlias", name); err != nil {
		return err
	}
	k, err := s.aliasTarget(ctx, c, target, "UpdateAlias")
	if err != nil {
		return err
	}
	return s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		var a aliasRecord
		found, err := get(tx, metaKey(subAlias, account, name), &a)
		if err != nil {
			return err
		}
		if !found {
			return errorf(ErrNotFound, "Alias %s is not found.", aliasARN(s.opts.Region, account, name))
		}
		a.KeyID, a.Updated = k.ID, s.clock.Now().UTC()
		return put(tx, metaKey(subAlias, account, name), a)
	})
}

// DeleteAlias deletes an alias; its key is unchanged.
func (s *Service) DeleteAlias(ctx context.Context, caller Caller, name string) (err error) {
	c := s.begin("DeleteAlias", caller, false)
	c.params["aliasName"] = name
	defer func() { s.end(ctx, c, err) }()
	if err := checkAliasName(name); err != nil {
		return err
	}
	account := caller.Principal.AccountID
	k, err := s.useKey(ctx, c, name, "DeleteAlias", nil)
	if err == nil {
		err = s.authorizeAlias(ctx, caller, "DeleteAlias", name)
	}
	if err != nil {
		return err
	}
	return s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		var a aliasRecord
		found, err := get(tx, metaKey(subAlias, account, name), &a)
		if err != nil {
			return err
		}
		if !found || a.KeyID != k.ID {
			return errorf(ErrNotFound, "Alias %s is not found.", aliasARN(s.opts.Region, account, name))
		}
		return tx.Delete(metaKey(subAlias, account, name))
	})
}

// Alias is one alias of ListAliases.
type Alias struct {
	Name, ARN, TargetKeyID string
	Created, Updated       time.Time
}

// AliasList is a page of ListAliases.
type AliasList struct {
	Aliases    []Alias
	NextMarker string
}

// ListAliases lists the caller's account's aliases in name order, only
// those of one key when keyID is set.
func (s *Service) ListAliases(ctx context.Context, caller Caller, keyID string, page Page) (out *AliasList, err error) {
	c := s.begin("ListAliases", caller, true)
	c.params["keyId"], c.params["limit"], c.params["marker"] = keyID, page.Limit, page.Marker
	defer func() { s.end(ctx, c, err) }()
	if err := page.check(); err != nil {
		return nil, err
	}
	if page.Marker != "" && !validAliasName(page.Marker) {
		return nil, errorf(ErrInvalidMarker, "Invalid marker")
	}
	account := caller.Principal.AccountID
	filter := ""
	if keyID != "" {
		k, err := s.load(ctx, caller, keyID)
		if err != nil {
			return nil, err
		}
		c.used(k)
		filter = k.ID
	}
	if err := s.authorize(ctx, caller, "ListAliases", nil, nil); err != nil {
		return nil, err
	}
	out = &AliasList{}
	err = s.opts.Meta.View(ctx, func(r meta.Reader) error {
		prefix := scope(subAlias, account)
		start := prefix
		if page.Marker != "" {
			start = append(metaKey(subAlias, account, page.Marker), 0)
		}
		it := r.Scan(start, prefixEnd(prefix), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var a aliasRecord
			if err := decodeRecord(it.Value(), &a); err != nil {
				return err
			}
			if filter != "" && a.KeyID != filter {
				continue
			}
			if len(out.Aliases) == page.Limit {
				out.NextMarker = out.Aliases[len(out.Aliases)-1].Name
				return nil
			}
			name := string(it.Key()[len(prefix):])
			out.Aliases = append(out.Aliases, Alias{Name: name, ARN: aliasARN(s.opts.Region, account, name),
				TargetKeyID: a.KeyID, Created: a.Created, Updated: a.Updated})
		}
		return it.Err()
	})
	return out, err
}
