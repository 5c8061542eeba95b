package rekey

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

// TestRotate_reachesOtherNodes is two nodes sharing one meta store and
// one key file: a rotation through one reaches the other's keyring by
// the keyring change generation, so each unwraps what the other wraps,
// and a rotation through the other then builds on it.
func TestRotate_reachesOtherNodes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	keyFile := filepath.Join(dir, "master.key")
	if _, err := sse.GenerateKeyringFile(keyFile); err != nil {
		t.Fatal(err)
	}
	type node struct {
		kr  *sse.Keyring
		mgr *Manager
	}
	nodes := make([]node, 2)
	syncers := make([]*cachesync.Syncer, 2)
	for i := range nodes {
		kr, err := sse.LoadKeyringFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := lease.New(lease.Options{Meta: m})
		if err != nil {
			t.Fatal(err)
		}
		mgr, err := New(Options{Meta: m, Keyring: kr, KeyFile: keyFile, Leases: ls})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = node{kr, mgr}
		if syncers[i], err = cachesync.New(cachesync.Options{Meta: m}); err != nil {
			t.Fatal(err)
		}
		syncers[i].Subscribe(cachesync.DomainKeyring, mgr.KeyFileChanged)
		if err := syncers[i].Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a, b := nodes[0], nodes[1]
	v, err := a.mgr.Rotate(ctx)
	if err != nil || v != 2 {
		t.Fatalf("a.Rotate = %d, %v; want 2", v, err)
	}
	if err := syncers[1].Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if b.kr.Current() != 2 {
		t.Fatalf("b's current version after its sync = %d, want 2", b.kr.Current())
	}
	dk, err := sse.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.kr.Wrap(dk, []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.kr.Unwrap(w, []byte("c")); err != nil {
		t.Fatalf("b cannot unwrap a's wrap under the new version: %v", err)
	}
	// b rotates next, from the file as a left it.
	if v, err := b.mgr.Rotate(ctx); err != nil || v != 3 {
		t.Fatalf("b.Rotate = %d, %v; want 3", v, err)
	}
	if err := syncers[0].Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.kr.Versions(); len(got) != 3 || a.kr.Current() != 3 {
		t.Fatalf("a's versions after b's rotation = %v (current %d), want 1..3", got, a.kr.Current())
	}
	// A retirement through a reaches b.
	if err := a.mgr.Retire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := syncers[1].Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if b.kr.Has(1) {
		t.Fatal("b still holds version 1 after a retired it and b synced")
	}
}

// TestStep_fencedByLease: a node whose job lease was taken over cannot
// save the job's cursor.
func TestStep_fencedByLease(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a, err := lease.New(lease.Options{Meta: m, Node: "a", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	b, err := lease.New(lease.Options{Meta: m, Node: "b", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := a.Acquire(ctx, "rekey")
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := New(Options{Meta: m, Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	mgr.fence = &ls
	clk.Advance(a.TTL())
	if _, err := b.Acquire(ctx, "rekey"); err != nil {
		t.Fatal(err)
	}
	if _, err := mgr.Step(ctx); !errors.Is(err, lease.ErrLost) {
		t.Fatalf("Step after the lease was taken over = %v, want lease.ErrLost", err)
	}
	if _, found, err := loadState(ctx, m); err != nil || found {
		t.Fatalf("job state after a fenced Step: found %v, %v; want nothing saved", found, err)
	}
}

// TestRotate_whileAnotherNodeHoldsTheLease: a rotation asked while another
// node changes the key file is refused with ErrKeyFileBusy (the operator
// API's 409 ConcurrentModification) and changes nothing.
func TestRotate_whileAnotherNodeHoldsTheLease(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	keyFile := filepath.Join(dir, "master.key")
	if _, err := sse.GenerateKeyringFile(keyFile); err != nil {
		t.Fatal(err)
	}
	other, err := lease.New(lease.Options{Meta: m, Node: "other"})
	if err != nil {
		t.Fatal(err)
	}
	held, err := other.Acquire(ctx, keyFileLease)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := sse.LoadKeyringFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := lease.New(lease.Options{Meta: m, Node: "this"})
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := New(Options{Meta: m, Keyring: kr, KeyFile: keyFile, Leases: ls})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := mgr.Rotate(ctx); !errors.Is(err, ErrKeyFileBusy) {
		t.Fatalf("Rotate while another node holds the lease = %d, %v; want ErrKeyFileBusy", v, err)
	}
	if kr.Current() != 1 {
		t.Fatalf("current version after a refused rotation = %d, want 1", kr.Current())
	}
	if err := other.Release(ctx, held); err != nil {
		t.Fatal(err)
	}
	if v, err := mgr.Rotate(ctx); err != nil || v != 2 {
		t.Fatalf("Rotate after the lease was released = %d, %v; want 2", v, err)
	}
}
