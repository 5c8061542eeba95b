package metrics

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metric names. They are part of coffer's operational interface: dashboards
// and alerts depend on them, so they must not change.
const (
	NameRequestsTotal   = "coffer_s3_requests_total"
	NameRequestDuration = "coffer_s3_request_duration_seconds"
	NameInflight        = "coffer_s3_inflight_requests"
)

// durationBuckets span a small GET served from cache (1 ms) to a large
// upload over a slow link (several minutes).
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

// S3 holds the metrics of the S3 API. Its methods are safe for concurrent
// use.
type S3 struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

// NewS3 creates the S3 API metrics and registers them on reg.
func NewS3(reg prometheus.Registerer) (*S3, error) {
	m := &S3{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameRequestsTotal,
			Help: "S3 API requests by operation and HTTP status.",
		}, []string{"op", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    NameRequestDuration,
			Help:    "Time to serve an S3 API request, from routing to the last byte written.",
			Buckets: durationBuckets,
		}, []string{"op"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: NameInflight,
			Help: "S3 API requests being served.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inflight} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register S3 metrics: %w", err)
		}
	}
	return m, nil
}

// Observe records one finished request. Its signature matches the s3api
// handler's Observe hook. op is the S3 operation name ("GetObject"), or
// whatever the router names a request it could not route.
func (m *S3) Observe(op string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(op, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(op).Observe(elapsed.Seconds())
}

// Begin counts a request as in flight; call the returned func when it ends.
func (m *S3) Begin() (end func()) {
	m.inflight.Inc()
	return m.inflight.Dec
}

// RegisterRuntime registers the Go runtime and process collectors on reg.
func RegisterRuntime(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register runtime metrics: %w", err)
		}
	}
	return nil
}
