package bench

import (
	"os"
	"testing"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// startCoffer starts a real coffer for the test and returns a small run
// against it, plus a function counting the buckets it holds.
func startCoffer(t *testing.T) (Config, func() int) {
	srv := coffertest.Start(t)
	cfg := fakeConfig(srv.Endpoint, WorkloadPut)
	cfg.AccessKey, cfg.SecretKey, cfg.Region = srv.AccessKey, srv.SecretKey, coffertest.Region
	client := srv.S3()
	buckets := func() int {
		out, err := client.ListBuckets(t.Context(), nil)
		if err != nil {
			t.Fatalf("ListBuckets: %v", err)
		}
		return len(out.Buckets)
	}
	return cfg, buckets
}

// TestRun_serverMemory samples this test process, which serves the
// in-process coffer, the way --server-pid samples a server.
func TestRun_serverMemory(t *testing.T) {
	cfg, _ := startCoffer(t)
	cfg.ServerPID = os.Getpid()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if m := r.ServerMemory; m == nil || m.PID != cfg.ServerPID || m.PeakRSSMiB <= 0 || m.HWMMiB < m.PeakRSSMiB || m.Samples == 0 {
		t.Errorf("server memory = %+v, want a positive peak at most VmHWM", m)
	}
}
