package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// NameEncryptionAtRest is the gauge that says whether new objects are
// encrypted at rest: 1 on, 0 off.
const NameEncryptionAtRest = "coffer_encryption_at_rest_enabled"

// RegisterEncryptionAtRest registers the NameEncryptionAtRest gauge on
// reg, set once: the setting does not change while the server runs.
func RegisterEncryptionAtRest(reg prometheus.Registerer, enabled bool) error {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: NameEncryptionAtRest,
		Help: "1 when new objects are encrypted at rest (SSE-S3), 0 when they are stored in plaintext.",
	})
	if enabled {
		g.Set(1)
	}
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("register encryption metric: %w", err)
	}
	return nil
}
