package rekey

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Source is one kind of record that holds keys or secrets under the
// master key, walked in meta key order.
type Source struct {
	// Name names the source in logs and status ("objects", "iam").
	Name string
	// Rewrap moves up to limit records at or after the meta key from
	// (nil: the start) to the current master key version and returns
	// where the next call starts (nil at the end), how many it moved and
	// how many it could not. It must be idempotent and must re-read each
	// record in the transaction that rewrites it.
	Rewrap func(ctx context.Context, from []byte, limit int) (next []byte, done, failed int, err error)
	// Count adds, per master key version, the keys or secrets under it.
	Count func(ctx context.Context, counts map[uint32]int64) error
}

// Options configure a Manager.
type Options struct {
	// Meta keeps the job's state. Required.
	Meta meta.Store
	// Keyring is the live master keyring that every component wraps
	// with. Required.
	Keyring *sse.Keyring
	// KeyFile is the master key file Keyring was loaded from, rewritten
	// on every rotation and retirement; "" when the key came from the
	// environment, which the server cannot change.
	KeyFile string
	// Sources are walked in order by each pass.
	Sources []Source
	// BatchSize is how many records one transaction re-wraps; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Registerer receives the job's metrics; nil registers none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	// Leases, when several nodes share the meta store and KeyFile,
	// serializes their rotations and retirements (lease "master-key"),
	// so that no two nodes rewrite the file from different views of it.
	// Nil on a single node.
	Leases *lease.Leases
}

// DefaultBatchSize keeps each re-wrap transaction short, so that it
// delays concurrent writes (meta serializes writers) by little.
const DefaultBatchSize = 32

// progressEvery is how many re-wrapped keys separate two progress log
// records of a pass.
const progressEvery = 10000

// Manager rotates and retires master key versions and runs the re-wrap
// job. It is safe for concurrent use.
type Manager struct {
	meta    meta.Store
	leases  *lease.Leases
	keyring *sse.Keyring
	keyFile string
	sources []Source
	batch   int
	log     *slog.Logger
	metrics jobMetrics

	// mu serializes rotations, retirements and job steps: a step must
	// not save a pass for a version a rotation has just superseded.
	mu   sync.Mutex
	wake chan struct{}
	// fileMu serializes this node's writes and reloads of the key file;
	// reloadPending asks its holder to reload when done (KeyFileChanged).
	fileMu        sync.Mutex
	reloadPending atomic.Bool
	// fence, set by RunFenced and guarded by mu, is the lease every
	// save of the job's state checks.
	fence *lease.Lease
}

// New returns a Manager. Start its job with Run.
func New(o Options) (*Manager, error) {
	if o.Meta == nil || o.Keyring == nil || o.Keyring.Current() == 0 {
		return nil, errors.New("rekey: Options.Meta and a Keyring with a key are required")
	}
	m := &Manager{meta: o.Meta, leases: o.Leases, keyring: o.Keyring, keyFile: o.KeyFile, sources: o.Sources,
		batch: o.BatchSize, log: o.Logger, wake: make(chan struct{}, 1)}
	if m.batch <= 0 {
		m.batch = DefaultBatchSize
	}
	if m.log == nil {
		m.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := m.register(o.Registerer); err != nil {
		return nil, err
	}
	return m, nil
}

// Run runs the re-wrap job until ctx ends: it finishes or resumes the
// pass its state in meta describes, starts a new one when the keyring's
// current version is newer than the last pass's, and then waits for the
// next rotation. Errors are logged and retried with backoff.
func (m *Manager) Run(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		done, err := m.Step(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			m.log.Warn("re-wrap job step failed; retrying", "err", err, "retry_in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			backoff = min(2*backoff, time.Minute)
		case done:
			backoff = time.Second
			select {
			case <-m.wake:
			case <-ctx.Done():
			}
		default:
			backoff = time.Second
		}
	}
}

// RunFenced is Run for the holder of ls, a lease that gives the job to
// one node of a cluster: every save of the job's cursor commits only
// while ls is still this node's.
func (m *Manager) RunFenced(ctx context.Context, ls lease.Lease) {
	m.mu.Lock()
	m.fence = &ls
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.fence = nil
		m.mu.Unlock()
	}()
	m.Run(ctx)
}

// Step does one batch of the job and saves its cursor. done is true when
// nothing is left to do for the current master key version.
func (m *Manager) Step(ctx context.Context) (done bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, found, err := loadState(ctx, m.meta)
	if err != nil {
		return false, err
	}
	current := m.keyring.Current()
	switch {
	case !found && len(m.keyring.Versions()) == 1:
		// Nothing was ever rotated: every wrap is under the one version.
		st = state{Target: current, Done: true}
		return true, saveState(ctx, m.meta, st, m.fence)
	case st.Target != current:
		m.log.Info("re-wrap job: new pass", "master_key_version", current)
		st = state{Target: current}
	case st.Done:
		m.metrics.pending.Set(0)
		return true, nil
	}
	m.metrics.pending.Set(1)
	if st.Source >= len(m.sources) {
		return m.finish(ctx, st)
	}
	src := m.sources[st.Source]
	next, n, failed, err := src.Rewrap(ctx, st.Cursor, m.batch)
	if err != nil {
		return false, err
	}
	if (st.Rewrapped+int64(n))/progressEvery > st.Rewrapped/progressEvery {
		m.log.Info("re-wrap job: progress", "source", src.Name, "master_key_version", st.Target,
			"rewrapped", st.Rewrapped+int64(n), "failed", st.Failed+int64(failed))
	}
	st.Rewrapped += int64(n)
	st.Failed += int64(failed)
	m.metrics.rewrapped.Add(float64(n))
	m.metrics.failed.Add(float64(failed))
	st.Cursor = next
	if next == nil {
		m.log.Info("re-wrap job: source done", "source", src.Name, "master_key_version", st.Target,
			"rewrapped", st.Rewrapped, "failed", st.Failed)
		st.Source++
	}
	if st.Source >= len(m.sources) {
		return m.finish(ctx, st)
	}
	return false, saveState(ctx, m.meta, st, m.fence)
}

func (m *Manager) finish(ctx context.Context, st state) (bool, error) {
	st.Done, st.Cursor = true, nil
	if err := saveState(ctx, m.meta, st, m.fence); err != nil {
		return false, err
	}
	m.metrics.pending.Set(0)
	m.log.Info("re-wrap job: pass done", "master_key_version", st.Target, "rewrapped", st.Rewrapped, "failed", st.Failed)
	return true, nil
}

// poke wakes Run for a new pass.
func (m *Manager) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}
