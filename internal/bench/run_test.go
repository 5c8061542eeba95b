package bench

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeConfig returns a small run against endpoint.
func fakeConfig(endpoint, workload string) Config {
	return Config{
		Endpoint:    endpoint,
		AccessKey:   "AKIDBENCH",
		SecretKey:   "secretbench",
		Workload:    workload,
		Size:        4 << 10,
		Concurrency: 4,
		Count:       50,
		Objects:     20,
	}
}

// target is a server the workload tests run against: it returns the base
// configuration and a function counting buckets left on the server.
type target struct {
	name  string
	start func(t *testing.T) (Config, func() int)
}

var targets = []target{
	{name: "fake", start: func(t *testing.T) (Config, func() int) {
		fake := &fakeS3{}
		return fakeConfig(startFakeS3(t, fake), WorkloadPut), fake.bucketCount
	}},
	{name: "coffer", start: startCoffer},
}

// TestRun_workloads runs every workload briefly against the fake and against
// a real in-process coffer and expects no errors at all: GETs verify the
// bytes each server stores, and coffer must answer every request a benchmark
// sends.
func TestRun_workloads(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*Config)
		wantOps   int64
		wantBytes int64
	}{
		{name: "put", edit: func(c *Config) {}, wantOps: 50, wantBytes: 50 * 4096},
		{name: "put checksum prefixes", edit: func(c *Config) { c.Checksum, c.Prefixes = true, 7 }, wantOps: 50, wantBytes: 50 * 4096},
		{name: "put signed", edit: func(c *Config) { c.SignPayload = true }, wantOps: 50, wantBytes: 50 * 4096},
		{name: "get", edit: func(c *Config) { c.Workload = WorkloadGet }, wantOps: 50, wantBytes: 50 * 4096},
		{name: "get across block end", edit: func(c *Config) {
			c.Workload, c.Size, c.Count, c.Objects = WorkloadGet, blockSize+1, 4, 2
		}, wantOps: 4, wantBytes: 4 * (blockSize + 1)},
		{name: "get empty objects", edit: func(c *Config) { c.Workload, c.Size = WorkloadGet, 0 }, wantOps: 50},
		{name: "head", edit: func(c *Config) { c.Workload = WorkloadHead }, wantOps: 50},
		{name: "delete", edit: func(c *Config) { c.Workload = WorkloadDelete }, wantOps: 50},
		{name: "list pages", edit: func(c *Config) { c.Workload, c.MaxKeys = WorkloadList, 7 }, wantOps: 50},
		{name: "mixed", edit: func(c *Config) {
			c.Workload, c.Mix = WorkloadMixed, []MixEntry{{"put", 2}, {"get", 5}, {"head", 1}, {"delete", 1}, {"list", 1}, {"multipart", 1}}
			c.Count = 100
		}, wantOps: 100},
		{name: "multipart", edit: func(c *Config) {
			c.Workload, c.Size, c.PartSize, c.Count, c.Concurrency = WorkloadMultipart, 10<<20, 5<<20, 2, 2
		}, wantOps: 2, wantBytes: 2 * 10 << 20},
		{name: "multipart checksum short last part", edit: func(c *Config) {
			c.Workload, c.Size, c.PartSize, c.Count, c.Checksum = WorkloadMultipart, 7<<20, 5<<20, 3, true
		}, wantOps: 3, wantBytes: 3 * 7 << 20},
	}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			base, buckets := target.start(t)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					cfg := base
					tt.edit(&cfg)
					r, err := Run(t.Context(), cfg)
					if err != nil {
						t.Fatalf("Run: %v", err)
					}
					if r.ErrorCount() != 0 {
						t.Errorf("errors = %v, want none", r.Errors)
					}
					if r.Ops != tt.wantOps || (cfg.Workload != WorkloadMixed && r.Bytes != tt.wantBytes) {
						t.Errorf("ops, bytes = %d, %d, want %d, %d", r.Ops, r.Bytes, tt.wantOps, tt.wantBytes)
					}
					if cfg.Workload != WorkloadMixed && (len(r.Operations) != 1 || r.Operations[0].Op != cfg.Workload) {
						t.Errorf("operations = %+v, want one %s entry", r.Operations, cfg.Workload)
					}
					checkSensible(t, r)
					if n := buckets(); n != 0 {
						t.Errorf("after the run the server holds %d buckets, want none", n)
					}
				})
			}
		})
	}
}

// checkSensible checks the invariants every report with operations obeys.
func checkSensible(t *testing.T, r *Report) {
	t.Helper()
	l := r.Latency
	if r.Duration <= 0 || r.OpsPerSec <= 0 || l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max {
		t.Errorf("implausible report: duration %v, ops/s %v, latency %+v", r.Duration, r.OpsPerSec, l)
	}
	if r.Bytes > 0 && r.MiBPerSec <= 0 {
		t.Errorf("moved %d bytes at %v MiB/s", r.Bytes, r.MiBPerSec)
	}
}

func TestRun_mixed(t *testing.T) {
	fake := &fakeS3{}
	cfg := fakeConfig(startFakeS3(t, fake), WorkloadMixed)
	cfg.Count = 400
	cfg.Mix = []MixEntry{{"put", 3}, {"get", 3}, {"head", 1}, {"delete", 3}, {"list", 1}}
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.ErrorCount() != 0 || r.Ops != 400 {
		t.Fatalf("ops %d, errors %v; want 400 and none", r.Ops, r.Errors)
	}
	var sum int64
	for _, op := range r.Operations {
		if op.Ops == 0 {
			t.Errorf("mixed never ran %s in 400 operations", op.Op)
		}
		sum += op.Ops
	}
	if len(r.Operations) != 5 || sum != r.Ops {
		t.Errorf("operations %+v add up to %d, want 5 kinds adding up to %d", r.Operations, sum, r.Ops)
	}
	if r.Mix != "put=3,get=3,head=1,delete=3,list=1" {
		t.Errorf("mix = %q", r.Mix)
	}
	if n := fake.objectCount(); n != 0 {
		t.Errorf("%d objects left behind", n)
	}
}

func TestRun_listWalksPages(t *testing.T) {
	fake := &fakeS3{}
	cfg := fakeConfig(startFakeS3(t, fake), WorkloadList)
	// 20 objects in pages of 7: every walk is 3 pages, 2 of them continued.
	cfg.Objects, cfg.MaxKeys, cfg.Count, cfg.Concurrency = 20, 7, 30, 1
	r, err := Run(t.Context(), cfg)
	if err != nil || r.Ops != 30 || r.ErrorCount() != 0 {
		t.Fatalf("Run = %v, ops %d, errors %v", err, r.Ops, r.Errors)
	}
	// The cleanup lists too, in one page of up to 1000 keys.
	if lists, continued := fake.listCounts(); lists != 31 || continued != 20 {
		t.Errorf("server saw %d lists, %d continued; want 31 and 20", lists, continued)
	}
}

func TestRun_durationAndWarmup(t *testing.T) {
	cfg := fakeConfig(startFakeS3(t, &fakeS3{}), WorkloadHead)
	cfg.Count, cfg.Duration, cfg.Warmup = 0, 200*time.Millisecond, 50*time.Millisecond
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Duration < 0.2 || r.Ops == 0 || r.ErrorCount() != 0 {
		t.Errorf("duration %vs, ops %d, errors %v; want >= 0.2s, some ops, no errors", r.Duration, r.Ops, r.Errors)
	}
	checkSensible(t, r)
}

func TestRun_deleteStopsWhenExhausted(t *testing.T) {
	cfg := fakeConfig(startFakeS3(t, &fakeS3{}), WorkloadDelete)
	cfg.Count, cfg.Duration, cfg.Objects = 0, time.Minute, 30
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Ops != 30 || r.ErrorCount() != 0 {
		t.Errorf("ops %d, errors %v; want all 30 objects deleted without errors", r.Ops, r.Errors)
	}
}

func TestRun_countsErrors(t *testing.T) {
	tests := []struct {
		name     string
		fake     *fakeS3
		workload string
		code     string
	}{
		{name: "verify", fake: &fakeS3{corrupt: true}, workload: WorkloadGet, code: codeVerify},
		{name: "s3 code", fake: &fakeS3{failPuts: "SlowDown"}, workload: WorkloadPut, code: "SlowDown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fakeConfig(startFakeS3(t, tt.fake), tt.workload)
			r, err := Run(t.Context(), cfg)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if r.Errors[tt.code] != 50 || r.ErrorCount() != 50 || r.Ops != 0 {
				t.Errorf("ops %d, errors %v; want 0 ops and 50 %s errors", r.Ops, r.Errors, tt.code)
			}
		})
	}
}

func TestRun_networkErrors(t *testing.T) {
	url := startFakeS3(t, &fakeS3{})
	cfg := fakeConfig(url, WorkloadPut)
	// A given bucket and --keep: nothing to set up or clean up.
	cfg.Bucket, cfg.Keep = "given", true
	cfg.Endpoint = "http://127.0.0.1:1"
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Errors[codeNetwork] != 50 {
		t.Errorf("errors = %v, want 50 network errors", r.Errors)
	}
}

func TestRun_tls(t *testing.T) {
	tests := []struct {
		name     string
		insecure bool
		wantErr  bool
	}{
		{name: "insecure accepts a self-signed certificate", insecure: true},
		{name: "verification rejects it", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fakeConfig(startFakeS3TLS(t, &fakeS3{}), WorkloadGet)
			cfg.Insecure = tt.insecure
			r, err := Run(t.Context(), cfg)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Run against an unverifiable certificate succeeded")
				}
				return
			}
			if err != nil || r.Ops != 50 || r.ErrorCount() != 0 {
				t.Fatalf("Run = %v, ops %d, errors %v", err, r.Ops, r.Errors)
			}
		})
	}
}

func TestRun_keepAndGivenBucket(t *testing.T) {
	fake := &fakeS3{}
	cfg := fakeConfig(startFakeS3(t, fake), WorkloadPut)
	cfg.Keep = true
	r, err := Run(t.Context(), cfg)
	if err != nil || r.ErrorCount() != 0 {
		t.Fatalf("Run = %v, errors %v", err, r.Errors)
	}
	if n := fake.objectCount(); n != 50 {
		t.Errorf("--keep left %d objects, want 50", n)
	}
	// A second run in the kept bucket removes only its own objects and
	// leaves the bucket.
	cfg.Keep, cfg.Bucket = false, r.Bucket
	if _, err := Run(t.Context(), cfg); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if n, b := fake.objectCount(), fake.bucketCount(); n != 50 || b != 1 {
		t.Errorf("after a run in a given bucket: %d objects in %d buckets, want 50 in 1", n, b)
	}
}

func TestRun_cancelledStillCleansUp(t *testing.T) {
	fake := &fakeS3{}
	cfg := fakeConfig(startFakeS3(t, fake), WorkloadPut)
	cfg.Count, cfg.Duration = 0, time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	var p phaseWatcher
	cfg.Progress = &p
	p.onWrite = cancel
	r, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Ops == 0 || r.ErrorCount() != 0 {
		t.Errorf("ops %d, errors %v; want some ops and no errors from cancellation", r.Ops, r.Errors)
	}
	if n, b := fake.objectCount(), fake.bucketCount(); n != 0 || b != 0 {
		t.Errorf("after a cancelled run the server holds %d objects in %d buckets", n, b)
	}
}

// phaseWatcher is a progress writer that calls onWrite on the first
// progress line, i.e. one second into the measured window.
type phaseWatcher struct {
	onWrite func()
	lines   int
}

func (p *phaseWatcher) Write(b []byte) (int, error) {
	if p.lines == 0 {
		p.onWrite()
	}
	p.lines++
	return len(b), nil
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{name: "no endpoint", edit: func(c *Config) { c.Endpoint = "" }},
		{name: "endpoint not a url", edit: func(c *Config) { c.Endpoint = "127.0.0.1:9000" }},
		{name: "no secret", edit: func(c *Config) { c.SecretKey = "" }},
		{name: "unknown workload", edit: func(c *Config) { c.Workload = "copy" }},
		{name: "negative size", edit: func(c *Config) { c.Size = -1 }},
		{name: "too many parts", edit: func(c *Config) { c.Size, c.PartSize = 10001, 1 }},
		{name: "negative concurrency", edit: func(c *Config) { c.Concurrency = -1 }},
		{name: "negative count", edit: func(c *Config) { c.Count = -1 }},
		{name: "max keys above S3's limit", edit: func(c *Config) { c.MaxKeys = 1001 }},
		{name: "idle with a count", edit: func(c *Config) { c.Workload = WorkloadIdle }},
		{name: "idle over two endpoints", edit: func(c *Config) {
			c.Workload, c.Count, c.MoreEndpoints = WorkloadIdle, 0, []string{"http://127.0.0.1:9001"}
		}},
		{name: "second endpoint not a url", edit: func(c *Config) { c.MoreEndpoints = []string{"127.0.0.1:9001"} }},
		{name: "idle with a warmup", edit: func(c *Config) { c.Workload, c.Count, c.Warmup = WorkloadIdle, 0, time.Second }},
		{name: "unknown encryption", edit: func(c *Config) { c.SSE = "aws:kms:dsse" }},
		{name: "bucket key without aws:kms", edit: func(c *Config) { c.SSE, c.BucketKey = SSEAES256, true }},
		{name: "kms key without aws:kms", edit: func(c *Config) { c.SSEKMSKeyID = "alias/x" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fakeConfig("http://127.0.0.1:9000", WorkloadPut)
			tt.edit(&cfg)
			if err := cfg.Validate(); !errors.Is(err, ErrConfig) {
				t.Errorf("Validate() = %v, want an ErrConfig", err)
			}
		})
	}
}

// TestRun_spreadsOverEndpoints serves one fake store on two addresses: a
// get run spreads its workers over both without errors, and sets up and
// cleans up through the first.
func TestRun_spreadsOverEndpoints(t *testing.T) {
	fake := &fakeS3{}
	first := startFakeS3(t, fake)
	var second atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("%s %s through the second endpoint; only the measured GETs belong there", r.Method, r.URL)
		}
		second.Add(1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := fakeConfig(first, WorkloadGet)
	cfg.MoreEndpoints = []string{srv.URL}
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.ErrorCount(); n != 0 {
		t.Errorf("%d errors", n)
	}
	if n := second.Load(); n == 0 || n >= cfg.Count {
		t.Errorf("%d of %d GETs went to the second endpoint, want some but not all", n, cfg.Count)
	}
	if fake.bucketCount() != 0 {
		t.Error("the bucket was not removed")
	}
	var o options
	if err := newFlagSet(&o, io.Discard).Parse([]string{"--endpoint", first, "--also-endpoint", srv.URL, "--also-endpoint", "http://x:1"}); err != nil ||
		!slices.Equal(o.cfg.MoreEndpoints, []string{srv.URL, "http://x:1"}) {
		t.Errorf("--also-endpoint twice: %v, %q", err, o.cfg.MoreEndpoints)
	}
}
