package diskspace

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeFS is a file system whose free space the test sets.
type fakeFS struct {
	mu    sync.Mutex
	free  map[string]uint64
	calls int
}

func (f *fakeFS) statfs(dir string) (Usage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return Usage{Free: f.free[dir], Total: 1 << 30}, nil
}

func (f *fakeFS) set(dir string, free uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.free[dir] = free
}

const mib = 1 << 20

func newTestGuard(t *testing.T, fs *fakeFS, log *bytes.Buffer, reg prometheus.Registerer) (*Guard, *time.Time) {
	t.Helper()
	now := time.Unix(1e9, 0)
	g, err := New(Options{
		Dirs:       []Dir{{Name: "blobs", Path: "/b"}, {Name: "meta", Path: "/m"}},
		Reserve:    8 * mib,
		Statfs:     fs.statfs,
		Now:        func() time.Time { return now },
		Logger:     slog.New(slog.NewTextHandler(log, nil)),
		Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g, &now
}

func TestAdmit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		blob, meta uint64
		size       int64
		ok         bool
	}{
		{"plenty", 100 * mib, 100 * mib, 10 * mib, true},
		{"zero size near the line", 9 * mib, 100 * mib, 0, true},
		{"body would cross the reserve", 100 * mib, 100 * mib, 93 * mib, false},
		{"blobs below the reserve", 7 * mib, 100 * mib, 0, false},
		{"meta below the reserve", 100 * mib, 7 * mib, 0, false},
		{"negative size counts as zero", 9 * mib, 9 * mib, -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeFS{free: map[string]uint64{"/b": tc.blob, "/m": tc.meta}}
			g, _ := newTestGuard(t, fs, &bytes.Buffer{}, nil)
			err := g.Admit(tc.size)
			if tc.ok != (err == nil) {
				t.Fatalf("Admit(%d) = %v, want ok=%v", tc.size, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInsufficientSpace) {
				t.Fatalf("Admit error %v does not wrap ErrInsufficientSpace", err)
			}
		})
	}
}

// TestAdmitCountsAdmittedBytes: between two readings admitted writes are
// subtracted from the cached free space, so a burst of writes brings the
// guard close to the reserve, where it reads the file system afresh.
func TestAdmitCountsAdmittedBytes(t *testing.T) {
	fs := &fakeFS{free: map[string]uint64{"/b": 100 * mib, "/m": 100 * mib}}
	g, _ := newTestGuard(t, fs, &bytes.Buffer{}, nil)
	calls := fs.calls
	for range 2 {
		if err := g.Admit(40 * mib); err != nil {
			t.Fatal(err)
		}
	}
	if fs.calls != calls {
		t.Fatalf("far from the reserve, Admit read the file system (%d calls, want %d)", fs.calls, calls)
	}
	// 20 MiB left by the count: close to the reserve, so the next Admit
	// reads afresh, and finds the writes landed.
	fs.set("/b", 20*mib)
	fs.set("/m", 20*mib)
	if err := g.Admit(15 * mib); err == nil {
		t.Fatal("Admit(15 MiB) with 20 MiB free and an 8 MiB reserve succeeded")
	}
	if fs.calls == calls {
		t.Fatal("near the reserve, Admit did not read the file system")
	}
}

func TestHysteresisAndLogOncePerTransition(t *testing.T) {
	fs := &fakeFS{free: map[string]uint64{"/b": 100 * mib, "/m": 100 * mib}}
	var log bytes.Buffer
	g, now := newTestGuard(t, fs, &log, nil)
	fs.set("/b", 7*mib)
	*now = now.Add(2 * DefaultTTL)
	for range 5 {
		if err := g.Admit(0); err == nil {
			t.Fatal("Admit succeeded below the reserve")
		}
	}
	if !g.Refusing() {
		t.Fatal("Refusing() = false below the reserve")
	}
	// Above the reserve but inside the margin: still refused.
	fs.set("/b", 8*mib+margin(8*mib)-1)
	if err := g.Admit(0); err == nil {
		t.Fatal("Admit succeeded inside the hysteresis margin")
	}
	fs.set("/b", 8*mib+margin(8*mib))
	if err := g.Admit(0); err != nil {
		t.Fatalf("Admit after space came back: %v", err)
	}
	if g.Refusing() {
		t.Fatal("Refusing() = true after space came back")
	}
	if n := strings.Count(log.String(), "refusing new writes"); n != 1 {
		t.Errorf("logged the refusal %d times, want once:\n%s", n, log.String())
	}
	if n := strings.Count(log.String(), "writes resumed"); n != 1 {
		t.Errorf("logged the resumption %d times, want once:\n%s", n, log.String())
	}
}

func TestMetrics(t *testing.T) {
	fs := &fakeFS{free: map[string]uint64{"/b": 100 * mib, "/m": 7 * mib}}
	reg := prometheus.NewPedanticRegistry()
	g, _ := newTestGuard(t, fs, &bytes.Buffer{}, reg)
	_ = g.Admit(0)
	_ = g.Admit(0)
	want := `
# HELP coffer_disk_writes_refused 1 while new writes are refused because that file system's free space is below the reserve, else 0.
# TYPE coffer_disk_writes_refused gauge
coffer_disk_writes_refused{dir="blobs"} 0
coffer_disk_writes_refused{dir="meta"} 1
# HELP coffer_disk_writes_refused_total Writes refused (503 SlowDown) because free space would fall below the reserve.
# TYPE coffer_disk_writes_refused_total counter
coffer_disk_writes_refused_total 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), NameWritesRefused, NameWritesRefusedTotal); err != nil {
		t.Fatal(err)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP coffer_disk_free_bytes Free bytes on the file system of a directory coffer writes to, as of the last reading.
# TYPE coffer_disk_free_bytes gauge
coffer_disk_free_bytes{dir="blobs"} 1.048576e+08
coffer_disk_free_bytes{dir="meta"} 7.340032e+06
`), NameFreeBytes); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultReserve(t *testing.T) {
	for _, tc := range []struct{ total, want uint64 }{
		{100 * mib, 3 * mib},
		{1 << 40, DefaultReserveMax},
	} {
		if got := DefaultReserve(tc.total); got != tc.want {
			t.Errorf("DefaultReserve(%d) = %d, want %d", tc.total, got, tc.want)
		}
	}
}

func TestStatfsRealDir(t *testing.T) {
	u, err := Statfs(t.TempDir())
	if err != nil {
		t.Skipf("statfs unavailable: %v", err)
	}
	if u.Total == 0 || u.Free > u.Total {
		t.Fatalf("Statfs = %+v", u)
	}
}
