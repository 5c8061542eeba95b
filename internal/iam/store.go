package iam

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Options configure a Store.
type Options struct {
	// Meta keeps every IAM record (required).
	Meta meta.Store
	// Keyring seals access-key secrets at rest (required).
	Keyring *sse.Keyring
	// Clock dates entities and answers aws:CurrentTime (default real).
	Clock clock.Clock
	// Logger gets warnings; nil discards.
	Logger *slog.Logger
	// Region is recorded as an access key's last-used region.
	Region string
	// Buckets gives each bucket's owner, policy and Block Public Access
	// settings. Without it every bucket is treated as the caller's own
	// and has no policy, which is right only while there is a single
	// account.
	Buckets Buckets
	// LastUsedInterval is the most often a key's last use is written to
	// meta (default one hour; AWS reports it coarsely too).
	LastUsedInterval time.Duration
}

// Validate checks the required options.
func (o *Options) Validate() error {
	switch {
	case o.Meta == nil:
		return errors.New("iam: Options.Meta is required")
	case o.Keyring == nil || o.Keyring.Current() == 0:
		return errors.New("iam: Options.Keyring with a master key is required")
	}
	return nil
}

// Store keeps accounts, users, groups, roles, access keys and policies in
// meta. It looks up credentials (sigv4.Credentials) and authorizes
// requests (Authorizer) from an in-memory cache that every mutation
// invalidates before it returns, and that a cache syncer invalidates when
// another node sharing the meta store changed something
// (InvalidateCache, docs/cluster.md). It is safe for concurrent use.
type Store struct {
	meta     meta.Store
	keyring  *sse.Keyring
	clock    clock.Clock
	log      *slog.Logger
	region   string
	interval time.Duration

	buckets Buckets

	cache cache

	usedMu sync.Mutex
	used   map[string]keyUse
}

// New returns a Store. Call Bootstrap before serving requests.
func New(o Options) (*Store, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	s := &Store{meta: o.Meta, keyring: o.Keyring, clock: o.Clock, log: o.Logger,
		region: o.Region, interval: o.LastUsedInterval, used: map[string]keyUse{},
		buckets: o.Buckets}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.interval <= 0 {
		s.interval = time.Hour
	}
	s.cache.init()
	return s, nil
}

// update runs fn in one meta transaction and, whatever its outcome,
// invalidates the cache before returning, so that a change is seen by the
// next request through this node once the caller is told it happened.
//
// The transaction also bumps the IAM change generation (cachesync), so
// that every other node sharing the meta store drops its cache within its
// sync interval (InvalidateCache).
func (s *Store) update(ctx context.Context, fn func(tx meta.Txn) error) error {
	defer s.cache.invalidate()
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		return cachesync.Bump(tx, cachesync.DomainIAM)
	})
}

// InvalidateCache drops every cached credential and identity, and fences
// off loads in flight. A cachesync.Syncer calls it when another node
// changed an IAM record.
func (s *Store) InvalidateCache() { s.cache.invalidate() }

func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }
