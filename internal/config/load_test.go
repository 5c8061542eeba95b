package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoad(t *testing.T) {
	withDefaults := func(f func(c *Config)) Config {
		c := Default()
		f(&c)
		return c
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{name: "defaults", want: Default()},
		{
			name: "env",
			env: map[string]string{
				"COFFER_ADDRESS": "0.0.0.0:9100", "COFFER_DATA": "/srv/coffer", "COFFER_REGION": "eu-west-1",
				"COFFER_DOMAIN": "s3.example.com, s3.local", "COFFER_ROOT_ACCESS_KEY": "ADMINKEY",
				"COFFER_ROOT_SECRET_KEY": "secretsecret", "COFFER_LOG_LEVEL": "debug", "COFFER_LOG_FORMAT": "json",
				"COFFER_SHUTDOWN_TIMEOUT": "5s", "COFFER_READ_HEADER_TIMEOUT": "3s", "COFFER_IDLE_TIMEOUT": "1m",
				"COFFER_MAX_HEADER_BYTES": "16384", "COFFER_DEFAULT_BLOCK_PUBLIC_ACCESS": "false", "COFFER_ENCRYPT_AT_REST": "true",
				"COFFER_DEFAULT_OBJECT_OWNERSHIP": "ObjectWriter",
				"COFFER_SCRUB_RATE":               "1MiB", "COFFER_SCRUB_INTERVAL": "2h",
				"COFFER_LIFECYCLE_DAY": "10s", "COFFER_LIFECYCLE_RATE": "50",
				"COFFER_REENCRYPT_RATE": "512KiB", "COFFER_CACHE_SYNC_INTERVAL": "500ms",
				"COFFER_BODY_IDLE_TIMEOUT": "45s", "COFFER_MIN_BODY_RATE": "1024", "COFFER_MAX_CONNECTIONS": "500",
				"COFFER_MAX_INFLIGHT_UPLOADS": "50", "COFFER_MAX_INFLIGHT_DOWNLOADS": "70",
			},
			want: Config{
				Address: "0.0.0.0:9100", DataDir: "/srv/coffer", Region: "eu-west-1",
				Domains: []string{"s3.example.com", "s3.local"}, RootAccessKey: "ADMINKEY", RootSecretKey: "secretsecret",
				LogLevel: slog.LevelDebug, LogFormat: "json", ShutdownTimeout: 5 * time.Second,
				ReadHeaderTimeout: 3 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16384,
				EncryptAtRest:          true,
				DefaultObjectOwnership: "ObjectWriter",
				ScrubRate:              1 << 20, ScrubInterval: 2 * time.Hour,
				LifecycleDay: 10 * time.Second, LifecycleRate: 50,
				ReencryptRate: 512 << 10, CacheSyncInterval: 500 * time.Millisecond,
				BodyIdleTimeout: 45 * time.Second, MinBodyRate: 1024, MaxConnections: 500, MaxInflightUploads: 50,
				MaxInflightDownloads: 70,
			},
		},
		{
			name: "kms audit log by env",
			env:  map[string]string{"COFFER_KMS_AUDIT_LOG": "-"},
			want: withDefaults(func(c *Config) { c.KMSAuditLog = "-" }),
		},
		{
			name: "kms audit log flag wins over env",
			args: []string{"--kms-audit-log", "/var/log/kms.log"},
			env:  map[string]string{"COFFER_KMS_AUDIT_LOG": "-"},
			want: withDefaults(func(c *Config) { c.KMSAuditLog = "/var/log/kms.log" }),
		},
		{
			name: "metadata database and blob dir by env",
			env:  map[string]string{"COFFER_META": "postgres://coffer@db/coffer", "COFFER_BLOB_DIR": "/mnt/blobs"},
			want: withDefaults(func(c *Config) { c.Meta, c.BlobDir = "postgres://coffer@db/coffer", "/mnt/blobs" }),
		},
		{
			name: "metadata database and blob dir flags win over env",
			args: []string{"--meta", "postgresql://n2@db/coffer", "--blob-dir", "/b"},
			env:  map[string]string{"COFFER_META": "postgres://coffer@db/coffer", "COFFER_BLOB_DIR": "/mnt/blobs"},
			want: withDefaults(func(c *Config) { c.Meta, c.BlobDir = "postgresql://n2@db/coffer", "/b" }),
		},
		{
			name: "meta dir and disk reserve by env",
			env:  map[string]string{"COFFER_META_DIR": "/fast/meta", "COFFER_DISK_RESERVE": "512MiB"},
			want: withDefaults(func(c *Config) { c.MetaDir, c.DiskReserve = "/fast/meta", 512<<20 }),
		},
		{
			name: "disk reserve flag wins over env",
			args: []string{"--disk-reserve", "1G", "--meta-dir", "/m"},
			env:  map[string]string{"COFFER_DISK_RESERVE": "512MiB"},
			want: withDefaults(func(c *Config) { c.MetaDir, c.DiskReserve = "/m", 1<<30 }),
		},
		{
			name: "encryption off by env",
			env:  map[string]string{"COFFER_ENCRYPT_AT_REST": "false"},
			want: withDefaults(func(c *Config) { c.EncryptAtRest = false }),
		},
		{
			name: "encryption flag wins over env",
			args: []string{"-encrypt-at-rest=true"},
			env:  map[string]string{"COFFER_ENCRYPT_AT_REST": "FALSE"},
			want: Default(),
		},
		{
			name: "encryption off by flag",
			args: []string{"-encrypt-at-rest=false"},
			want: withDefaults(func(c *Config) { c.EncryptAtRest = false }),
		},
		{
			name: "flags",
			args: []string{"-address", "127.0.0.1:0", "-data", "d", "-region", "ap-south-1", "-domain", "a.example",
				"-domain", "b.example,c.example", "-log-level", "warn", "-log-format", "json", "-shutdown-timeout", "1s",
				"-read-header-timeout", "2s", "-idle-timeout", "3s", "-max-header-bytes", "9000",
				"-default-block-public-access=false", "-default-object-ownership", "BucketOwnerPreferred",
				"-scrub-rate", "0", "-scrub-interval", "168h",
				"-lifecycle-day", "2s", "-lifecycle-rate", "100", "-reencrypt-rate", "3MiB", "-cache-sync-interval", "2s",
				"-body-idle-timeout", "1m", "-min-body-rate", "0",
				"-max-connections", "100", "-max-inflight-uploads", "10", "-max-inflight-downloads", "20"},
			want: Config{
				Address: "127.0.0.1:0", DataDir: "d", Region: "ap-south-1",
				Domains:  []string{"a.example", "b.example", "c.example"},
				LogLevel: slog.LevelWarn, LogFormat: "json", ShutdownTimeout: time.Second,
				ReadHeaderTimeout: 2 * time.Second, IdleTimeout: 3 * time.Second, MaxHeaderBytes: 9000,
				EncryptAtRest:          true,
				DefaultObjectOwnership: "BucketOwnerPreferred",
				ScrubInterval:          168 * time.Hour,
				LifecycleDay:           2 * time.Second, LifecycleRate: 100,
				ReencryptRate: 3 << 20, CacheSyncInterval: 2 * time.Second,
				BodyIdleTimeout: time.Minute, MaxConnections: 100, MaxInflightUploads: 10,
				MaxInflightDownloads: 20,
			},
		},
		{
			name: "block public access flag wins over env",
			args: []string{"-default-block-public-access=true"},
			env:  map[string]string{"COFFER_DEFAULT_BLOCK_PUBLIC_ACCESS": "false"},
			want: Default(),
		},
		{
			name: "flags win over env",
			args: []string{"-address", "127.0.0.1:1", "-domain", "flag.example"},
			env:  map[string]string{"COFFER_ADDRESS": "127.0.0.1:2", "COFFER_DOMAIN": "env.example", "COFFER_REGION": "eu-north-1"},
			want: withDefaults(func(c *Config) {
				c.Address = "127.0.0.1:1"
				c.Domains = []string{"flag.example"}
				c.Region = "eu-north-1"
			}),
		},
		{
			name: "root access key flag with secret from env",
			args: []string{"-root-access-key", "FLAGKEY"},
			env:  map[string]string{"COFFER_ROOT_ACCESS_KEY": "ENVKEY", "COFFER_ROOT_SECRET_KEY": "envsecret"},
			want: withDefaults(func(c *Config) { c.RootAccessKey = "FLAGKEY"; c.RootSecretKey = "envsecret" }),
		},
		{
			name: "master key file flag wins over env",
			args: []string{"-master-key-file", "/keys/flag.key"},
			env:  map[string]string{"COFFER_MASTER_KEY_FILE": "/keys/env.key"},
			want: withDefaults(func(c *Config) { c.MasterKeyFile = "/keys/flag.key" }),
		},
		{
			name: "master key from env",
			env:  map[string]string{"COFFER_MASTER_KEY": "1:00"},
			want: withDefaults(func(c *Config) { c.MasterKey = "1:00" }),
		},
		{
			name: "TLS from env",
			env: map[string]string{"COFFER_TLS_CERT": "/etc/coffer/cert.pem", "COFFER_TLS_KEY": "/etc/coffer/key.pem",
				"COFFER_HEALTH_ADDRESS": "127.0.0.1:9001", "COFFER_REQUIRE_TLS": "true"},
			want: withDefaults(func(c *Config) {
				c.TLSCertFile, c.TLSKeyFile = "/etc/coffer/cert.pem", "/etc/coffer/key.pem"
				c.HealthAddress, c.RequireTLS = "127.0.0.1:9001", true
			}),
		},
		{
			name: "TLS flags",
			args: []string{"-tls-cert", "c.pem", "-tls-key", "k.pem", "-health-address", "127.0.0.1:0", "-require-tls"},
			want: withDefaults(func(c *Config) {
				c.TLSCertFile, c.TLSKeyFile = "c.pem", "k.pem"
				c.HealthAddress, c.RequireTLS = "127.0.0.1:0", true
			}),
		},
		{
			name: "insecure SSE-C from env",
			env:  map[string]string{"COFFER_ALLOW_INSECURE_SSE_C": "true"},
			want: withDefaults(func(c *Config) { c.AllowInsecureSSEC = true }),
		},
		{
			name: "tiers from env with credentials",
			env: map[string]string{"COFFER_TIER": "STANDARD_IA=/mnt/cold, GLACIER=s3://arch/p?endpoint=http://h:9000",
				"COFFER_TIER_ACCESS_KEY": "AK", "COFFER_TIER_SECRET_KEY": "sk-all",
				"COFFER_TIER_GLACIER_ACCESS_KEY": "GAK", "COFFER_TIER_GLACIER_SECRET_KEY": "sk-glacier"},
			want: withDefaults(func(c *Config) {
				c.Tiers = []string{"STANDARD_IA=/mnt/cold", "GLACIER=s3://arch/p?endpoint=http://h:9000"}
				c.TierAccessKey, c.TierSecretKey = "AK", "sk-all"
				c.TierKeys = map[string]TierKey{"GLACIER": {AccessKey: "GAK", SecretKey: "sk-glacier"}}
			}),
		},
		{
			name: "tier flag repeated",
			args: []string{"-tier", "ONEZONE_IA=/a", "--tier", "DEEP_ARCHIVE=/b"},
			env:  map[string]string{"COFFER_TIER": "GLACIER=/c"},
			want: withDefaults(func(c *Config) { c.Tiers = []string{"ONEZONE_IA=/a", "DEEP_ARCHIVE=/b"} }),
		},
		{
			name: "insecure SSE-C flag",
			args: []string{"-allow-insecure-sse-c"},
			want: withDefaults(func(c *Config) { c.AllowInsecureSSEC = true }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("Load(%q) error: %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load(%q) mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestLoad_errors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want error
	}{
		{name: "help", args: []string{"-h"}, want: flag.ErrHelp},
		{name: "unknown flag", args: []string{"-nope"}, want: ErrUsage},
		{name: "extra argument", args: []string{"extra"}, want: ErrUsage},
		{name: "bad env duration", env: map[string]string{"COFFER_SHUTDOWN_TIMEOUT": "soon"}, want: ErrUsage},
		{name: "bad env level", env: map[string]string{"COFFER_LOG_LEVEL": "loud"}, want: ErrUsage},
		{name: "bad env bool", env: map[string]string{"COFFER_ENCRYPT_AT_REST": "no"}, want: ErrUsage},
		{name: "bad scrub rate", env: map[string]string{"COFFER_SCRUB_RATE": "fast"}, want: ErrUsage},
		{name: "bad scrub rate flag", args: []string{"-scrub-rate", "-1"}, want: ErrUsage},
		{name: "bad lifecycle day", env: map[string]string{"COFFER_LIFECYCLE_DAY": "soon"}, want: ErrUsage},
		{name: "zero lifecycle day", args: []string{"-lifecycle-day", "0s"}, want: ErrInvalid},
		{name: "negative lifecycle rate", args: []string{"-lifecycle-rate", "-1"}, want: ErrInvalid},
		{name: "bad disk reserve", env: map[string]string{"COFFER_DISK_RESERVE": "lots"}, want: ErrUsage},
		{name: "disk reserve is a size, not a rate", args: []string{"-disk-reserve", "1MiB/s"}, want: ErrUsage},
		{name: "zero scrub interval", args: []string{"-scrub-interval", "0s"}, want: ErrInvalid},
		{name: "too short cache sync interval", args: []string{"-cache-sync-interval", "1ms"}, want: ErrInvalid},
		{name: "too long cache sync interval", env: map[string]string{"COFFER_CACHE_SYNC_INTERVAL": "2h"}, want: ErrInvalid},
		{name: "bad env int", env: map[string]string{"COFFER_MAX_HEADER_BYTES": "big"}, want: ErrUsage},
		{name: "bad address", args: []string{"-address", "nowhere"}, want: ErrInvalid},
		{name: "access key without secret", args: []string{"-root-access-key", "ADMINKEY"}, want: ErrInvalid},
		{name: "secret without access key", env: map[string]string{"COFFER_ROOT_SECRET_KEY": "secretsecret"}, want: ErrInvalid},
		{name: "short secret", env: map[string]string{"COFFER_ROOT_ACCESS_KEY": "ADMIN", "COFFER_ROOT_SECRET_KEY": "short"}, want: ErrInvalidKey},
		{name: "bad format", args: []string{"-log-format", "xml"}, want: ErrInvalid},
		{name: "bad region", args: []string{"-region", "US East"}, want: ErrInvalid},
		{name: "bad domain", args: []string{"-domain", "http://s3.example.com"}, want: ErrInvalid},
		{name: "bad default object ownership", args: []string{"-default-object-ownership", "BucketOwner"}, want: ErrInvalid},
		{name: "zero shutdown timeout", args: []string{"-shutdown-timeout", "0s"}, want: ErrInvalid},
		{name: "cert without key", args: []string{"-tls-cert", "c.pem"}, want: ErrInvalid},
		{name: "key without cert", env: map[string]string{"COFFER_TLS_KEY": "k.pem"}, want: ErrInvalid},
		{name: "require TLS without TLS", args: []string{"-require-tls"}, want: ErrInvalid},
		{name: "bad env bool", env: map[string]string{"COFFER_REQUIRE_TLS": "maybe"}, want: ErrUsage},
		{name: "bad health address", args: []string{"-health-address", "9001"}, want: ErrInvalid},
		{name: "tiny header limit", args: []string{"-max-header-bytes", "100"}, want: ErrInvalid},
		{name: "zero body idle timeout", args: []string{"-body-idle-timeout", "0s"}, want: ErrInvalid},
		{name: "negative body rate", args: []string{"-min-body-rate", "-1"}, want: ErrInvalid},
		{name: "negative max connections", env: map[string]string{"COFFER_MAX_CONNECTIONS": "-5"}, want: ErrInvalid},
		{name: "negative max uploads", args: []string{"-max-inflight-uploads", "-1"}, want: ErrInvalid},
		{name: "negative max downloads", args: []string{"-max-inflight-downloads", "-1"}, want: ErrInvalid},
		{name: "bad env rate", env: map[string]string{"COFFER_MIN_BODY_RATE": "fast"}, want: ErrUsage},
		{name: "metadata URL of another database", args: []string{"-meta", "mysql://u:pw@db/coffer"}, want: ErrInvalid},
		{name: "metadata URL without scheme", env: map[string]string{"COFFER_META": "db.example.com"}, want: ErrInvalid},
		{name: "tier without class", args: []string{"-tier", "/mnt/cold"}, want: ErrInvalid},
		{name: "tier for STANDARD", args: []string{"-tier", "STANDARD=/mnt/cold"}, want: ErrInvalid},
		{name: "tier unknown class", args: []string{"-tier", "COLD=/mnt/cold"}, want: ErrInvalid},
		{name: "tier relative dir", args: []string{"-tier", "GLACIER=cold"}, want: ErrInvalid},
		{name: "tier s3 without endpoint", args: []string{"-tier", "GLACIER=s3://b"}, want: ErrInvalid},
		{name: "tier s3 bad endpoint", args: []string{"-tier", "GLACIER=s3://b?endpoint=ftp://h"}, want: ErrInvalid},
		{name: "tier s3 credentials in URL", args: []string{"-tier", "GLACIER=s3://k:s@b?endpoint=http://h"}, want: ErrInvalid},
		{name: "tier class twice", args: []string{"-tier", "GLACIER=/a,GLACIER=/b"}, want: ErrInvalid},
		{name: "tier half a key pair", args: []string{"-tier", "GLACIER=s3://b?endpoint=http://h"},
			env: map[string]string{"COFFER_TIER_ACCESS_KEY": "AK"}, want: ErrInvalid},
		{name: "two master key sources", args: []string{"-master-key-file", "/k"}, env: map[string]string{"COFFER_MASTER_KEY": "1:00"}, want: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args, env(tt.env), io.Discard)
			if !errors.Is(err, tt.want) {
				t.Errorf("Load(%q) error = %v, want %v", tt.args, err, tt.want)
			}
		})
	}
}

func TestFlagSet_helpNeverShowsSecret(t *testing.T) {
	c := Default()
	c.RootAccessKey, c.RootSecretKey = "ADMINKEY", "do-not-show-me"
	var out strings.Builder
	fs := FlagSet("server", &c, &out)
	fs.PrintDefaults()
	if got := out.String(); strings.Contains(got, "do-not-show-me") {
		t.Errorf("flag help shows the secret key:\n%s", got)
	}
}

func TestSecret_neverShown(t *testing.T) {
	s := Secret("do-not-show-me")
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "key", s, "config", Config{MasterKey: s})
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%q %x %#v %+v", s, s, s, Config{MasterKey: s}), s.String(), logged.String()} {
		if strings.Contains(got, "do-not-show-me") || strings.Contains(got, "646f2d") {
			t.Errorf("secret shown: %s", got)
		}
	}
	if Secret("").String() != "" {
		t.Errorf("empty Secret prints %q", Secret("").String())
	}
}

// A password in the metadata URL is never shown: not by -help, errors,
// --print-config, fmt or slog.
func TestMetaURL_passwordNeverShown(t *testing.T) {
	const url = "postgres://coffer:do-not-show-me@db.example.com/coffer?sslmode=require"
	c := Default()
	c.Meta = url
	var help, printed, logged strings.Builder
	FlagSet("server", &c, &help).PrintDefaults()
	if err := PrintConfig(&printed, c); err != nil {
		t.Fatal(err)
	}
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "meta", c.Meta, "config", c)
	_, loadErr := Load([]string{"-meta", "mysql://coffer:do-not-show-me@db/x"}, env(nil), io.Discard)
	_, loadErr2 := Load(nil, env(map[string]string{"COFFER_META": "postgres://coffer:do-not-show-me@db/%zz"}), io.Discard)
	for _, got := range []string{help.String(), printed.String(), logged.String(), fmt.Sprint(c.Meta),
		fmt.Sprintf("%q %x %#v %+v", c.Meta, c.Meta, c, c), fmt.Sprint(loadErr), fmt.Sprint(loadErr2),
		MetaURL("postgres://u@h/db?password=do-not-show-me").Redacted()} {
		if strings.Contains(got, "do-not-show-me") || strings.Contains(got, "646f2d") {
			t.Errorf("password shown: %s", got)
		}
	}
	if loadErr == nil || loadErr2 == nil {
		t.Errorf("Load accepted a bad metadata URL: %v, %v", loadErr, loadErr2)
	}
	if want := `meta = "postgres://coffer:[redacted]@db.example.com/coffer?sslmode=require"`; !strings.Contains(printed.String(), want) {
		t.Errorf("print-config lacks %s:\n%s", want, printed.String())
	}
}

// A tier's secret keys never show in --print-config, only whether they are
// set.
func TestPrintConfig_tierSecretsMasked(t *testing.T) {
	c, err := Load([]string{"-tier", "GLACIER=s3://b?endpoint=http://h:1"}, env(map[string]string{
		"COFFER_TIER_ACCESS_KEY": "AK", "COFFER_TIER_SECRET_KEY": "tier-secret-all",
		"COFFER_TIER_GLACIER_ACCESS_KEY": "GAK", "COFFER_TIER_GLACIER_SECRET_KEY": "tier-secret-glacier"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := PrintConfig(&b, c); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, secret := range []string{"tier-secret-all", "tier-secret-glacier"} {
		if strings.Contains(out, secret) {
			t.Errorf("PrintConfig shows a tier secret key:\n%s", out)
		}
	}
	for _, want := range []string{"# COFFER_TIER_SECRET_KEY: set, [redacted]", "# COFFER_TIER_GLACIER_SECRET_KEY: set, [redacted]"} {
		if !strings.Contains(out, want) {
			t.Errorf("PrintConfig lacks %q:\n%s", want, out)
		}
	}
	if got := fmt.Sprint(c); strings.Contains(got, "tier-secret") {
		t.Errorf("fmt.Sprint(config) shows a tier secret key: %s", got)
	}
}
