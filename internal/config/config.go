package config

import (
	"errors"
	"fmt"
	"github.com/coffer-s3/coffer/internal/acl"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"
)

// Defaults applied by Default and therefore by Load.
const (
	DefaultAddress           = "127.0.0.1:9000"
	DefaultDataDir           = "./coffer-data"
	DefaultRegion            = "us-east-1"
	DefaultLogFormat         = "text"
	DefaultShutdownTimeout   = 30 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	// DefaultMaxHeaderBytes bounds request headers. S3 allows up to 8 KiB
	// of headers plus 2 KiB of user metadata; the rest is headroom.
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultScrubRate is the scrubber's read rate in bytes per second:
	// 4 MiB/s costs a disk little and still checks about 350 GB a day.
	DefaultScrubRate = 4 << 20
	// DefaultScrubInterval is how often a full scrub pass starts.
	DefaultScrubInterval = 24 * time.Hour
	// DefaultReencryptRate is the re-encryption job's rate in bytes per
	// second (read, then written encrypted): 8 MiB/s encrypts about
	// 700 GB of plaintext a day.
	DefaultReencryptRate = 8 << 20
	// DefaultCacheSyncInterval is how often a node reads the change
	// generations of the meta store (package cachesync).
	DefaultCacheSyncInterval = time.Second
	// DefaultBodyIdleTimeout cuts a request body that sends nothing, or a
	// response the client stops reading, for this long.
	DefaultBodyIdleTimeout = 30 * time.Second
	// DefaultMinBodyRate is the least average rate, in bytes per second
	// of time spent waiting on the client, that a body must keep over
	// each idle-timeout window: a fifth of a slow 20 KiB/s mobile link,
	// far above a connection that trickles a byte now and then.
	DefaultMinBodyRate = 4 << 10
)

// Config is everything `coffer server` needs to start.
type Config struct {
	// Address is the TCP address to listen on, host:port. Port 0 picks a
	// free port.
	Address string
	// DataDir holds the blobs, the root credentials file and, unless
	// MetaDir says otherwise, the metadata database.
	DataDir string
	// MetaDir, if set, holds the metadata database instead of
	// <DataDir>/meta, so that it can live on a faster, smaller disk.
	MetaDir string
	// Meta, if set, is the PostgreSQL database that holds the metadata
	// instead of the embedded store in MetaPath, so that several nodes
	// can share it.
	Meta MetaURL
	// BlobDir, if set, holds the blobs instead of <DataDir>/blobs: a
	// file system several nodes share (NFS, CephFS) for a cluster.
	BlobDir string
	// DiskReserve is the free space, in bytes, kept on the file systems
	// of the blob and metadata directories: new writes are refused (503
	// SlowDown) before free space falls below it, so that metadata
	// commits, deletes and recovery always find room. 0 means the
	// default: 3% of each file system, at most 256 MiB.
	DiskReserve int64
	// Region is the region coffer reports and the one SigV4 scopes must
	// name.
	Region string
	// Domains are the base domains of virtual-hosted-style requests:
	// with "s3.example.com", a request for
	// "photos.s3.example.com" addresses bucket "photos". Empty means
	// path-style only.
	Domains []string
	// RootAccessKey and RootSecretKey, if set, are the root credentials.
	// Both or neither must be set. When neither is set the stored ones are
	// used, or new ones are generated on first start.
	RootAccessKey string
	RootSecretKey string
	// LogLevel is the least severe level logged.
	LogLevel slog.Level
	// LogFormat is "text" or "json".
	LogFormat string
	// ShutdownTimeout bounds how long a graceful shutdown waits for
	// in-flight requests before it closes their connections.
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds reading a request's headers. There is
	// deliberately no whole-request read timeout: uploads of large objects
	// over slow links may take hours.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the size of request headers.
	MaxHeaderBytes int
	// DebugAddress, if set, is a host:port on which Go's profiler is
	// served under /debug/pprof/, unauthenticated: keep it on loopback.
	// Empty (the default) serves no profiles.
	DebugAddress string
	// MasterKeyFile, if set, is the master key file (see the sse
	// package) to use instead of <DataDir>/master.key. It must exist:
	// coffer never creates a key file the operator named.
	MasterKeyFile string
	// MasterKey, if set, is the master keyring's text itself, from the
	// environment only (never a flag, which ps would show). At most one
	// of MasterKeyFile and MasterKey is set.
	MasterKey Secret
	// DefaultBlockPublicAccess gives every new bucket a Block Public
	// Access configuration with all four flags on, as S3 does since April
	// 2023 (default true). A bucket's own configuration, once its owner
	// changes it, wins.
	DefaultBlockPublicAccess bool
	// TLSCertFile and TLSKeyFile, if set, are PEM files of the server
	// certificate (leaf first, then any intermediates) and its private
	// key: the main listener then serves HTTPS only. Both or neither.
	// The files are re-read when they change (package tlsreload).
	TLSCertFile string
	TLSKeyFile  string
	// HealthAddress, if set, is a host:port of a second, plain-HTTP
	// listener that serves only /health/* and /metrics, for probes that
	// cannot speak TLS or trust the server's CA.
	HealthAddress string
	// RequireTLS refuses S3 requests that did not arrive over TLS with
	// 403 AccessDenied, as a bucket policy denying aws:SecureTransport
	// false would. It needs TLSCertFile: coffer only knows a request was
	// encrypted if it terminated the TLS itself.
	RequireTLS bool
	// EncryptAtRest encrypts every new object's bytes (SSE-S3) under the
	// master key in the data directory. It is on by default; turned off,
	// new objects are stored in plaintext unless their request asks for
	// encryption, and objects already encrypted stay readable.
	EncryptAtRest bool
	// DefaultObjectOwnership is the Object Ownership of buckets created
	// without x-amz-object-ownership: BucketOwnerEnforced (ACLs
	// disabled, S3's default since April 2023), BucketOwnerPreferred or
	// ObjectWriter. A bucket's own setting wins.
	DefaultObjectOwnership string
	// ScrubRate is the background scrubber's read rate in bytes per
	// second (internal/scrub); 0 turns the background scrubber off
	// (`coffer scrub run` still runs a pass on request).
	ScrubRate int64
	// ScrubInterval is how often a full scrub pass starts, counted from
	// the start of the previous one.
	ScrubInterval time.Duration
	// LifecycleDay is how long one lifecycle "day" lasts (24 hours in
	// S3). A shorter day compresses every lifecycle schedule, and the
	// engine then passes often enough (a tenth of a day, at most an hour
	// apart) that actions happen soon after they are due: for testing
	// rules without waiting days. Restores of archived objects take
	// their retrieval tier's time in S3 scaled to the same day.
	LifecycleDay time.Duration
	// LifecycleRate bounds the lifecycle actions (deletes, markers,
	// aborts) performed per second; 0: no bound.
	LifecycleRate int64
	// ReencryptRate is the rate in bytes per second at which the
	// background job (internal/reencrypt) encrypts versions stored in
	// plaintext while encryption at rest is on; 0 turns the background
	// job off (`coffer reencrypt run` still runs a pass on request).
	ReencryptRate int64
	// CacheSyncInterval is how often this node reads the meta store's
	// change generations and drops the caches (credentials, policies,
	// buckets' access state, the master keyring) that another node
	// sharing the store changed: the bound on how long such a change goes
	// unseen here. Changes made through this node are seen at once.
	CacheSyncInterval time.Duration
	// BodyIdleTimeout cuts a request body that sends nothing for this
	// long (answering 400 RequestTimeout), and a response whose client
	// reads nothing for this long. It replaces a whole-request read or
	// write timeout, which would cut large transfers on slow links.
	BodyIdleTimeout time.Duration
	// MinBodyRate, in bytes per second, is the least average rate a
	// request body or response must keep over each BodyIdleTimeout of
	// time spent waiting on the client. 0 checks only BodyIdleTimeout.
	MinBodyRate int64
	// MaxConnections bounds the open client connections; connections
	// past it are answered 503 SlowDown and closed. 0 sizes it from the
	// process's open file limit.
	MaxConnections int
	// MaxInflightUploads bounds the requests with a body (uploads, which
	// each hold a temporary file) and copies served at once; past it they
	// are answered 503 SlowDown. 0 sizes it from MaxConnections.
	MaxInflightUploads int
	// MaxInflightDownloads bounds the GET requests served at once (each
	// may hold a data file open); past it they are answered 503
	// SlowDown. Over HTTP/1.1 MaxConnections bounds them already; over
	// HTTP/2 one connection carries up to 250. 0 sizes it equal to
	// MaxConnections.
	MaxInflightDownloads int
	// AllowInsecureSSEC accepts customer-provided encryption keys
	// (SSE-C) on requests made over plain HTTP, which S3 refuses
	// because the key would cross the network in the clear. It is meant
	// for tests against a server on loopback.
	AllowInsecureSSEC bool
	// KMSAuditLog is where the KMS audit log (one JSON line per KMS call,
	// CloudTrail's field names) is appended: a file path, or "-" for
	// standard error. Empty means <DataDir>/kms-audit.log.
	KMSAuditLog string
	// Tiers map storage classes to where their bytes live, each
	// "CLASS=DEST" (see ParseTier). A class without a tier keeps its
	// bytes in the main blob store.
	Tiers []string
	// TierAccessKey and TierSecretKey sign the requests of every S3 tier
	// without credentials of its own in TierKeys; both come only from the
	// environment (COFFER_TIER_ACCESS_KEY, COFFER_TIER_SECRET_KEY).
	TierAccessKey string
	TierSecretKey Secret
	// TierKeys are per-class credentials of S3 tiers, from
	// COFFER_TIER_<CLASS>_ACCESS_KEY and COFFER_TIER_<CLASS>_SECRET_KEY.
	TierKeys map[string]TierKey
}

// TierKey is the key pair an S3 tier signs its requests with.
type TierKey struct {
	AccessKey string
	SecretKey Secret
}

// Secret is a configuration value that must never be shown: it prints,
// formats and logs as "[redacted]" (or "" when empty).
type Secret string

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Format implements fmt.Formatter, so that no verb (%q, %x, %#v) shows
// the value.
func (s Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MetaPath returns the metadata database's directory: MetaDir, or
// <DataDir>/meta.
func (c Config) MetaPath() string {
	if c.MetaDir != "" {
		return c.MetaDir
	}
	return filepath.Join(c.DataDir, "meta")
}

// KMSAuditPath returns where the KMS audit log goes: KMSAuditLog, or
// <DataDir>/kms-audit.log. "-" means standard error.
func (c Config) KMSAuditPath() string {
	if c.KMSAuditLog != "" {
		return c.KMSAuditLog
	}
	return filepath.Join(c.DataDir, "kms-audit.log")
}

// BlobPath returns the blob directory: BlobDir, or <DataDir>/blobs.
func (c Config) BlobPath() string {
	if c.BlobDir != "" {
		return c.BlobDir
	}
	return filepath.Join(c.DataDir, "blobs")
}

// TLS reports whether the main listener serves HTTPS.
func (c Config) TLS() bool { return c.TLSCertFile != "" }

// Default returns the configuration of `coffer server` with no flags and no
// environment.
func Default() Config {
	return Config{
		Address:           DefaultAddress,
		DataDir:           DefaultDataDir,
		Region:            DefaultRegion,
		LogLevel:          slog.LevelInfo,
		LogFormat:         DefaultLogFormat,
		ShutdownTimeout:   DefaultShutdownTimeout,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		BodyIdleTimeout:   DefaultBodyIdleTimeout,
		MinBodyRate:       DefaultMinBodyRate,

		DefaultBlockPublicAccess: true,
		EncryptAtRest:            true,
		DefaultObjectOwnership:   string(acl.BucketOwnerEnforced),
		ScrubRate:                DefaultScrubRate,
		ScrubInterval:            DefaultScrubInterval,
		LifecycleDay:             24 * time.Hour,
		ReencryptRate:            DefaultReencryptRate,
		CacheSyncInterval:        DefaultCacheSyncInterval,
	}
}

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("config: invalid")

// Validate reports the first problem that makes c unusable.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		return bad("address %q: %v", c.Address, err)
	}
	if c.DataDir == "" {
		return bad("data directory is empty")
	}
	if err := c.Meta.Validate(); err != nil {
		return bad("%v", err)
	}
	if !validRegion(c.Region) {
		return bad("region %q: want lower-case letters, digits and dashes", c.Region)
	}
	for _, d := range c.Domains {
		if d == "" || strings.ContainsAny(d, "/: ") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
			return bad("domain %q: want a host name such as s3.example.com", d)
		}
	}
	if (c.RootAccessKey == "") != (c.RootSecretKey == "") {
		return bad("root access key and root secret key must be set together")
	}
	if c.RootAccessKey != "" {
		if err := validateKeyPair(c.RootAccessKey, c.RootSecretKey); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	if c.MasterKeyFile != "" && c.MasterKey != "" {
		return bad("set only one of --master-key-file ($COFFER_MASTER_KEY_FILE) and $COFFER_MASTER_KEY")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return bad("log format %q: want text or json", c.LogFormat)
	}
	if c.ShutdownTimeout <= 0 {
		return bad("shutdown timeout %v: want > 0", c.ShutdownTimeout)
	}
	if c.ReadHeaderTimeout <= 0 {
		return bad("read header timeout %v: want > 0", c.ReadHeaderTimeout)
	}
	if c.IdleTimeout <= 0 {
		return bad("idle timeout %v: want > 0", c.IdleTimeout)
	}
	if c.BodyIdleTimeout <= 0 {
		return bad("body idle timeout %v: want > 0", c.BodyIdleTimeout)
	}
	if c.MinBodyRate < 0 {
		return bad("min body rate %d: want >= 0 bytes per second (0: off)", c.MinBodyRate)
	}
	if c.MaxConnections < 0 {
		return bad("max connections %d: want >= 0 (0: from the open file limit)", c.MaxConnections)
	}
	if c.MaxInflightUploads < 0 {
		return bad("max inflight uploads %d: want >= 0 (0: from max connections)", c.MaxInflightUploads)
	}
	if c.MaxInflightDownloads < 0 {
		return bad("max inflight downloads %d: want >= 0 (0: max connections)", c.MaxInflightDownloads)
	}
	if c.DebugAddress != "" {
		if _, _, err := net.SplitHostPort(c.DebugAddress); err != nil {
			return bad("debug address %q: %v", c.DebugAddress, err)
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return bad("--tls-cert and --tls-key must be set together")
	}
	if c.RequireTLS && !c.TLS() {
		return bad("--require-tls needs --tls-cert and --tls-key: coffer can only require TLS it terminates itself " +
			"(behind a TLS-terminating proxy, enforce HTTPS at the proxy instead)")
	}
	if c.HealthAddress != "" {
		if _, _, err := net.SplitHostPort(c.HealthAddress); err != nil {
			return bad("health address %q: %v", c.HealthAddress, err)
		}
	}
	if _, err := acl.ParseOwnership(c.DefaultObjectOwnership); err != nil {
		return bad("default object ownership %q: want BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", c.DefaultObjectOwnership)
	}
	if c.DiskReserve < 0 {
		return bad("disk reserve %d: want >= 0 bytes (0: the default)", c.DiskReserve)
	}
	if c.ScrubRate < 0 {
		return bad("scrub rate %d: want >= 0 bytes per second (0: off)", c.ScrubRate)
	}
	if c.ReencryptRate < 0 {
		return bad("re-encryption rate %d: want >= 0 bytes per second (0: off)", c.ReencryptRate)
	}
	if c.ScrubInterval <= 0 {
		return bad("scrub interval %v: want > 0", c.ScrubInterval)
	}
	if c.LifecycleDay < time.Millisecond {
		return bad("lifecycle day %v: want >= 1ms", c.LifecycleDay)
	}
	if c.LifecycleRate < 0 {
		return bad("lifecycle rate %d: want >= 0 actions per second (0: no bound)", c.LifecycleRate)
	}
	if c.CacheSyncInterval < 10*time.Millisecond || c.CacheSyncInterval > time.Hour {
		return bad("cache sync interval %v: want 10ms to 1h", c.CacheSyncInterval)
	}
	if _, err := c.TierSpecs(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if c.MaxHeaderBytes < 8<<10 {
		return bad("max header bytes %d: want >= 8192 (S3 allows 8 KiB of headers)", c.MaxHeaderBytes)
	}
	return nil
}

func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
