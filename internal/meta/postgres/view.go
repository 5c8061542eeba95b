package postgres

import (
	"context"

	"github.com/coffer-s3/coffer/internal/meta"
)

// View implements meta.Store: fn reads one REPEATABLE READ READ ONLY
// snapshot. BEGIN goes out with fn's first read and the COMMIT after View
// returns (endAsync), so a View with a single Get costs its caller one
// round trip; a View that reads nothing costs none.
func (s *Store) View(ctx context.Context, fn func(r meta.Reader) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.ops.Done()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	sess := &session{ctx: ctx, conn: conn, begin: s.viewBegin}
	defer func() {
		sess.finish()
		if s.viewEndSync && sess.sent {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "COMMIT")
			conn.Release()
			return
		}
		s.endAsync(sess, "COMMIT")
	}()
	return fn(reader{sess})
}

// reader implements meta.Reader.
type reader struct{ s *session }

func (r reader) Get(key []byte) ([]byte, error) { return r.s.get(key) }

func (r reader) Scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	return r.s.scan(start, end, opts)
}
