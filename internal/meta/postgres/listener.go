package postgres

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Reconnection of the listener: the pause after a failure doubles from
// listenMinBackoff up to listenMaxBackoff, each drawn at random below it
// so that the nodes of a cluster do not all reconnect in step after the
// database restarted.
const (
	listenMinBackoff = 50 * time.Millisecond
	listenMaxBackoff = 10 * time.Second
	// listenConnectTimeout bounds one attempt to connect and LISTEN;
	// Watch waits for the first.
	listenConnectTimeout = 5 * time.Second
	// listenPingInterval is how long the listener waits for a
	// notification before it checks that the connection is alive: a
	// connection cut without a reset (a partition) would otherwise go
	// unnoticed for as long as TCP keepalive takes.
	listenPingInterval = 30 * time.Second
)

// watcher is one Watch: told (without blocking) when a commit wrote under
// prefix.
type watcher struct {
	prefix []byte
	ch     chan struct{}
}

// listener holds the store's one LISTEN connection and its watchers.
type listener struct {
	cfg     *pgx.ConnConfig
	channel string
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	ready  chan struct{} // closed after the first attempt to LISTEN
	done   chan struct{} // closed when run returns

	// pid is the server process of the current connection, 0 while
	// there is none (for tests that cut it).
	pid atomic.Uint32

	mu       sync.Mutex
	watchers map[*watcher]struct{}
	stopped  bool // run returned: new watchers are closed at once
}

func newListener(cfg *pgx.ConnConfig, channel string, log *slog.Logger) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	return &listener{cfg: cfg, channel: channel, log: log, ctx: ctx, cancel: cancel,
		ready: make(chan struct{}), done: make(chan struct{}), watchers: map[*watcher]struct{}{}}
}

func (l *listener) start() { go l.run() }

// stop ends the connection and closes every watcher's channel.
func (l *listener) stop() {
	l.cancel()
	<-l.done
}

func (l *listener) add(w *watcher) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		close(w.ch)
		return
	}
	l.watchers[w] = struct{}{}
}

func (l *listener) remove(w *watcher) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.watchers[w]; ok {
		delete(l.watchers, w)
		close(w.ch)
	}
}

// tell wakes the watchers a write under one of prefixes may concern, or
// all of them when prefixes is nil. A watcher already holding a value
// is not told twice: one value stands for many commits.
func (l *listener) tell(prefixes [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		if prefixes != nil && !overlapsAny(w.prefix, prefixes) {
			continue
		}
		select {
		case w.ch <- struct{}{}:
		default:
		}
	}
}

func overlapsAny(watched []byte, notified [][]byte) bool {
	for _, n := range notified {
		if overlaps(watched, n) {
			return true
		}
	}
	return false
}

// run keeps a connection listening until stop, reconnecting with backoff.
// Notifications sent while it was down are lost, so after a reconnection
// every watcher is told once: it reads again instead of waiting for its
// next poll.
func (l *listener) run() {
	defer func() {
		l.mu.Lock()
		l.stopped = true
		l.mu.Unlock()
		close(l.done)
	}()
	first, missed := true, false
	backoff := listenMinBackoff
	for {
		conn, err := l.connect()
		if first {
			close(l.ready)
			first = false
		}
		if err == nil {
			if missed {
				l.log.Info("change notifications resumed", "component", "postgres")
				l.tell(nil)
			}
			backoff = listenMinBackoff
			err = l.serve(conn)
			l.pid.Store(0)
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(cctx)
			cancel()
		}
		if l.ctx.Err() != nil {
			return
		}
		missed = true
		pause := rand.N(backoff) + time.Millisecond
		l.log.Warn("change notifications interrupted; caches fall back to polling until reconnected",
			"component", "postgres", "err", err, "retry_in", pause.Round(time.Millisecond))
		select {
		case <-l.ctx.Done():
			return
		case <-time.After(pause):
		}
		backoff = min(2*backoff, listenMaxBackoff)
	}
}

// connect opens a connection and LISTENs on the channel.
func (l *listener) connect() (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(l.ctx, listenConnectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, l.cfg.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	l.pid.Store(conn.PgConn().PID())
	return conn, nil
}

// serve passes conn's notifications to the watchers until conn fails or
// the listener stops.
func (l *listener) serve(conn *pgx.Conn) error {
	for {
		ctx, cancel := context.WithTimeout(l.ctx, listenPingInterval)
		n, err := conn.WaitForNotification(ctx)
		cancel()
		switch {
		case err == nil:
			prefixes, ok := parsePayload(n.Payload)
			if !ok {
				prefixes = nil
			}
			l.tell(prefixes)
		case l.ctx.Err() != nil:
			return l.ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			pctx, cancel := context.WithTimeout(l.ctx, listenConnectTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}
