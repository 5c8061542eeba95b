package main

import (
	"bufio"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/config"
)

// unitDirectives reads a systemd unit's Key=Value lines; a key may repeat.
func unitDirectives(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		out[k] = append(out[k], v)
	}
	return out
}

// The shipped systemd unit runs coffer hardened, as its own user, and
// gives a graceful stop time to finish (scripts/test.sh's packaging stage
// has systemd-analyze check the syntax).
func TestPackaging_systemdUnit(t *testing.T) {
	d := unitDirectives(t, "../../packaging/coffer.service")
	want := map[string]string{
		"User": "coffer", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
		"ReadWritePaths": "/var/lib/coffer", "KillSignal": "SIGTERM", "CapabilityBoundingSet": "",
	}
	for k, v := range want {
		if !slices.Contains(d[k], v) {
			t.Errorf("%s = %q, want %q", k, d[k], v)
		}
	}
	if len(d["LimitNOFILE"]) == 0 {
		t.Error("no LimitNOFILE")
	}
	if len(d["ExecStart"]) != 1 || !strings.Contains(d["ExecStart"][0], "--data /var/lib/coffer") {
		t.Errorf("ExecStart = %q, want the data directory it may write", d["ExecStart"])
	}
	stop, err := time.ParseDuration(strings.Join(d["TimeoutStopSec"], ""))
	// The server waits --shutdown-timeout, then up to 5s for handlers.
	if err != nil || stop <= config.DefaultShutdownTimeout+5*time.Second {
		t.Errorf("TimeoutStopSec = %q, want more than the shutdown timeout %v plus 5s", d["TimeoutStopSec"], config.DefaultShutdownTimeout)
	}
}

// The example config file loads: every key it sets is a real one.
func TestPackaging_exampleConfig(t *testing.T) {
	c, err := config.Load([]string{"--config", "../../packaging/coffer.toml"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/var/lib/coffer" || c.Address != "0.0.0.0:9000" {
		t.Errorf("example config: data %q, address %q", c.DataDir, c.Address)
	}
}

// The container image runs as a non-root user, keeps its data in a volume
// and checks its health with coffer's own probe (the base has no curl).
func TestPackaging_dockerfile(t *testing.T) {
	b, err := os.ReadFile("../../packaging/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"CGO_ENABLED=0", "-trimpath", "main.buildVersion=", "USER 65532:65532", `VOLUME ["/data"]`,
		`CMD ["/usr/local/bin/coffer", "health", "--url", "http://127.0.0.1:9000/health/ready"]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("packaging/Dockerfile lacks %q", want)
		}
	}
}
