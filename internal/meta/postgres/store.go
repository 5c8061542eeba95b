package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Logger receives what the store reports; nil discards it.
	Logger *slog.Logger
	// MaxConns bounds the connection pool. Zero means the URL's
	// pool_max_conns if it has one, else defaultMaxConns.
	MaxConns int32
	// NotifyPrefixes are the key prefixes whose writes notify watchers
	// (meta.Notifier, on this and every other store on the database):
	// a committing Update that wrote under one sends a NOTIFY with its
	// COMMIT. Every store sharing a database must be given the same
	// ones. Keep them to rarely written keys: a notifying commit takes a
	// database-wide lock. Nil: no commit notifies and Watch fails.
	NotifyPrefixes [][]byte

	// tracer, if set (by tests), sees every query and batch sent.
	tracer pgx.QueryTracer
}

// defaultMaxConns is the pool size when neither Options nor the URL set
// one. pgxpool's own default (the number of CPUs, at least 4) is too few
// for a server whose requests each hold a connection for a transaction.
const defaultMaxConns = 32

// Store is a meta.Store in PostgreSQL. It is safe for concurrent use, by
// several processes on several machines too.
type Store struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	// viewBegin starts a View's transaction: beginView; benchmarks
	// compare it with other isolation levels.
	viewBegin string
	// viewEndSync makes View wait for its COMMIT, for the benchmark that
	// compares it with sending the COMMIT after View returned.
	viewEndSync bool

	// notifyPrefixes are Options.NotifyPrefixes; channel is the
	// NOTIFY channel of the store's table (notify.go).
	notifyPrefixes [][]byte
	channel        string

	mu     sync.Mutex // guards closed and the Add side of ops
	closed bool
	// listener holds the LISTEN connection, from the first Watch on.
	listener *listener
	// retries counts Update attempts lost to a serialization failure or
	// deadlock, for benchmarks and tests.
	retries atomic.Int64

	// ops counts running View and Update calls and the COMMITs of Views
	// that already returned (see View), so that Close waits for them.
	ops sync.WaitGroup
}

var _ meta.Store = (*Store)(nil)

// Open connects to the database at url (postgres://… or postgresql://…,
// or a key=value connection string) and creates or migrates coffer's
// tables. Several coffers may Open the same database at once.
//
// Errors never contain url's password.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if err := checkNotifyPrefixes(opts.NotifyPrefixes); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("meta/postgres: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = defaultMaxConns
	}
	// Update returning nil promises durability: COMMIT must wait for
	// the WAL flush whatever the server or role default says.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	// Every query is a key lookup or a key range: an index serves it.
	// A sequential scan, which the planner picks for small tables, would
	// take a predicate lock on the whole table, so that every
	// SERIALIZABLE Update conflicted with every other.
	cfg.ConnConfig.RuntimeParams["enable_seqscan"] = "off"
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "coffer"
	}
	if opts.tracer != nil {
		cfg.ConnConfig.Tracer = opts.tracer
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("meta/postgres: %w", err)
	}
	if err := migrate(ctx, pool, log); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, log: log, viewBegin: beginView}
	if len(opts.NotifyPrefixes) > 0 {
		var oid uint32
		if err := pool.QueryRow(ctx, sqlTableOID).Scan(&oid); err != nil {
			pool.Close()
			return nil, fmt.Errorf("meta/postgres: find the notification channel: %w", err)
		}
		s.channel = notifyChannel(oid)
		for _, p := range opts.NotifyPrefixes {
			s.notifyPrefixes = append(s.notifyPrefixes, bytes.Clone(p))
		}
	}
	return s, nil
}

// begin registers a running call, or fails if ctx is done or the store is
// closed. A nil error must be paired with s.ops.Done().
func (s *Store) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return meta.ErrClosed
	}
	s.ops.Add(1)
	return nil
}

// Close stops the listener, which closes every Watch's channel, waits for
// running calls, then closes the pool. Calls made after Close starts
// return meta.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	l := s.listener
	s.mu.Unlock()
	if l != nil {
		l.stop()
	}
	s.ops.Wait()
	s.pool.Close()
	return nil
}

// healthTimeout bounds Health's round trip: a database that takes longer
// to answer a ping is not one to send requests to.
const healthTimeout = 2 * time.Second

// Health reports whether the database answers: nil, or why not.
// /health/ready follows it, so that a load balancer stops sending
// requests to a node that lost its database.
func (s *Store) Health() error {
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.ops.Done()
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("meta/postgres: database unreachable: %w", err)
	}
	return nil
}

// errFinished reports use of a Reader, Txn or Iterator after the fn it was
// given to returned, which the meta.Store contract forbids.
var errFinished = errors.New("meta/postgres: transaction used after its fn returned")
