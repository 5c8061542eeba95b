package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Retries of a transaction that lost a race. The backoff doubles from
// minBackoff up to maxBackoff, each pause drawn at random below it so that
// the losers do not collide again in step.
const (
	maxAttempts = 30
	minBackoff  = time.Millisecond
	maxBackoff  = 100 * time.Millisecond
)

// serialAfter is the attempt from which an Update first takes a
// transaction-scoped advisory lock (serialLockID), so that the Updates
// that keep losing run one at a time and stop conflicting with each
// other. PostgreSQL's predicate locks cover whole index pages: Updates
// that each check for a missing key and insert it, on neighbouring keys
// (new objects in one bucket), conflict with each other although they
// touch different keys, and under enough concurrency some lose every
// race. Only the losers serialize; the first attempts stay concurrent.
const serialAfter = 3

// serialLockID is the pg_advisory_xact_lock key of serialized Updates
// ("cofferS" in ASCII).
const serialLockID int64 = 0x636f6666657253

// commitTimeout bounds the COMMIT round trip. COMMIT does not follow the
// caller's ctx: once fn succeeded, a cancelled caller must still learn
// whether its writes committed, and that needs the answer.
const commitTimeout = time.Minute

// Update implements meta.Store: fn runs in a SERIALIZABLE transaction,
// again (up to maxAttempts) after a serialization failure or deadlock.
//
// fn must not call Update or View on the same Store while all pool
// connections are held by Updates: each needs its own connection.
func (s *Store) Update(ctx context.Context, fn func(tx meta.Txn) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.ops.Done()
	backoff := minBackoff
	var err error
	for attempt := 1; ; attempt++ {
		err = s.updateOnce(ctx, fn, attempt > serialAfter)
		if !retryable(err) {
			return err
		}
		s.retries.Add(1)
		if attempt == maxAttempts {
			break
		}
		t := time.NewTimer(rand.N(backoff) + time.Microsecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
	return fmt.Errorf("meta/postgres: %w after %d attempts: %w", meta.ErrConflict, maxAttempts, err)
}

// updateOnce runs fn once and commits. A serialization failure shows in
// its error for Update to retry, whatever fn made of it.
func (s *Store) updateOnce(ctx context.Context, fn func(tx meta.Txn) error, serial bool) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("meta/postgres: %w", err)
	}
	sess := &session{ctx: ctx, conn: conn, begin: beginUpdate, serial: serial, notify: s.notifyPrefixes}
	committed := false
	defer func() {
		// Also when fn panics: an open transaction is rolled back before
		// the connection goes back to the pool.
		sess.finish()
		if !committed {
			s.endAsync(sess, "ROLLBACK")
		}
	}()
	err = fn(&txn{sess})
	sess.finish()
	if sess.err != nil && (err == nil || retryable(sess.err)) {
		// The database refused something fn did: nothing can commit,
		// and a lost race is retried even if fn swallowed it.
		err = sess.err
	}
	if err == nil {
		// The caller gave up; don't commit behind its back.
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	if !sess.sent && len(sess.pending) == 0 {
		committed = true
		conn.Release()
		return nil // fn neither read nor wrote
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	var b pgx.Batch
	sess.queue(&b)
	if sess.touched != 0 {
		// Delivered only if the COMMIT succeeds, and one per
		// transaction however many keys it wrote.
		b.Queue(sqlNotify, s.channel, notifyPayload(s.notifyPrefixes, sess.touched))
	}
	var tag string
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct.String(); return nil })
	if err := sess.send(cctx, &b); err != nil {
		return err
	}
	committed = true
	conn.Release()
	if tag != "COMMIT" {
		// PostgreSQL answers COMMIT of a failed transaction with a
		// ROLLBACK tag instead of an error.
		return errors.New("meta/postgres: commit rolled back")
	}
	return nil
}

// endAsync ends sess's transaction with stmt (COMMIT or ROLLBACK) and
// returns its connection to the pool, without making the caller wait for
// the round trip: nothing the caller learns depends on it. A connection
// that fails to end its transaction is closed by the pool on release.
func (s *Store) endAsync(sess *session, stmt string) {
	if !sess.sent {
		sess.conn.Release()
		return
	}
	s.ops.Add(1)
	go func() {
		defer s.ops.Done()
		ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
		defer cancel()
		_, _ = sess.conn.Exec(ctx, stmt)
		sess.conn.Release()
	}()
}

// txn implements meta.Txn.
type txn struct{ s *session }

var _ meta.Txn = (*txn)(nil)

func (t *txn) Get(key []byte) ([]byte, error) { return t.s.get(key) }

func (t *txn) Scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	return t.s.scan(start, end, opts)
}

func (t *txn) Set(key, value []byte) error { return t.s.set(key, value, false) }

func (t *txn) Delete(key []byte) error { return t.s.set(key, nil, true) }
