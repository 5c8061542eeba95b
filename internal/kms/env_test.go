package kms

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testRootKey    = "AKIAROOTROOTROOTROOT"
	testRootSecret = "rootsecretrootsecretrootsecretrootsecret"
	testRegion     = "us-east-1"
)

// env is a key service over a real identity store and Pebble.
type env struct {
	s     *Service
	iam   *iam.Store
	clock *clock.Fake
	audit *bytes.Buffer
	root  Caller
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	must(t, err)
	t.Cleanup(func() { m.Close() })
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(dir, "master.key"))
	must(t, err)
	clk := clock.NewFake(testEpoch)
	is, err := iam.New(iam.Options{Meta: m, Keyring: kr, Clock: clk, Region: testRegion})
	must(t, err)
	must(t, is.Bootstrap(context.Background(), testRootKey, testRootSecret))
	audit := &bytes.Buffer{}
	s, err := New(Options{Meta: m, Keyring: kr, Authorizer: is, Region: testRegion, Clock: clk, Audit: audit})
	must(t, err)
	e := &env{s: s, iam: is, clock: clk, audit: audit}
	e.root = e.callerFor(t, testRootKey)
	return e
}

func (e *env) callerFor(t testing.TB, accessKey string) Caller {
	t.Helper()
	cred, err := e.iam.Lookup(context.Background(), accessKey)
	must(t, err)
	return Caller{Principal: cred.Principal, Conditions: map[string][]string{"aws:SourceIp": {"192.0.2.1"}}}
}

// user creates a user in the root account with the given inline policy
// ("" for none) and returns it as a caller.
func (e *env) user(t testing.TB, name, identityPolicy string) Caller {
	t.Helper()
	ctx := context.Background()
	_, err := e.iam.CreateUser(ctx, iam.CreateUserInput{Account: iam.RootAccountID, Name: name})
	must(t, err)
	if identityPolicy != "" {
		must(t, e.iam.PutInlinePolicy(ctx, iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: name}, "p", identityPolicy))
	}
	k, _, err := e.iam.CreateAccessKey(ctx, iam.RootAccountID, name)
	must(t, err)
	return e.callerFor(t, k.AccessKeyID)
}

func (e *env) createKey(t testing.TB, policy string) *KeyMetadata {
	t.Helper()
	md, err := e.s.CreateKey(context.Background(), CreateKeyRequest{Caller: e.root, Policy: policy, BypassPolicyLockoutSafetyCheck: policy != ""})
	must(t, err)
	return md
}

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
