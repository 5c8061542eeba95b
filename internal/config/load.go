package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// envVar is one COFFER_* environment variable and how it sets a field.
type envVar struct {
	name string
	set  func(c *Config, v string) error
}

// envVars lists every environment variable Load reads. The secret key has no
// flag on purpose: a command line is visible to every user of the machine.
var envVars = []envVar{
	{"COFFER_ADDRESS", func(c *Config, v string) error { c.Address = v; return nil }},
	{"COFFER_DATA", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"COFFER_META_DIR", func(c *Config, v string) error { c.MetaDir = v; return nil }},
	// Never fails: Load's error would quote the value, password and all.
	{"COFFER_META", func(c *Config, v string) error { c.Meta = MetaURL(v); return nil }},
	{"COFFER_BLOB_DIR", func(c *Config, v string) error { c.BlobDir = v; return nil }},
	{"COFFER_DISK_RESERVE", func(c *Config, v string) (err error) { c.DiskReserve, err = ParseSize(v); return err }},
	{"COFFER_REGION", func(c *Config, v string) error { c.Region = v; return nil }},
	{"COFFER_DOMAIN", func(c *Config, v string) error { c.Domains = splitList(v); return nil }},
	{"COFFER_ROOT_ACCESS_KEY", func(c *Config, v string) error { c.RootAccessKey = v; return nil }},
	{"COFFER_ROOT_SECRET_KEY", func(c *Config, v string) error { c.RootSecretKey = v; return nil }},
	{"COFFER_LOG_LEVEL", func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
	{"COFFER_LOG_FORMAT", func(c *Config, v string) error { c.LogFormat = v; return nil }},
	{"COFFER_SHUTDOWN_TIMEOUT", func(c *Config, v string) error { return setDuration(&c.ShutdownTimeout, v) }},
	{"COFFER_READ_HEADER_TIMEOUT", func(c *Config, v string) error { return setDuration(&c.ReadHeaderTimeout, v) }},
	{"COFFER_IDLE_TIMEOUT", func(c *Config, v string) error { return setDuration(&c.IdleTimeout, v) }},
	{"COFFER_DEBUG_ADDRESS", func(c *Config, v string) error { c.DebugAddress = v; return nil }},
	{"COFFER_MASTER_KEY_FILE", func(c *Config, v string) error { c.MasterKeyFile = v; return nil }},
	// Never fails: Load's error would quote the value.
	{"COFFER_MASTER_KEY", func(c *Config, v string) error { c.MasterKey = Secret(v); return nil }},
	{"COFFER_DEFAULT_BLOCK_PUBLIC_ACCESS", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.DefaultBlockPublicAccess = b
		return err
	}},
	{"COFFER_TLS_CERT", func(c *Config, v string) error { c.TLSCertFile = v; return nil }},
	{"COFFER_TLS_KEY", func(c *Config, v string) error { c.TLSKeyFile = v; return nil }},
	{"COFFER_HEALTH_ADDRESS", func(c *Config, v string) error { c.HealthAddress = v; return nil }},
	{"COFFER_REQUIRE_TLS", func(c *Config, v string) (err error) { c.RequireTLS, err = strconv.ParseBool(v); return err }},
	{"COFFER_ENCRYPT_AT_REST", func(c *Config, v string) error { return setBool(&c.EncryptAtRest, v) }},
	{"COFFER_DEFAULT_OBJECT_OWNERSHIP", func(c *Config, v string) error { c.DefaultObjectOwnership = v; return nil }},
	{"COFFER_SCRUB_RATE", func(c *Config, v string) (err error) { c.ScrubRate, err = ParseRate(v); return err }},
	{"COFFER_SCRUB_INTERVAL", func(c *Config, v string) error { return setDuration(&c.ScrubInterval, v) }},
	{"COFFER_LIFECYCLE_DAY", func(c *Config, v string) error { return setDuration(&c.LifecycleDay, v) }},
	{"COFFER_LIFECYCLE_RATE", func(c *Config, v string) (err error) { c.LifecycleRate, err = strconv.ParseInt(v, 10, 64); return err }},
	{"COFFER_REENCRYPT_RATE", func(c *Config, v string) (err error) { c.ReencryptRate, err = ParseRate(v); return err }},
	{"COFFER_CACHE_SYNC_INTERVAL", func(c *Config, v string) error { return setDuration(&c.CacheSyncInterval, v) }},
	{"COFFER_ALLOW_INSECURE_SSE_C", func(c *Config, v string) error { return setBool(&c.AllowInsecureSSEC, v) }},
	{"COFFER_KMS_AUDIT_LOG", func(c *Config, v string) error { c.KMSAuditLog = v; return nil }},
	{"COFFER_MAX_HEADER_BYTES", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		c.MaxHeaderBytes = n
		return err
	}},
	{"COFFER_BODY_IDLE_TIMEOUT", func(c *Config, v string) error { return setDuration(&c.BodyIdleTimeout, v) }},
	{"COFFER_MIN_BODY_RATE", func(c *Config, v string) (err error) { c.MinBodyRate, err = strconv.ParseInt(v, 10, 64); return err }},
	{"COFFER_MAX_CONNECTIONS", func(c *Config, v string) (err error) { c.MaxConnections, err = strconv.Atoi(v); return err }},
	{"COFFER_TIER", func(c *Config, v string) error { c.Tiers = splitList(v); return nil }},
	{"COFFER_TIER_ACCESS_KEY", func(c *Config, v string) error { c.TierAccessKey = v; return nil }},
	// Never fails: Load's error would quote the value.
	{"COFFER_TIER_SECRET_KEY", func(c *Config, v string) error { c.TierSecretKey = Secret(v); return nil }},
	{"COFFER_MAX_INFLIGHT_UPLOADS", func(c *Config, v string) (err error) { c.MaxInflightUploads, err = strconv.Atoi(v); return err }},
	{"COFFER_MAX_INFLIGHT_DOWNLOADS", func(c *Config, v string) (err error) { c.MaxInflightDownloads, err = strconv.Atoi(v); return err }},
}

// ErrUsage is wrapped by errors about the command line or environment
// themselves (an unknown flag, a malformed value). flag.ErrHelp is returned
// unwrapped for -h and -help.
var ErrUsage = errors.New("config: usage")

// Command is what the command line of `coffer server` asks for: the
// configuration, and the options about the configuration itself.
type Command struct {
	Config Config
	// File is the config file read ("" for none): --config or
	// $COFFER_CONFIG.
	File string
	// PrintConfig asks to print the effective configuration and exit.
	PrintConfig bool
}

// Load is LoadCommand for callers that need only the configuration.
func Load(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	cmd, err := LoadCommand(args, getenv, output)
	return cmd.Config, err
}

// LoadCommand returns Default, overridden by the config file (--config or
// $COFFER_CONFIG), overridden by the COFFER_* environment variables that
// getenv returns non-empty, overridden by the flags in args. Flags win over
// the environment so that a one-off command line beats a profile, and both
// win over the file, the machine's standing configuration. The result is
// validated. Usage and flag errors are written to output.
func LoadCommand(args []string, getenv func(string) string, output io.Writer) (Command, error) {
	var cmd Command
	// A first pass over the flags only finds the config file, which sits
	// below them; the second pass reports any error.
	scratch := Default()
	pre := FlagSet("server", &scratch, io.Discard)
	commandFlags(pre, &cmd)
	preErr := pre.Parse(args)
	if cmd.File == "" {
		cmd.File = getenv("COFFER_CONFIG")
	}
	c := Default()
	if cmd.File != "" && preErr == nil {
		if err := applyFile(&c, cmd.File); err != nil {
			return Command{}, err
		}
	}
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(&c, v); err != nil {
			return Command{}, fmt.Errorf("%w: %s=%q: %v", ErrUsage, e.name, v, err)
		}
	}
	fs := FlagSet("server", &c, output)
	commandFlags(fs, &cmd)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Command{}, err
		}
		return Command{}, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return Command{}, fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	c.TierKeys = tierKeys(c.Tiers, getenv)
	if err := c.Validate(); err != nil {
		return Command{}, err
	}
	cmd.Config = c
	return cmd, nil
}

// commandFlags adds the flags about the configuration itself, which no
// config file may set.
func commandFlags(fs *flag.FlagSet, cmd *Command) {
	fs.StringVar(&cmd.File, "config", cmd.File, "read settings from this TOML `file` (keys are these flag names); "+
		"COFFER_* variables and flags override it ($COFFER_CONFIG)")
	fs.BoolVar(&cmd.PrintConfig, "print-config", false, "print the effective configuration, secrets masked, and exit")
}

// FlagSet returns the flags of `coffer server`, bound to c: parsing them
// overwrites the fields they name. The current values of c are the flags'
// defaults, except that no secret is ever shown.
func FlagSet(name string, c *Config, output io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: coffer %s [flags]\n\n"+
			"Every flag can also be set by the environment variable shown beside it;\n"+
			"a flag wins over its variable.\n\nFlags:\n", name)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.Address, "address", c.Address, "listen `host:port` ($COFFER_ADDRESS)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `directory` for metadata, blobs and root credentials ($COFFER_DATA)")
	fs.StringVar(&c.MetaDir, "meta-dir", c.MetaDir,
		"metadata `directory`, e.g. on a faster disk; empty: <data>/meta ($COFFER_META_DIR)")
	fs.Var(metaURLFlag{&c.Meta}, "meta",
		"metadata database `URL`, postgres://user@host:port/db, shared by the nodes of a cluster; "+
			"empty: the embedded store in --meta-dir; give the password in PGPASSWORD or ~/.pgpass ($COFFER_META)")
	fs.StringVar(&c.BlobDir, "blob-dir", c.BlobDir,
		"blob `directory`, e.g. a file system shared by the nodes of a cluster; empty: <data>/blobs ($COFFER_BLOB_DIR)")
	fs.Var(sizeFlag{&c.DiskReserve}, "disk-reserve",
		"free `bytes` kept on the blob and metadata disks, e.g. 512MiB; writes are refused (503 SlowDown) below it; "+
			"0: 3% of each disk, at most 256MiB ($COFFER_DISK_RESERVE)")
	fs.StringVar(&c.Region, "region", c.Region, "region reported to clients and required in signatures ($COFFER_REGION)")
	fs.Var(&listFlag{dst: &c.Domains}, "domain", "base `domain` for virtual-hosted-style requests; repeat or comma-separate ($COFFER_DOMAIN)")
	fs.StringVar(&c.RootAccessKey, "root-access-key", c.RootAccessKey,
		"root access key ($COFFER_ROOT_ACCESS_KEY); the secret is read only from $COFFER_ROOT_SECRET_KEY")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "least severe `level` logged: debug, info, warn, error ($COFFER_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: text or json ($COFFER_LOG_FORMAT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout,
		"how long a graceful shutdown waits for in-flight requests ($COFFER_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout,
		"time allowed to read request headers ($COFFER_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "keep-alive idle timeout ($COFFER_IDLE_TIMEOUT)")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", c.MaxHeaderBytes, "largest accepted request header size ($COFFER_MAX_HEADER_BYTES)")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile,
		"master key `file` to use instead of <data>/master.key; must exist ($COFFER_MASTER_KEY_FILE); "+
			"or give the key itself in $COFFER_MASTER_KEY")
	fs.StringVar(&c.DebugAddress, "debug-address", c.DebugAddress,
		"serve Go profiles under /debug/pprof/ on this `host:port`, unauthenticated; keep it on loopback; empty: off ($COFFER_DEBUG_ADDRESS)")
	fs.BoolVar(&c.DefaultBlockPublicAccess, "default-block-public-access", c.DefaultBlockPublicAccess,
		"give new buckets a Block Public Access configuration with all four flags on ($COFFER_DEFAULT_BLOCK_PUBLIC_ACCESS)")
	fs.StringVar(&c.TLSCertFile, "tls-cert", c.TLSCertFile,
		"serve HTTPS with this PEM certificate `file` (leaf first, then intermediates); re-read when it changes; needs --tls-key ($COFFER_TLS_CERT)")
	fs.StringVar(&c.TLSKeyFile, "tls-key", c.TLSKeyFile, "PEM private key `file` of --tls-cert ($COFFER_TLS_KEY)")
	fs.StringVar(&c.HealthAddress, "health-address", c.HealthAddress,
		"also serve /health/* and /metrics over plain HTTP on this `host:port`; empty: off ($COFFER_HEALTH_ADDRESS)")
	fs.BoolVar(&c.RequireTLS, "require-tls", c.RequireTLS,
		"answer 403 AccessDenied to any S3 request not made over TLS; needs --tls-cert ($COFFER_REQUIRE_TLS)")
	fs.BoolVar(&c.EncryptAtRest, "encrypt-at-rest", c.EncryptAtRest,
		"encrypt new objects at rest (SSE-S3); false stores new objects in plaintext ($COFFER_ENCRYPT_AT_REST)")
	fs.StringVar(&c.DefaultObjectOwnership, "default-object-ownership", c.DefaultObjectOwnership,
		"Object Ownership of new buckets that name none: BucketOwnerEnforced (ACLs disabled), BucketOwnerPreferred or ObjectWriter ($COFFER_DEFAULT_OBJECT_OWNERSHIP)")
	fs.Var(rateFlag{&c.ScrubRate}, "scrub-rate",
		"background scrubber read `rate` per second, e.g. 4MiB, 512KiB or bytes; 0: off ($COFFER_SCRUB_RATE)")
	fs.DurationVar(&c.ScrubInterval, "scrub-interval", c.ScrubInterval,
		"how often a full scrub pass starts ($COFFER_SCRUB_INTERVAL)")
	fs.DurationVar(&c.LifecycleDay, "lifecycle-day", c.LifecycleDay,
		"length of one lifecycle day; shorter compresses lifecycle schedules and archive restore times, for testing rules ($COFFER_LIFECYCLE_DAY)")
	fs.Int64Var(&c.LifecycleRate, "lifecycle-rate", c.LifecycleRate,
		"most lifecycle actions (expirations, aborts) per second; 0: no bound ($COFFER_LIFECYCLE_RATE)")
	fs.Var(rateFlag{&c.ReencryptRate}, "reencrypt-rate",
		"`rate` per second at which objects stored in plaintext are encrypted in the background while --encrypt-at-rest is on, e.g. 8MiB; 0: off ($COFFER_REENCRYPT_RATE)")
	fs.DurationVar(&c.CacheSyncInterval, "cache-sync-interval", c.CacheSyncInterval,
		"how often this node drops caches that another node sharing the metadata store changed; the bound on how long such a change goes unseen ($COFFER_CACHE_SYNC_INTERVAL)")
	fs.DurationVar(&c.BodyIdleTimeout, "body-idle-timeout", c.BodyIdleTimeout,
		"cut a request body that sends nothing, or a response the client stops reading, for this long ($COFFER_BODY_IDLE_TIMEOUT)")
	fs.Int64Var(&c.MinBodyRate, "min-body-rate", c.MinBodyRate,
		"least average `bytes/s` a request body or response must keep over each --body-idle-timeout; 0: off ($COFFER_MIN_BODY_RATE)")
	fs.IntVar(&c.MaxConnections, "max-connections", c.MaxConnections,
		"most open client connections; more are answered 503 SlowDown; 0: from the open file limit ($COFFER_MAX_CONNECTIONS)")
	fs.IntVar(&c.MaxInflightUploads, "max-inflight-uploads", c.MaxInflightUploads,
		"most requests with a body (uploads) and copies served at once; more are answered 503 SlowDown; 0: half of --max-connections ($COFFER_MAX_INFLIGHT_UPLOADS)")
	fs.IntVar(&c.MaxInflightDownloads, "max-inflight-downloads", c.MaxInflightDownloads,
		"most GET requests served at once; more are answered 503 SlowDown; 0: --max-connections ($COFFER_MAX_INFLIGHT_DOWNLOADS)")
	fs.Var(&listFlag{dst: &c.Tiers}, "tier",
		"keep the bytes of storage class CLASS in DEST: CLASS=/absolute/dir or CLASS=s3://BUCKET[/PREFIX]?endpoint=http://host:port; "+
			"repeat or comma-separate; S3 credentials only from $COFFER_TIER_ACCESS_KEY and $COFFER_TIER_SECRET_KEY "+
			"or $COFFER_TIER_<CLASS>_ACCESS_KEY and _SECRET_KEY ($COFFER_TIER)")
	fs.BoolVar(&c.AllowInsecureSSEC, "allow-insecure-sse-c", c.AllowInsecureSSEC,
		"accept customer-provided keys (SSE-C) over plain HTTP, which S3 refuses; for loopback tests only ($COFFER_ALLOW_INSECURE_SSE_C)")
	fs.StringVar(&c.KMSAuditLog, "kms-audit-log", c.KMSAuditLog,
		"append the KMS audit log (JSON lines, CloudTrail field names) to this `path`; -: standard error; empty: <data>/kms-audit.log ($COFFER_KMS_AUDIT_LOG)")
	return fs
}

// setBool parses "true" or "false" (any case) only, so that a typo in an
// environment variable that turns encryption off is an error, not a
// silent default.
func setBool(dst *bool, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return fmt.Errorf("want true or false")
	}
	return nil
}

// listFlag is a repeatable, comma-separated flag. Its first Set replaces the
// value taken from the environment; later ones append.
type listFlag struct {
	dst *[]string
	set bool
}

func (l *listFlag) String() string {
	if l == nil || l.dst == nil {
		return ""
	}
	return strings.Join(*l.dst, ",")
}

func (l *listFlag) Set(v string) error {
	if !l.set {
		*l.dst = nil
		l.set = true
	}
	*l.dst = append(*l.dst, splitList(v)...)
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func setDuration(d *time.Duration, v string) error {
	x, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	*d = x
	return nil
}
