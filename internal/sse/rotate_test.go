package sse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestRotateUnderConcurrentWraps rotates while other goroutines wrap,
// unwrap, seal, open and rewrap (run with -race): every wrap made at any
// moment keeps unwrapping, and rewraps land on a version held.
func TestRotateUnderConcurrentWraps(t *testing.T) {
	r := keyring(t, 1)
	const rotations, workers, rounds = 8, 4, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			ctx := Context("worker", string(rune('a'+w)))
			for range rounds {
				d, err := NewDataKey()
				if err != nil {
					errs <- err
					return
				}
				wk, err := r.Wrap(d, ctx)
				if err == nil {
					wk, err = r.Rewrap(wk, ctx)
				}
				var got *DataKey
				if err == nil {
					got, err = r.Unwrap(wk, ctx)
				}
				if err == nil && !sameKey(got, d) {
					err = errors.New("unwrapped another key")
				}
				var sealed, pt []byte
				if err == nil {
					sealed, err = r.Seal([]byte("secret"), ctx)
				}
				if err == nil {
					sealed, err = r.Reseal(sealed, ctx)
				}
				if err == nil {
					pt, err = r.Open(sealed, ctx)
				}
				if err == nil && string(pt) != "secret" {
					err = errors.New("opened another secret")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var versions []uint32
	for range rotations {
		v, err := r.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if want := []uint32{2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(versions, want) {
		t.Errorf("Rotate versions = %v, want %v", versions, want)
	}
}

// TestConcurrentRotate: rotations racing each other each get their own
// version.
func TestConcurrentRotate(t *testing.T) {
	r := keyring(t, 1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := r.Rotate(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := r.Current(); got != 9 {
		t.Errorf("Current() = %d after 8 rotations of version 1, want 9", got)
	}
}

func TestReseal(t *testing.T) {
	r := keyring(t, 1)
	ctx := Context("iam", "AKIA1")
	old, err := r.Seal([]byte("s3cret"), ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := SealedVersion(old); err != nil || v != 1 {
		t.Fatalf("SealedVersion = %d, %v, want 1", v, err)
	}
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	moved, err := r.Reseal(old, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := SealedVersion(moved); v != 2 {
		t.Errorf("resealed under version %d, want 2", v)
	}
	if again, err := r.Reseal(moved, ctx); err != nil || !bytes.Equal(again, moved) {
		t.Errorf("Reseal of a current secret = %x, %v; want it unchanged", again, err)
	}
	if _, err := r.Reseal(old, Context("iam", "AKIA2")); !errors.Is(err, ErrNotAuthentic) {
		t.Errorf("Reseal with another context: %v, want ErrNotAuthentic", err)
	}
	if err := r.Remove(1); err != nil {
		t.Fatal(err)
	}
	if pt, err := r.Open(moved, ctx); err != nil || string(pt) != "s3cret" {
		t.Errorf("Open after retiring version 1 = %q, %v", pt, err)
	}
	if _, err := SealedVersion([]byte{9}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("SealedVersion of a foreign format: %v, want ErrUnsupported", err)
	}
}

// TestRotateRetireKeyringFile: the file follows each step, and a file
// that cannot be written leaves the keyring unchanged.
func TestRotateRetireKeyringFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	r, err := GenerateKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := Context("obj")
	d := newKey(t)
	w1, err := r.Wrap(d, ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := RotateKeyringFile(path, r)
	if err != nil || v != 2 {
		t.Fatalf("RotateKeyringFile = %d, %v; want 2", v, err)
	}
	loaded, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Versions(); !slices.Equal(got, []uint32{1, 2}) || loaded.Current() != 2 {
		t.Fatalf("file after rotation holds %v (current %d), want [1 2] (2)", got, loaded.Current())
	}
	w2, err := r.Rewrap(w1, ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The file's version 2 is the live one: it unwraps what r wraps now.
	if got, err := loaded.Unwrap(w2, ctx); err != nil || !sameKey(got, d) {
		t.Fatalf("file's keyring Unwrap of a new wrap: %v", err)
	}
	if err := RetireKeyringFile(path, r, 2); err == nil {
		t.Error("RetireKeyringFile of the current version succeeded")
	}
	if err := RetireKeyringFile(path, r, 1); err != nil {
		t.Fatal(err)
	}
	loaded, err = LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Versions(); !slices.Equal(got, []uint32{2}) {
		t.Errorf("file after retiring 1 holds %v, want [2]", got)
	}
	if r.Has(1) || !r.Has(2) {
		t.Errorf("keyring after retiring 1 holds %v, want [2]", r.Versions())
	}
	if _, err := r.Unwrap(w1, ctx); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("Unwrap under the retired version: %v, want ErrUnknownKeyVersion", err)
	}

	// A directory that cannot be written: the rotation fails and the
	// keyring does not change.
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		t.Skip("root writes read-only directories")
	}
	if _, err := RotateKeyringFile(filepath.Join(ro, "master.key"), r); err == nil {
		t.Fatal("RotateKeyringFile into a read-only directory succeeded")
	}
	if got := r.Versions(); !slices.Equal(got, []uint32{2}) || r.Current() != 2 {
		t.Errorf("keyring after a failed rotation holds %v (current %d), want [2] (2)", got, r.Current())
	}
}
