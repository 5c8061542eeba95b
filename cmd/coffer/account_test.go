package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// runEnv runs the command line args with the environment variables env.
func runEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), environment{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] }}, args)
	return code, stdout.String(), stderr.String()
}

// TestAccount_commandLine pins the command line checks, which all answer
// before any request is sent (the endpoint is a closed port).
func TestAccount_commandLine(t *testing.T) {
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
		{"help", nil, []string{"account", "-help"}, 0, "", "coffer account create NAME --endpoint URL"},
		{"help lists flags", nil, []string{"account", "--help"}, 0, "", "-json"},
		{"listed in coffer help", nil, []string{"help"}, 0, "account", ""},
		{"no subcommand", creds, []string{"account", "--endpoint", ep}, 2, "", "missing subcommand: create or list"},
		{"unknown subcommand", creds, []string{"account", "delete", "x", "--endpoint", ep}, 2, "", `unknown subcommand "delete"`},
		{"create without a name", creds, []string{"account", "create", "--endpoint", ep}, 2, "", "create takes one account NAME"},
		{"create with two names", creds, []string{"account", "create", "a", "b", "--endpoint", ep}, 2, "", "create takes one account NAME"},
		{"list with an argument", creds, []string{"account", "list", "x", "--endpoint", ep}, 2, "", "list takes no arguments"},
		{"no endpoint", creds, []string{"account", "create", "a"}, 2, "", "--endpoint is required"},
		{"endpoint not a URL", creds, []string{"account", "list", "--endpoint", "127.0.0.1:9000"}, 2, "", "is not an http:// or https:// URL"},
		{"no credentials", nil, []string{"account", "list", "--endpoint", ep}, 2, "", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"session token", map[string]string{"AWS_ACCESS_KEY_ID": "ASIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"},
			[]string{"account", "list", "--endpoint", ep}, 2, "", "AWS_SESSION_TOKEN is set"},
		{"bad flag", creds, []string{"account", "list", "--bogus"}, 2, "", "bogus"},
		{"server unreachable", creds, []string{"account", "list", "--endpoint", ep}, 1, "", "coffer account list: "},
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

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args     []string
		want     []string
		endpoint string
		json     bool
	}{
		{[]string{"create", "n", "--endpoint", "E", "--json"}, []string{"create", "n"}, "E", true},
		{[]string{"--json", "create", "--endpoint=E", "n"}, []string{"create", "n"}, "E", true},
		{[]string{"create", "--", "--json"}, []string{"create", "--json"}, "", false},
		{nil, nil, "", false},
	}
	for _, tt := range tests {
		var o accountOptions
		fs := newAccountFlags(&o, &bytes.Buffer{})
		got, err := parseInterspersed(fs, tt.args)
		if err != nil || !reflect.DeepEqual(got, tt.want) || o.endpoint != tt.endpoint || o.json != tt.json {
			t.Errorf("parseInterspersed(%q) = %q, %v (endpoint %q, json %v); want %q (endpoint %q, json %v)",
				tt.args, got, err, o.endpoint, o.json, tt.want, tt.endpoint, tt.json)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func s3As(srv *coffertest.Server, ak, sk string) *s3.Client {
	return srv.S3(func(o *s3.Options) { o.Credentials = awscreds.NewStaticCredentialsProvider(ak, sk, "") })
}

func wantS3Code(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
	}
}

// TestAccountCreate_newAccountUsesItsKeys runs `coffer account create` and
// `list` against a real server and uses the new account's root keys with
// the S3 SDK: they own a bucket of their own and cannot read the first
// account's. The secret is never in the server's logs.
func TestAccountCreate_newAccountUsesItsKeys(t *testing.T) {
	var logs syncBuffer
	srv := coffertest.Start(t, coffertest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	root := map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey}
	if _, err := srv.S3().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("first-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.S3().PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("first-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runEnv(t, root, "account", "create", "tenant", "--endpoint", srv.Endpoint, "--email", "tenant@example.com", "--json")
	if code != 0 {
		t.Fatalf("account create --json = %d, stderr %s", code, stderr)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("account create --json printed %q: %v", stdout, err)
	}
	var keys []string
	for k, v := range raw {
		if s, ok := v.(string); !ok || s == "" {
			t.Errorf("--json %s = %v, want a non-empty string", k, v)
		}
		keys = append(keys, k)
	}
	if len(keys) != 3 || raw["AccountId"] == nil || raw["AccessKeyId"] == nil || raw["SecretAccessKey"] == nil {
		t.Errorf("--json keys = %q, want exactly AccountId, AccessKeyId, SecretAccessKey", keys)
	}
	id, _ := raw["AccountId"].(string)
	ak, _ := raw["AccessKeyId"].(string)
	sk, _ := raw["SecretAccessKey"].(string)
	if strings.Count(stdout, "\n") != 1 {
		t.Errorf("--json printed %q, want one line", stdout)
	}

	tenant := s3As(srv, ak, sk)
	if _, err := tenant.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("tenant-bucket")}); err != nil {
		t.Fatalf("CreateBucket with the new account's root keys: %v", err)
	}
	out, err := tenant.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := srv.Identity.GetAccount(t.Context(), id)
	if err != nil || acct.Email != "tenant@example.com" {
		t.Errorf("GetAccount(%s) = %+v, %v; want the email given with --email", id, acct, err)
	}
	// S3 names an owner by canonical user id and display name.
	if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "tenant-bucket" ||
		aws.ToString(out.Owner.ID) != acct.CanonicalID || aws.ToString(out.Owner.DisplayName) != "tenant" {
		t.Errorf("ListBuckets as the new account = %d buckets, owner %s/%s; want only tenant-bucket owned by %s/tenant",
			len(out.Buckets), aws.ToString(out.Owner.ID), aws.ToString(out.Owner.DisplayName), acct.CanonicalID)
	}
	_, err = tenant.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("first-bucket"), Key: aws.String("k")})
	wantS3Code(t, "GetObject of the first account's object", err, "AccessDenied")

	code, stdout, stderr = runEnv(t, root, "account", "list", "--endpoint", srv.Endpoint)
	if code != 0 || !strings.Contains(stdout, iam.RootAccountID) || !strings.Contains(stdout, id+"  tenant") || !strings.HasPrefix(stdout, "ACCOUNT ID") {
		t.Errorf("account list = %d, stdout:\n%s\nstderr %s; want both accounts", code, stdout, stderr)
	}
	code, stdout, _ = runEnv(t, root, "account", "list", "--endpoint", srv.Endpoint, "--json")
	var list []accountJSON
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil {
		t.Fatalf("account list --json = %d, %q: %v", code, stdout, err)
	}
	if len(list) != 2 || list[0].AccountID != iam.RootAccountID || list[1].AccountID != id || list[1].Name != "tenant" || list[1].Created == "" || len(list[1].CanonicalUserID) != 64 {
		t.Errorf("account list --json = %+v, want the first account then %s tenant", list, id)
	}

	if strings.Contains(logs.String(), sk) {
		t.Error("the new account's secret key is in the server's logs")
	}
}

// TestAccountList_wrongRegion: a scope the server refuses is explained.
func TestAccountList_wrongRegion(t *testing.T) {
	srv := coffertest.Start(t)
	env := map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_REGION": "eu-west-1"}
	code, _, stderr := runEnv(t, env, "account", "list", "--endpoint", srv.Endpoint)
	if code != 1 || !strings.Contains(stderr, "SignatureDoesNotMatch: Credential should be scoped to a valid region, not 'eu-west-1'.") || !strings.Contains(stderr, "--region") {
		t.Errorf("account list signed for eu-west-1 = %d, stderr %q; want 1 and a hint about --region", code, stderr)
	}
	env["AWS_REGION"] = ""
	if code, _, stderr := runEnv(t, env, "account", "list", "--endpoint", srv.Endpoint, "--region", coffertest.Region); code != 0 {
		t.Errorf("account list --region %s = %d, stderr %q", coffertest.Region, code, stderr)
	}
}

// TestAccountCreate_onlyFirstRoot: another account's root and an IAM user
// of the first account are refused with AccessDenied and told who may.
func TestAccountCreate_onlyFirstRoot(t *testing.T) {
	var logs syncBuffer
	srv := coffertest.Start(t, coffertest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	_, otherAK, otherSK, err := srv.Identity.CreateAccount(t.Context(), "other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Identity.CreateUser(t.Context(), iam.CreateUserInput{Account: iam.RootAccountID, Name: "alice"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Identity.AttachPolicy(t.Context(), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: "alice"}, "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	userKey, userSK, err := srv.Identity.CreateAccessKey(t.Context(), iam.RootAccountID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ak, sk, arn string
	}{
		{"another account's root", otherAK, otherSK, "arn:aws:iam::"},
		{"an administrator IAM user of the first account", userKey.AccessKeyID, userSK, "arn:aws:iam::000000000000:user/alice"},
	}
	for _, tt := range tests {
		for _, sub := range [][]string{{"create", "sneaky"}, {"list"}} {
			args := append([]string{"account"}, sub...)
			code, stdout, stderr := runEnv(t, map[string]string{"AWS_ACCESS_KEY_ID": tt.ak, "AWS_SECRET_ACCESS_KEY": tt.sk}, append(args, "--endpoint", srv.Endpoint)...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, "AccessDenied: User: "+tt.arn) ||
				!strings.Contains(stderr, "Only the root user of the first account may manage accounts") {
				t.Errorf("%s: account %s = %d, stdout %q, stderr %q; want 1 and AccessDenied naming %s and who may", tt.name, sub[0], code, stdout, stderr, tt.arn)
			}
		}
	}
	accts, err := srv.Identity.ListAccounts(t.Context())
	if err != nil || len(accts) != 2 {
		t.Errorf("after refused calls: %d accounts (%v), want 2", len(accts), err)
	}
	if !strings.Contains(logs.String(), `msg="access denied"`) || !strings.Contains(logs.String(), "only the root user of the first account") {
		t.Errorf("no access denied log line with the reason:\n%s", logs.String())
	}
}
