package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Statements sent for every transaction.
const (
	beginUpdate = "BEGIN ISOLATION LEVEL SERIALIZABLE"
	beginView   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	sqlGet      = "SELECT value FROM coffer_kv WHERE key = $1"
	// Writes are coalesced per key (the last one wins), so one
	// statement never touches a key twice, which ON CONFLICT forbids.
	sqlUpsert = `INSERT INTO coffer_kv (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[])
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`
	sqlDelete = "DELETE FROM coffer_kv WHERE key = ANY($1::bytea[])"
)

// session is one View's or Update's transaction on one connection. It
// holds back statements until a read needs an answer: BEGIN goes out with
// the first read, buffered writes with the next read or with COMMIT, so
// that each round trip carries everything pending.
type session struct {
	ctx   context.Context // the View's or Update's; reads honour it
	conn  *pgxpool.Conn
	begin string // the BEGIN statement, until it is sent
	sent  bool   // BEGIN went out: the server has a transaction open
	// serial makes the transaction take the advisory lock that
	// serializes Updates that lost too often (serialAfter).
	serial bool
	// notify are the store's notify prefixes; touched has bit i set once
	// the transaction wrote under notify[i] (notify.go).
	notify  [][]byte
	touched uint64

	// pending holds the writes not yet sent, by key; a nil value with
	// deleted set is a Delete.
	pending map[string]write
	// err is the first error the database returned; a transaction that
	// saw one commits nothing.
	err   error
	done  bool
	iters []*iterator
}

type write struct {
	value   []byte
	deleted bool
}

// queue adds what must precede a read to b: BEGIN if not sent yet, then
// the pending writes.
func (s *session) queue(b *pgx.Batch) {
	if !s.sent {
		b.Queue(s.begin)
		if s.serial {
			b.Queue("SELECT pg_advisory_xact_lock($1)", serialLockID)
		}
	}
	if len(s.pending) == 0 {
		return
	}
	var setK, setV, delK [][]byte
	for k, w := range s.pending {
		if w.deleted {
			delK = append(delK, []byte(k))
		} else {
			setK, setV = append(setK, []byte(k)), append(setV, w.value)
		}
	}
	if len(delK) > 0 {
		b.Queue(sqlDelete, delK)
	}
	if len(setK) > 0 {
		b.Queue(sqlUpsert, setK, setV)
	}
}

// send sends b, which queue prepared, and reads its results, running the
// callbacks b's queries registered. Afterwards the writes are the
// server's to remember.
func (s *session) send(ctx context.Context, b *pgx.Batch) error {
	if s.err != nil {
		return s.err
	}
	err := s.conn.SendBatch(ctx, b).Close()
	s.sent = true
	clear(s.pending)
	if err != nil {
		s.err = classify(err)
		return fmt.Errorf("meta/postgres: %w", s.err)
	}
	return nil
}

// get implements meta.Reader.Get.
func (s *session) get(key []byte) ([]byte, error) {
	if s.done {
		return nil, errFinished
	}
	if w, ok := s.pending[string(key)]; ok {
		// The transaction's own write answers without asking: it wins
		// over whatever the database holds.
		if w.deleted {
			return nil, meta.ErrNotFound
		}
		return bytes.Clone(w.value), nil
	}
	var b pgx.Batch
	s.queue(&b)
	var value []byte
	found := false
	b.Queue(sqlGet, key).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&value)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err := s.send(s.ctx, &b); err != nil {
		return nil, err
	}
	if !found {
		return nil, meta.ErrNotFound
	}
	if value == nil {
		value = []byte{}
	}
	return value, nil
}

// set records a write; it reaches the database with the next round trip.
func (s *session) set(key, value []byte, deleted bool) error {
	if s.done {
		return errFinished
	}
	if s.pending == nil {
		s.pending = make(map[string]write)
	}
	if len(s.notify) > 0 {
		s.touched |= touched(s.notify, key)
	}
	var v []byte
	if !deleted {
		v = bytes.Clone(value)
		if v == nil {
			v = []byte{}
		}
	}
	s.pending[string(key)] = write{value: v, deleted: deleted}
	return nil
}

// finish closes the iterators fn left open and makes the session unusable
// from fn's leftovers.
func (s *session) finish() {
	for _, it := range s.iters {
		_ = it.Close()
	}
	s.iters = nil
	s.done = true
}
