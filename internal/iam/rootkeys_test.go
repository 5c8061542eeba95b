package iam

import (
	"context"
	"errors"
	"testing"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestRootAccessKeys: the root user's keys authenticate as the root user,
// are limited to two, and the configured pair comes back active at the
// next Bootstrap after the root user deactivated or deleted it.
func TestRootAccessKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k, secret, err := e.s.CreateRootAccessKey(ctx, RootAccountID)
	must(t, err)
	cred, err := e.s.Lookup(ctx, k.AccessKeyID)
	must(t, err)
	if !cred.Principal.Root || cred.Principal.AccountID != RootAccountID || cred.SecretKey != secret {
		t.Fatalf("Lookup(new root key) = %+v", cred.Principal)
	}
	_, _, err = e.s.CreateRootAccessKey(ctx, RootAccountID)
	wantErr(t, "third root key", err, ErrLimitExceeded)
	wantErr(t, "unknown account", e.s.DeleteRootAccessKey(ctx, "111122223333", k.AccessKeyID), ErrNoSuchEntity)

	must(t, e.s.UpdateRootAccessKey(ctx, RootAccountID, testRootKey, StatusInactive))
	if _, err := e.s.Lookup(ctx, testRootKey); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatalf("Lookup(inactive configured key) = %v", err)
	}
	must(t, e.s.Bootstrap(ctx, testRootKey, testRootSecret))
	if _, err := e.s.Lookup(ctx, testRootKey); err != nil {
		t.Fatalf("Lookup(configured key after Bootstrap) = %v", err)
	}

	must(t, e.s.DeleteRootAccessKey(ctx, RootAccountID, testRootKey))
	must(t, e.s.DeleteRootAccessKey(ctx, RootAccountID, k.AccessKeyID))
	keys, err := e.s.ListRootAccessKeys(ctx, RootAccountID)
	if err != nil || len(keys) != 0 {
		t.Fatalf("ListRootAccessKeys after deleting both = %v, %v", keys, err)
	}
	if sum, err := e.s.AccountSummary(ctx, RootAccountID); err == nil && sum.RootKeys {
		t.Errorf("AccountAccessKeysPresent with no root key")
	}
	must(t, e.s.Bootstrap(ctx, testRootKey, testRootSecret))
	keys, err = e.s.ListRootAccessKeys(ctx, RootAccountID)
	if err != nil || len(keys) != 1 || keys[0].AccessKeyID != testRootKey || keys[0].Status != StatusActive {
		t.Fatalf("ListRootAccessKeys after Bootstrap = %v, %v", keys, err)
	}
}
