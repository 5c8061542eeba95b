package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestMain_help(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("Main(--help) = %d, want %d; stderr %q", code, exitOK, stderr.String())
	}
	help := stdout.String()
	for _, flag := range []string{"-endpoint", "-access-key", "-secret-key", "-region", "-bucket", "-workload",
		"-size", "-part-size", "-concurrency", "-duration", "-count", "-objects", "-prefixes", "-mix", "-warmup",
		"-json", "-keep", "-insecure", "-checksum", "-sign-payload", "-server-pid", "Examples:",
		"(default 16)", "(default 1000)", "(default 5 MiB)", "(default put=20,get=70,delete=10)", "--endpoint URL"} {
		if !strings.Contains(help, flag) {
			t.Errorf("--help does not mention %q", flag)
		}
	}
}

func TestMain_usageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown flag", args: []string{"--nope"}, want: "not defined"},
		{name: "bad size", args: []string{"--endpoint", "http://x", "--size", "4XB"}, want: "bad size"},
		{name: "bad mix", args: []string{"--endpoint", "http://x", "--mix", "put"}, want: "bad mix"},
		{name: "no endpoint", args: []string{"--access-key", "a", "--secret-key", "b"}, want: "endpoint is required"},
		{name: "mix without mixed", args: []string{"--endpoint", "http://x", "--access-key", "a", "--secret-key", "b", "--mix", "get=1"}, want: "--mix applies only"},
		{name: "stray argument", args: []string{"--endpoint", "http://x", "put"}, want: "unexpected argument"},
		{name: "bad workload", args: []string{"--endpoint", "http://x", "--access-key", "a", "--secret-key", "b", "--workload", "copy"}, want: "unknown workload"},
		{name: "bad server pid", args: []string{"--endpoint", "http://x", "--access-key", "a", "--secret-key", "b", "--server-pid", "2147483647"}, want: "--server-pid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "")
			var stdout, stderr bytes.Buffer
			if code := Main(t.Context(), tt.args, &stdout, &stderr); code != exitUsage {
				t.Errorf("Main(%q) = %d, want %d", tt.args, code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("Main(%q) stderr = %q, want it to contain %q", tt.args, stderr.String(), tt.want)
			}
		})
	}
}

func TestMain_json(t *testing.T) {
	endpoint := startFakeS3(t, &fakeS3{})
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDBENCH")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secretbench")
	var stdout, stderr bytes.Buffer
	args := []string{"--endpoint", endpoint, "--workload", "get", "--size", "1KiB", "--count", "30",
		"--objects", "10", "--concurrency", "3", "--json"}
	if code := Main(t.Context(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("Main = %d, want %d; stderr %q", code, exitOK, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("--json output %q is not JSON: %v", stdout.String(), err)
	}
	for _, field := range []string{"workload", "size", "concurrency", "duration", "ops_per_sec", "mib_per_sec", "latency_ms", "errors", "operations"} {
		if _, ok := got[field]; !ok {
			t.Errorf("--json output has no %q: %s", field, stdout.String())
		}
	}
	lat, _ := got["latency_ms"].(map[string]any)
	for _, q := range []string{"p50", "p90", "p99", "max"} {
		if v, _ := lat[q].(float64); v <= 0 {
			t.Errorf("latency_ms.%s = %v, want a positive number", q, lat[q])
		}
	}
	if got["workload"] != "get" || got["size"] != 1024.0 || got["concurrency"] != 3.0 || got["ops"] != 30.0 {
		t.Errorf("workload, size, concurrency, ops = %v, %v, %v, %v", got["workload"], got["size"], got["concurrency"], got["ops"])
	}
}

func TestMain_tableAndFailureStatus(t *testing.T) {
	tests := []struct {
		name     string
		fake     *fakeS3
		wantCode int
		want     []string
	}{
		{name: "clean", fake: &fakeS3{}, wantCode: exitOK, want: []string{"put of 4 KiB x2", "ops/s", "p99 ms", "\nput  "}},
		{name: "failing", fake: &fakeS3{failPuts: "SlowDown"}, wantCode: exitFailed, want: []string{"errors: SlowDown=10", "first SlowDown: put bench-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			endpoint := startFakeS3(t, tt.fake)
			var stdout, stderr bytes.Buffer
			args := []string{"--endpoint", endpoint, "--access-key", "a", "--secret-key", "b", "--count", "10", "--concurrency", "2"}
			if code := Main(t.Context(), args, &stdout, &stderr); code != tt.wantCode {
				t.Fatalf("Main = %d, want %d; stderr %q", code, tt.wantCode, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("table %q does not contain %q", stdout.String(), w)
				}
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "envak", "AWS_SECRET_ACCESS_KEY": "envsk"}
	base := []string{"--endpoint", "http://127.0.0.1:9000"}
	tests := []struct {
		name  string
		args  []string
		check func(c *Config) bool
	}{
		{name: "defaults", check: func(c *Config) bool {
			return c.Workload == WorkloadPut && c.Size == 4096 && c.Concurrency == 16 && c.Objects == 1000 &&
				c.Count == 0 && c.Duration.String() == "10s" && c.Region == "us-east-1" && c.PartSize == 5<<20 &&
				c.MaxKeys == 1000 && c.Prefixes == 1 && c.AccessKey == "envak" && c.SecretKey == "envsk"
		}},
		{name: "multipart default size", args: []string{"--workload", "multipart"}, check: func(c *Config) bool {
			return c.Size == 64<<20
		}},
		{name: "multipart given size", args: []string{"--workload", "multipart", "--size", "10MiB", "--part-size", "5MiB"}, check: func(c *Config) bool {
			return c.Size == 10<<20 && c.PartSize == 5<<20
		}},
		{name: "count instead of duration", args: []string{"--count", "50"}, check: func(c *Config) bool {
			return c.Count == 50 && c.Duration == 0
		}},
		{name: "flags beat environment", args: []string{"--access-key", "ak", "--secret-key", "sk"}, check: func(c *Config) bool {
			return c.AccessKey == "ak" && c.SecretKey == "sk"
		}},
		{name: "mixed", args: []string{"--workload", "MIXED", "--mix", "get=1,put=1"}, check: func(c *Config) bool {
			return c.Workload == WorkloadMixed && FormatMix(c.Mix) == "get=1,put=1"
		}},
		{name: "mixed default mix", args: []string{"--workload", "mixed"}, check: func(c *Config) bool {
			return FormatMix(c.Mix) == "put=20,get=70,delete=10"
		}},
		{name: "no encryption asked", check: func(c *Config) bool {
			return c.SSE == "" && c.SSEKMSKeyID == "" && !c.BucketKey
		}},
		{name: "sse-kms with a bucket key", args: []string{"--sse", "aws:kms", "--sse-kms-key-id", "alias/b", "--bucket-key"}, check: func(c *Config) bool {
			return c.SSE == SSEKMS && c.SSEKMSKeyID == "alias/b" && c.BucketKey
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o options
			var stderr bytes.Buffer
			fs := newFlagSet(&o, &stderr)
			if err := parseArgs(fs, &o, append(base, tt.args...), func(k string) string { return env[k] }); err != nil {
				t.Fatalf("parseArgs(%q): %v", tt.args, err)
			}
			if !tt.check(&o.cfg) {
				t.Errorf("parseArgs(%q) = %+v", tt.args, o.cfg)
			}
		})
	}
}
