package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names of the cache sync between nodes (package cachesync). They
// are an interface for dashboards: never rename them.
const (
	NameCacheInvalidations = "coffer_cache_invalidations_total"
	NameCacheSyncErrors    = "coffer_cache_sync_errors_total"
	NameCacheSyncs         = "coffer_cache_syncs_total"
)

// CacheSync counts what the cache syncer drops.
type CacheSync struct {
	invalidations *prometheus.CounterVec
	errs          prometheus.Counter
	syncs         prometheus.Counter
}

// NewCacheSync creates the cache sync metrics and registers them on reg,
// with a zero series for each of domains.
func NewCacheSync(reg prometheus.Registerer, domains ...string) (*CacheSync, error) {
	m := &CacheSync{
		invalidations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: NameCacheInvalidations,
			Help: "Cache domains dropped because the metadata store's change generation of the domain moved (a change made through any node)."},
			[]string{"domain"}),
		errs: prometheus.NewCounter(prometheus.CounterOpts{Name: NameCacheSyncErrors,
			Help: "Failed reads of the change generations; every cache is dropped after one."}),
		syncs: prometheus.NewCounter(prometheus.CounterOpts{Name: NameCacheSyncs,
			Help: "Completed reads of the change generations: a change committed through any node before one began is seen by this node's caches once it has completed."}),
	}
	for _, c := range []prometheus.Collector{m.invalidations, m.errs, m.syncs} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register cache sync metrics: %w", err)
		}
	}
	for _, d := range domains {
		m.invalidations.WithLabelValues(d)
	}
	return m, nil
}

// Invalidated counts one drop of domain's caches.
func (m *CacheSync) Invalidated(domain string) { m.invalidations.WithLabelValues(domain).Inc() }

// Failed counts one failed read of the change generations.
func (m *CacheSync) Failed() { m.errs.Inc() }

// Synced counts one completed read of the change generations.
func (m *CacheSync) Synced() { m.syncs.Inc() }
