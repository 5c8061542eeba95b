package coffertest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/coffer-s3/coffer/internal/acl"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/diskspace"
	coffiam "github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/iamapi"
	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/kmsapi"
	"github.com/coffer-s3/coffer/internal/lifecycle"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/meta/postgres"
	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/operatorapi"
	"github.com/coffer-s3/coffer/internal/s3api"
	"github.com/coffer-s3/coffer/internal/server"
	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
	"github.com/coffer-s3/coffer/internal/stsapi"
	"github.com/coffer-s3/coffer/internal/tier"
)

// Region is the region every test server serves and its clients use.
const Region = "us-east-1"

// Server is a running test coffer.
type Server struct {
	// Endpoint is the base URL, "http://127.0.0.1:port".
	Endpoint string
	// Addr is the listening host:port.
	Addr string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// DataDir is the data directory.
	DataDir string
	// Clock is the clock the server reads.
	Clock clock.Clock
	// Registry holds the server's metrics.
	Registry *prometheus.Registry
	// IAM is the server's identity store, for tests that set up users,
	// policies and accounts directly.
	Identity *coffiam.Store
	// Keys is the server's key service (KMS); tests sweep it after
	// moving the clock.
	Keys *kms.Service
	// KMSAuditLog is the path of the server's KMS audit log.
	KMSAuditLog string
	// Lifecycle is the server's lifecycle engine. It does not run on its
	// own: tests move the clock and call RunPass.
	Lifecycle *lifecycle.Engine

	tb    testing.TB
	roots *x509.CertPool // trusts the server's certificate; nil without TLS
	srv   *server.Server
	meta  meta.Store
	blob  *fs.Store
	audit *os.File
	tiers tier.Stores
	// borrowed: meta and blob belong to another Server (WithSharedStores).
	borrowed  bool
	cacheSync *cachesync.Syncer
	serveWG   sync.WaitGroup
	stopGC    context.CancelFunc
	gcWG      sync.WaitGroup
	// Objects is the server's object service, for tests that drive what
	// background engines do (TransitionVersion, ExpireRestores).
	Objects *object.Service

	mu       sync.Mutex
	shutdown bool
	closeErr error
}

// Start runs a coffer for the test and registers its shutdown with
// t.Cleanup. It fails the test if the server cannot start.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	st := settings{clock: clock.Real{}}
	for _, o := range opts {
		o(&st)
	}
	if st.shared != nil {
		st.dataDir = st.shared.DataDir
	}
	if st.dataDir == "" {
		st.dataDir = tb.TempDir()
	}
	if st.logger == nil {
		st.logger = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = st.dataDir
	cfg.Region = Region
	cfg.ShutdownTimeout = 10 * time.Second
	for _, f := range st.configure {
		f(&cfg)
	}
	startedAt := time.Now()
	root, _, err := config.LoadRootCredentials(cfg.DataDir, config.RootCredentials{AccessKey: cfg.RootAccessKey, SecretKey: cfg.RootSecretKey}, nil)
	if err != nil {
		tb.Fatalf("coffertest: %v", err)
	}
	s := &Server{AccessKey: root.AccessKey, SecretKey: root.SecretKey, DataDir: cfg.DataDir, Clock: st.clock, tb: tb}
	var getCert func(*tls.ClientHelloInfo) (*tls.Certificate, error)
	scheme := "http://"
	if st.tls {
		cert, roots, err := selfSigned()
		if err != nil {
			tb.Fatalf("coffertest: %v", err)
		}
		// The server's own TLS path (its versions, suites and h2 by
		// ALPN), as --tls-cert gives it, with a fixed certificate.
		getCert = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &cert, nil }
		s.roots, scheme = roots, "https://"
	}
	objects, err := s.build(cfg, st, getCert)
	if err != nil {
		s.closeStores()
		tb.Fatalf("coffertest: %v", err)
	}
	s.Objects = objects
	if err := s.srv.Start(); err != nil {
		s.closeStores()
		tb.Fatalf("coffertest: %v", err)
	}
	s.Addr = s.srv.Addr().String()
	s.Endpoint = scheme + s.Addr
	s.serveWG.Go(func() {
		if err := s.srv.Serve(); err != nil {
			tb.Errorf("coffertest: serve: %v", err)
		}
	})
	// As coffer server does: sync the caches with other nodes, and
	// collect what an earlier run on this data directory left behind
	// (another node of a cluster leaves that to the first).
	gcCtx, stopGC := context.WithCancel(context.Background())
	s.stopGC = stopGC
	s.gcWG.Go(func() { s.cacheSync.Run(gcCtx) })
	s.gcWG.Go(func() {
		if st.shared != nil {
			return
		}
		if err := objects.CollectGarbage(gcCtx, startedAt); err != nil && !errors.Is(err, context.Canceled) {
			tb.Errorf("coffertest: garbage collection at start: %v", err)
		}
	})
	tb.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			tb.Errorf("coffertest: shutdown: %v", err)
		}
	})
	return s
}

// build constructs the components the way cmd/coffer does.
func (s *Server) build(cfg config.Config, st settings, getCert func(*tls.ClientHelloInfo) (*tls.Certificate, error)) (_ *object.Service, err error) {
	log := st.logger
	// A configured metadata database (WithConfig setting Meta) is
	// used as coffer server uses it, so that tests can run several
	// servers on one database and, with BlobDir, one blob directory;
	// WithSharedStores shares another server's stores in this process.
	switch {
	case st.shared != nil:
		s.meta, s.blob, s.borrowed = st.shared.meta, st.shared.blob, true
	case cfg.Meta.Postgres():
		s.meta, err = postgres.Open(context.Background(), string(cfg.Meta), postgres.Options{Logger: log,
			NotifyPrefixes: [][]byte{cachesync.Prefix()}})
	default:
		s.meta, err = pebble.Open(filepath.Join(cfg.DataDir, "meta"), pebble.Options{Logger: log})
	}
	if err != nil {
		return nil, fmt.Errorf("open metadata store: %w", err)
	}
	if !s.borrowed {
		if s.blob, err = fs.Open(cfg.BlobPath(), fs.Options{Logger: log}); err != nil {
			return nil, fmt.Errorf("open blob store: %w", err)
		}
	}
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(cfg.DataDir, "master.key"))
	if err != nil {
		return nil, err
	}
	// As cmd/coffer: the identity store, built next, checks MFA Delete
	// codes.
	rootMFA := object.MFAVerifierFunc(func(ctx context.Context, account, serial, code string) (bool, error) {
		return s.Identity.VerifyRootMFA(ctx, account, serial, code)
	})
	s.Registry = prometheus.NewRegistry()
	space, err := newSpaceGuard(cfg, s.Registry, log)
	if err != nil {
		return nil, err
	}
	// SSE-KMS uses the server's own key service unless the test brings
	// one (WithKeyService); the link is connected once that is built.
	var link *object.KeyLink
	keys := st.keys
	if keys == nil {
		link = &object.KeyLink{}
		keys = link
	}
	specs, err := cfg.TierSpecs()
	if err != nil {
		return nil, err
	}
	if s.tiers, err = tier.Open(specs, filepath.Join(cfg.DataDir, "tier-spool"), log); err != nil {
		return nil, err
	}
	objects, err := object.New(object.Options{Meta: s.meta, Blob: s.blob, Clock: st.clock, Logger: log, MinPartSize: st.minPartSize,
		MFA: rootMFA, Keyring: kr, EncryptAtRest: cfg.EncryptAtRest, BlockPublicAccess: cfg.DefaultBlockPublicAccess,
		Keys: keys, Space: space, Tiers: s.tiers, RestoreDay: st.restoreDay})
	if err != nil {
		return nil, err
	}
	if s.Identity, err = coffiam.New(coffiam.Options{Meta: s.meta, Keyring: kr, Clock: st.clock, Logger: log, Region: cfg.Region, Buckets: objects}); err != nil {
		return nil, err
	}
	if err := s.Identity.Bootstrap(context.Background(), s.AccessKey, s.SecretKey); err != nil {
		return nil, err
	}
	if s.cacheSync, err = cachesync.New(cachesync.Options{Meta: s.meta, Interval: cfg.CacheSyncInterval, Logger: log}); err != nil {
		return nil, err
	}
	s.cacheSync.Subscribe(cachesync.DomainIAM, s.Identity.InvalidateCache)
	s.cacheSync.Subscribe(cachesync.DomainAccess, objects.InvalidateAccessCache)
	m, err := metrics.NewS3(s.Registry)
	if err != nil {
		return nil, err
	}
	limits, err := metrics.NewLimits(s.Registry)
	if err != nil {
		return nil, err
	}
	var handler *s3api.Handler
	verifier := sigv4.New(sigv4.Options{
		Credentials:       s.Identity,
		Region:            cfg.Region,
		Clock:             st.clock,
		Logger:            log,
		VirtualHostBucket: func(r *http.Request) string { return handler.VirtualHostBucket(r) },
	})
	handler, err = s3api.New(s3api.Options{
		Objects: objects, Verifier: verifier, Authorizer: s.Identity,
		Region: cfg.Region, Domains: cfg.Domains, Logger: log, Clock: st.clock, Observe: m.Observe,
		Accounts: s3api.IdentityAccounts(s.Identity), DefaultObjectOwnership: acl.Ownership(cfg.DefaultObjectOwnership),
		DefaultBlockPublicAccess: cfg.DefaultBlockPublicAccess,
		RequireTLS:               cfg.RequireTLS, AllowInsecureSSEC: cfg.AllowInsecureSSEC,
		LifecycleDay: cfg.LifecycleDay,
	})
	if err != nil {
		return nil, err
	}
	lm, err := metrics.NewLifecycle(s.Registry)
	if err != nil {
		return nil, err
	}
	if s.Lifecycle, err = lifecycle.New(lifecycle.Options{Objects: objects, Meta: s.meta, Clock: st.clock, Logger: log,
		Metrics: lm, Day: cfg.LifecycleDay}); err != nil {
		return nil, err
	}
	iamHandler, err := iamapi.New(iamapi.Options{Credentials: s.Identity, Region: cfg.Region, Clock: st.clock,
		Authorizer: s.Identity, AccountCreated: s.Identity.AccountCreated, Store: s.Identity, Logger: log})
	if err != nil {
		return nil, err
	}
	stsHandler, err := stsapi.New(stsapi.Options{Credentials: s.Identity, Region: cfg.Region, Clock: st.clock,
		Authorizer: s.Identity, Identity: s.Identity, Logger: log})
	if err != nil {
		return nil, err
	}
	operatorHandler, err := operatorapi.New(operatorapi.Options{Credentials: s.Identity, Region: cfg.Region,
		Clock: st.clock, Accounts: s.Identity, Logger: log})
	if err != nil {
		return nil, err
	}
	kmsHandler, err := s.buildKMS(cfg, st, kr, log)
	if err != nil {
		return nil, err
	}
	if link != nil {
		link.Connect(s.Keys)
	}
	s.srv, err = server.New(server.Options{Config: cfg, Handler: handler, IAM: iamHandler, STS: stsHandler,
		KMS: kmsHandler, Operator: operatorHandler, Registry: s.Registry, Metrics: m, Logger: log, GetCertificate: getCert,
		Limits: limits, Overloaded: handler.SlowDown()})
	return objects, err
}

// newSpaceGuard keeps cfg's disk reserve on the blob and metadata
// directories, as coffer server does, so that tests meet the same refusal
// of new data (503 SlowDown) near a full disk.
func newSpaceGuard(cfg config.Config, reg prometheus.Registerer, log *slog.Logger) (*diskspace.Guard, error) {
	dirs := []diskspace.Dir{{Name: "blobs", Path: cfg.BlobPath()}}
	if cfg.Meta == "" {
		// cmd/coffer's metaMinReserve: room for Pebble to write and
		// flush a full memtable. A database keeps its own disk.
		dirs = append(dirs, diskspace.Dir{Name: "meta", Path: cfg.MetaPath(), MinReserve: 2*pebble.DefaultMemTableSize + 8<<20})
	}
	return diskspace.New(diskspace.Options{
		Dirs:       dirs,
		Reserve:    uint64(cfg.DiskReserve),
		Logger:     log.With("component", "diskspace"),
		Registerer: reg,
	})
}

// Shutdown shuts the server down gracefully (waiting for in-flight
// requests) and closes its stores. Cleanup calls it; a test may call it
// earlier, for example to check graceful shutdown. Later calls return the
// first call's result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		return s.closeErr
	}
	s.shutdown = true
	err := s.srv.Shutdown(ctx)
	s.serveWG.Wait()
	s.stopGC()
	s.gcWG.Wait()
	if errors.Is(err, server.ErrHandlersRunning) {
		s.closeErr = err
		return err
	}
	s.closeErr = errors.Join(err, s.closeStores())
	return s.closeErr
}

func (s *Server) closeStores() error {
	if s.borrowed {
		return nil
	}
	var errs []error
	if s.audit != nil {
		errs = append(errs, s.audit.Close())
	}
	if s.blob != nil {
		errs = append(errs, s.blob.Close())
	}
	errs = append(errs, s.tiers.Close())
	if s.meta != nil {
		errs = append(errs, s.meta.Close())
	}
	return errors.Join(errs...)
}

// URL returns the endpoint URL of path, which must start with "/".
func (s *Server) URL(path string) string { return s.Endpoint + path }

// S3 returns an aws-sdk-go-v2 client for the server: path-style, root
// credentials, region us-east-1, and no retries, so that a test sees the
// first response to each request. Checksums are calculated and validated
// "when supported", the defaults config.LoadDefaultConfig gives real
// applications (a bare s3.New would only send them when required).
func (s *Server) S3(optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint:     aws.String(s.Endpoint),
		Region:           Region,
		UsePathStyle:     true,
		Credentials:      awscreds.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       s.HTTPClient(),

		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}, optFns...)
}

// IAM returns an aws-sdk-go-v2 IAM client for the server: root
// credentials, region us-east-1 (IAM is signed for it), no retries.
func (s *Server) IAM(optFns ...func(*iam.Options)) *iam.Client {
	return iam.New(iam.Options{
		BaseEndpoint:     aws.String(s.Endpoint),
		Region:           Region,
		Credentials:      awscreds.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       s.HTTPClient(),
	}, optFns...)
}

// buildKMS builds the key service, with its audit log in the data
// directory as cmd/coffer keeps it, and its handler.
func (s *Server) buildKMS(cfg config.Config, st settings, kr *sse.Keyring, log *slog.Logger) (*kmsapi.Handler, error) {
	s.KMSAuditLog = cfg.KMSAuditPath()
	f, err := os.OpenFile(s.KMSAuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	s.audit = f
	if s.Keys, err = kms.New(kms.Options{Meta: s.meta, Keyring: kr, Authorizer: s.Identity, Region: cfg.Region,
		Clock: st.clock, Audit: f, ErrorCode: kmsapi.ErrorCode, Logger: log}); err != nil {
		return nil, err
	}
	return kmsapi.New(kmsapi.Options{Keys: s.Keys, Credentials: s.Identity, Region: cfg.Region, Clock: st.clock, Logger: log})
}

// KMS returns an aws-sdk-go-v2 KMS client for the server: root
// credentials, region us-east-1, no retries.
func (s *Server) KMS(optFns ...func(*awskms.Options)) *awskms.Client {
	return awskms.New(awskms.Options{
		BaseEndpoint:     aws.String(s.Endpoint),
		Region:           Region,
		Credentials:      awscreds.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       s.HTTPClient(),
	}, optFns...)
}

// STS returns an aws-sdk-go-v2 STS client for the server: root
// credentials, region us-east-1, no retries.
func (s *Server) STS(optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		BaseEndpoint:     aws.String(s.Endpoint),
		Region:           Region,
		Credentials:      awscreds.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       s.HTTPClient(),
	}, optFns...)
}

// Minio returns a minio-go client for the server with the root credentials
// and path-style bucket lookup.
func (s *Server) Minio() *minio.Client {
	c, err := minio.New(s.Addr, &minio.Options{
		Creds:        miniocreds.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:       s.roots != nil,
		Transport:    s.transport(),
		Region:       Region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   1,
	})
	if err != nil {
		s.tb.Fatalf("coffertest: minio client: %v", err)
	}
	return c
}

// testWriter sends log output to the test log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
