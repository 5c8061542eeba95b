package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCacheSync_counts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewCacheSync(reg, "iam", "access")
	if err != nil {
		t.Fatal(err)
	}
	m.Invalidated("iam")
	m.Invalidated("iam")
	m.Failed()
	m.Synced()
	m.Synced()
	m.Synced()
	if got := testutil.ToFloat64(m.invalidations.WithLabelValues("iam")); got != 2 {
		t.Errorf("%s{domain=iam} = %v, want 2", NameCacheInvalidations, got)
	}
	if got := testutil.ToFloat64(m.invalidations.WithLabelValues("access")); got != 0 {
		t.Errorf("%s{domain=access} = %v, want 0 (a zero series)", NameCacheInvalidations, got)
	}
	if got := testutil.ToFloat64(m.errs); got != 1 {
		t.Errorf("%s = %v, want 1", NameCacheSyncErrors, got)
	}
	if got := testutil.ToFloat64(m.syncs); got != 3 {
		t.Errorf("%s = %v, want 3", NameCacheSyncs, got)
	}
	if _, err := NewCacheSync(reg); err == nil {
		t.Error("registering the metrics twice on one registry succeeded")
	}
}
