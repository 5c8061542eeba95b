package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// TestCSE_commandLine pins the command line checks, which all answer before
// any request is sent (the endpoint is a closed port).
func TestCSE_commandLine(t *testing.T) {
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"help", nil, []string{"cse", "-help"}, 0, "coffer cse put --key-id KEY"},
		{"no subcommand", creds, []string{"cse"}, 2, "want a subcommand: put or get"},
		{"unknown subcommand", creds, []string{"cse", "rm", "s3://b/k"}, 2, "want a subcommand"},
		{"one argument", creds, []string{"cse", "get", "s3://b/k"}, 2, "get takes two arguments"},
		{"not an s3 URL", creds, []string{"cse", "get", "b/k", "out"}, 2, "is not an s3://BUCKET/KEY URL"},
		{"no key", creds, []string{"cse", "get", "s3://b", "out"}, 2, "names no bucket or no key"},
		{"put without a key id", creds, []string{"cse", "put", "in", "s3://b/k"}, 2, "put needs --key-id"},
		{"no endpoint", map[string]string{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s"}, []string{"cse", "get", "s3://b/k", "out"}, 2, "is not an http:// or https:// URL"},
		{"no credentials", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, []string{"cse", "get", "s3://b/k", "out"}, 2, "set AWS_ACCESS_KEY_ID"},
		{"bad context", creds, []string{"cse", "put", "--key-id", "k", "--context", "x", "in", "s3://b/k"}, 2, "want k=v pairs"},
		{"bad max size", creds, []string{"cse", "get", "--max-size", "lots", "s3://b/k", "out"}, 2, "--max-size"},
		{"server unreachable", creds, []string{"cse", "get", "s3://b/k", filepath.Join(t.TempDir(), "out")}, 1, "coffer cse get: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runEnv(t, tt.env, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("coffer %s = %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

// TestCSE_putGet puts a file and gets it back through a real coffer, and
// checks that get refuses an object whose ciphertext was changed on the
// server without writing the output file.
func TestCSE_putGet(t *testing.T) {
	srv := coffertest.Start(t)
	ctx := t.Context()
	if _, err := srv.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("cse")}); err != nil {
		t.Fatal(err)
	}
	k, err := srv.KMS().CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.KMS().CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/cli"), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey}
	dir := t.TempDir()
	plain := make([]byte, 300_001)
	rand.Read(plain)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runEnv(t, env, "cse", "put", "--endpoint", srv.Endpoint, "--key-id", "alias/cli", "--context", "team=blue", in, "s3://cse/file"); code != 0 {
		t.Fatalf("cse put = %d: %s", code, stderr)
	}
	if code, _, stderr := runEnv(t, env, "cse", "get", "s3://cse/file", out, "--endpoint", srv.Endpoint); code != 0 {
		t.Fatalf("cse get = %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, plain) {
		t.Fatalf("cse get wrote %d bytes, want the %d put", len(got), len(plain))
	}
	if code, stdout, stderr := runEnv(t, env, "cse", "get", "--endpoint", srv.Endpoint, "s3://cse/file", "-"); code != 0 || stdout != string(plain) {
		t.Fatalf("cse get to stdout = %d, %d bytes: %s", code, len(stdout), stderr)
	}

	raw, err := srv.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cse"), Key: aws.String("file")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(raw.Body)
	if raw.Metadata["x-amz-matdesc"] != `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","team":"blue"}` {
		t.Errorf("x-amz-matdesc = %q", raw.Metadata["x-amz-matdesc"])
	}
	body[len(body)-1] ^= 1
	if _, err := srv.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cse"), Key: aws.String("file"), Body: bytes.NewReader(body), Metadata: raw.Metadata}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	code, _, stderr := runEnv(t, env, "cse", "get", "--endpoint", srv.Endpoint, "s3://cse/file", bad)
	if code != 1 || !strings.Contains(stderr, "failed authentication") {
		t.Fatalf("cse get of a tampered object = %d: %s", code, stderr)
	}
	if _, err := os.Stat(bad); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("cse get of a tampered object left %s: %v", bad, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("cse get left files behind: %v", ents)
	}
}
