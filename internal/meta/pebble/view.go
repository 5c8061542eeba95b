package pebble

import (
	"context"

	"github.com/coffer-s3/coffer/internal/meta"
)

// View implements meta.Store. It works on after the store turned
// read-only (meta.ErrReadOnly): what it reads was durable before. fn reads the newest snapshot that holds only
// durable batches (durableSnaps), so concurrent Updates neither block it
// nor show through, and View never waits for an fsync: every write it can
// see has already survived one.
func (s *Store) View(ctx context.Context, fn func(r meta.Reader) error) error {
	if err := s.begin(ctx, false); err != nil {
		return err
	}
	defer s.ops.Done()
	ref := s.snaps.acquire()
	if ref == nil {
		return meta.ErrClosed
	}
	defer s.snaps.release(ref)
	return runView(ref, fn)
}

// runView runs fn on ref's snapshot, then closes the iterators fn left
// open, even if fn panics.
func runView(ref *snapRef, fn func(r meta.Reader) error) error {
	r := &reader{src: ref.snap}
	defer r.finish()
	return fn(r)
}
