package lease

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) meta.Store {
	t.Helper()
	s, err := pebble.Open(filepath.Join(t.TempDir(), "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newNode(t *testing.T, m meta.Store, clk clock.Clock, node string, ttl time.Duration) *Leases {
	t.Helper()
	l, err := New(Options{Meta: m, Node: node, Clock: clk, TTL: ttl, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAcquire_oneHolderUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	clk := clock.NewFake(epoch)
	const nodes = 8
	var won atomic.Int64
	var wg sync.WaitGroup
	for i := range nodes {
		l := newNode(t, m, clk, fmt.Sprintf("node%d", i), time.Minute)
		wg.Go(func() {
			_, err := l.Acquire(ctx, "gc")
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, ErrHeld):
				t.Errorf("Acquire: %v", err)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d of %d concurrent Acquires won, want 1", won.Load(), nodes)
	}
}

func TestAcquire_takeoverAfterExpiry(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	clk := clock.NewFake(epoch)
	a, b := newNode(t, m, clk, "a", 15*time.Second), newNode(t, m, clk, "b", 15*time.Second)

	la, err := a.Acquire(ctx, "scrub")
	if err != nil || la.Token != 1 || la.Holder != "a" {
		t.Fatalf("a.Acquire = %+v, %v; want token 1 held by a", la, err)
	}
	clk.Advance(14 * time.Second)
	if _, err := b.Acquire(ctx, "scrub"); !errors.Is(err, ErrHeld) {
		t.Fatalf("b.Acquire before expiry: %v, want ErrHeld", err)
	}
	// a stops renewing (it died); b takes over once it expired.
	clk.Advance(time.Second)
	lb, err := b.Acquire(ctx, "scrub")
	if err != nil || lb.Token != 2 || lb.Holder != "b" {
		t.Fatalf("b.Acquire after expiry = %+v, %v; want token 2 held by b", lb, err)
	}
	if got := testutil.ToFloat64(b.takeovers.WithLabelValues("scrub")); got != 1 {
		t.Errorf("b's %s = %v, want 1", NameTakeovers, got)
	}
	// a comes back: its lease is gone and its fenced writes fail.
	if _, err := a.Renew(ctx, la); !errors.Is(err, ErrLost) {
		t.Fatalf("a.Renew after takeover: %v, want ErrLost", err)
	}
	err = m.Update(ctx, func(tx meta.Txn) error {
		if err := Check(tx, la); err != nil {
			return err
		}
		return tx.Set([]byte("cursor"), []byte("stale"))
	})
	if !errors.Is(err, ErrLost) {
		t.Fatalf("a write fenced by the lost lease: %v, want ErrLost", err)
	}
	if got := testutil.ToFloat64(a.held.WithLabelValues("scrub")); got != 0 {
		t.Errorf("a's %s after losing = %v, want 0", NameHeld, got)
	}
	// a's release of the lost lease leaves b's alone.
	if err := a.Release(ctx, la); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Renew(ctx, lb); err != nil {
		t.Fatalf("b.Renew after a's stale Release: %v", err)
	}
}

func TestRelease_letsAnotherNodeInAtOnce(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	clk := clock.NewFake(epoch)
	a, b := newNode(t, m, clk, "a", time.Minute), newNode(t, m, clk, "b", time.Minute)
	la, err := a.Acquire(ctx, "rekey")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Release(ctx, la); err != nil {
		t.Fatal(err)
	}
	lb, err := b.Acquire(ctx, "rekey")
	if err != nil || lb.Token != 2 {
		t.Fatalf("b.Acquire after release = %+v, %v; want token 2", lb, err)
	}
	if got := testutil.ToFloat64(b.takeovers.WithLabelValues("rekey")); got != 0 {
		t.Errorf("a released lease counted as %v takeovers, want 0", got)
	}
}

func TestRenew_extendsByTTL(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	clk := clock.NewFake(epoch)
	a, b := newNode(t, m, clk, "a", 10*time.Second), newNode(t, m, clk, "b", 10*time.Second)
	la, err := a.Acquire(ctx, "gc")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		clk.Advance(5 * time.Second)
		if la, err = a.Renew(ctx, la); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Acquire(ctx, "gc"); !errors.Is(err, ErrHeld) {
			t.Fatalf("b.Acquire of a renewed lease: %v, want ErrHeld", err)
		}
	}
	if la.Token != 1 || !la.Expires.Equal(clk.Now().Add(10*time.Second)) {
		t.Fatalf("renewed lease = %+v, want token 1 expiring at %v", la, clk.Now().Add(10*time.Second))
	}
}

// TestAcquire_exclusiveStoreTakesAtOnce is a restart after a crash on an
// embedded store: the dead process's lease is taken without waiting.
func TestAcquire_exclusiveStoreTakesAtOnce(t *testing.T) {
	ctx := context.Background()
	m := openStore(t)
	clk := clock.NewFake(epoch)
	dead := newNode(t, m, clk, "dead", time.Minute)
	if _, err := dead.Acquire(ctx, "gc"); err != nil {
		t.Fatal(err)
	}
	l, err := New(Options{Meta: m, Node: "restarted", Clock: clk, Exclusive: true})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := l.Acquire(ctx, "gc")
	if err != nil || ls.Token != 2 {
		t.Fatalf("Acquire on an exclusive store = %+v, %v; want token 2 at once", ls, err)
	}
}
