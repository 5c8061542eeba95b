package pebble

import (
	"context"

	pebbledb "github.com/cockroachdb/pebble/v2"

	"github.com/coffer-s3/coffer/internal/meta"
)

// View implements meta.Store. fn reads a Pebble snapshot, so concurrent
// Updates neither block it nor show through.
//
// Before returning, View waits until every batch its snapshot could contain
// is durable (see update.go): a caller never acts on a write that a crash
// could still take back.
func (s *Store) View(ctx context.Context, fn func(r meta.Reader) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.ops.Done()
	snap := s.db.NewSnapshot()
	// Loaded after the snapshot is taken: every batch visible in it was
	// numbered before it was published, so this bounds them all.
	visible := s.applied.Load()
	err := runView(snap, fn)
	if serr := s.synced.wait(visible); serr != nil {
		return serr
	}
	return err
}

// runView runs fn on snap, then closes the iterators fn left open and the
// snapshot, even if fn panics.
func runView(snap *pebbledb.Snapshot, fn func(r meta.Reader) error) (err error) {
	r := &reader{src: snap}
	defer func() {
		r.finish()
		if cerr := snap.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(r)
}
