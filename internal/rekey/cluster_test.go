package rekey

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/coffer-s3/coffer/internal/cachesync"
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
