package pebble

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	pebbledb "github.com/cockroachdb/pebble/v2"

	"github.com/coffer-s3/coffer/internal/meta"
)

// formatMajorVersion is the Pebble on-disk format this package writes. It is
// pinned rather than "newest" so that upgrading the Pebble module never
// ratchets the format of an existing data directory by itself: an older
// coffer can still open what a newer one wrote until this constant moves on
// purpose, in a release note.
const formatMajorVersion = pebbledb.FormatValueSeparation

// Store is a meta.Store backed by Pebble. It is safe for concurrent use.
type Store struct {
	db *pebbledb.DB

	// writer is a one-slot semaphore held while an Update's fn runs and its
	// batch is applied: the single writer that makes Update serializable.
	// A channel rather than a mutex so that waiting for it honours ctx.
	writer chan struct{}

	// applied numbers the batches handed to Pebble, in WAL order. It is
	// incremented, under writer, before a batch becomes visible.
	applied atomic.Uint64
	// synced tracks which of those batches are known to be on stable
	// storage.
	synced syncTracker
	// snaps holds the snapshot View reads: durable batches only.
	snaps durableSnaps

	mu     sync.Mutex // guards closed and the Add side of ops
	closed bool
	ops    sync.WaitGroup // running View and Update calls

	// health follows the engine's background errors (health.go).
	health health
}

var _ meta.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir.
func Open(dir string, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	cache := pebbledb.NewCache(opts.CacheSize)
	// The DB takes its own reference; ours is only needed until Open returns.
	defer cache.Unref()
	s := &Store{writer: make(chan struct{}, 1)}
	s.health.log = opts.Logger
	listener := s.health.listener()
	db, err := pebbledb.Open(dir, &pebbledb.Options{
		Cache:              cache,
		FS:                 opts.FS,
		FormatMajorVersion: formatMajorVersion,
		Logger:             logger{opts.Logger},
		MemTableSize:       opts.MemTableSize,
		EventListener:      &listener,
	})
	if err != nil {
		return nil, fmt.Errorf("meta/pebble: open %s: %w", dir, err)
	}
	s.db = db
	s.synced.init(func(err error) {
		opts.Logger.Error("metadata store is read-only: a write could not be made durable; reads go on, "+
			"writes answer 503 until coffer is restarted with the cause fixed (for a full disk: free space first)",
			"component", "pebble", "err", err)
	})
	// Nothing has been applied yet: everything in the database was
	// recovered from disk, so the first snapshot is durable as it stands.
	s.snaps.init(db.NewSnapshot(), 0)
	return s, nil
}

// begin registers a running call, or fails if the store is closed or ctx
// is done, or, for a write, if the store turned read-only. A nil error
// must be paired with s.ops.Done().
func (s *Store) begin(ctx context.Context, write bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return meta.ErrClosed
	}
	if write {
		if err := s.synced.failed(); err != nil {
			return err
		}
	}
	s.ops.Add(1)
	return nil
}

// Close waits for running calls to return, then closes the database.
// Calls made after Close starts return meta.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.ops.Wait()
	s.snaps.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("meta/pebble: close: %w", err)
	}
	return nil
}

// errFinished reports use of a Reader, Txn or Iterator after the fn it was
// given to returned, which the meta.Store contract forbids.
var errFinished = errors.New("meta/pebble: transaction used after its fn returned")
