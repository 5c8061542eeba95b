package diskspace

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names; stable like coffer's others.
const (
	NameFreeBytes          = "coffer_disk_free_bytes"
	NameReserveBytes       = "coffer_disk_reserve_bytes"
	NameWritesRefused      = "coffer_disk_writes_refused"
	NameWritesRefusedTotal = "coffer_disk_writes_refused_total"
)

var (
	descFree = prometheus.NewDesc(NameFreeBytes,
		"Free bytes on the file system of a directory coffer writes to, as of the last reading.", []string{"dir"}, nil)
	descReserve = prometheus.NewDesc(NameReserveBytes,
		"Free bytes kept in reserve on that file system: below it new writes are refused.", []string{"dir"}, nil)
	descRefusing = prometheus.NewDesc(NameWritesRefused,
		"1 while new writes are refused because that file system's free space is below the reserve, else 0.", []string{"dir"}, nil)
)

// guardMetrics are a Guard's metrics: a counter of refused writes, and a
// collector that reads every directory afresh at each scrape, so the
// gauges are current even while no write arrives.
type guardMetrics struct {
	refused prometheus.Counter
	g       *Guard
}

func newGuardMetrics(reg prometheus.Registerer, g *Guard) (*guardMetrics, error) {
	m := &guardMetrics{
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: NameWritesRefusedTotal,
			Help: "Writes refused (503 SlowDown) because free space would fall below the reserve."}),
		g: g,
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.refused, m} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register disk space metrics: %w", err)
		}
	}
	return m, nil
}

// Describe implements prometheus.Collector.
func (m *guardMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- descFree
	ch <- descReserve
	ch <- descRefusing
}

// Collect implements prometheus.Collector.
func (m *guardMetrics) Collect(ch chan<- prometheus.Metric) {
	m.g.mu.Lock()
	now := m.g.opts.Now()
	for _, d := range m.g.dirs {
		m.g.refreshLocked(d, now)
	}
	m.g.mu.Unlock()
	for _, d := range m.g.snapshot() {
		refusing := 0.0
		if d.refusing {
			refusing = 1
		}
		ch <- prometheus.MustNewConstMetric(descFree, prometheus.GaugeValue, float64(d.usage.Free), d.Name)
		ch <- prometheus.MustNewConstMetric(descReserve, prometheus.GaugeValue, float64(d.reserve), d.Name)
		ch <- prometheus.MustNewConstMetric(descRefusing, prometheus.GaugeValue, refusing, d.Name)
	}
}
