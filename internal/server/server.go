package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/metrics"
)

// handlerGrace is how long Shutdown waits for handlers to return after it
// had to close their connections because ShutdownTimeout passed. Handlers
// blocked on a closed connection fail their next read or write at once, so
// this only guards against a handler stuck elsewhere.
const handlerGrace = 5 * time.Second

// Options configures a Server.
type Options struct {
	// Config supplies the listen address, timeouts, header limit, domains
	// (to tell a virtual-hosted bucket's "/metrics" key from the metrics
	// endpoint) and ShutdownTimeout.
	Config config.Config
	// Handler serves the S3 API: every request the server does not answer
	// itself.
	Handler http.Handler
	// IAM and STS, if set, serve requests whose SigV4 credential scope
	// names the iam or sts service (see scopeService); without them such
	// requests go to Handler like any other.
	IAM, STS http.Handler
	// Operator, if set, serves requests whose SigV4 credential scope
	// names the coffer service: the operator API (package operatorapi).
	Operator http.Handler
	// KMS, if set, serves requests whose SigV4 credential scope names the
	// kms service (today kmsapi.NotImplemented).
	KMS http.Handler
	// Registry is gathered for /metrics. Required.
	Registry prometheus.Gatherer
	// Metrics, if set, counts S3 requests in flight.
	Metrics *metrics.S3
	// Limits, if set, receives the connection and upload limits, their
	// use and the requests turned away.
	Limits *metrics.Limits
	// Overloaded answers a request turned away because a limit is reached
	// (see limits.go): the S3 API's 503 SlowDown. Nil answers a plain 503.
	Overloaded http.Handler
	// Logger receives server and access log records. Nil discards.
	Logger *slog.Logger
	// Listener, if set, is used instead of listening on Config.Address:
	// tests pass one they opened themselves. It must accept plain TCP
	// connections: the server counts them against its connection limit
	// and adds TLS itself (GetCertificate); net/http would not see the TLS
	// of a connection wrapped by the limit. The server closes it on
	// Shutdown.
	Listener net.Listener
	// Ready reports whether the server can serve S3 requests (the stores
	// are open). Nil means always ready. /health/ready answers 503 when it
	// returns an error, and always while shutting down.
	Ready func() error
	// GetCertificate, if set, makes the listener serve TLS (see tls.go
	// for the policy), asking it for the certificate at every handshake:
	// pass a tlsreload.Reloader's method. Nil serves plain HTTP.
	GetCertificate func(*tls.ClientHelloInfo) (*tls.Certificate, error)
}

// Errors of the server lifecycle.
var (
	ErrInvalidOptions = errors.New("server: invalid options")
	ErrNotStarted     = errors.New("server: not started")
	ErrStarted        = errors.New("server: already started")
	// ErrHandlersRunning is returned by Shutdown when some handler still
	// runs after its connection was closed: the caller must not close the
	// stores that handler may be using.
	ErrHandlersRunning = errors.New("server: handlers still running after shutdown")
)

// Server is coffer's HTTP server. Construct it with New, then Start (or Run).
type Server struct {
	opts     Options
	log      *slog.Logger
	http     *http.Server
	handlers sync.WaitGroup // S3 and endpoint handlers in flight
	draining atomic.Bool
	// notReady is set while Options.Ready fails, so that the change is
	// logged once.
	notReady atomic.Bool

	mu      sync.Mutex
	ln      net.Listener
	debug   *http.Server // nil unless Config.DebugAddress is set
	debugLn net.Listener
	// health serves /health/* and /metrics in plain HTTP; nil unless
	// Config.HealthAddress is set.
	health    *http.Server
	healthLn  net.Listener
	endpoints map[string]http.Handler

	// maxConns, maxUploads and maxDownloads are the limits in force
	// (limits.go).
	maxConns, maxUploads, maxDownloads int
}

// New returns a Server for opts. It does not listen yet.
func New(opts Options) (*Server, error) {
	if opts.Handler == nil {
		return nil, fmt.Errorf("%w: nil Handler", ErrInvalidOptions)
	}
	if opts.Registry == nil {
		return nil, fmt.Errorf("%w: nil Registry", ErrInvalidOptions)
	}
	if err := opts.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Ready == nil {
		opts.Ready = func() error { return nil }
	}
	s := &Server{opts: opts, log: opts.Logger}
	s.maxConns, s.maxUploads = defaultLimits(opts.Config.MaxConnections, opts.Config.MaxInflightUploads, openFileLimit())
	s.maxDownloads = cmp.Or(opts.Config.MaxInflightDownloads, s.maxConns)
	if m := opts.Limits; m != nil {
		m.ConnectionsLimit.Set(float64(s.maxConns))
		m.UploadsLimit.Set(float64(s.maxUploads))
		m.DownloadsLimit.Set(float64(s.maxDownloads))
	}
	s.http = &http.Server{
		Handler: s.routes(),
		// No ReadTimeout or WriteTimeout: they bound the whole request
		// and would cut off large uploads and downloads on slow links.
		// Bodies and responses are paced instead (pace.go).
		ReadHeaderTimeout: opts.Config.ReadHeaderTimeout,
		ConnContext:       connContext,
		IdleTimeout:       opts.Config.IdleTimeout,
		MaxHeaderBytes:    opts.Config.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Start opens the listener. After it returns, Addr reports the address, so
// tests can listen on port 0.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return ErrStarted
	}
	ln := s.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.opts.Config.Address); err != nil {
			return fmt.Errorf("listen on %s: %w", s.opts.Config.Address, err)
		}
	}
	if err := s.startDebug(); err != nil {
		return errors.Join(err, ln.Close())
	}
	if err := s.startHealth(s.endpoints); err != nil {
		return errors.Join(err, ln.Close(), s.closeDebug())
	}
	s.ln = s.tlsListener(&limitListener{Listener: ln, max: s.maxConns, metrics: s.opts.Limits})
	s.log.Info("listening", "address", ln.Addr().String(), "tls", s.opts.GetCertificate != nil,
		"max_connections", s.maxConns, "max_inflight_uploads", s.maxUploads,
		"max_inflight_downloads", s.maxDownloads)
	return nil
}

// Addr returns the listening address, or nil before Start.
func (s *Server) Addr() net.Addr { return s.addrOf(&s.ln) }

// addrOf returns the address of the listener *ln, read under s.mu, or nil
// if it is not open.
func (s *Server) addrOf(ln *net.Listener) net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *ln == nil {
		return nil
	}
	return (*ln).Addr()
}

// Serve accepts connections until Shutdown. It returns nil when stopped by
// Shutdown; callers must still wait for Shutdown to return before closing
// the stores.
func (s *Server) Serve() error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		return ErrNotStarted
	}
	if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections, marks the server not ready, and
// waits for in-flight requests to finish, for at most the configured
// ShutdownTimeout (or until ctx ends, if sooner). Requests still running
// then have their connections closed. When Shutdown returns nil, no handler
// runs any more and the stores may be closed. It is safe to call before
// Start and more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	if err := s.closeDebug(); err != nil {
		s.log.Warn("closing debug listener", "err", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Config.ShutdownTimeout)
	defer cancel()
	start := time.Now()
	err := s.http.Shutdown(ctx)
	if err := s.closeHealth(); err != nil {
		s.log.Warn("closing health listener", "err", err)
	}
	if err == nil {
		s.handlers.Wait()
		s.log.Info("shut down", "elapsed", time.Since(start))
		return nil
	}
	s.log.Warn("shutdown timed out; closing remaining connections", "err", err)
	closeErr := s.http.Close()
	done := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(handlerGrace):
		return fmt.Errorf("%w (after %v)", ErrHandlersRunning, time.Since(start))
	}
	return errors.Join(fmt.Errorf("graceful shutdown: %w", err), closeErr)
}

// Run starts the server if needed, serves until ctx is cancelled, then
// shuts down gracefully and returns Shutdown's result. A serve error (such
// as a failed accept) also ends Run.
func (s *Server) Run(ctx context.Context) error {
	if s.Addr() == nil {
		if err := s.Start(); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve() }()
	select {
	case err := <-errc:
		// Serve ended without our Shutdown: an accept failure, or
		// Shutdown called by someone else. Either way, finish draining.
		return errors.Join(err, s.Shutdown(context.WithoutCancel(ctx)))
	case <-ctx.Done():
		s.log.Info("shutting down", "cause", context.Cause(ctx))
	}
	err := s.Shutdown(context.WithoutCancel(ctx))
	return errors.Join(err, <-errc)
}
