package iam

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

// testEpoch is the fake clock's starting time.
var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testRootKey    = "AKIAROOTROOTROOTROOT"
	testRootSecret = "rootsecretrootsecretrootsecretrootsecret"
)

// env is a bootstrapped Store on a real Pebble store in a temp dir.
type env struct {
	s     *Store
	meta  *pebble.Store
	clock *clock.Fake
	dir   string
}

func newEnv(t testing.TB, opts ...func(*Options)) *env {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(testEpoch)
	o := Options{Meta: m, Keyring: kr, Clock: clk, Region: "us-east-1"}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(context.Background(), testRootKey, testRootSecret); err != nil {
		t.Fatal(err)
	}
	return &env{s: s, meta: m, clock: clk, dir: dir}
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks that err matches sentinel (nil for success).
func wantErr(t testing.TB, what string, err, sentinel error) {
	t.Helper()
	switch {
	case sentinel == nil && err != nil:
		t.Errorf("%s = %v, want success", what, err)
	case sentinel != nil && !errors.Is(err, sentinel):
		t.Errorf("%s = %v, want %v", what, err, sentinel)
	}
}

// newUser creates a user with an access key and returns the key pair.
func (e *env) newUser(t testing.TB, account, name string) (accessKey, secret string) {
	t.Helper()
	ctx := context.Background()
	_, err := e.s.CreateUser(ctx, CreateUserInput{Account: account, Name: name})
	must(t, err)
	k, secret, err := e.s.CreateAccessKey(ctx, account, name)
	must(t, err)
	return k.AccessKeyID, secret
}
