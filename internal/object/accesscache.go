package object

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// DefaultAccessTTL is how long a node serves a bucket's access state from
// its cache before reading it again. It is a second bound, by the
// service's clock, on how long a change made through another node
// sharing the meta store goes unseen here; the first is the cache sync
// (InvalidateAccessCache). Changes made through this node are seen by the
// next request. AWS documents the same eventual propagation for policy
// changes.
const DefaultAccessTTL = 5 * time.Second

// accessCacheSize bounds the buckets whose access state a Service keeps;
// when it is reached the cache starts over.
const accessCacheSize = 4096

// accessCache keeps each bucket's access state (owner, policy, Block
// Public Access of the bucket and its account) so that authorizing a
// request reads no meta once warm, and with it the bucket's default
// encryption, which every new object's write consults (writeKMS).
//
// Every write of that state goes through Service.updateAccess, which
// commits and then invalidates. A load takes the generation before it
// reads meta and stores its result only if no invalidation happened since;
// so a read racing a write can never put back what the write replaced.
type accessCache struct {
	mu  sync.RWMutex
	gen uint64
	m   map[string]accessEntry
}

type accessEntry struct {
	b *access.Bucket
	// enc is the default encryption of an existing bucket, and encErr
	// the error reading it (a damaged record fails only the writes that
	// need it, not every request to the bucket).
	enc    BucketEncryption
	encErr error
	loaded time.Time
}

// get returns bucket's cached state if it was loaded after notBefore.
func (c *accessCache) get(bucket string, notBefore time.Time) (accessEntry, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[bucket]
	if ok && e.loaded.After(notBefore) {
		return e, c.gen, true
	}
	return accessEntry{}, c.gen, false
}

// put stores e, loaded at now, unless the cache was invalidated after gen
// was read.
func (c *accessCache) put(bucket string, e accessEntry, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil || len(c.m) >= accessCacheSize {
		c.m = make(map[string]accessEntry)
	}
	e.loaded = now
	c.m[bucket] = e
}

// invalidate forgets every entry and fences off loads in flight. Writes of
// access state are rare, and an account's settings reach all its buckets,
// so everything goes.
func (c *accessCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}

// updateAccess runs fn in one meta transaction that changes some bucket's
// or account's access state, and then invalidates the access cache,
// whatever the outcome, before it returns. The transaction bumps the
// access change generation (cachesync), so that the other nodes sharing
// the meta store drop theirs within their sync interval
// (InvalidateAccessCache).
func (s *Service) updateAccess(ctx context.Context, fn func(tx meta.Txn) error) error {
	defer s.access.invalidate()
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		return cachesync.Bump(tx, cachesync.DomainAccess)
	})
}

// InvalidateAccessCache drops every bucket's cached access state and
// fences off loads in flight. A cachesync.Syncer calls it when another
// node changed some bucket's access state.
func (s *Service) InvalidateAccessCache() { s.access.invalidate() }

// BucketAccess returns bucket's access state: whether it exists, its
// owner, Object Ownership, policy and Block Public Access settings (the bucket's and its
// owner account's). Authorization asks it once per request; it is served
// from a per-node cache, fresh for changes made through this Service and
// at most AccessTTL old for changes made through another. The result is
// shared and must not be changed.
func (s *Service) BucketAccess(ctx context.Context, bucket string) (*access.Bucket, error) {
	e, err := s.accessState(ctx, bucket)
	if err != nil {
		return nil, err
	}
	return e.b, nil
}

// accessState returns bucket's cache entry, loading it on a miss.
func (s *Service) accessState(ctx context.Context, bucket string) (accessEntry, error) {
	now := s.clock.Now()
	e, gen, ok := s.access.get(bucket, now.Add(-s.accessTTL))
	if ok {
		return e, nil
	}
	e, err := s.loadAccess(ctx, bucket)
	if err != nil {
		return accessEntry{}, fmt.Errorf("bucket access %s: %w", bucket, err)
	}
	s.access.put(bucket, e, gen, now)
	return e, nil
}

// writeEncryption is the default encryption of bucket for a new object's
// write, from the access cache: a plain PUT then costs no meta read for
// it. It is as fresh as the access state (every change goes through
// updateAccess); GetBucketEncryption reads the stored record.
func (s *Service) writeEncryption(ctx context.Context, bucket string) (BucketEncryption, error) {
	if err := checkBucketName(bucket); err != nil {
		return BucketEncryption{}, err
	}
	e, err := s.accessState(ctx, bucket)
	if err != nil {
		return BucketEncryption{}, err
	}
	if !e.b.Exists {
		return BucketEncryption{}, ErrNoSuchBucket
	}
	return e.enc, e.encErr
}

// loadAccess reads bucket's access state from meta, in one snapshot.
func (s *Service) loadAccess(ctx context.Context, bucket string) (accessEntry, error) {
	var e accessEntry
	b := &access.Bucket{}
	if checkBucketName(bucket) != nil {
		return accessEntry{b: b}, nil
	}
	err := s.meta.View(ctx, func(r meta.Reader) error {
		*b = access.Bucket{}
		rec, err := s.bucket(r, bucket)
		if errors.Is(err, ErrNoSuchBucket) {
			return nil
		}
		if err != nil {
			return err
		}
		b.Exists, b.Owner, b.Ownership = true, rec.Owner, rec.ownership()
		v, err := r.Get(bucketConfigKey(bucket, configPolicy))
		switch {
		case err == nil:
			var pr policyRecord
			if err := decodeRecord(v, &pr); err != nil {
				return fmt.Errorf("policy record: %w", err)
			}
			// The document passed these checks when it was put; failing
			// now means a damaged record, and authorization fails closed.
			if b.Policy, err = ParseBucketPolicy([]byte(pr.Doc), bucket); err != nil {
				return fmt.Errorf("stored policy: %w", err)
			}
			b.PolicyPublic = policy.IsPublic(b.Policy)
		case !errors.Is(err, meta.ErrNotFound):
			return err
		}
		if b.Block, err = readBlock(r, bucketConfigKey(bucket, configPublicAccessBlock)); err != nil {
			return err
		}
		if b.AccountBlock, err = readBlock(r, accountConfigKey(rec.Owner, configPublicAccessBlock)); err != nil {
			return err
		}
		e.enc, e.encErr = readEncryption(r, bucket)
		return nil
	})
	if err != nil {
		return accessEntry{}, err
	}
	e.b = b
	return e, nil
}
