package iam

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

	err = e.meta.View(ctx, func(r meta.Reader) error {
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
