package tlsreload

import (
	"crypto/tls"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names. Alerts depend on them ("certificate expires within 14
// days", "reload failed"), so they must not change.
const (
	NameExpiry  = "coffer_tls_certificate_expiry_timestamp_seconds"
	NameReloads = "coffer_tls_certificate_reloads_total"
)

// reloadMetrics are the Reloader's metrics; a nil registerer still gets
// working (unexported) collectors so that the Reloader needs no nil checks.
type reloadMetrics struct {
	expiry  prometheus.Gauge
	reloads *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*reloadMetrics, error) {
	m := &reloadMetrics{
		expiry: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: NameExpiry,
			Help: "NotAfter of the certificate new TLS handshakes are served, in seconds since the Unix epoch.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameReloads,
			Help: "Certificate reloads after the files changed on disk, by result (success or failure).",
		}, []string{"result"}),
	}
	// Both results exist from the start, so an alert on failures sees 0
	// rather than no series.
	m.reloads.WithLabelValues("success")
	m.reloads.WithLabelValues("failure")
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.expiry, m.reloads} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register TLS metrics: %w", err)
		}
	}
	return m, nil
}

func (m *reloadMetrics) served(c *tls.Certificate) {
	m.expiry.Set(float64(c.Leaf.NotAfter.Unix()))
}

func (m *reloadMetrics) reloaded(ok bool) {
	if ok {
		m.reloads.WithLabelValues("success").Inc()
	} else {
		m.reloads.WithLabelValues("failure").Inc()
	}
}
