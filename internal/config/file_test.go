package config

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// nonDefault sets every field a flag sets to a value other than its
// default, so that a round trip through a file shows every key working.
func nonDefault() Config {
	c := Default()
	c.Address = "0.0.0.0:9100"
	c.DataDir = "/srv/coffer data"
	c.Region = "eu-west-1"
	c.Domains = []string{"s3.example.com", "s3.local"}
	c.RootAccessKey = "ADMINKEY"
	c.LogLevel = slog.LevelDebug
	c.LogFormat = "json"
	c.ShutdownTimeout = 45 * time.Second
	c.ReadHeaderTimeout = 3 * time.Second
	c.IdleTimeout = time.Minute
	c.MaxHeaderBytes = 16384
	c.MasterKeyFile = "/etc/coffer/master.key"
	c.DebugAddress = "127.0.0.1:6060"
	c.DefaultBlockPublicAccess = false
	c.TLSCertFile, c.TLSKeyFile = "/etc/coffer/cert.pem", `/etc/coffer/"key".pem`
	c.HealthAddress = "127.0.0.1:9001"
	c.RequireTLS = true
	c.EncryptAtRest = false
	c.DefaultObjectOwnership = "ObjectWriter"
	c.ScrubRate = 16 << 20
	c.ScrubInterval = 12 * time.Hour
	c.LifecycleDay = 2 * time.Second
	c.LifecycleRate = 200
	c.ReencryptRate = 2 << 20
	c.CacheSyncInterval = 250 * time.Millisecond
	c.AllowInsecureSSEC = true
	c.KMSAuditLog = "/var/log/coffer/kms-audit.log"
	c.BodyIdleTimeout = time.Minute
	c.MinBodyRate = 1024
	c.MaxConnections = 500
	c.MaxInflightUploads = 50
	c.MaxInflightDownloads = 70
	c.MetaDir = "/fast/coffer-meta"
	c.Meta = "postgres://coffer@db.example.com:5432/coffer?sslmode=verify-full"
	c.BlobDir = "/mnt/shared/coffer-blobs"
	c.DiskReserve = 512 << 20
	c.Tiers = []string{"STANDARD_IA=/mnt/cold", "GLACIER=s3://archive/coffer?endpoint=http://10.0.0.2:9000"}
	return c
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "coffer.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// printed returns PrintConfig's output as key = value lines by key.
func printed(t *testing.T, c Config) map[string]string {
	t.Helper()
	var b strings.Builder
	if err := PrintConfig(&b, c); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(b.String(), "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out
}

// Every flag of `coffer server` is a config file key, and what
// --print-config prints loads back as the same configuration.
func TestConfigFile_roundTripEveryFlag(t *testing.T) {
	want := nonDefault()
	got, def := printed(t, want), printed(t, Default())
	FlagSet("server", &Config{}, io.Discard).VisitAll(func(f *flag.Flag) {
		if _, ok := got[f.Name]; !ok {
			t.Errorf("flag --%s has no key in --print-config", f.Name)
		} else if got[f.Name] == def[f.Name] {
			t.Errorf("flag --%s: nonDefault() leaves it at its default %s; give it another value so the round trip covers it", f.Name, def[f.Name])
		}
	})
	var b strings.Builder
	if err := PrintConfig(&b, want); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, b.String())
	// The secret is environment only; the access key needs it to validate.
	c, err := Load([]string{"--config", path}, env(map[string]string{"COFFER_ROOT_SECRET_KEY": "secretsecret"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want.RootSecretKey = "secretsecret"
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config file round trip (-want +got):\n%s", diff)
	}
}

// Flags win over COFFER_* variables, which win over the file, which wins
// over the defaults.
func TestConfigFile_precedence(t *testing.T) {
	path := writeFile(t, `
address = "127.0.0.1:9100"
region = "eu-west-1"
log-format = "json"
shutdown-timeout = "5s"
domain = ["file.example"]
`)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config)
	}{
		{name: "file over defaults", args: []string{"--config", path}, want: func(c *Config) {}},
		{name: "env over file", args: []string{"--config", path},
			env:  map[string]string{"COFFER_REGION": "us-west-2", "COFFER_DOMAIN": "env.example"},
			want: func(c *Config) { c.Region, c.Domains = "us-west-2", []string{"env.example"} }},
		{name: "flag over env and file", args: []string{"--config", path, "--region", "ap-south-1", "--domain", "flag.example"},
			env:  map[string]string{"COFFER_REGION": "us-west-2"},
			want: func(c *Config) { c.Region, c.Domains = "ap-south-1", []string{"flag.example"} }},
		{name: "file from COFFER_CONFIG", env: map[string]string{"COFFER_CONFIG": path}, want: func(c *Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default()
			want.Address, want.Region, want.LogFormat, want.ShutdownTimeout = "127.0.0.1:9100", "eu-west-1", "json", 5*time.Second
			want.Domains = []string{"file.example"}
			tt.want(&want)
			got, err := Load(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigFile_errors(t *testing.T) {
	tests := []struct {
		name, text, wantIn string
	}{
		{"unknown key", "address = \"127.0.0.1:9000\"\nlisten-address = \"x\"\n", `unknown key "listen-address"`},
		{"secret key has no key", "root-secret-key = \"secretsecret\"\n", `unknown key "root-secret-key"`},
		{"config is no key", "config = \"other.toml\"\n", `unknown key "config"`},
		{"table", "[server]\naddress = \"x\"\n", `unknown key "server"`},
		{"wrong kind", "address = [\"a\", \"b\"]\n", `key "address": want a single value`},
		{"bad value", "shutdown-timeout = \"soon\"\n", `key "shutdown-timeout"`},
		{"float", "max-header-bytes = 1.5\n", `key "max-header-bytes"`},
		{"not toml", "address = \n", "config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.text)
			_, err := Load([]string{"--config", path}, env(nil), io.Discard)
			if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error = %v, want ErrUsage containing %s", err, tt.wantIn)
			}
		})
	}
	if _, err := Load([]string{"--config", filepath.Join(t.TempDir(), "missing.toml")}, env(nil), io.Discard); !errors.Is(err, ErrUsage) {
		t.Errorf("missing file: error = %v, want ErrUsage", err)
	}
}

func TestPrintConfig_masksSecrets(t *testing.T) {
	c := nonDefault()
	c.RootSecretKey, c.MasterKeyFile, c.MasterKey = "do-not-show-me", "", "1:do-not-show-this-either"
	var b strings.Builder
	if err := PrintConfig(&b, c); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "do-not-show") {
		t.Errorf("print-config shows a secret:\n%s", out)
	}
	for _, want := range []string{"# COFFER_ROOT_SECRET_KEY: set, [redacted]", "# COFFER_MASTER_KEY: set, [redacted]", `root-access-key = "ADMINKEY"`} {
		if !strings.Contains(out, want) {
			t.Errorf("print-config lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadCommand_printConfig(t *testing.T) {
	cmd, err := LoadCommand([]string{"--print-config", "--region", "eu-west-1"}, env(nil), io.Discard)
	if err != nil || !cmd.PrintConfig || cmd.Config.Region != "eu-west-1" {
		t.Errorf("LoadCommand = %+v, %v", cmd, err)
	}
}
