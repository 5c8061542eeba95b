package metrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Scrubber metric names; stable like the others.
const (
	NameScrubObjectsScanned = "coffer_scrub_objects_scanned_total"
	NameScrubBytesScanned   = "coffer_scrub_bytes_scanned_total"
	NameScrubCorruptFound   = "coffer_scrub_corrupt_found_total"
	NameScrubPasses         = "coffer_scrub_passes_total"
	NameScrubPassDuration   = "coffer_scrub_last_pass_duration_seconds"
	NameScrubLastCompletion = "coffer_scrub_last_pass_completion_timestamp_seconds"
	NameScrubPassScanned    = "coffer_scrub_pass_objects_scanned"
)

// Scrub holds the scrubber's metrics. Its methods are safe for
// concurrent use.
type Scrub struct {
	scanned, bytes, corrupt, passes prometheus.Counter
	duration, completed, progress   prometheus.Gauge
}

// NewScrub creates the scrubber's metrics and registers them on reg.
func NewScrub(reg prometheus.Registerer) (*Scrub, error) {
	m := &Scrub{
		scanned: prometheus.NewCounter(prometheus.CounterOpts{Name: NameScrubObjectsScanned,
			Help: "Object versions the scrubber has checked (every version, current or not)."}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Name: NameScrubBytesScanned,
			Help: "Bytes of object data the scrubber has read and verified."}),
		corrupt: prometheus.NewCounter(prometheus.CounterOpts{Name: NameScrubCorruptFound,
			Help: "Damaged object versions found, counted once per pass that finds them."}),
		passes: prometheus.NewCounter(prometheus.CounterOpts{Name: NameScrubPasses,
			Help: "Full scrub passes completed."}),
		duration: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameScrubPassDuration,
			Help: "Duration of the last complete scrub pass."}),
		completed: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameScrubLastCompletion,
			Help: "Unix time the last complete scrub pass ended (0: none yet)."}),
		progress: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameScrubPassScanned,
			Help: "Object versions checked so far by the pass in progress (0 between passes)."}),
	}
	for _, c := range []prometheus.Collector{m.scanned, m.bytes, m.corrupt, m.passes, m.duration, m.completed, m.progress} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register scrub metrics: %w", err)
		}
	}
	return m, nil
}

// Checked records one checked version of n bytes, the running pass's
// count of checked versions, and whether the version was damaged.
func (m *Scrub) Checked(n int64, passScanned int64, damaged bool) {
	m.scanned.Inc()
	m.bytes.Add(float64(n))
	m.progress.Set(float64(passScanned))
	if damaged {
		m.corrupt.Inc()
	}
}

// PassDone records a complete pass.
func (m *Scrub) PassDone(started, completed time.Time) {
	m.passes.Inc()
	m.duration.Set(completed.Sub(started).Seconds())
	m.completed.Set(float64(completed.UnixNano()) / 1e9)
	m.progress.Set(0)
}

// Restore sets the gauges from state saved by an earlier run.
func (m *Scrub) Restore(lastStarted, lastCompleted time.Time, passScanned int64) {
	if !lastCompleted.IsZero() {
		m.duration.Set(lastCompleted.Sub(lastStarted).Seconds())
		m.completed.Set(float64(lastCompleted.UnixNano()) / 1e9)
	}
	m.progress.Set(float64(passScanned))
}
