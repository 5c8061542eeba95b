package pebble

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/coffer-s3/coffer/internal/meta"
)

// syncTracker records the highest batch number known to be durable and lets
// callers wait for a given number.
//
// Batches are applied to Pebble one at a time under the writer lock, in the
// order of their numbers, so their WAL records are in that order too. Pebble
// syncs the WAL sequentially, so when batch n's sync completes every batch
// below n is durable as well: one high-water mark is enough.
type syncTracker struct {
	high atomic.Uint64 // fast path for wait

	mu      sync.Mutex
	err     error         // sticky: a failed sync makes the store read-only
	changed chan struct{} // closed and replaced whenever high or err changes
	// onFail is called once, with the sticky error, when it is set.
	onFail func(error)
}

func (t *syncTracker) init(onFail func(error)) {
	t.changed = make(chan struct{})
	t.onFail = onFail
}

// done records that batch n is durable, or that syncing it failed.
func (t *syncTracker) done(n uint64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		if t.err == nil {
			t.err = fmt.Errorf("meta/pebble: %w: wal write or sync failed: %w", meta.ErrReadOnly, err)
			if t.onFail != nil {
				t.onFail(t.err)
			}
		}
	} else if n > t.high.Load() {
		t.high.Store(n)
	} else {
		return
	}
	close(t.changed)
	t.changed = make(chan struct{})
}

// failed returns the sticky sync error, if any.
func (t *syncTracker) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// wait blocks until batch n is durable. It does not take a context: the
// wait is bounded by one WAL fsync, and giving up early would let a caller
// act on data that a crash could still take back.
func (t *syncTracker) wait(n uint64) error {
	for {
		if t.high.Load() >= n {
			return nil
		}
		t.mu.Lock()
		if t.err != nil {
			err := t.err
			t.mu.Unlock()
			return err
		}
		if t.high.Load() >= n {
			t.mu.Unlock()
			return nil
		}
		ch := t.changed
		t.mu.Unlock()
		<-ch
	}
}
