package iam

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/meta"
)

func countSealed(t *testing.T, s *Store) map[uint32]int64 {
	t.Helper()
	counts := map[uint32]int64{}
	must(t, s.CountSealedSecrets(context.Background(), counts))
	return counts
}

// TestResealSecrets: access keys, a session and an MFA seed sealed under
// version 1 move to version 2, one record per call, and open in a fresh
// Store once version 1 is gone; a key made after the rotation is
// already under version 2.
func TestResealSecrets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	aliceKey, aliceSecret := e.newUser(t, RootAccountID, "alice")
	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, Root: true, Duration: time.Hour})
	must(t, err)
	_, err = e.s.CreateVirtualMFADevice(ctx, RootAccountID, "phone", "/", nil)
	must(t, err)
	// root key, alice's key, the session's secret and token, the seed.
	if diff := cmp.Diff(map[uint32]int64{1: 5}, countSealed(t, e.s)); diff != "" {
		t.Fatalf("CountSealedSecrets before (-want +got):\n%s", diff)
	}
	kr := e.s.keyring
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	bobKey, bobSecret := e.newUser(t, RootAccountID, "bob")

	var cursor []byte
	total := 0
	for {
		next, n, failed, err := e.s.ResealSecrets(ctx, cursor, 1)
		if err != nil || failed != 0 {
			t.Fatalf("ResealSecrets(%q) = %d, %d, %v", cursor, n, failed, err)
		}
		total += n
		if next == nil {
			break
		}
		cursor = next
	}
	if total != 4 {
		t.Errorf("ResealSecrets resealed %d records, want 4", total)
	}
	if diff := cmp.Diff(map[uint32]int64{2: 6}, countSealed(t, e.s)); diff != "" {
		t.Errorf("CountSealedSecrets after (-want +got):\n%s", diff)
	}
	must(t, kr.Remove(1))

	fresh, err := New(Options{Meta: e.meta, Keyring: kr, Clock: e.clock, Region: "us-east-1"})
	must(t, err)
	must(t, fresh.CheckKeyring(ctx))
	for ak, secret := range map[string]string{testRootKey: testRootSecret, aliceKey: aliceSecret, bobKey: bobSecret,
		sess.AccessKeyID: sess.SecretAccessKey} {
		c, err := fresh.Lookup(ctx, ak)
		if err != nil || c.SecretKey != secret {
			t.Errorf("Lookup(%s) after retiring version 1: secret matches %v, err %v", ak, c.SecretKey == secret, err)
		}
	}
	err = e.meta.View(ctx, func(r meta.Reader) error {
		var rec mfaRecord
		if _, err := get(r, key(subMFA, RootAccountID, "phone"), &rec); err != nil {
			return err
		}
		seed, err := fresh.openSeed(RootAccountID, "phone", &rec)
		clear(seed)
		return err
	})
	if err != nil {
		t.Errorf("MFA seed after retiring version 1: %v", err)
	}
}
