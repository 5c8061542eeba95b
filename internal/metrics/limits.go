package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Names of the server's limit metrics. Like the S3 metrics, they are part
// of coffer's operational interface.
const (
	NameConnections            = "coffer_connections"
	NameConnectionsLimit       = "coffer_connections_limit"
	NameConnectionsRejected    = "coffer_connections_rejected_total"
	NameInflightUploads        = "coffer_inflight_uploads"
	NameInflightUploadsLimit   = "coffer_inflight_uploads_limit"
	NameUploadsRejected        = "coffer_uploads_rejected_total"
	NameInflightDownloads      = "coffer_inflight_downloads"
	NameInflightDownloadsLimit = "coffer_inflight_downloads_limit"
	NameDownloadsRejected      = "coffer_downloads_rejected_total"
	NameBodyTimeouts           = "coffer_body_timeouts_total"
)

// Limits holds the metrics of the server's resource limits: how much of
// each limit is in use, the limit itself, and how many requests or
// connections were turned away. Its fields are safe for concurrent use.
type Limits struct {
	Connections         prometheus.Gauge
	ConnectionsLimit    prometheus.Gauge
	ConnectionsRejected prometheus.Counter
	Uploads             prometheus.Gauge
	UploadsLimit        prometheus.Gauge
	UploadsRejected     prometheus.Counter
	Downloads           prometheus.Gauge
	DownloadsLimit      prometheus.Gauge
	DownloadsRejected   prometheus.Counter
	// BodyTimeouts counts request bodies ("read") and responses
	// ("write") cut for sending or reading too slowly.
	BodyTimeouts *prometheus.CounterVec
}

// NewLimits creates the limit metrics and registers them on reg.
func NewLimits(reg prometheus.Registerer) (*Limits, error) {
	m := &Limits{
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameConnections,
			Help: "Client connections open on the main listener."}),
		ConnectionsLimit: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameConnectionsLimit,
			Help: "Most client connections served (--max-connections); more are answered 503 SlowDown."}),
		ConnectionsRejected: prometheus.NewCounter(prometheus.CounterOpts{Name: NameConnectionsRejected,
			Help: "Connections answered 503 SlowDown or closed because --max-connections was reached."}),
		Uploads: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameInflightUploads,
			Help: "Requests with a body, and copies, being served."}),
		UploadsLimit: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameInflightUploadsLimit,
			Help: "Most requests with a body and copies served at once (--max-inflight-uploads)."}),
		UploadsRejected: prometheus.NewCounter(prometheus.CounterOpts{Name: NameUploadsRejected,
			Help: "Requests answered 503 SlowDown because --max-inflight-uploads was reached."}),
		Downloads: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameInflightDownloads,
			Help: "GET requests being served."}),
		DownloadsLimit: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameInflightDownloadsLimit,
			Help: "Most GET requests served at once (--max-inflight-downloads)."}),
		DownloadsRejected: prometheus.NewCounter(prometheus.CounterOpts{Name: NameDownloadsRejected,
			Help: "Requests answered 503 SlowDown because --max-inflight-downloads was reached."}),
		BodyTimeouts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: NameBodyTimeouts,
			Help: "Request bodies (direction=read) and responses (direction=write) cut by --body-idle-timeout or --min-body-rate."},
			[]string{"direction"}),
	}
	for _, c := range []prometheus.Collector{m.Connections, m.ConnectionsLimit, m.ConnectionsRejected,
		m.Uploads, m.UploadsLimit, m.UploadsRejected, m.Downloads, m.DownloadsLimit, m.DownloadsRejected,
		m.BodyTimeouts} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register limit metrics: %w", err)
		}
	}
	return m, nil
}
