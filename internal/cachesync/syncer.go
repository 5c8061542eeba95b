package cachesync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// DefaultInterval is how often a Syncer reads the generation records: the
// bound, plus one Scan, on how long a change made through another node
// goes unseen by this node's caches.
const DefaultInterval = time.Second

// Options configure a Syncer.
type Options struct {
	// Meta holds the generation records (required).
	Meta meta.Store
	// Interval is how often Run reads them (0 means DefaultInterval).
	Interval time.Duration
	// Invalidated, if set, is called for each domain a Sync drops (for
	// metrics: package metrics counts them; this package stays free of
	// the metrics client so that the object service can import it).
	Invalidated func(domain string)
	// Failed, if set, is called after each failed Sync.
	Failed func()
	// Synced, if set, is called after each Sync that read the records
	// (for metrics: a change committed before a Sync began is seen by
	// the caches once that Sync has returned).
	Synced func()
	// Logger gets failed reads; nil discards.
	Logger *slog.Logger
}

// Syncer watches the generation records of one meta store and calls each
// domain's subscribers when the domain changed. It is safe for concurrent
// use.
type Syncer struct {
	meta     meta.Store
	interval time.Duration
	log      *slog.Logger

	invalidated func(domain string)
	failed      func()
	synced      func()

	mu   sync.Mutex
	subs map[string][]func()
	// seen is every generation record's value at the last Sync; nil
	// before the first.
	seen map[string][]byte
	// broken is true after a Sync failed: the next good one calls every
	// subscriber, since changes may have been missed.
	broken bool
	// syncs counts completed Syncs.
	syncs atomic.Uint64
}

// New returns a Syncer. Subscribe the caches, then start Run.
func New(o Options) (*Syncer, error) {
	if o.Meta == nil {
		return nil, errors.New("cachesync: Options.Meta is required")
	}
	if o.Interval < 0 {
		return nil, fmt.Errorf("cachesync: negative interval %s", o.Interval)
	}
	s := &Syncer{meta: o.Meta, interval: o.Interval, log: o.Logger, subs: map[string][]func(){},
		invalidated: o.Invalidated, failed: o.Failed, synced: o.Synced}
	if s.interval == 0 {
		s.interval = DefaultInterval
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.invalidated == nil {
		s.invalidated = func(string) {}
	}
	if s.failed == nil {
		s.failed = func() {}
	}
	if s.synced == nil {
		s.synced = func() {}
	}
	return s, nil
}

// Interval returns how often Run syncs.
func (s *Syncer) Interval() time.Duration { return s.interval }

// Subscribe makes fn run after domain changed. fn must be quick and must
// not call the Syncer (typically it empties a cache).
func (s *Syncer) Subscribe(domain string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[domain] = append(s.subs[domain], fn)
}

// Sync reads every generation record once and calls the subscribers of
// each domain whose records changed since the last Sync. The first Sync,
// and the first after a failed one, calls every subscriber: what the
// caches hold may predate changes that were not seen. A failed Sync calls
// every subscriber too, so that a node that cannot read the records
// serves nothing it cached from before.
func (s *Syncer) Sync(ctx context.Context) error {
	cur, err := s.read(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed()
		s.broken = true
		s.notify(s.allDomains())
		return fmt.Errorf("cachesync: read generations: %w", err)
	}
	changed := map[string]bool{}
	if s.seen == nil || s.broken {
		changed = s.allDomains()
	}
	for k, v := range cur {
		if !bytes.Equal(s.seen[k], v) {
			changed[domainOf([]byte(k))] = true
		}
	}
	for k := range s.seen {
		if _, ok := cur[k]; !ok {
			changed[domainOf([]byte(k))] = true
		}
	}
	s.seen, s.broken = cur, false
	s.notify(changed)
	s.syncs.Add(1)
	s.synced()
	return nil
}

// Syncs returns how many Syncs have succeeded.
func (s *Syncer) Syncs() uint64 { return s.syncs.Load() }

// allDomains returns every subscribed domain. Callers hold mu.
func (s *Syncer) allDomains() map[string]bool {
	all := make(map[string]bool, len(s.subs))
	for d := range s.subs {
		all[d] = true
	}
	return all
}

// notify calls the subscribers of changed. Callers hold mu, which keeps
// two Syncs' calls in order.
func (s *Syncer) notify(changed map[string]bool) {
	for d := range changed {
		fns := s.subs[d]
		if len(fns) == 0 {
			continue
		}
		s.invalidated(d)
		for _, fn := range fns {
			fn()
		}
	}
}

// read returns every generation record, by key.
func (s *Syncer) read(ctx context.Context) (map[string][]byte, error) {
	cur := map[string][]byte{}
	err := s.meta.View(ctx, func(r meta.Reader) error {
		clear(cur)
		it := r.Scan(prefix, []byte{tableGen + 1}, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			cur[string(it.Key())] = bytes.Clone(it.Value())
		}
		return it.Err()
	})
	return cur, err
}

// Run syncs every interval until ctx ends, and also at once when the store
// notifies a change (meta.Notifier), if it can.
func (s *Syncer) Run(ctx context.Context) {
	var notes <-chan struct{}
	if n, ok := s.meta.(meta.Notifier); ok {
		ch, err := n.Watch(ctx, prefix)
		if err != nil {
			s.log.Warn("change notifications unavailable; polling only", "err", err)
		} else {
			notes = ch
		}
	}
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("cache sync failed; caches dropped", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case _, ok := <-notes:
			if !ok {
				notes = nil
			}
		}
	}
}
