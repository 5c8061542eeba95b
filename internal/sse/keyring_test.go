package sse

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"
)

func masterKey(t testing.TB, b byte) *MasterKey {
	t.Helper()
	m, err := MasterKeyFromBytes(bytes.Repeat([]byte{b}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func keyring(t testing.TB, versions ...uint32) *Keyring {
	t.Helper()
	r := NewKeyring()
	for _, v := range versions {
		if err := r.Add(v, masterKey(t, byte(v))); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func sameKey(a, b *DataKey) bool { return a.k == b.k }

func TestWrapUnwrap(t *testing.T) {
	r := keyring(t, 1)
	d := newKey(t)
	ctx := Context("bucket", "key", "v1")
	w, err := r.Wrap(d, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != wrapSizeV1 || w[0] != wrapFormatV1 || w[5] != wrapAlgGCM {
		t.Fatalf("Wrap = %d bytes, header % x", len(w), w[:6])
	}
	if v, err := w.MasterVersion(); v != 1 || err != nil {
		t.Errorf("MasterVersion() = %d, %v, want 1", v, err)
	}
	got, err := r.Unwrap(w, ctx)
	if err != nil || !sameKey(got, d) {
		t.Fatalf("Unwrap = %v, %v; want the wrapped key", got, err)
	}
	w2, _ := r.Wrap(d, ctx)
	if bytes.Equal(w, w2) {
		t.Error("two wraps of one key are equal: the nonce is not fresh")
	}
}

func TestUnwrapFails(t *testing.T) {
	r := keyring(t, 1, 2)
	ctx := Context("bucket", "key", "v1")
	w, err := r.Wrap(newKey(t), ctx)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) WrappedKey { b := slices.Clone(w); b[i] ^= 0x80; return b }
	tests := []struct {
		name string
		r    *Keyring
		w    WrappedKey
		ctx  []byte
		want error
	}{
		{"other context", r, w, Context("bucket", "key", "v2"), ErrNotAuthentic},
		{"parts moved", r, w, Context("bucket", "keyv1"), ErrNotAuthentic},
		{"no context", r, w, nil, ErrNotAuthentic},
		{"other keyring, same version", keyring(t, 3, 4), w, ctx, ErrUnknownKeyVersion},
		{"version not held", keyring(t, 1), w, ctx, ErrUnknownKeyVersion},
		{"version changed", r, func() WrappedKey { b := slices.Clone(w); b[4] = 1; return b }(), ctx, ErrNotAuthentic},
		{"version byte flipped", r, flip(1), ctx, ErrUnknownKeyVersion},
		{"format version", r, flip(0), ctx, ErrUnsupported},
		{"algorithm", r, flip(5), ctx, ErrUnsupported},
		{"nonce", r, flip(6), ctx, ErrNotAuthentic},
		{"ciphertext", r, flip(20), ctx, ErrNotAuthentic},
		{"tag", r, flip(len(w) - 1), ctx, ErrNotAuthentic},
		{"truncated", r, w[:len(w)-1], ctx, ErrNotAuthentic},
		{"extended", r, append(slices.Clone(w), 0), ctx, ErrNotAuthentic},
		{"empty", r, nil, ctx, ErrUnsupported},
		{"header only", r, w[:6], ctx, ErrNotAuthentic},
	}
	for _, tt := range tests {
		got, err := tt.r.Unwrap(tt.w, tt.ctx)
		if !errors.Is(err, tt.want) || got != nil {
			t.Errorf("%s: Unwrap = %v, %v, want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestWrapEmptyKeyring(t *testing.T) {
	if _, err := NewKeyring().Wrap(newKey(t), nil); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("Wrap with no master key: %v, want ErrUnknownKeyVersion", err)
	}
}

func TestKeyringAdd(t *testing.T) {
	r := keyring(t, 2)
	if err := r.Add(2, masterKey(t, 9)); !errors.Is(err, ErrKeyFile) {
		t.Errorf("Add of a version held: %v", err)
	}
	if err := r.Add(0, masterKey(t, 9)); !errors.Is(err, ErrKeyFile) {
		t.Errorf("Add of version 0: %v", err)
	}
	// An older version joins without becoming current.
	if err := r.Add(1, masterKey(t, 1)); err != nil {
		t.Fatal(err)
	}
	if r.Current() != 2 || !slices.Equal(r.Versions(), []uint32{1, 2}) {
		t.Errorf("Current() = %d, Versions() = %v, want 2, [1 2]", r.Current(), r.Versions())
	}
}

// TestRotation walks a master key rotation: wraps made before it keep
// unwrapping, Rewrap moves them to the new version, and the old version
// can then be retired.
func TestRotation(t *testing.T) {
	r := keyring(t, 1)
	ctx := Context("b", "k", "")
	d := newKey(t)
	old, err := r.Wrap(d, ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.Rotate()
	if err != nil || v != 2 || r.Current() != 2 {
		t.Fatalf("Rotate() = %d, %v; Current() = %d", v, err, r.Current())
	}
	if got, err := r.Unwrap(old, ctx); err != nil || !sameKey(got, d) {
		t.Fatalf("Unwrap of a version-1 wrap after rotation: %v", err)
	}
	fresh, _ := r.Wrap(d, ctx)
	if v, _ := fresh.MasterVersion(); v != 2 {
		t.Errorf("new wrap uses version %d, want 2", v)
	}
	moved, err := r.Rewrap(old, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := moved.MasterVersion(); v != 2 {
		t.Errorf("Rewrap moved to version %d, want 2", v)
	}
	if again, err := r.Rewrap(moved, ctx); err != nil || !bytes.Equal(again, moved) {
		t.Errorf("Rewrap of a current wrap changed it (%v)", err)
	}
	if _, err := r.Rewrap(old, Context("b", "other", "")); !errors.Is(err, ErrNotAuthentic) {
		t.Errorf("Rewrap with another context: %v, want ErrNotAuthentic", err)
	}
	if err := r.Remove(2); err == nil {
		t.Error("Remove of the current version succeeded")
	}
	if err := r.Remove(1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Unwrap(old, ctx); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("Unwrap of a retired version: %v, want ErrUnknownKeyVersion", err)
	}
	if got, err := r.Unwrap(moved, ctx); err != nil || !sameKey(got, d) {
		t.Errorf("Unwrap of the rewrapped key after retiring version 1: %v", err)
	}
}

// TestWrapV1Fixture pins the version 1 wrap layout: a wrap written by this
// version must unwrap in every later one.
func TestWrapV1Fixture(t *testing.T) {
	r := keyring(t, 7)
	// Made once by Wrap with master key version 7 (32 bytes of 0x07), data
	// key 0x00..0x1f, context Context("bucket", "key", "version").
	w := mustHex(t, "010000000701"+ // format 1, master key version 7, algorithm 1
		"d3bc29fb09275c041f09b65b"+ // nonce
		"4a296c5c43a6e2962eb06f4aff502c9ec46a2bdf07fb0981eb3e9ca0446abceb"+ // encrypted data key
		"581b9d7036edb83250817b61ba551ee4") // tag
	d, err := r.Unwrap(w, Context("bucket", "key", "version"))
	if err != nil {
		t.Fatal(err)
	}
	var want DataKey
	for i := range want.k {
		want.k[i] = byte(i)
	}
	if !sameKey(d, &want) {
		t.Error("fixture unwrapped to another key")
	}
}

func TestContext(t *testing.T) {
	if bytes.Equal(Context("a/b", "c"), Context("a", "b/c")) {
		t.Error("Context is ambiguous")
	}
	if bytes.Equal(Context("a", ""), Context("a")) {
		t.Error("Context ignores an empty part")
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
