package rekey

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

// fakeSource holds items each wrapped under a master key version, walked
// in key order, like the object service's and the identity store's.
type fakeSource struct {
	mu    sync.Mutex
	kr    *sse.Keyring
	items map[string]uint32
	froms [][]byte // the from of every Rewrap call
}

func newFakeSource(kr *sse.Keyring, n int) *fakeSource {
	f := &fakeSource{kr: kr, items: map[string]uint32{}}
	for i := range n {
		f.items[string(rune('a'+i))] = kr.Current()
	}
	return f
}

func (f *fakeSource) source(name string) Source {
	return Source{Name: name, Rewrap: f.rewrap, Count: f.count}
}

func (f *fakeSource) rewrap(_ context.Context, from []byte, limit int) ([]byte, int, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.froms = append(f.froms, bytes.Clone(from))
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range f.items {
			if k >= string(from) && !yield(k) {
				return
			}
		}
	})
	done := 0
	for i, k := range keys {
		if f.items[k] != f.kr.Current() {
			f.items[k] = f.kr.Current()
			done++
		}
		if done == limit {
			if i == len(keys)-1 {
				return nil, done, 0, nil
			}
			return []byte(k + "\x00"), done, 0, nil
		}
	}
	return nil, done, 0, nil
}

func (f *fakeSource) count(_ context.Context, counts map[uint32]int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.items {
		counts[v]++
	}
	return nil
}

type fixture struct {
	meta    meta.Store
	kr      *sse.Keyring
	keyFile string
	a, b    *fakeSource
	reg     *prometheus.Registry
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	keyFile := filepath.Join(dir, "master.key")
	kr, err := sse.GenerateKeyringFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{meta: m, kr: kr, keyFile: keyFile, a: newFakeSource(kr, 5), b: newFakeSource(kr, 3)}
}

// manager builds a Manager over the fixture, as a server start does.
func (f *fixture) manager(t *testing.T, batch int) *Manager {
	t.Helper()
	f.reg = prometheus.NewRegistry()
	m, err := New(Options{Meta: f.meta, Keyring: f.kr, KeyFile: f.keyFile, BatchSize: batch, Registerer: f.reg,
		Sources: []Source{f.a.source("a"), f.b.source("b")}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runToEnd steps m until its pass is done and returns the steps taken.
func runToEnd(t *testing.T, m *Manager) int {
	t.Helper()
	for i := 1; ; i++ {
		done, err := m.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return i
		}
		if i > 1000 {
			t.Fatal("the job does not finish")
		}
	}
}

func TestRotateRewrapRetire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.manager(t, 2)
	if runToEnd(t, m) != 1 {
		t.Error("a keyring never rotated needs a pass")
	}
	v, err := m.Rotate(ctx)
	if err != nil || v != 2 {
		t.Fatalf("Rotate = %d, %v; want 2", v, err)
	}
	if loaded, err := sse.LoadKeyringFile(f.keyFile); err != nil || !slices.Equal(loaded.Versions(), []uint32{1, 2}) {
		t.Fatalf("key file after Rotate: %v, %v", loaded.Versions(), err)
	}
	var inUse *InUseError
	if err := m.Retire(ctx, 1); !errors.As(err, &inUse) || inUse.Count != 8 || !errors.Is(err, ErrVersionInUse) {
		t.Fatalf("Retire(1) before the job = %v, want in use by 8", err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.InUse(), []uint32{1}) || st.Counts[1] != 8 {
		t.Errorf("Status before the job: in use %v, counts %v", st.InUse(), st.Counts)
	}
	runToEnd(t, m)
	st, err = m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.InUse()) != 0 || st.Counts[2] != 8 || !st.JobDone || st.JobTarget != 2 || st.Rewrapped != 8 {
		t.Errorf("Status after the job = %+v", st)
	}
	if got := testutil.ToFloat64(m.metrics.rewrapped); got != 8 {
		t.Errorf("%s = %v, want 8", NameRewrapped, got)
	}
	if err := m.Retire(ctx, 2); !errors.Is(err, ErrCurrentVersion) {
		t.Errorf("Retire(current) = %v, want ErrCurrentVersion", err)
	}
	if err := m.Retire(ctx, 7); !errors.Is(err, ErrNoSuchVersion) {
		t.Errorf("Retire(7) = %v, want ErrNoSuchVersion", err)
	}
	if err := m.Retire(ctx, 1); err != nil {
		t.Fatalf("Retire(1) after the job: %v", err)
	}
	loaded, err := sse.LoadKeyringFile(f.keyFile)
	if err != nil || !slices.Equal(loaded.Versions(), []uint32{2}) || f.kr.Has(1) {
		t.Errorf("after Retire(1): file holds %v (%v), keyring %v", loaded.Versions(), err, f.kr.Versions())
	}
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(`
# HELP coffer_master_key_versions Master key versions the keyring holds; more than 1 means old versions remain to retire.
# TYPE coffer_master_key_versions gauge
coffer_master_key_versions 1
`), NameVersions); err != nil {
		t.Error(err)
	}
}

// TestResumeAfterRestart stops the job after a few items, builds a new
// Manager on the same meta (a restart) and checks that it goes on from
// the saved cursor instead of starting over.
func TestResumeAfterRestart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.manager(t, 2)
	runToEnd(t, m)
	if _, err := m.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 { // 4 of source a's 5 items
		if done, err := m.Step(ctx); err != nil || done {
			t.Fatalf("Step = %v, %v", done, err)
		}
	}
	f.a.froms = nil

	restarted := f.manager(t, 2)
	st, err := restarted.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.JobDone || st.JobSource != "a" || st.Rewrapped != 4 {
		t.Fatalf("Status after restart = %+v, want source a, 4 rewrapped", st)
	}
	runToEnd(t, restarted)
	if len(f.a.froms) == 0 || string(f.a.froms[0]) != "d\x00" {
		t.Errorf("first Rewrap after restart started at %q, want after item d", f.a.froms)
	}
	st, err = restarted.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.JobDone || st.Rewrapped != 8 || st.Counts[2] != 8 {
		t.Errorf("Status at the end = %+v, want done with 8 rewrapped", st)
	}
}

// TestRotateDuringPass: a rotation in the middle of a pass starts a new
// pass for the newer version.
func TestRotateDuringPass(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.manager(t, 1)
	runToEnd(t, m)
	if _, err := m.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := m.Rotate(ctx); err != nil || v != 3 {
		t.Fatalf("second Rotate = %d, %v", v, err)
	}
	runToEnd(t, m)
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.JobTarget != 3 || !st.JobDone || st.Counts[3] != 8 || len(st.InUse()) != 0 {
		t.Errorf("Status = %+v, want everything under 3", st)
	}
	for _, v := range []uint32{1, 2} {
		if err := m.Retire(ctx, v); err != nil {
			t.Errorf("Retire(%d): %v", v, err)
		}
	}
}

func TestNotPersistable(t *testing.T) {
	f := newFixture(t)
	m, err := New(Options{Meta: f.meta, Keyring: f.kr, Sources: []Source{f.a.source("a")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Rotate(context.Background()); !errors.Is(err, ErrNotPersistable) {
		t.Errorf("Rotate without a key file = %v, want ErrNotPersistable", err)
	}
	if err := m.Retire(context.Background(), 1); !errors.Is(err, ErrNotPersistable) {
		t.Errorf("Retire without a key file = %v, want ErrNotPersistable", err)
	}
	if got := f.kr.Versions(); !slices.Equal(got, []uint32{1}) {
		t.Errorf("keyring = %v, want [1]", got)
	}
}

// TestRun: Run starts a pass after each rotation without being told
// more than Rotate tells it, and stops with its context.
func TestRun(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	m := f.manager(t, 1)
	var wg sync.WaitGroup
	wg.Go(func() { m.Run(ctx) })
	if _, err := m.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	// Wait for the pass by polling its durable state.
	for {
		st, found, err := loadState(ctx, f.meta)
		if err != nil {
			t.Fatal(err)
		}
		if found && st.Target == 2 && st.Done {
			break
		}
		m.mu.Lock() // yield to the job between polls
		m.mu.Unlock()
	}
	cancel()
	wg.Wait()
	counts := map[uint32]int64{}
	if err := m.count(context.Background(), counts); err != nil || counts[2] != 8 {
		t.Errorf("counts after Run = %v, %v", counts, err)
	}
}
