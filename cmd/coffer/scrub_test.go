package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/config"
)

func TestScrub_commandLine(t *testing.T) {
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "ROOT", "AWS_SECRET_ACCESS_KEY": "secret"}
	const ep = "http://127.0.0.1:1"
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"help", nil, []string{"scrub", "-help"}, 0, "", "coffer scrub list --endpoint URL"},
		{"listed in coffer help", nil, []string{"help"}, 0, "scrub", ""},
		{"no subcommand", creds, []string{"scrub", "--endpoint", ep}, 2, "", "missing subcommand: list or run"},
		{"unknown subcommand", creds, []string{"scrub", "fix", "--endpoint", ep}, 2, "", `unknown subcommand "fix"`},
		{"argument", creds, []string{"scrub", "list", "x", "--endpoint", ep}, 2, "", "list takes no arguments"},
		{"no endpoint", creds, []string{"scrub", "run"}, 2, "", "--endpoint is required"},
		{"no credentials", nil, []string{"scrub", "list", "--endpoint", ep}, 2, "", "set AWS_ACCESS_KEY_ID"},
		{"server unreachable", creds, []string{"scrub", "list", "--endpoint", ep}, 1, "", "coffer scrub list: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEnv(t, tt.env, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, stdout containing %q, stderr containing %q",
					tt.args, code, stdout, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// TestScrub_findsDamageThroughTheServer runs a real server (serve, as
// `coffer server` does), damages one object's blob file on disk, and
// drives `coffer scrub run` and `coffer scrub list`: the damaged object is
// listed, a GET of it answers 500 InternalError, the intact one still
// reads, and /metrics counts the finding.
func TestScrub_findsDamageThroughTheServer(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	cfg.ScrubRate = 0 // only the requested pass runs
	addr, stop := startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	endpoint := "http://" + addr
	c := s3.New(s3.Options{BaseEndpoint: aws.String(endpoint), Region: "us-east-1", UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
	ctx := t.Context()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("coffer "), 20000) // stored in a blob, not inline
	for _, k := range []string{"damaged", "intact"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: bytes.NewReader(big)}); err != nil {
			t.Fatal(err)
		}
	}
	blobs := blobFiles(t, cfg.BlobPath())
	if len(blobs) != 2 {
		t.Fatalf("%d blob files, want 2", len(blobs))
	}
	// Which file is which does not matter until the listing names it:
	// damage the first and read the key back from the scrubber.
	if err := os.WriteFile(blobs[0], []byte("not a blob"), 0o600); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{"AWS_ACCESS_KEY_ID": cfg.RootAccessKey, "AWS_SECRET_ACCESS_KEY": cfg.RootSecretKey}
	code, stdout, stderr := runEnv(t, env, "scrub", "run", "--endpoint", endpoint, "--json")
	var pass passJSON
	if err := json.Unmarshal([]byte(stdout), &pass); code != 0 || err != nil {
		t.Fatalf("scrub run --json = %d, %q (%v), stderr %s", code, stdout, err, stderr)
	}
	if pass.Scanned != 2 || pass.Damaged != 1 || pass.Completed == "" {
		t.Errorf("scrub run = %+v, want 2 scanned, 1 damaged", pass)
	}
	code, stdout, stderr = runEnv(t, env, "scrub", "list", "--endpoint", endpoint, "--json")
	var list []damagedJSON
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil {
		t.Fatalf("scrub list --json = %d, %q (%v), stderr %s", code, stdout, err, stderr)
	}
	if len(list) != 1 || list[0].Bucket != "bkt" || list[0].Problem == "" || filepath.Base(blobs[0]) != list[0].Blob {
		t.Fatalf("scrub list = %+v, want the damaged blob %s", list, filepath.Base(blobs[0]))
	}
	damaged := list[0].Key
	intact := map[string]string{"damaged": "intact", "intact": "damaged"}[damaged]

	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(damaged)})
	wantS3Code(t, "GetObject of the damaged object", err, "InternalError")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(intact)})
	if err != nil {
		t.Fatalf("GetObject of the intact object: %v", err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Errorf("GetObject of the intact object = %d bytes, %v", len(got), err)
	}

	code, stdout, _ = runEnv(t, env, "scrub", "list", "--endpoint", endpoint)
	if code != 0 || !strings.HasPrefix(stdout, "BUCKET") || !strings.Contains(stdout, damaged) {
		t.Errorf("scrub list = %d, %q", code, stdout)
	}
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"coffer_scrub_corrupt_found_total 1", "coffer_scrub_objects_scanned_total 2", "coffer_scrub_passes_total 1"} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}

	// Overwriting the damaged object drops it from the list.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(damaged), Body: strings.NewReader("new")}); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runEnv(t, env, "scrub", "list", "--endpoint", endpoint)
	if code != 0 || !strings.Contains(stdout, "No damaged object versions.") {
		t.Errorf("scrub list after the overwrite = %d, %q", code, stdout)
	}
}

// blobFiles lists the blob files under dir, in name order.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && len(d.Name()) == 32 {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
