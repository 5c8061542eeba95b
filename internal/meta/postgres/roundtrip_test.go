package postgres

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// sendCounter counts what the store sends: batches (one round trip each,
// statements prepared before) and single queries.
type sendCounter struct{ batches, queries atomic.Int64 }

func (c *sendCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	return ctx
}
func (c *sendCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *sendCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.batches.Add(1)
	return ctx
}
func (c *sendCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *sendCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestRoundTrips pins the round trips of the hot paths: what a caller
// waits for before View or Update returns.
func TestRoundTrips(t *testing.T) {
	var c sendCounter
	s, err := Open(context.Background(), pgtest.URL(t), Options{tracer: &c})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	view := func(r meta.Reader) error {
		_, err := r.Get([]byte("k"))
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		return err
	}
	blind := func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) }
	rmw := func(tx meta.Txn) error {
		if _, err := tx.Get([]byte("k")); err != nil {
			return err
		}
		return tx.Set([]byte("k"), []byte("v2"))
	}
	// Once each first, so that the statements are prepared.
	for _, warm := range []error{s.Update(ctx, blind), s.Update(ctx, rmw), s.View(ctx, view)} {
		if warm != nil {
			t.Fatal(warm)
		}
	}
	tests := []struct {
		name    string
		run     func() error
		batches int64
	}{
		{"View with one Get", func() error { return s.View(ctx, view) }, 1},
		{"View that reads nothing", func() error { return s.View(ctx, func(meta.Reader) error { return nil }) }, 0},
		{"Update of blind writes", func() error { return s.Update(ctx, blind) }, 1},
		{"Update reading, then writing", func() error { return s.Update(ctx, rmw) }, 2},
		{"Update reading its own write", func() error {
			return s.Update(ctx, func(tx meta.Txn) error {
				if err := tx.Set([]byte("k"), []byte("v3")); err != nil {
					return err
				}
				_, err := tx.Get([]byte("k"))
				return err
			})
		}, 1},
	}
	for _, tt := range tests {
		s.ops.Wait() // the COMMITs of earlier Views
		c.batches.Store(0)
		c.queries.Store(0)
		if err := tt.run(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		// The COMMIT of a View goes out after View returned, as a query.
		if got := c.batches.Load(); got != tt.batches {
			t.Errorf("%s: %d round trips before returning, want %d", tt.name, got, tt.batches)
		}
		// Nothing else is sent: at most that COMMIT.
		s.ops.Wait()
		if got := c.queries.Load(); got > 1 || (got == 1 && !strings.HasPrefix(tt.name, "View")) {
			t.Errorf("%s: %d statements sent outside batches", tt.name, got)
		}
	}
}
