package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/sse"
)

// openStore opens the identity store of data directory dir, creating the
// master key and the first account as a coffer's first start does.
func openStore(t *testing.T, dir string) (*iam.Store, func()) {
	t.Helper()
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(dir, masterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := pebble.Open(filepath.Join(dir, metaDir), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := iam.New(iam.Options{Meta: m, Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(context.Background(), "benchaccesskey", "benchsecretkey0123456789"); err != nil {
		t.Fatal(err)
	}
	return s, func() { m.Close() }
}

// TestCreate_policyPassesBenchRequests creates the bench user with
// scripts/bench-iam-policy.json and checks that every request `coffer
// bench` makes passes all five statements, and that each statement still
// bites outside them.
func TestCreate_policyPassesBenchRequests(t *testing.T) {
	dir := t.TempDir()
	_, closeStore := openStore(t, dir)
	closeStore()
	ak, secret, err := create(t.Context(), dir, "bench", filepath.Join("..", "bench-iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, closeStore := openStore(t, dir)
	defer closeStore()
	cred, err := s.Lookup(t.Context(), ak)
	if err != nil || cred.SecretKey != secret {
		t.Fatalf("Lookup(%s) = %v, %v; want the created key", ak, cred.Principal.ARN, err)
	}
	const bucket, key = "coffer-bench-0123abcd", "bench-89abcdef/o0000000001"
	loopback := map[string][]string{"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}}
	with := func(k, v string) map[string][]string {
		m := map[string][]string{k: {v}}
		for n, vs := range loopback {
			if n != k {
				m[n] = vs
			}
		}
		return m
	}
	tests := []struct {
		name        string
		action, key string
		bucket      string
		conds       map[string][]string
		allowed     bool
	}{
		{"create bucket", "s3:CreateBucket", "", bucket, loopback, true},
		{"put", "s3:PutObject", key, bucket, loopback, true},
		{"get", "s3:GetObject", key, bucket, loopback, true},
		{"delete", "s3:DeleteObject", key, bucket, loopback, true},
		{"list the run prefix", "s3:ListBucket", "", bucket, with("s3:prefix", "bench-89abcdef/"), true},
		{"delete bucket", "s3:DeleteBucket", "", bucket, loopback, true},
		{"get off loopback", "s3:GetObject", key, bucket, with("aws:SourceIp", "192.0.2.1"), false},
		{"public put", "s3:PutObject", key, bucket, with("s3:x-amz-acl", "public-read"), false},
		{"list another prefix", "s3:ListBucket", "", bucket, with("s3:prefix", "other/"), false},
		{"list without a prefix", "s3:ListBucket", "", bucket, loopback, false},
		{"another bucket", "s3:GetObject", "k", "data", loopback, false},
		{"delete another bucket", "s3:DeleteBucket", "", "data", loopback, false},
	}
	for _, tt := range tests {
		d := s.Authorize(t.Context(), iam.Request{Principal: cred.Principal, Action: tt.action,
			Bucket: tt.bucket, Key: tt.key, Conditions: tt.conds})
		if d.Allowed != tt.allowed {
			t.Errorf("%s: Authorize(%s) allowed = %v (%s), want %v", tt.name, tt.action, d.Allowed, d.Policy, tt.allowed)
		}
	}
}
