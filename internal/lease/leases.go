package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
)

// DefaultTTL is how long a lease lasts without renewal: how long the
// engines of a dead node stay stopped before another node takes them over.
const DefaultTTL = 15 * time.Second

// Metric names. They are an interface for dashboards: never rename them.
const (
	NameHeld      = "coffer_lease_held"
	NameTakeovers = "coffer_lease_takeovers_total"
	NameNodeInfo  = "coffer_node_info"
)

// Options configure Leases.
type Options struct {
	// Meta keeps the lease records (required).
	Meta meta.Store
	// Node is this node's id (default NewNodeID()).
	Node string
	// Clock dates expiries (default real).
	Clock clock.Clock
	// TTL is each lease's lifetime without renewal (0 means DefaultTTL).
	TTL time.Duration
	// Registerer receives the metrics; nil registers none.
	Registerer prometheus.Registerer
	// Logger gets acquisitions and losses; nil discards.
	Logger *slog.Logger
	// Exclusive says no other process can use Meta (an embedded store
	// that locks its directory): a lease held by another node id is then
	// a dead process's, and is taken at once instead of after its expiry,
	// so that a restart after a crash does not hold the engines back.
	Exclusive bool
}

// Leases acquires, renews and releases the leases of one node. It is safe
// for concurrent use.
type Leases struct {
	meta  meta.Store
	node  string
	clock clock.Clock
	ttl   time.Duration
	log   *slog.Logger
	// exclusive: see Options.Exclusive.
	exclusive bool

	held      *prometheus.GaugeVec
	takeovers *prometheus.CounterVec
}

// NewNodeID returns a random node id: each process start is a new node,
// so a restarted node never mistakes its predecessor's lease for its own.
func NewNodeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

// New returns Leases for o.Node.
func New(o Options) (*Leases, error) {
	if o.Meta == nil {
		return nil, errors.New("lease: Options.Meta is required")
	}
	l := &Leases{meta: o.Meta, node: o.Node, clock: o.Clock, ttl: o.TTL, log: o.Logger, exclusive: o.Exclusive}
	if l.node == "" {
		l.node = NewNodeID()
	}
	if l.clock == nil {
		l.clock = clock.Real{}
	}
	if l.ttl <= 0 {
		l.ttl = DefaultTTL
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	l.held = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: NameHeld,
		Help: "1 while this node holds the lease of a background engine, else 0."}, []string{"lease"})
	l.takeovers = prometheus.NewCounterVec(prometheus.CounterOpts{Name: NameTakeovers,
		Help: "Leases this node took over from a node that stopped renewing them."}, []string{"lease"})
	if o.Registerer != nil {
		info := prometheus.NewGauge(prometheus.GaugeOpts{Name: NameNodeInfo,
			Help: "Always 1; its label is this process's node id, as in the logs.", ConstLabels: prometheus.Labels{"node_id": l.node}})
		info.Set(1)
		for _, c := range []prometheus.Collector{l.held, l.takeovers, info} {
			if err := o.Registerer.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// Node returns this node's id.
func (l *Leases) Node() string { return l.node }

// TTL returns a lease's lifetime without renewal.
func (l *Leases) TTL() time.Duration { return l.ttl }

// Acquire takes the lease name for this node, or fails with ErrHeld while
// another node holds it unexpired. Acquiring a lease the node already
// holds renews it.
func (l *Leases) Acquire(ctx context.Context, name string) (Lease, error) {
	ls, taken, err := acquire(ctx, l.meta, name, l.node, l.clock.Now(), l.ttl, l.exclusive)
	if err != nil {
		return ls, err
	}
	if taken {
		l.takeovers.WithLabelValues(name).Inc()
		l.log.Info("lease taken over from a node that stopped renewing it", "lease", name, "token", ls.Token)
	}
	l.held.WithLabelValues(name).Set(1)
	return ls, nil
}

// Renew extends ls by the TTL, or fails with ErrLost if another node took
// it over.
func (l *Leases) Renew(ctx context.Context, ls Lease) (Lease, error) {
	ls, err := renew(ctx, l.meta, ls, l.clock.Now(), l.ttl)
	if errors.Is(err, ErrLost) {
		l.held.WithLabelValues(ls.Name).Set(0)
	}
	return ls, err
}

// Release gives ls up, so that another node can take it without waiting
// for it to expire.
func (l *Leases) Release(ctx context.Context, ls Lease) error {
	l.held.WithLabelValues(ls.Name).Set(0)
	return release(ctx, l.meta, ls)
}
