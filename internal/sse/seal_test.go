package sse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	r := NewKeyring()
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	secret := []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	ctx := Context("iam access key", "AKIAEXAMPLE")
	sealed, err := r.Seal(secret, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) {
		t.Fatal("Seal output contains the plaintext")
	}
	got, err := r.Open(sealed, ctx)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v; want the secret", got, err)
	}
	// Still opens after a rotation: the version is in the header.
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(sealed, ctx); err != nil {
		t.Fatalf("Open after Rotate: %v", err)
	}
	tests := []struct {
		name   string
		sealed []byte
		ctx    []byte
		want   error
	}{
		{"other context", sealed, Context("iam access key", "AKIAOTHER"), ErrNotAuthentic},
		{"flipped bit", flip(sealed, len(sealed)-1), ctx, ErrNotAuthentic},
		{"flipped version", flip(sealed, 4), ctx, ErrUnknownKeyVersion},
		{"truncated", sealed[:10], ctx, ErrNotAuthentic},
		{"empty", nil, ctx, ErrUnsupported},
		{"unknown format", append([]byte{9}, sealed[1:]...), ctx, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := r.Open(tt.sealed, tt.ctx); !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := r.Seal(make([]byte, MaxSealSize+1), ctx); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Seal(too large) = %v, want ErrTooLarge", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func TestLoadOrGenerateKeyringFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	r1, created, err := LoadOrGenerateKeyringFile(path)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	sealed, err := r1.Seal([]byte("s"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r2, created, err := LoadOrGenerateKeyringFile(path)
	if err != nil || created {
		t.Fatalf("second call: created %v, err %v", created, err)
	}
	if _, err := r2.Open(sealed, nil); err != nil {
		t.Fatalf("the reloaded keyring does not open: %v", err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrGenerateKeyringFile(path); !errors.Is(err, ErrKeyFile) {
		t.Errorf("world-readable file: %v, want ErrKeyFile", err)
	}
}
