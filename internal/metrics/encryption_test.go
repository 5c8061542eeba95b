package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterEncryptionAtRest(t *testing.T) {
	for _, tt := range []struct {
		on   bool
		want float64
	}{{true, 1}, {false, 0}} {
		reg := prometheus.NewRegistry()
		if err := RegisterEncryptionAtRest(reg, tt.on); err != nil {
			t.Fatal(err)
		}
		mf := gather(t, reg, NameEncryptionAtRest)
		if mf == nil {
			t.Fatalf("%s not registered", NameEncryptionAtRest)
		}
		if got := mf.GetMetric()[0].GetGauge().GetValue(); got != tt.want {
			t.Errorf("enabled=%v: gauge = %v, want %v", tt.on, got, tt.want)
		}
		if err := RegisterEncryptionAtRest(reg, tt.on); err == nil {
			t.Error("registering twice succeeded")
		}
	}
}
