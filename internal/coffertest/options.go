package coffertest

import (
	"log/slog"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/object"
)

// Option changes how Start runs the server.
type Option func(*settings)

type settings struct {
	clock       clock.Clock
	logger      *slog.Logger
	dataDir     string
	configure   []func(*config.Config)
	minPartSize int64
	tls         bool
	keys        object.KeyService
	shared      *Server
	// restoreDay is object.Options.RestoreDay.
	restoreDay time.Duration
}

// WithClock makes the server read time from c, for example a *clock.Fake.
// SigV4 checks a request's signing time against this clock (15 minutes of
// skew allowed), and the SDK clients sign with the wall clock, so a fake
// clock must stay near the real time for signed requests to pass.
func WithClock(c clock.Clock) Option {
	return func(s *settings) { s.clock = c }
}

// WithLogger sends the server's logs to l instead of the test log.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) { s.logger = l }
}

// WithDataDir runs the server on dir instead of a fresh t.TempDir(), so a
// test can restart a coffer on the same data.
func WithDataDir(dir string) Option {
	return func(s *settings) { s.dataDir = dir }
}

// WithConfig lets the test change the configuration before the server is
// built (for example Domains or ShutdownTimeout). Address and DataDir are
// set by Start and WithDataDir.
func WithConfig(f func(*config.Config)) Option {
	return func(s *settings) { s.configure = append(s.configure, f) }
}

// WithMinPartSize lowers the multipart minimum part size (5 MiB by default,
// as AWS's), for tests that need many parts without much data.
func WithMinPartSize(n int64) Option {
	return func(s *settings) { s.minPartSize = n }
}

// WithKeyService gives the object service a key service for SSE-KMS
// (for example a *kmsfake.Service) instead of the server's own.
func WithKeyService(ks object.KeyService) Option {
	return func(s *settings) { s.keys = ks }
}

// WithSharedStores runs the server as another node of from's cluster: it
// shares from's metadata store, blob store, key file and root
// credentials, as nodes sharing one database and one blob directory do,
// and keeps its own caches coherent with from's through its cache syncer
// (--cache-sync-interval). It leaves garbage collection to from, and the
// stores to from to close, so it must be shut down first (t.Cleanup runs
// in reverse order, which does that).
func WithSharedStores(from *Server) Option {
	return func(s *settings) { s.shared = from }
}

// WithRestoreDay makes a RestoreObject of a GLACIER or DEEP_ARCHIVE
// object take its retrieval tier's time in S3 scaled to a day of d (at
// once by default; object.Options.RestoreDay); with a fake clock, a test
// moves time past it.
func WithRestoreDay(d time.Duration) Option {
	return func(s *settings) { s.restoreDay = d }
}
