package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/config"
)

func TestMasterKey_commandLine(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "master.key")
	code, stdout, stderr := runArgs(t, "master-key", "generate", "--out", key)
	if code != 0 || !strings.Contains(stdout, key) {
		t.Fatalf("generate = %d, %q, %q", code, stdout, stderr)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("generated file: %v, mode %v; want 0600", err, fi.Mode())
	}
	content, _ := os.ReadFile(key)
	hexKey := strings.TrimPrefix(strings.TrimSpace(string(content[strings.LastIndexByte(strings.TrimSpace(string(content)), '\n')+1:])), "1:")

	code, stdout, stderr = runArgs(t, "master-key", "show-versions", "--file", key)
	if code != 0 || stdout != "versions: 1\ncurrent: 1\n" || strings.Contains(stdout+stderr, hexKey) {
		t.Fatalf("show-versions = %d, %q, %q", code, stdout, stderr)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"never overwrites", []string{"generate", "--out", key}, 1, "never overwritten"},
		{"no subcommand", nil, 2, "want one subcommand"},
		{"unknown", []string{"spin"}, 2, `unknown subcommand "spin"`},
		{"generate without out", []string{"generate"}, 2, "--out"},
		{"show without file", []string{"show-versions"}, 2, "--file"},
		{"show missing file", []string{"show-versions", "--file", filepath.Join(dir, "nope")}, 1, "no such file"},
		{"help", []string{"-help"}, 0, "Losing the master key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runArgs(t, append([]string{"master-key"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("master-key %q = %d, %q; want %d, %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
		})
	}

	// A key file others may read is refused, and the message says why.
	if err := os.Chmod(key, 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runArgs(t, "master-key", "show-versions", "--file", key); code != 1 || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("show-versions of a 0640 file = %d, %q", code, stderr)
	}
}

// keyServerConfig is the configuration of a coffer with configured root
// keys in dataDir; tests set where its master key comes from.
func keyServerConfig(t *testing.T, dataDir string) config.Config {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = dataDir
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	return cfg
}

// startServeLog is startServe with the server's log written to log.
func startServeLog(t *testing.T, cfg config.Config, log io.Writer) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(log, nil)), io.Discard, func(a net.Addr) { addrc <- a })
	}()
	select {
	case a := <-addrc:
		return a.String(), func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before it started: %v", err)
		return "", nil
	}
}

// createAdmin creates IAM user alice with AdministratorAccess through the
// IAM API and returns her key pair.
func createAdmin(t *testing.T, addr string, cfg config.Config) (string, string) {
	t.Helper()
	c := awsiam.New(awsiam.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, "")})
	ctx := t.Context()
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	out, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	return *out.AccessKey.AccessKeyId, *out.AccessKey.SecretAccessKey
}

func listBucketsAs(t *testing.T, addr, ak, sk string) error {
	c := s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: awscreds.NewStaticCredentialsProvider(ak, sk, "")})
	_, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	return err
}

// TestServe_masterKeyFile: a server whose master key lives outside the
// data directory reads, after a restart, the secrets it sealed before; a
// wrong key stops the start with one message and damages nothing.
func TestServe_masterKeyFile(t *testing.T) {
	keys := t.TempDir()
	keyFile := filepath.Join(keys, "coffer.key")
	if code, _, stderr := runArgs(t, "master-key", "generate", "--out", keyFile); code != 0 {
		t.Fatalf("generate: %s", stderr)
	}
	cfg := keyServerConfig(t, t.TempDir())
	cfg.MasterKeyFile = keyFile

	var log syncBuffer
	addr, stop := startServeLog(t, cfg, &log)
	ak, sk := createAdmin(t, addr, cfg)
	if err := stop(); err != nil {
		t.Fatalf("serve = %v", err)
	}
	if !strings.Contains(log.String(), "source="+keyFile) {
		t.Errorf("log does not say where the key came from:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "master.key")); !os.IsNotExist(err) {
		t.Errorf("a master key was created in the data directory: %v", err)
	}

	// A wrong key: one clear error, before anything is resealed.
	wrong := cfg
	wrong.MasterKeyFile = filepath.Join(keys, "other.key")
	if code, _, stderr := runArgs(t, "master-key", "generate", "--out", wrong.MasterKeyFile); code != 0 {
		t.Fatalf("generate: %s", stderr)
	}
	err := serve(t.Context(), wrong, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "master key") || !strings.Contains(err.Error(), "does not open the stored secrets") {
		t.Fatalf("serve with a wrong key = %v, want a master key error", err)
	}

	// A missing file is an error, and nothing is created in its place.
	missing := cfg
	missing.MasterKeyFile = filepath.Join(keys, "gone.key")
	err = serve(t.Context(), missing, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("serve with a missing key file = %v", err)
	}
	if _, err := os.Stat(missing.MasterKeyFile); !os.IsNotExist(err) {
		t.Errorf("a key file was created at the missing path: %v", err)
	}

	// The right key again: alice's secret, sealed before, still opens.
	addr, stop = startServeLog(t, cfg, io.Discard)
	if err := listBucketsAs(t, addr, ak, sk); err != nil {
		t.Errorf("ListBuckets as alice after restart: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve = %v", err)
	}

	// The same key from the environment.
	text, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	fromEnv := cfg
	fromEnv.MasterKeyFile = ""
	fromEnv.MasterKey = config.Secret(text)
	log = syncBuffer{}
	addr, stop = startServeLog(t, fromEnv, &log)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	if err := listBucketsAs(t, addr, ak, sk); err != nil {
		t.Errorf("ListBuckets as alice with the key from the environment: %v", err)
	}
	hexKey := strings.TrimSpace(string(text[strings.LastIndex(string(text), "1:")+2:]))
	if got := log.String(); !strings.Contains(got, "source=environment") || strings.Contains(got, hexKey) {
		t.Errorf("log with the key from the environment:\n%s", got)
	}
}

// TestServe_masterKeyFromEnvVar goes through the command line: the key
// comes from $COFFER_MASTER_KEY, and a malformed one fails the start with
// a message that does not quote it.
func TestServe_masterKeyFromEnvVar(t *testing.T) {
	bad := "1:" + strings.Repeat("zz", 32)
	code, _, stderr := runEnv(t, map[string]string{"COFFER_MASTER_KEY": bad, "COFFER_DATA": t.TempDir(),
		"COFFER_ADDRESS": "127.0.0.1:0"}, "server")
	if code != 1 || !strings.Contains(stderr, "COFFER_MASTER_KEY") || strings.Contains(stderr, "zzzz") {
		t.Errorf("server with a malformed $COFFER_MASTER_KEY = %d, %q", code, stderr)
	}
	code, _, stderr = runEnv(t, map[string]string{"COFFER_MASTER_KEY": bad, "COFFER_MASTER_KEY_FILE": "/k"}, "server")
	if code != 2 || !strings.Contains(stderr, "only one") || strings.Contains(stderr, "zzzz") {
		t.Errorf("server with two key sources = %d, %q", code, stderr)
	}
}
