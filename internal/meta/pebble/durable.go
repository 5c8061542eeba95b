package pebble

import (
	"sync"

	pebbledb "github.com/cockroachdb/pebble/v2"
)

// durableSnaps keeps the Pebble snapshot that View reads: the newest one
// that contains durable batches only.
//
// Pebble publishes a batch (makes it visible to new snapshots) before its
// WAL fsync completes, and Update relies on that for group commit. A View
// reading the live state could therefore see a batch a crash would still
// take back, and would have to wait for that batch's fsync before
// returning. Instead, Update takes a snapshot right after applying batch n,
// while it still holds the writer slot, so the snapshot holds exactly
// batches 1..n; when batch n is known durable that snapshot becomes the one
// View reads. A View thus never waits for an fsync, and a small-object PUT
// (a View to fail fast, then an Update) costs one group-commit fsync rather
// than two.
//
// Linearizability is kept: an Update promotes its snapshot before it
// returns nil, so every View that starts afterwards reads a snapshot that
// contains it, and the current snapshot only ever moves forward.
type durableSnaps struct {
	mu sync.Mutex
	// cur is what View reads; nil only after close.
	cur *snapRef
	// pending are snapshots of applied batches not yet known durable, in
	// batch order.
	pending []*snapRef
	closed  bool
}

// snapRef is a snapshot covering batches 1..n, shared by the Views reading
// it. It is closed when it is no longer current and no View holds it.
type snapRef struct {
	snap *pebbledb.Snapshot
	n    uint64
	refs int // guarded by durableSnaps.mu; being cur counts as one
}

// init makes snap, which covers batches 1..n, current.
func (d *durableSnaps) init(snap *pebbledb.Snapshot, n uint64) {
	d.cur = &snapRef{snap: snap, n: n, refs: 1}
}

// add records the snapshot taken right after batch n was applied. Callers
// hold the writer slot, so calls come in batch order.
func (d *durableSnaps) add(snap *pebbledb.Snapshot, n uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		_ = snap.Close()
		return
	}
	d.pending = append(d.pending, &snapRef{snap: snap, n: n})
}

// promote records that every batch up to n is durable: the newest pending
// snapshot at or below n becomes current, and the ones it supersedes are
// released.
func (d *durableSnaps) promote(n uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := 0
	for i < len(d.pending) && d.pending[i].n <= n {
		i++
	}
	if i == 0 || d.closed {
		return
	}
	next := d.pending[i-1]
	for _, old := range d.pending[:i-1] {
		_ = old.snap.Close() // never handed out: no View holds it
	}
	d.pending = append(d.pending[:0], d.pending[i:]...)
	next.refs = 1
	d.releaseLocked(d.cur)
	d.cur = next
}

// acquire returns the current snapshot, held until release; nil after
// close.
func (d *durableSnaps) acquire() *snapRef {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur == nil {
		return nil
	}
	d.cur.refs++
	return d.cur
}

// release gives back a snapshot returned by acquire.
func (d *durableSnaps) release(r *snapRef) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.releaseLocked(r)
}

func (d *durableSnaps) releaseLocked(r *snapRef) {
	r.refs--
	if r.refs == 0 {
		_ = r.snap.Close() // a snapshot holds nothing whose close can fail usefully
	}
}

// close releases every snapshot. Store.Close calls it once no View or
// Update runs, before closing the database.
func (d *durableSnaps) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.closed = true
	for _, p := range d.pending {
		_ = p.snap.Close()
	}
	d.pending = nil
	if d.cur != nil {
		d.releaseLocked(d.cur)
		d.cur = nil
	}
}
