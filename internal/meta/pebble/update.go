package pebble

import (
	"context"
	"fmt"

	pebbledb "github.com/cockroachdb/pebble/v2"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Update implements meta.Store.
//
// Serializability: fn runs while holding the single writer slot, reading an
// indexed batch (its own writes layered over the live database). No other
// transaction commits while fn runs, so its reads and writes behave as if it
// ran alone; there are no conflicts and fn runs exactly once.
//
// Durability and group commit: the batch is applied with ApplyNoSyncWait
// under the writer slot, which writes it to the WAL and publishes it in
// order; the slot is then released and Update waits for the WAL fsync that
// covers the batch (SyncWait) before returning nil. While one committer
// waits for its fsync the next can already run fn and apply, so concurrent
// committers share fsyncs.
//
// That leaves a window in which a batch is visible but not yet durable. No
// caller can act on it: View reads a snapshot of durable batches only
// (durableSnaps), an Update that commits nothing waits before returning
// until every batch it could have seen is durable (syncTracker), and an
// Update that commits is itself ordered after everything it read in the
// WAL. A crash inside the window loses only writes whose Update had not
// returned nil.
//
// fn must not call Update on the same Store: it would wait for the writer
// slot it holds. Calling View from fn is fine.
func (s *Store) Update(ctx context.Context, fn func(tx meta.Txn) error) error {
	if err := s.begin(ctx, true); err != nil {
		return err
	}
	defer s.ops.Done()

	b, n, err := s.apply(ctx, fn)
	if b == nil {
		// Nothing was applied. fn may still have read batches that are
		// visible but not yet synced, and its result (an error or a
		// read-only success) may depend on them.
		if serr := s.synced.wait(n); serr != nil {
			return serr
		}
		return err
	}
	err = b.SyncWait()
	s.synced.done(n, err)
	if err != nil {
		// The sticky error: it says the store is now read-only.
		err = s.synced.failed()
	}
	if err == nil {
		// Before returning: every View that starts after this Update must
		// read a snapshot that contains it.
		s.snaps.promote(n)
	}
	if cerr := b.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("meta/pebble: commit: %w", err)
	}
	return nil
}

// apply runs fn under the writer slot and, if fn succeeds and wrote
// something, applies its batch without waiting for the sync. It returns the
// applied batch and its number, or a nil batch and the number of the last
// batch fn could have seen.
func (s *Store) apply(ctx context.Context, fn func(tx meta.Txn) error) (*pebbledb.Batch, uint64, error) {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	defer func() { <-s.writer }()

	b := s.db.NewIndexedBatch()
	tx := &txn{reader: reader{src: b}, b: b}
	applying := false
	defer func() {
		// Also runs if fn panics: close what fn left open and drop the
		// batch, so the panic does not leak iterators into Close.
		tx.finish()
		if !applying {
			_ = b.Close() // an unapplied batch holds nothing worth reporting
		}
	}()
	err := fn(tx)
	tx.finish()
	if err == nil {
		// The caller gave up; don't commit behind its back.
		err = ctx.Err()
	}
	if err != nil || b.Empty() {
		return nil, s.applied.Load(), err
	}
	applying = true
	// Number the batch before Pebble publishes it, so that a View loading
	// applied after taking its snapshot covers every batch it can see.
	n := s.applied.Add(1)
	if err := applyNoSyncWait(s.db, b); err != nil {
		// Batch n may be half-way into the WAL; nothing can be trusted to
		// become durable after this.
		s.synced.done(n, fmt.Errorf("apply: %w", err))
		return nil, n, s.synced.failed()
	}
	// Still under the writer slot, so the snapshot holds exactly batches
	// 1..n; it becomes View's once batch n is durable (durable.go).
	s.snaps.add(s.db.NewSnapshot(), n)
	return b, n, nil
}

// applyNoSyncWait applies b, turning Pebble's fatal commit error (its
// logger's Fatalf, which panics with a fatalError) into an error: the
// store then turns read-only instead of the panic taking down whichever
// goroutine happened to write.
func applyNoSyncWait(db *pebbledb.DB, b *pebbledb.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(fatalError)
			if !ok {
				panic(r)
			}
			err = fe
		}
	}()
	return db.ApplyNoSyncWait(b, pebbledb.Sync)
}

// txn implements meta.Txn over an indexed batch.
type txn struct {
	reader
	b *pebbledb.Batch
}

var _ meta.Txn = (*txn)(nil)

// Set implements meta.Txn. Pebble copies key and value into the batch.
func (t *txn) Set(key, value []byte) error {
	if t.isDone() {
		return errFinished
	}
	if err := t.b.Set(key, value, nil); err != nil {
		return fmt.Errorf("meta/pebble: set: %w", err)
	}
	return nil
}

// Delete implements meta.Txn.
func (t *txn) Delete(key []byte) error {
	if t.isDone() {
		return errFinished
	}
	if err := t.b.Delete(key, nil); err != nil {
		return fmt.Errorf("meta/pebble: delete: %w", err)
	}
	return nil
}
