package cachesync

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

func openStore(t *testing.T) meta.Store {
	t.Helper()
	s, err := pebble.Open(filepath.Join(t.TempDir(), "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func bump(t *testing.T, m meta.Store, domain string) {
	t.Helper()
	if err := m.Update(context.Background(), func(tx meta.Txn) error { return Bump(tx, domain) }); err != nil {
		t.Fatal(err)
	}
}

// counter subscribes to domain and counts its calls.
func counter(s *Syncer, domain string) *atomic.Int64 {
	var n atomic.Int64
	s.Subscribe(domain, func() { n.Add(1) })
	return &n
}

func TestSync_callsOnlyChangedDomains(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	var dropped atomic.Int64 // reported to Invalidated for iam
	s, err := New(Options{Meta: m, Invalidated: func(d string) {
		if d == DomainIAM {
			dropped.Add(1)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	iam, access := counter(s, DomainIAM), counter(s, DomainAccess)
	// The first Sync drops everything: caches may predate it.
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if iam.Load() != 1 || access.Load() != 1 {
		t.Fatalf("first Sync: iam %d, access %d calls, want 1, 1", iam.Load(), access.Load())
	}
	// Nothing changed: nothing is dropped.
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	bump(t, m, DomainIAM)
	bump(t, m, DomainKeyring) // no subscriber: ignored
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if iam.Load() != 2 || access.Load() != 1 {
		t.Fatalf("after an iam bump: iam %d, access %d calls, want 2, 1", iam.Load(), access.Load())
	}
	// Two bumps between Syncs are one change.
	bump(t, m, DomainAccess)
	bump(t, m, DomainAccess)
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if iam.Load() != 2 || access.Load() != 2 {
		t.Fatalf("after two access bumps: iam %d, access %d calls, want 2, 2", iam.Load(), access.Load())
	}
	if got := dropped.Load(); got != 2 {
		t.Errorf("Invalidated(iam) called %d times, want 2", got)
	}
}

// failingStore fails every View while fail is set.
type failingStore struct {
	meta.Store
	fail atomic.Bool
}

func (f *failingStore) View(ctx context.Context, fn func(meta.Reader) error) error {
	if f.fail.Load() {
		return errors.New("unreachable")
	}
	return f.Store.View(ctx, fn)
}

func TestSync_failureDropsEverything(t *testing.T) {
	ctx := context.Background()
	m := &failingStore{Store: openStore(t)}
	var synced, failed atomic.Int64
	s, err := New(Options{Meta: m, Synced: func() { synced.Add(1) }, Failed: func() { failed.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	iam := counter(s, DomainIAM)
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	m.fail.Store(true)
	if err := s.Sync(ctx); err == nil {
		t.Fatal("Sync over a failing store = nil error")
	}
	if iam.Load() != 2 {
		t.Fatalf("a failed Sync made %d calls in all, want 2", iam.Load())
	}
	// The next good Sync drops again: changes in between were missed.
	m.fail.Store(false)
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if iam.Load() != 3 {
		t.Fatalf("the Sync after a failure made %d calls in all, want 3", iam.Load())
	}
	// Only the Syncs that read the records count as synced.
	if synced.Load() != 2 || failed.Load() != 1 || s.Syncs() != 2 {
		t.Errorf("Synced called %d times, Failed %d, Syncs() = %d; want 2, 1, 2", synced.Load(), failed.Load(), s.Syncs())
	}
}

func TestGenKey_domainRoundTrip(t *testing.T) {
	for _, d := range []string{DomainIAM, DomainAccess, DomainKeyring} {
		for _, shard := range []uint16{0, shards - 1} {
			if got := domainOf(genKey(d, shard)); got != d {
				t.Errorf("domainOf(genKey(%q, %d)) = %q", d, shard, got)
			}
		}
	}
	if got := domainOf([]byte("Sx")); got != "" {
		t.Errorf(`domainOf("Sx") = %q, want ""`, got)
	}
}

// notifyingStore is a store whose Watch hands out a channel the test
// sends on.
type notifyingStore struct {
	meta.Store
	notes chan struct{}
}

func (n *notifyingStore) Watch(ctx context.Context, prefix []byte) (<-chan struct{}, error) {
	if string(prefix) != string(Prefix()) {
		return nil, errors.New("unexpected prefix")
	}
	return n.notes, nil
}

// TestRun_syncsOnNotification: with an interval of an hour, only a
// notification can make Run sync again after its first Sync.
func TestRun_syncsOnNotification(t *testing.T) {
	m := &notifyingStore{Store: openStore(t), notes: make(chan struct{})}
	s, err := New(Options{Meta: m, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	iam := counter(s, DomainIAM)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Run takes a send only while it waits, after a Sync: the first
	// send returns after the first Sync (which calls every subscriber),
	// the second after the Sync the first one caused, which found
	// nothing changed or already saw the bump; the one the second causes sees
	// it in any case.
	notify := func() {
		t.Helper()
		select {
		case m.notes <- struct{}{}:
		case <-time.After(10 * time.Second):
			t.Fatal("Run does not read the notifications")
		}
	}
	notify()
	bump(t, m, DomainIAM)
	notify()
	deadline := time.Now().Add(10 * time.Second)
	for iam.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("iam subscriber called %d times after a notification, want 2", iam.Load())
		}
		time.Sleep(time.Millisecond) // Run syncs on its own goroutine
	}
}
