package config

import (
	"errors"
	"fmt"
	"github.com/coffer-s3/coffer/internal/acl"
	"log/slog"
	"net"
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
)

// Config is everything `coffer server` needs to start.
type Config struct {
	// Address is the TCP address to listen on, host:port. Port 0 picks a
	// free port.
	Address string
	// DataDir holds the metadata database, the blobs and the root
	// credentials file.
	DataDir string
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
	// DefaultObjectOwnership is the Object Ownership of buckets created
	// without x-amz-object-ownership: BucketOwnerEnforced (ACLs
	// disabled, S3's default since April 2023), BucketOwnerPreferred or
	// ObjectWriter. A bucket's own setting wins.
	DefaultObjectOwnership string
}

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

		DefaultObjectOwnership: string(acl.BucketOwnerEnforced),
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
	if c.DebugAddress != "" {
		if _, _, err := net.SplitHostPort(c.DebugAddress); err != nil {
			return bad("debug address %q: %v", c.DebugAddress, err)
		}
	}
	if _, err := acl.ParseOwnership(c.DefaultObjectOwnership); err != nil {
		return bad("default object ownership %q: want BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", c.DefaultObjectOwnership)
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
