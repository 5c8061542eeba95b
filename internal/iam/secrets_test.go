package iam

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// TestSecrets_neverInPlaintext writes user and account keys, closes the
// store, and scans every meta value and every file of the data directory
// for the secrets.
func TestSecrets_neverInPlaintext(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, userSecret := e.newUser(t, RootAccountID, "alice")
	_, _, acctSecret, err := e.s.CreateAccount(ctx, "b")
	must(t, err)
	var secrets []string
	for _, s := range []string{userSecret, acctSecret, testRootSecret} {
		// Records are JSON, which would hold bytes as base64.
		secrets = append(secrets, s, base64.StdEncoding.EncodeToString([]byte(s)))
	}

	assertNotStored(t, e, secrets)
}

// assertNotStored scans every meta value and, after closing the store,
// every file of the data directory for the secrets.
func assertNotStored(t *testing.T, e *env, secrets []string) {
	t.Helper()
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		it := r.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			for _, s := range secrets {
				if bytes.Contains(it.Value(), []byte(s)) {
					t.Errorf("meta value of %q holds a secret in plaintext", it.Key())
				}
			}
		}
		return it.Err()
	})
	must(t, err)
	must(t, e.meta.Close())
	err = filepath.WalkDir(e.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret in plaintext", path)
			}
		}
		return nil
	})
	must(t, err)
}

// TestSecrets_neverPrinted checks that errors and log lines of the
// failure paths do not carry a secret.
func TestSecrets_neverPrinted(t *testing.T) {
	var logs strings.Builder
	e := newEnv(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx := context.Background()
	ak, secret := e.newUser(t, RootAccountID, "alice")
	k, _, err := e.s.ListAccessKeys(ctx, RootAccountID, "alice", ListOptions{})
	must(t, err)
	must(t, e.s.UpdateAccessKey(ctx, RootAccountID, "alice", ak, StatusInactive))
	_, lookupErr := e.s.Lookup(ctx, ak)
	for _, text := range []string{fmt.Sprintf("%+v", k), fmt.Sprint(lookupErr), logs.String()} {
		if strings.Contains(text, secret) {
			t.Errorf("secret printed in %q", text)
		}
	}
}

// TestMFASeed_neverInPlaintext creates, enables and uses MFA devices and
// scans meta and the data directory for their seeds in every encoding a
// record could hold them in.
func TestMFASeed_neverInPlaintext(t *testing.T) {
	e := newEnv(t)
	key, _ := e.newUser(t, RootAccountID, "alice")
	d := e.newDevice(t, RootAccountID, "alice")
	e.enable(t, RootAccountID, "alice", d)
	e.clock.Advance(time.Minute)
	must(t, e.s.VerifyMFA(context.Background(), e.principal(t, key), d.SerialNumber, codeAt(t, d.Base32StringSeed, e.steps(0))))
	spare := e.newDevice(t, RootAccountID, "spare")
	var secrets []string
	for _, dev := range []VirtualMFADevice{d, spare} {
		raw, err := base32.StdEncoding.DecodeString(string(dev.Base32StringSeed))
		must(t, err)
		secrets = append(secrets, string(dev.Base32StringSeed), string(raw),
			base64.StdEncoding.EncodeToString(raw), base64.StdEncoding.EncodeToString(dev.Base32StringSeed))
	}
	assertNotStored(t, e, secrets)
}

// TestMFASeed_neverPrinted checks that errors, log lines and listings of
// MFA devices do not carry a seed.
func TestMFASeed_neverPrinted(t *testing.T) {
	var logs strings.Builder
	e := newEnv(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx := context.Background()
	key, _ := e.newUser(t, RootAccountID, "alice")
	d := e.newDevice(t, RootAccountID, "alice")
	seed := string(d.Base32StringSeed)
	var texts []string
	add := func(v any) { texts = append(texts, fmt.Sprintf("%+v", v)) }
	add(e.s.EnableMFADevice(ctx, RootAccountID, "alice", d.SerialNumber, "000000", "000001"))
	e.enable(t, RootAccountID, "alice", d)
	add(e.s.VerifyMFA(ctx, e.principal(t, key), d.SerialNumber, "000000"))
	add(e.s.ResyncMFADevice(ctx, RootAccountID, "alice", d.SerialNumber, "000000", "000001"))
	add(e.s.DeleteVirtualMFADevice(ctx, RootAccountID, d.SerialNumber))
	_, err := e.s.CreateVirtualMFADevice(ctx, RootAccountID, "alice", "", nil)
	add(err)
	devs, _, err := e.s.ListVirtualMFADevices(ctx, RootAccountID, "", ListOptions{})
	must(t, err)
	add(devs)
	mine, _, err := e.s.ListMFADevices(ctx, RootAccountID, "alice", ListOptions{})
	must(t, err)
	add(mine)
	texts = append(texts, logs.String())
	for _, text := range texts {
		if strings.Contains(text, seed) {
			t.Errorf("seed printed in %q", text)
		}
	}
}
