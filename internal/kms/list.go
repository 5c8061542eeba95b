package kms

import (
	"context"
	"slices"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Page asks for one page of a listing.
type Page struct {
	// Limit is 1 to 1000; 0 means 100.
	Limit int
	// Marker is the NextMarker of the previous page, or "".
	Marker string
}

func (p *Page) check() error {
	if p.Limit == 0 {
		p.Limit = 100
	}
	if p.Limit < 1 || p.Limit > 1000 {
		return invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000", p.Limit)
	}
	return nil
}

// KeyEntry is one key of ListKeys.
type KeyEntry struct{ KeyID, ARN string }

// KeyList is a page of ListKeys.
type KeyList struct {
	Keys       []KeyEntry
	NextMarker string // "" on the last page
}

// ListKeys lists the caller's account's keys in key id order.
func (s *Service) ListKeys(ctx context.Context, caller Caller, page Page) (out *KeyList, err error) {
	c := s.begin("ListKeys", caller, true)
	c.params["limit"], c.params["marker"] = page.Limit, page.Marker
	defer func() { s.end(ctx, c, err) }()
	if err := page.check(); err != nil {
		return nil, err
	}
	if page.Marker != "" {
		if _, ok := parseUUID(page.Marker); !ok {
			return nil, errorf(ErrInvalidMarker, "Invalid marker")
		}
	}
	if err := s.authorize(ctx, caller, "ListKeys", nil, nil); err != nil {
		return nil, err
	}
	account := caller.Principal.AccountID
	out = &KeyList{}
	now := s.clock.Now()
	err = s.opts.Meta.View(ctx, func(r meta.Reader) error {
		prefix := scope(subKey, account)
		start := prefix
		if page.Marker != "" {
			start = append(metaKey(subKey, account, page.Marker), 0)
		}
		it := r.Scan(start, prefixEnd(prefix), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var k keyRecord
			if err := decodeRecord(it.Value(), &k); err != nil {
				return err
			}
			if k.State == StatePendingDeletion && !now.Before(k.Deletion) {
				continue // deleted; the sweep removes its record
			}
			if len(out.Keys) == page.Limit {
				out.NextMarker = out.Keys[len(out.Keys)-1].KeyID
				return nil
			}
			out.Keys = append(out.Keys, KeyEntry{KeyID: k.ID, ARN: k.arn()})
		}
		return it.Err()
	})
	return out, err
}

// TagResource adds or replaces tags of the key.
func (s *Service) TagResource(ctx context.Context, req KeyRequest, tags []Tag) (err error) {
	c := s.begin("TagResource", req.Caller, false)
	c.params["keyId"], c.params["tags"] = req.KeyID, auditTags(tags)
	defer func() { s.end(ctx, c, err) }()
	if err := validTags(tags); err != nil {
		return err
	}
	return s.changeTags(ctx, c, req.KeyID, "TagResource", func(have []Tag) []Tag {
		for _, t := range tags {
			i := slices.IndexFunc(have, func(h Tag) bool { return h.Key == t.Key })
			if i >= 0 {
				have[i] = t
			} else {
				have = append(have, t)
			}
		}
		return have
	})
}

// UntagResource removes tags of the key by key.
func (s *Service) UntagResource(ctx context.Context, req KeyRequest, keys []string) (err error) {
	c := s.begin("UntagResource", req.Caller, false)
	c.params["keyId"], c.params["tagKeys"] = req.KeyID, keys
	defer func() { s.end(ctx, c, err) }()
	return s.changeTags(ctx, c, req.KeyID, "UntagResource", func(have []Tag) []Tag {
		return slices.DeleteFunc(have, func(t Tag) bool { return slices.Contains(keys, t.Key) })
	})
}

func (s *Service) changeTags(ctx context.Context, c *call, keyID, op string, change func([]Tag) []Tag) error {
	k, err := s.useKey(ctx, c, keyID, op, nil)
	if err != nil {
		return err
	}
	if err := s.customerManaged(k); err != nil {
		return err
	}
	_, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		if k.State == StatePendingDeletion {
			return errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
		}
		tags := change(k.Tags)
		if len(tags) > maxTags {
			return errorf(ErrLimitExceeded, "A key can have at most %d tags", maxTags)
		}
		k.Tags = tags
		return nil
	})
	return err
}

// ListResourceTags returns the key's tags sorted by key.
func (s *Service) ListResourceTags(ctx context.Context, req KeyRequest) (tags []Tag, err error) {
	c := s.begin("ListResourceTags", req.Caller, true)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, "ListResourceTags", nil)
	if err != nil {
		return nil, err
	}
	tags = slices.Clone(k.Tags)
	slices.SortFunc(tags, func(a, b Tag) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return tags, nil
}

func auditTags(tags []Tag) []map[string]string {
	out := make([]map[string]string, len(tags))
	for i, t := range tags {
		out[i] = map[string]string{"tagKey": t.Key, "tagValue": t.Value}
	}
	return out
}
