package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// gather returns the metric family called name from reg, or nil.
func gather(t *testing.T, reg prometheus.Gatherer, name string) *dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	return nil
}

func labels(m *dto.Metric) string {
	s := ""
	for _, l := range m.GetLabel() {
		s += l.GetName() + "=" + l.GetValue() + ","
	}
	return s
}

func TestS3_Observe(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewS3(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.Observe("GetObject", 200, 3*time.Millisecond)
	m.Observe("GetObject", 200, 30*time.Millisecond)
	m.Observe("GetObject", 404, time.Millisecond)
	m.Observe("PutObject", 200, 2*time.Second)

	counts := map[string]float64{}
	for _, metric := range gather(t, reg, NameRequestsTotal).GetMetric() {
		counts[labels(metric)] = metric.GetCounter().GetValue()
	}
	want := map[string]float64{
		"op=GetObject,status=200,": 2,
		"op=GetObject,status=404,": 1,
		"op=PutObject,status=200,": 1,
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", NameRequestsTotal, diff)
	}

	samples := map[string]uint64{}
	for _, metric := range gather(t, reg, NameRequestDuration).GetMetric() {
		samples[labels(metric)] = metric.GetHistogram().GetSampleCount()
	}
	if diff := cmp.Diff(map[string]uint64{"op=GetObject,": 3, "op=PutObject,": 1}, samples); diff != "" {
		t.Errorf("%s sample counts mismatch (-want +got):\n%s", NameRequestDuration, diff)
	}
}

func TestS3_Begin(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewS3(reg)
	if err != nil {
		t.Fatal(err)
	}
	inflight := func() float64 {
		return gather(t, reg, NameInflight).GetMetric()[0].GetGauge().GetValue()
	}
	end1 := m.Begin()
	end2 := m.Begin()
	if got := inflight(); got != 2 {
		t.Errorf("inflight = %v, want 2", got)
	}
	end1()
	end2()
	if got := inflight(); got != 0 {
		t.Errorf("inflight after end = %v, want 0", got)
	}
}

func TestNewS3_separateRegistries(t *testing.T) {
	// Two coffers in one process must not collide.
	for range 2 {
		if _, err := NewS3(prometheus.NewRegistry()); err != nil {
			t.Fatalf("NewS3 on a fresh registry: %v", err)
		}
	}
	reg := prometheus.NewRegistry()
	if _, err := NewS3(reg); err != nil {
		t.Fatal(err)
	}
	_, err := NewS3(reg)
	var already prometheus.AlreadyRegisteredError
	if !errors.As(err, &already) {
		t.Errorf("second NewS3 on one registry error = %v, want AlreadyRegisteredError", err)
	}
}

func TestRegisterRuntime(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := RegisterRuntime(reg); err != nil {
		t.Fatal(err)
	}
	if gather(t, reg, "go_goroutines") == nil {
		t.Error("go_goroutines not gathered after RegisterRuntime")
	}
}
