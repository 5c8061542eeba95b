package pebble

import (
	"context"

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
	r := &reader{src: snap}
	err := fn(r)
	r.finish()
	if cerr := snap.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if serr := s.synced.wait(visible); serr != nil {
		return serr
	}
	return err
}
