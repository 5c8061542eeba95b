// Package metrics defines coffer's Prometheus metrics. Every metric is
// registered on a registry the caller passes in, never on the global default
// one, so that several coffers can run in one process (tests, replication).
// It only counts; it does not serve /metrics (the server does).
package metrics
