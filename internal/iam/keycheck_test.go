package iam

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

func TestCheckKeyring(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	must(t, e.s.CheckKeyring(ctx))

	open := func(kr *sse.Keyring) *Store {
		s, err := New(Options{Meta: e.meta, Keyring: kr, Clock: e.clock})
		must(t, err)
		return s
	}
	// Another random key: what an operator gets by pointing coffer at
	// the wrong file.
	other, err := sse.GenerateKeyringFile(filepath.Join(t.TempDir(), "other.key"))
	must(t, err)
	err = open(other).CheckKeyring(ctx)
	if !errors.Is(err, errWrongMasterKey) || !strings.Contains(err.Error(), "not the key") {
		t.Fatalf("CheckKeyring(other key) = %v, want errWrongMasterKey", err)
	}

	// A keyring that lacks the version the secrets were sealed under.
	kr, err := sse.LoadKeyringFile(filepath.Join(e.dir, "master.key"))
	must(t, err)
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	must(t, open(kr).CheckKeyring(ctx)) // version 1 still held
	must(t, kr.Remove(1))
	err = open(kr).CheckKeyring(ctx)
	if !errors.Is(err, errWrongMasterKey) || !errors.Is(err, sse.ErrUnknownKeyVersion) {
		t.Fatalf("CheckKeyring(without version 1) = %v, want errWrongMasterKey and ErrUnknownKeyVersion", err)
	}
}

// A data directory with nothing sealed yet accepts any key.
func TestCheckKeyring_firstStart(t *testing.T) {
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	must(t, err)
	t.Cleanup(func() { m.Close() })
	kr, err := sse.GenerateKeyringFile(filepath.Join(dir, "master.key"))
	must(t, err)
	s, err := New(Options{Meta: m, Keyring: kr, Clock: clock.NewFake(testEpoch)})
	must(t, err)
	must(t, s.CheckKeyring(context.Background()))
}
