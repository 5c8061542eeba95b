package sse

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// TestReloadKeyringFile is two nodes sharing one key file: what one
// rotates or retires, the other learns by reloading, and data keys
// wrapped by either unwrap on both.
func TestReloadKeyringFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, err := GenerateKeyringFile(path); err != nil {
		t.Fatal(err)
	}
	a, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := ReloadKeyringFile(path, b); err != nil || changed {
		t.Fatalf("reload of an unchanged file = %v, %v; want false, nil", changed, err)
	}
	v, err := RotateKeyringFile(path, a)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	ctx := []byte("ctx")
	w, err := a.Wrap(dk, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Unwrap(w, ctx); err == nil {
		t.Fatal("b unwrapped a key wrapped under a version it does not hold")
	}
	if changed, err := ReloadKeyringFile(path, b); err != nil || !changed {
		t.Fatalf("reload after a rotation = %v, %v; want true, nil", changed, err)
	}
	if b.Current() != v {
		t.Fatalf("b's current version after reload = %d, want %d", b.Current(), v)
	}
	if _, err := b.Unwrap(w, ctx); err != nil {
		t.Fatalf("b cannot unwrap a's new wrap after reload: %v", err)
	}
	if err := RetireKeyringFile(path, a, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := ReloadKeyringFile(path, b); err != nil {
		t.Fatal(err)
	}
	if got := b.Versions(); !slices.Equal(got, []uint32{v}) {
		t.Fatalf("b's versions after a retirement = %v, want [%d]", got, v)
	}

	// A node ahead of the file, or holding another key under a version,
	// is not touched.
	if _, err := RotateKeyringFile(filepath.Join(t.TempDir(), "other.key"), b); err != nil {
		t.Fatal(err)
	}
	before := b.Versions()
	if _, err := ReloadKeyringFile(path, b); !errors.Is(err, ErrKeyFile) {
		t.Fatalf("reload of a file behind the keyring = %v, want ErrKeyFile", err)
	}
	if !slices.Equal(b.Versions(), before) {
		t.Fatalf("a refused reload changed the keyring: %v, want %v", b.Versions(), before)
	}
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "1.key"), filepath.Join(dir, "2.key")
	for _, p := range []string{p1, p2} {
		if _, err := GenerateKeyringFile(p); err != nil {
			t.Fatal(err)
		}
	}
	k1, err := LoadKeyringFile(p1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReloadKeyringFile(p2, k1); !errors.Is(err, ErrKeyFile) {
		t.Fatalf("reload of a file with another key under a held version = %v, want ErrKeyFile", err)
	}
}

// TestOnNewerVersion: a node asked to open what another node wrapped or
// sealed under a version it does not hold yet reloads the shared file
// through its hook, and then opens it.
func TestOnNewerVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, err := GenerateKeyringFile(path); err != nil {
		t.Fatal(err)
	}
	a, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reloads := 0
	b.OnNewerVersion(func() {
		reloads++
		if _, err := ReloadKeyringFile(path, b); err != nil {
			t.Error(err)
		}
	})
	if _, err := RotateKeyringFile(path, a); err != nil {
		t.Fatal(err)
	}
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.Wrap(dk, []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Unwrap(w, []byte("c")); err != nil {
		t.Fatalf("b.Unwrap of a wrap under a's new version: %v", err)
	}
	if _, err := RotateKeyringFile(path, a); err != nil {
		t.Fatal(err)
	}
	sealed, err := a.Seal([]byte("secret"), []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(sealed, []byte("c")); err != nil {
		t.Fatalf("b.Open of a secret sealed under a's newer version: %v", err)
	}
	if reloads != 2 {
		t.Errorf("%d reloads, want 2 (one per newer version)", reloads)
	}
}
