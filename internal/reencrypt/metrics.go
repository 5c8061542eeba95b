package reencrypt

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names; stable like the others.
const (
	NameVersions     = "coffer_reencrypt_versions_total"
	NameBytes        = "coffer_reencrypt_bytes_total"
	NameSkipped      = "coffer_reencrypt_skipped_total"
	NameFailed       = "coffer_reencrypt_failed_total"
	NameErrors       = "coffer_reencrypt_errors_total"
	NameInPass       = "coffer_reencrypt_pass_in_progress"
	NamePassScanned  = "coffer_reencrypt_pass_versions_scanned"
	NameLastFound    = "coffer_reencrypt_last_pass_plaintext_versions"
	NameLastComplete = "coffer_reencrypt_last_pass_completion_timestamp_seconds"
)

type jobMetrics struct {
	versions, bytes, skipped, failed, errors prometheus.Counter
	inPass, scanned, lastFound, lastComplete prometheus.Gauge
}

func newMetrics() jobMetrics {
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	return jobMetrics{
		versions: c(NameVersions, "Object versions stored in plaintext that the re-encryption job has encrypted."),
		bytes:    c(NameBytes, "Plaintext bytes the re-encryption job has encrypted."),
		skipped:  c(NameSkipped, "Versions the re-encryption job skipped because they changed while it worked on them (or are marked damaged)."),
		failed:   c(NameFailed, "Plaintext versions the re-encryption job left as they are because their bytes failed the checks against their stored MD5 or checksum."),
		errors:   c(NameErrors, "Versions the re-encryption job could not re-encrypt because of a store error."),
		inPass:   g(NameInPass, "1 while a re-encryption pass runs, else 0."),
		scanned:  g(NamePassScanned, "Object versions walked so far by the re-encryption pass in progress."),
		lastFound: g(NameLastFound,
			"Versions the last complete re-encryption pass found in plaintext and could not encrypt (skipped, failed, errors): what remains."),
		lastComplete: g(NameLastComplete, "Unix time the last complete re-encryption pass ended (0: none yet)."),
	}
}

func (m jobMetrics) register(reg prometheus.Registerer) error {
	if reg == nil {
		return nil
	}
	for _, c := range []prometheus.Collector{m.versions, m.bytes, m.skipped, m.failed, m.errors,
		m.inPass, m.scanned, m.lastFound, m.lastComplete} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// restore sets the gauges from a saved state.
func (m jobMetrics) restore(st State) {
	m.inPass.Set(b2f(st.InPass))
	m.scanned.Set(float64(st.Current.Scanned))
	if !st.LastCompleted.IsZero() {
		m.lastFound.Set(float64(st.Last.Skipped + st.Last.Failed + st.Last.Errors))
		m.lastComplete.Set(float64(st.LastCompleted.UnixNano()) / 1e9)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
