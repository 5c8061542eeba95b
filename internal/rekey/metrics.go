package rekey

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names. They are an interface for dashboards: never rename them.
const (
	NameRewrapped      = "coffer_master_key_rewrapped_total"
	NameRewrapFailed   = "coffer_master_key_rewrap_failed_total"
	NameRewrapPending  = "coffer_master_key_rewrap_pending"
	NameVersions       = "coffer_master_key_versions"
	NameCurrentVersion = "coffer_master_key_current_version"
)

type jobMetrics struct {
	rewrapped, failed prometheus.Counter
	pending           prometheus.Gauge
}

// register registers the job's metrics on reg (nil: none are exported).
func (m *Manager) register(reg prometheus.Registerer) error {
	m.metrics = jobMetrics{
		rewrapped: prometheus.NewCounter(prometheus.CounterOpts{Name: NameRewrapped,
			Help: "Data keys and sealed secrets the re-wrap job moved to the current master key version."}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: NameRewrapFailed,
			Help: "Data keys and sealed secrets the re-wrap job could not move (unreadable or not opening); see the log."}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameRewrapPending,
			Help: "1 while a re-wrap pass is unfinished, else 0."}),
	}
	if reg == nil {
		return nil
	}
	cs := []prometheus.Collector{m.metrics.rewrapped, m.metrics.failed, m.metrics.pending,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: NameVersions,
			Help: "Master key versions the keyring holds; more than 1 means old versions remain to retire."},
			func() float64 { return float64(len(m.keyring.Versions())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: NameCurrentVersion,
			Help: "The master key version new keys and secrets are wrapped under."},
			func() float64 { return float64(m.keyring.Current()) }),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register master key metrics: %w", err)
		}
	}
	return nil
}
