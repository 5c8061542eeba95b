package bench

import (
	"os"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// idleConfig is an idle run of n connections held for hold against srv.
func idleConfig(srv *coffertest.Server, n int, hold time.Duration) Config {
	cfg := fakeConfig(srv.Endpoint, WorkloadIdle)
	cfg.AccessKey, cfg.SecretKey, cfg.Region = srv.AccessKey, srv.SecretKey, coffertest.Region
	cfg.Concurrency, cfg.Count, cfg.Duration = n, 0, hold
	return cfg
}

// TestRun_idle holds connections to a real coffer: each opens with a
// signed HeadBucket and answers another after the window.
func TestRun_idle(t *testing.T) {
	srv := coffertest.Start(t)
	cfg := idleConfig(srv, 100, 300*time.Millisecond)
	cfg.ServerPID = os.Getpid()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(r.Operations) != 1 || r.Operations[0].Op != WorkloadIdle {
		t.Fatalf("operations = %+v, want only idle", r.Operations)
	}
	if r.Ops != 100 || r.ErrorCount() != 0 {
		t.Errorf("%d connections held, errors %v; want 100 and none", r.Ops, r.Errors)
	}
	if r.Duration < 0.3 {
		t.Errorf("window %.3fs, want at least the 0.3s hold", r.Duration)
	}
	if r.ServerMemory == nil || r.ServerMemory.PeakRSSMiB <= 0 {
		t.Errorf("server memory = %+v, want a peak", r.ServerMemory)
	}
}

// TestRun_idleClosedByServer: a server that drops idle connections before
// the window ends has each counted as "closed".
func TestRun_idleClosedByServer(t *testing.T) {
	srv := coffertest.Start(t, coffertest.WithConfig(func(c *config.Config) { c.IdleTimeout = 50 * time.Millisecond }))
	r, err := Run(t.Context(), idleConfig(srv, 20, 500*time.Millisecond))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Ops != 20 || r.Errors[codeClosed] != 20 {
		t.Errorf("%d connections opened, errors %v; want 20 opened and 20 closed", r.Ops, r.Errors)
	}
}

// TestRun_idleNoBucket: connections whose HeadBucket fails are
// errors, by status, not held connections.
func TestRun_idleNoBucket(t *testing.T) {
	srv := coffertest.Start(t)
	cfg := idleConfig(srv, 5, 10*time.Millisecond)
	cfg.Bucket, cfg.Keep = "not-there", true
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Ops != 0 || r.Errors["HTTP404"] != 5 {
		t.Errorf("%d connections held, errors %v; want none held and 5 HTTP404", r.Ops, r.Errors)
	}
}
