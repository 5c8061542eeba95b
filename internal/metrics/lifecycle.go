package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Lifecycle engine metric names; stable like the others.
const (
	NameLifecycleObjectsExpired = "coffer_lifecycle_objects_expired_total"
	NameLifecycleBytesExpired   = "coffer_lifecycle_bytes_expired_total"
	NameLifecycleMarkersAdded   = "coffer_lifecycle_delete_markers_added_total"
	NameLifecycleMarkersRemoved = "coffer_lifecycle_delete_markers_removed_total"
	NameLifecycleUploadsAborted = "coffer_lifecycle_uploads_aborted_total"
	NameLifecycleTransitioned   = "coffer_lifecycle_objects_transitioned_total"
	NameLifecycleBytesMoved     = "coffer_lifecycle_bytes_transitioned_total"
	NameLifecycleScanned        = "coffer_lifecycle_objects_scanned_total"
	NameLifecycleBacklog        = "coffer_lifecycle_backlog"
	NameLifecycleErrors         = "coffer_lifecycle_errors_total"
	NameLifecycleBlocked        = "coffer_lifecycle_blocked_total"
	NameLifecyclePasses         = "coffer_lifecycle_passes_total"
	NameLifecycleLastPass       = "coffer_lifecycle_last_pass_completion_timestamp_seconds"
)

// Lifecycle holds the lifecycle engine's metrics. Its methods are safe
// for concurrent use; a nil *Lifecycle records nothing.
type Lifecycle struct {
	expired, bytes, added, removed, aborted, scanned, errors, blocked, passes prometheus.Counter
	transitioned, moved                                                       prometheus.Counter
	backlog, lastPass                                                         prometheus.Gauge
}

// NewLifecycle creates the lifecycle engine's metrics and registers them
// on reg.
func NewLifecycle(reg prometheus.Registerer) (*Lifecycle, error) {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Lifecycle{
		expired:      counter(NameLifecycleObjectsExpired, "Object versions lifecycle rules removed for good (current versions of unversioned buckets and noncurrent versions)."),
		bytes:        counter(NameLifecycleBytesExpired, "Bytes of the object versions lifecycle rules removed."),
		added:        counter(NameLifecycleMarkersAdded, "Delete markers lifecycle expiration added in front of current versions."),
		removed:      counter(NameLifecycleMarkersRemoved, "Delete markers lifecycle rules removed (expired object delete markers and noncurrent markers)."),
		aborted:      counter(NameLifecycleUploadsAborted, "Incomplete multipart uploads lifecycle rules aborted."),
		transitioned: counter(NameLifecycleTransitioned, "Object versions lifecycle transitions moved to another storage class."),
		moved:        counter(NameLifecycleBytesMoved, "Bytes of the object versions lifecycle transitions moved."),
		scanned:      counter(NameLifecycleScanned, "Object versions and uploads the lifecycle engine examined."),
		errors:       counter(NameLifecycleErrors, "Lifecycle actions or scans that failed (retried on a later pass)."),
		blocked:      counter(NameLifecycleBlocked, "Due lifecycle actions refused because the version is under Object Lock or its bucket has MFA Delete."),
		passes:       counter(NameLifecyclePasses, "Complete lifecycle passes over every bucket with rules."),
		backlog: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameLifecycleBacklog,
			Help: "Due lifecycle actions found by the pass in progress and not yet performed."}),
		lastPass: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameLifecycleLastPass,
			Help: "Unix time the last complete lifecycle pass ended (0: none yet)."}),
	}
	for _, c := range []prometheus.Collector{m.expired, m.bytes, m.added, m.removed, m.aborted, m.scanned,
		m.errors, m.blocked, m.passes, m.backlog, m.lastPass, m.transitioned, m.moved} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register lifecycle metrics: %w", err)
		}
	}
	return m, nil
}

// Expired records a version removed for good, of n bytes.
func (m *Lifecycle) Expired(n int64) {
	if m != nil {
		m.expired.Inc()
		m.bytes.Add(float64(n))
	}
}

// Transitioned records a version of n bytes moved to another storage
// class.
func (m *Lifecycle) Transitioned(n int64) {
	if m != nil {
		m.transitioned.Inc()
		m.moved.Add(float64(n))
	}
}

// MarkerAdded records a delete marker added by expiration.
func (m *Lifecycle) MarkerAdded() {
	if m != nil {
		m.added.Inc()
	}
}

// MarkerRemoved records a delete marker removed.
func (m *Lifecycle) MarkerRemoved() {
	if m != nil {
		m.removed.Inc()
	}
}

// Aborted records an aborted upload.
func (m *Lifecycle) Aborted() {
	if m != nil {
		m.aborted.Inc()
	}
}

// Scanned records n examined versions or uploads.
func (m *Lifecycle) Scanned(n int) {
	if m != nil {
		m.scanned.Add(float64(n))
	}
}

// Error records a failed action or scan.
func (m *Lifecycle) Error() {
	if m != nil {
		m.errors.Inc()
	}
}

// Blocked records a due action Object Lock or MFA Delete refused.
func (m *Lifecycle) Blocked() {
	if m != nil {
		m.blocked.Inc()
	}
}

// Backlog sets the due actions not yet performed.
func (m *Lifecycle) Backlog(n int) {
	if m != nil {
		m.backlog.Set(float64(n))
	}
}

// PassDone records a complete pass ending at unix seconds.
func (m *Lifecycle) PassDone(unix float64) {
	if m != nil {
		m.passes.Inc()
		m.lastPass.Set(unix)
	}
}
