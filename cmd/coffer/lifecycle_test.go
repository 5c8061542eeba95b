package main

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/operatorapi"
)

func TestLifecycle_commandLine(t *testing.T) {
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
		{"help", nil, []string{"lifecycle", "-help"}, 0, "", "coffer lifecycle explain --bucket BUCKET --key KEY"},
		{"listed in coffer help", nil, []string{"help"}, 0, "lifecycle", ""},
		{"no subcommand", creds, []string{"lifecycle", "--endpoint", ep}, 2, "", "missing subcommand: explain"},
		{"unknown subcommand", creds, []string{"lifecycle", "run", "--endpoint", ep}, 2, "", `unknown subcommand "run"`},
		{"no key", creds, []string{"lifecycle", "explain", "--endpoint", ep, "--bucket", "b"}, 2, "", "--bucket and --key are required"},
		{"no endpoint", creds, []string{"lifecycle", "explain", "--bucket", "b", "--key", "k"}, 2, "", "--endpoint is required"},
		{"no credentials", nil, []string{"lifecycle", "explain", "--endpoint", ep, "--bucket", "b", "--key", "k"}, 2, "", "set AWS_ACCESS_KEY_ID"},
		{"server unreachable", creds, []string{"lifecycle", "explain", "--endpoint", ep, "--bucket", "b", "--key", "k"}, 1, "", "coffer lifecycle explain: "},
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

// TestLifecycle_explainThroughTheServer runs a real server, puts rules and
// an object through S3, and asks `coffer lifecycle explain` about it.
func TestLifecycle_explainThroughTheServer(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	cfg.ScrubRate = 0
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
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("bkt"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("logs-30d"),
			Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("logs/a"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": cfg.RootAccessKey, "AWS_SECRET_ACCESS_KEY": cfg.RootSecretKey}
	code, stdout, stderr := runEnv(t, env, "lifecycle", "explain", "--endpoint", endpoint, "--bucket", "bkt", "--key", "logs/a", "--json")
	var x operatorapi.LifecycleExplanation
	if err := json.Unmarshal([]byte(stdout), &x); code != 0 || err != nil {
		t.Fatalf("lifecycle explain --json = %d, %q (%v), stderr %s", code, stdout, err, stderr)
	}
	if !x.HasRules || len(x.Versions) != 1 || x.Versions[0].RuleID != "logs-30d" || x.Versions[0].Action != "expire-current" ||
		!strings.HasSuffix(x.Versions[0].Due, "T00:00:00Z") {
		t.Errorf("explain = %+v", x)
	}
	code, stdout, _ = runEnv(t, env, "lifecycle", "explain", "--endpoint", endpoint, "--bucket", "bkt", "--key", "logs/a")
	if code != 0 || !strings.Contains(stdout, "logs-30d") || !strings.Contains(stdout, "expire-current") {
		t.Errorf("lifecycle explain = %d, %q", code, stdout)
	}
	code, _, stderr = runEnv(t, env, "lifecycle", "explain", "--endpoint", endpoint, "--bucket", "nobucket", "--key", "k")
	if code != 1 || !strings.Contains(stderr, "NoSuchBucket") {
		t.Errorf("explain of a missing bucket = %d, %q", code, stderr)
	}
}
