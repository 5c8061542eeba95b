package bench

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// TestMainUser makes the benchmark's IAM user through a real coffer's IAM
// API with the policy bench.sh uses, then measures a small get workload
// as that user: the policy must allow everything a run does.
func TestMainUser(t *testing.T) {
	srv := coffertest.Start(t)
	args := []string{"user", "--endpoint", srv.Endpoint, "--access-key", srv.AccessKey, "--secret-key", srv.SecretKey,
		"--region", coffertest.Region, "--policy", "../../scripts/bench-iam-policy.json"}
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("coffer bench user = %d; stderr %s", code, stderr.String())
	}
	keys := strings.Fields(stdout.String())
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "AKIA") {
		t.Fatalf("coffer bench user printed %q, want ACCESS_KEY SECRET_KEY", stdout.String())
	}
	cfg := fakeConfig(srv.Endpoint, WorkloadGet)
	cfg.AccessKey, cfg.SecretKey, cfg.Region = keys[0], keys[1], coffertest.Region
	r, err := Run(t.Context(), cfg)
	if err != nil || r.ErrorCount() != 0 {
		t.Fatalf("get workload as the bench user: %v, %d errors", err, r.ErrorCount())
	}

	// A second run for the same name fails with IAM's answer.
	stdout.Reset()
	stderr.Reset()
	if code := Main(t.Context(), args, &stdout, &stderr); code != exitFailed || !strings.Contains(stderr.String(), "EntityAlreadyExists") {
		t.Errorf("second coffer bench user = %d, stderr %q", code, stderr.String())
	}
	if code := Main(t.Context(), []string{"user", "--endpoint", srv.Endpoint}, &stdout, &stderr); code != exitUsage {
		t.Errorf("coffer bench user without --policy = %d, want %d", code, exitUsage)
	}
}

// TestBenchPolicy_bites asks the server's policy simulator about the
// user `coffer bench user` makes with scripts/bench-iam-policy.json: every
// request a run makes passes all five statements, and each statement
// still bites outside them.
func TestBenchPolicy_bites(t *testing.T) {
	srv := coffertest.Start(t)
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"user", "--endpoint", srv.Endpoint, "--access-key", srv.AccessKey, "--secret-key", srv.SecretKey,
		"--region", coffertest.Region, "--policy", "../../scripts/bench-iam-policy.json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("coffer bench user = %d; stderr %s", code, stderr.String())
	}
	const bucket, key = "coffer-bench-0123abcd", "bench-89abcdef/o0000000001"
	loopback := map[string]string{"aws:SourceIp": "127.0.0.1", "aws:SecureTransport": "false", "aws:CurrentTime": "2026-01-01T00:00:00Z"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for n, vs := range loopback {
			if n != k {
				m[n] = vs
			}
		}
		return m
	}
	tests := []struct {
		name     string
		action   string
		resource string
		conds    map[string]string
		allowed  bool
	}{
		{"create bucket", "s3:CreateBucket", bucket, loopback, true},
		{"put", "s3:PutObject", bucket + "/" + key, loopback, true},
		{"get", "s3:GetObject", bucket + "/" + key, loopback, true},
		{"delete", "s3:DeleteObject", bucket + "/" + key, loopback, true},
		{"list the run prefix", "s3:ListBucket", bucket, with("s3:prefix", "bench-89abcdef/"), true},
		{"delete bucket", "s3:DeleteBucket", bucket, loopback, true},
		{"get off loopback", "s3:GetObject", bucket + "/" + key, with("aws:SourceIp", "192.0.2.1"), false},
		{"public put", "s3:PutObject", bucket + "/" + key, with("s3:x-amz-acl", "public-read"), false},
		{"list another prefix", "s3:ListBucket", bucket, with("s3:prefix", "other/"), false},
		{"list without a prefix", "s3:ListBucket", bucket, loopback, false},
		{"another bucket", "s3:GetObject", "data/k", loopback, false},
		{"buckets after 2100", "s3:CreateBucket", bucket, with("aws:CurrentTime", "2100-01-02T00:00:00Z"), false},
	}
	for _, tt := range tests {
		in := &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::000000000000:user/bench"),
			ActionNames: []string{tt.action}, ResourceArns: []string{"arn:aws:s3:::" + tt.resource}}
		for k, v := range tt.conds {
			in.ContextEntries = append(in.ContextEntries, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyValues: []string{v}})
		}
		out, err := srv.IAM().SimulatePrincipalPolicy(t.Context(), in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := out.EvaluationResults[0].EvalDecision == iamtypes.PolicyEvaluationDecisionTypeAllowed; got != tt.allowed {
			t.Errorf("%s: allowed = %v (%s), want %v", tt.name, got, out.EvaluationResults[0].EvalDecision, tt.allowed)
		}
	}
}
