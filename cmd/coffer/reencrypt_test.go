package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/operatorapi"
)

func TestReencrypt_commandLine(t *testing.T) {
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
		{"help", nil, []string{"reencrypt", "-help"}, 0, "", "coffer reencrypt status --endpoint URL"},
		{"listed in coffer help", nil, []string{"help"}, 0, "reencrypt", ""},
		{"no subcommand", creds, []string{"reencrypt", "--endpoint", ep}, 2, "", "missing subcommand: status or run"},
		{"unknown subcommand", creds, []string{"reencrypt", "go", "--endpoint", ep}, 2, "", `unknown subcommand "go"`},
		{"argument", creds, []string{"reencrypt", "status", "x", "--endpoint", ep}, 2, "", "status takes no arguments"},
		{"no endpoint", creds, []string{"reencrypt", "run"}, 2, "", "--endpoint is required"},
		{"server unreachable", creds, []string{"reencrypt", "status", "--endpoint", ep}, 1, "", "coffer reencrypt status: "},
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

// TestReencrypt_upgradeThroughTheServer stores objects (inline,
// single-blob, multipart) with --encrypt-at-rest=false, restarts with it
// on and the background job off, and drives `coffer reencrypt status`
// and `coffer reencrypt run`: the pass is owed, then encrypts every
// object; HEAD then says AES256 with the same ETag and checksum, whole
// and ranged GETs read the same bytes, and /metrics counts the work.
func TestReencrypt_upgradeThroughTheServer(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	cfg.ScrubRate, cfg.ReencryptRate, cfg.EncryptAtRest = 0, 0, false
	client := func(addr string) *s3.Client {
		return s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", UsePathStyle: true,
			Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
	}
	ctx := t.Context()
	addr, stop := startServe(t, cfg, io.Discard)
	c := client(addr)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	bodies := map[string][]byte{"small": []byte("inline bytes"), "big": bytes.Repeat([]byte("coffer "), 20000)}
	for k, b := range bodies {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: bytes.NewReader(b)}); err != nil {
			t.Fatal(err)
		}
	}
	part1, part2 := bytes.Repeat([]byte("1"), 5<<20), []byte("the last part")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for i, p := range [][]byte{part1, part2} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	bodies["mp"] = append(bytes.Clone(part1), part2...)
	etags := map[string]string{}
	for k := range bodies {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k)})
		if err != nil || h.ServerSideEncryption != "" {
			t.Fatalf("HeadObject(%s) with encryption at rest off = %v, SSE %q", k, err, h.ServerSideEncryption)
		}
		etags[k] = aws.ToString(h.ETag)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	cfg.EncryptAtRest = true
	addr, stop = startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	c = client(addr)
	env := map[string]string{"AWS_ACCESS_KEY_ID": cfg.RootAccessKey, "AWS_SECRET_ACCESS_KEY": cfg.RootSecretKey}
	endpoint := "http://" + addr
	code, stdout, stderr := runEnv(t, env, "reencrypt", "status", "--endpoint", endpoint)
	if code != 0 || !strings.Contains(stdout, "A pass is due") || !strings.Contains(stdout, "background job is off") {
		t.Errorf("reencrypt status = %d, %q, stderr %s; want a pass due with the background job off", code, stdout, stderr)
	}
	code, stdout, stderr = runEnv(t, env, "reencrypt", "run", "--endpoint", endpoint, "--json")
	var st operatorapi.ReencryptionStatus
	if err := json.Unmarshal([]byte(stdout), &st); code != 0 || err != nil {
		t.Fatalf("reencrypt run --json = %d, %q (%v), stderr %s", code, stdout, err, stderr)
	}
	if st.Last.Reencrypted != 3 || st.Last.Scanned != 3 || st.Owed || st.Passes != 1 {
		t.Errorf("reencrypt run = %+v, want 3 versions re-encrypted in one pass", st)
	}
	for k, body := range bodies {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k)})
		if err != nil || h.ServerSideEncryption != types.ServerSideEncryptionAes256 || aws.ToString(h.ETag) != etags[k] {
			t.Errorf("HeadObject(%s) after = %v, SSE %q, ETag %s (was %s)", k, err, h.ServerSideEncryption, aws.ToString(h.ETag), etags[k])
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Range: aws.String("bytes=5-")})
		if err != nil {
			t.Fatalf("ranged GetObject(%s): %v", k, err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, body[5:]) {
			t.Errorf("GetObject(%s, bytes=5-) = %d bytes, %v; want the stored bytes", k, len(got), err)
		}
	}
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"coffer_reencrypt_versions_total 3", "coffer_reencrypt_errors_total 0"} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
}
