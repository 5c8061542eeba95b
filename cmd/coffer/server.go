package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"github.com/coffer-s3/coffer/internal/acl"
	"io"
	iofs "io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/iamapi"
	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/kmsapi"
	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/lifecycle"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/meta/postgres"
	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/operatorapi"
	"github.com/coffer-s3/coffer/internal/reencrypt"
	"github.com/coffer-s3/coffer/internal/rekey"
	"github.com/coffer-s3/coffer/internal/s3api"
	"github.com/coffer-s3/coffer/internal/scrub"
	"github.com/coffer-s3/coffer/internal/server"
	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
	"github.com/coffer-s3/coffer/internal/stsapi"
	"github.com/coffer-s3/coffer/internal/tier"
	"github.com/coffer-s3/coffer/internal/tlsreload"
)

// Files of the data directory.
const (
	// tierSpoolDir holds the bytes of a blob bound for an S3 tier until
	// its upload.
	tierSpoolDir = "tier-spool"
	// restoreSweepInterval is how often expired restores of archived
	// objects are cleared (reads check expiry themselves).
	restoreSweepInterval = time.Minute
	// masterKeyFile holds the master keyring that seals secrets at rest
	// (access-key secrets today, object data keys later). It is created
	// on first start; without it nothing sealed can be read.
	masterKeyFile = "master.key"
)

// runServer is `coffer server`: load the configuration, build every
// component, serve until SIGTERM or SIGINT, shut down gracefully.
func runServer(ctx context.Context, env environment, args []string) int {
	cmd, err := config.LoadCommand(args, env.getenv, env.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer server: %v\n", err)
		return 2
	}
	cfg := cmd.Config
	if cmd.PrintConfig {
		if err := config.PrintConfig(env.stdout, cfg); err != nil {
			fmt.Fprintf(env.stderr, "coffer server: %v\n", err)
			return 1
		}
		return 0
	}
	log := newLogger(cfg, env.stderr)
	if cmd.File != "" {
		log.Info("configuration read", "file", cmd.File)
	}
	if err := serve(ctx, cfg, log, env.stdout, nil); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// serve runs a coffer for cfg until ctx is cancelled. If started is not nil
// it is called with the listening address once the server accepts
// connections (tests listen on port 0).
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer, started func(net.Addr)) error {
	// Blobs committed before this instant belong to earlier runs; only
	// those are garbage-collection candidates.
	startedAt := time.Now()
	root, err := rootCredentials(cfg, log, stdout)
	if err != nil {
		return err
	}
	app, err := buildOrStop(ctx, log, startStopGrace, func() (*app, error) { return build(ctx, cfg, root, clock.Real{}, log) })
	if err != nil {
		return err
	}
	if err := app.server.Start(); err != nil {
		return errors.Join(err, app.close())
	}
	bi := readBuildInfo()
	log.Info("coffer started", "version", bi.Version, "commit", bi.Commit, "go", bi.Go,
		"address", app.server.Addr().String(), "tls", cfg.TLS(), "data", cfg.DataDir, "meta", metaLocation(cfg),
		"blobs", cfg.BlobPath(), "region", cfg.Region,
		"root_access_key", root.AccessKey, "encrypt_at_rest", cfg.EncryptAtRest, "node_id", app.leases.Node())
	if !cfg.EncryptAtRest {
		log.Warn("encryption at rest is off: new objects are stored in plaintext")
	}
	if started != nil {
		started(app.server.Addr())
	}

	// The background engines, each on one node of the cluster at a time
	// (cluster.go), and the cache sync that keeps this node's caches
	// coherent with changes made through other nodes.
	gcCtx, stopGC := context.WithCancel(ctx)
	var gc sync.WaitGroup
	app.runEngines(gcCtx, &gc, cfg, startedAt, log)
	// A requested scrub pass (RunScrub) ends with the server too, so it
	// cannot hold up the graceful shutdown.
	stopScrub := context.AfterFunc(ctx, app.scrubber.Stop)
	defer stopScrub()
	stopReencrypt := context.AfterFunc(ctx, app.reencrypt.Stop)
	defer stopReencrypt()
	if !cfg.EncryptAtRest {
		// While encryption at rest is off, remember that a re-encryption
		// pass will be owed.
		if err := app.reencrypt.MarkPlaintextWrites(ctx); err != nil {
			log.Warn("could not record that new objects are stored in plaintext", "err", err)
		}
	}
	if app.certs != nil {
		// Serve renewed certificates as their files change.
		gc.Go(func() { app.certs.Run(gcCtx) })
	}

	err = app.server.Run(ctx)
	stopGC()
	gc.Wait()
	if errors.Is(err, server.ErrHandlersRunning) {
		// A handler may still use the stores; leave them to the process
		// exit rather than close them under it. Acknowledged writes are
		// already durable.
		return err
	}
	return errors.Join(err, app.close())
}

// rootCredentials loads or creates the root key pair, and prints a newly
// generated one to stdout: the only time it is ever shown.
func rootCredentials(cfg config.Config, log *slog.Logger, stdout io.Writer) (config.RootCredentials, error) {
	configured := config.RootCredentials{AccessKey: cfg.RootAccessKey, SecretKey: cfg.RootSecretKey}
	root, src, err := config.LoadRootCredentials(cfg.DataDir, configured, nil)
	if err != nil {
		return config.RootCredentials{}, fmt.Errorf("root credentials: %w", err)
	}
	switch src {
	case config.RootGenerated:
		if cfg.Meta.Postgres() {
			log.Warn("root credentials were generated for this node alone: every node sharing a metadata database "+
				"must start with the same ones ($COFFER_ROOT_ACCESS_KEY and $COFFER_ROOT_SECRET_KEY, or a copy of "+
				config.RootCredentialsFile+"), or each start replaces the root key of the others", "root_access_key", root.AccessKey)
		}
		fmt.Fprintf(stdout, "Root credentials were generated and stored in %s.\nThey are shown only this once:\n\n  Access key: %s\n  Secret key: %s\n\n",
			filepath.Join(cfg.DataDir, config.RootCredentialsFile), root.AccessKey, root.SecretKey)
	case config.RootReplaced:
		log.Warn("configured root credentials differ from the stored ones and replace them",
			"root_access_key", root.AccessKey)
	}
	return root, nil
}

// metaStore is the metadata store coffer runs on, embedded or shared,
// with the check /health/ready follows.
type metaStore interface {
	meta.Store
	// Health reports why the store cannot serve, or nil.
	Health() error
}

// openMeta opens the metadata store cfg names: the PostgreSQL database of
// --meta, shared by the nodes of a cluster, or else the embedded Pebble
// store in the metadata directory.
func openMeta(ctx context.Context, cfg config.Config, log *slog.Logger) (metaStore, error) {
	if cfg.Meta.Postgres() {
		// Every node notifies the others of its changes to the cache
		// generations, so that they drop their caches at once rather
		// than at their next sync.
		s, err := postgres.Open(ctx, string(cfg.Meta), postgres.Options{Logger: log,
			NotifyPrefixes: [][]byte{cachesync.Prefix()}})
		if err != nil {
			// postgres.Open's errors never contain the password.
			return nil, fmt.Errorf("open metadata database %s: %w", cfg.Meta.Redacted(), err)
		}
		return s, nil
	}
	if err := checkStartSpace(cfg.MetaPath()); err != nil {
		return nil, err
	}
	s, err := pebble.Open(cfg.MetaPath(), pebble.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open metadata store: %w", err)
	}
	return s, nil
}

// app is a built coffer: its stores, service and server.
type app struct {
	meta    metaStore
	blob    *fs.Store
	tiers   tier.Stores // storage class tiers (--tier)
	keyring *sse.Keyring
	rekey   *rekey.Manager
	objects *object.Service
	iam     *iam.Store
	kms     *kms.Service
	// kmsAudit is the KMS audit log file; nil when it goes to stderr.
	kmsAudit *os.File
	// scrubber checks stored objects in the background.
	scrubber *scrub.Scrubber
	// lifecycle applies the buckets' lifecycle rules in the background.
	lifecycle *lifecycle.Engine
	// reencrypt encrypts objects stored in plaintext in the background.
	reencrypt *reencrypt.Job
	// leases give each background engine one node of the cluster;
	// cacheSync drops this node's caches that other nodes made stale.
	leases    *lease.Leases
	cacheSync *cachesync.Syncer
	certs     *tlsreload.Reloader // nil without TLS
	server    *server.Server
}

// build constructs every component for cfg. On error it closes what it
// opened.
func build(ctx context.Context, cfg config.Config, root config.RootCredentials, clk clock.Clock, log *slog.Logger) (_ *app, err error) {
	a := &app{}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.close())
		}
	}()
	if a.meta, err = openMeta(ctx, cfg, log); err != nil {
		return nil, err
	}
	// Each process start is a new node; its id marks every log record.
	node := lease.NewNodeID()
	log = log.With("node_id", node)
	if a.blob, err = fs.Open(cfg.BlobPath(), fs.Options{Logger: log.With("component", "blob")}); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	reg := prometheus.NewRegistry()
	space, err := newSpaceGuard(cfg, reg, log)
	if err != nil {
		return nil, err
	}
	// The identity store, built next, checks MFA Delete codes.
	rootMFA := object.MFAVerifierFunc(func(ctx context.Context, account, serial, code string) (bool, error) {
		return a.iam.VerifyRootMFA(ctx, account, serial, code)
	})
	var keyFile string
	if a.keyring, keyFile, err = openKeyring(cfg, log); err != nil {
		return nil, err
	}
	tierSpecs, err := cfg.TierSpecs()
	if err != nil {
		return nil, err
	}
	if a.tiers, err = tier.Open(tierSpecs, filepath.Join(cfg.DataDir, tierSpoolDir), log.With("component", "tier")); err != nil {
		return nil, fmt.Errorf("open storage class tiers: %w", err)
	}
	// SSE-KMS: Keys is a link connected to the key service once the
	// identity store it authorizes through is built (object.KeyLink).
	keys := &object.KeyLink{}
	if a.objects, err = object.New(object.Options{Meta: a.meta, Blob: a.blob, Clock: clk, Logger: log.With("component", "object"),
		Keyring: a.keyring, EncryptAtRest: cfg.EncryptAtRest, BlockPublicAccess: cfg.DefaultBlockPublicAccess, MFA: rootMFA,
		Space: space, Keys: keys, Tiers: a.tiers, RestoreDay: cfg.LifecycleDay}); err != nil {
		return nil, fmt.Errorf("object service: %w", err)
	}
	if a.iam, err = openIAM(ctx, cfg, a, root, clk, log); err != nil {
		return nil, err
	}
	if err := a.openKMS(cfg, clk, log); err != nil {
		return nil, err
	}
	keys.Connect(a.kms)

	if err := metrics.RegisterRuntime(reg); err != nil {
		return nil, err
	}
	m, err := metrics.NewS3(reg)
	if err != nil {
		return nil, err
	}
	if err := metrics.RegisterEncryptionAtRest(reg, cfg.EncryptAtRest); err != nil {
		return nil, err
	}
	sm, err := metrics.NewScrub(reg)
	if err != nil {
		return nil, err
	}
	if a.scrubber, err = scrub.New(scrub.Options{Objects: a.objects, Clock: clk, Logger: log.With("component", "scrub"),
		Metrics: sm, Rate: cfg.ScrubRate, Interval: cfg.ScrubInterval}); err != nil {
		return nil, fmt.Errorf("scrubber: %w", err)
	}
	lm, err := metrics.NewLifecycle(reg)
	if err != nil {
		return nil, err
	}
	if a.lifecycle, err = lifecycle.New(lifecycle.Options{Objects: a.objects, Meta: a.meta, Clock: clk,
		Logger: log.With("component", "lifecycle"), Metrics: lm, Day: cfg.LifecycleDay,
		Rate: float64(cfg.LifecycleRate)}); err != nil {
		return nil, fmt.Errorf("lifecycle engine: %w", err)
	}
	if a.reencrypt, err = reencrypt.New(reencrypt.Options{Meta: a.meta, Objects: a.objects, Clock: clk,
		Rate: cfg.ReencryptRate, Registerer: reg, Logger: log.With("component", "reencrypt")}); err != nil {
		return nil, fmt.Errorf("re-encryption job: %w", err)
	}
	if err := a.buildCluster(cfg, node, clk, reg, log); err != nil {
		return nil, err
	}
	if a.rekey, err = rekey.New(rekey.Options{Meta: a.meta, Keyring: a.keyring, KeyFile: keyFile, Leases: a.leases,
		Sources: []rekey.Source{
			{Name: "objects", Rewrap: a.objects.RewrapKeys, Count: a.objects.CountWrappedKeys},
			{Name: "iam", Rewrap: a.iam.ResealSecrets, Count: a.iam.CountSealedSecrets},
			{Name: "kms", Rewrap: a.kms.ResealMaterial, Count: a.kms.CountSealedMaterial},
		},
		Registerer: reg, Logger: log.With("component", "rekey")}); err != nil {
		return nil, err
	}
	a.subscribeCaches()
	limits, err := metrics.NewLimits(reg)
	if err != nil {
		return nil, err
	}

	var getCert func(*tls.ClientHelloInfo) (*tls.Certificate, error) // nil: plain HTTP
	if cfg.TLS() {
		a.certs, err = tlsreload.New(tlsreload.Options{CertFile: cfg.TLSCertFile, KeyFile: cfg.TLSKeyFile,
			Clock: clk, Logger: log.With("component", "tlsreload"), Registerer: reg})
		if err != nil {
			return nil, err
		}
		getCert = a.certs.GetCertificate
	}

	// The verifier needs the handler's virtual-host parsing (for SigV2)
	// and the handler needs the verifier, so the verifier asks the handler
	// through a closure that runs only once both exist.
	var handler *s3api.Handler
	verifier := sigv4.New(sigv4.Options{
		Credentials:       a.iam,
		Region:            cfg.Region,
		Clock:             clk,
		Logger:            log.With("component", "sigv4"),
		VirtualHostBucket: func(r *http.Request) string { return handler.VirtualHostBucket(r) },
	})
	handler, err = s3api.New(s3api.Options{
		Objects:    a.objects,
		Verifier:   verifier,
		Authorizer: a.iam,
		Region:     cfg.Region,
		Domains:    cfg.Domains,
		Logger:     log.With("component", "s3api"),
		Clock:      clk,
		Observe:    m.Observe,
		RequireTLS: cfg.RequireTLS,
		Accounts:   s3api.IdentityAccounts(a.iam),

		DefaultObjectOwnership:   acl.Ownership(cfg.DefaultObjectOwnership),
		DefaultBlockPublicAccess: cfg.DefaultBlockPublicAccess,

		AllowInsecureSSEC: cfg.AllowInsecureSSEC,
		LifecycleDay:      cfg.LifecycleDay,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 handler: %w", err)
	}
	iamHandler, err := iamapi.New(iamapi.Options{
		Credentials: a.iam, Region: cfg.Region, Clock: clk, Authorizer: a.iam,
		AccountCreated: a.iam.AccountCreated, Store: a.iam, Logger: log.With("component", "iamapi"),
	})
	if err != nil {
		return nil, fmt.Errorf("IAM handler: %w", err)
	}
	stsHandler, err := stsapi.New(stsapi.Options{
		Credentials: a.iam, Region: cfg.Region, Clock: clk, Authorizer: a.iam, Identity: a.iam,
		Logger: log.With("component", "stsapi"),
	})
	if err != nil {
		return nil, fmt.Errorf("STS handler: %w", err)
	}
	operatorHandler, err := operatorapi.New(operatorapi.Options{
		Credentials: a.iam, Region: cfg.Region, Clock: clk, Accounts: a.iam, Scrub: scrubAPI{a.scrubber},
		MasterKeys: a.rekey, Lifecycle: lifecycleAPI{a.lifecycle},
		Reencrypt: reencryptAPI{j: a.reencrypt, enabled: cfg.EncryptAtRest, rate: cfg.ReencryptRate},
		Logger:    log.With("component", "operatorapi"),
	})
	if err != nil {
		return nil, fmt.Errorf("operator API handler: %w", err)
	}
	kmsHandler, err := kmsapi.New(kmsapi.Options{Keys: a.kms, Credentials: a.iam, Region: cfg.Region, Clock: clk,
		Logger: log.With("component", "kmsapi")})
	if err != nil {
		return nil, fmt.Errorf("KMS handler: %w", err)
	}
	a.server, err = server.New(server.Options{
		Config:   cfg,
		Handler:  handler,
		IAM:      iamHandler,
		STS:      stsHandler,
		Operator: operatorHandler,
		KMS:      kmsHandler,
		Registry: reg,
		Metrics:  m,
		Logger:   log,
		// Not ready once the metadata store turned read-only or its
		// background work fails; a full disk alone (writes refused, reads
		// and deletes served) keeps the server ready.
		Ready: a.meta.Health,

		Limits:         limits,
		Overloaded:     handler.SlowDown(),
		GetCertificate: getCert,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// openKeyring loads the master keyring from the one source cfg names:
// $COFFER_MASTER_KEY, --master-key-file (which must exist), or else
// <data>/master.key, created on first start. It returns the file it read,
// which rotations rewrite ("" for the environment). The log says where
// the key came from, never the key.
func openKeyring(cfg config.Config, log *slog.Logger) (_ *sse.Keyring, file string, _ error) {
	inData := filepath.Join(cfg.DataDir, masterKeyFile)
	var (
		kr     *sse.Keyring
		source string
		err    error
	)
	switch {
	case cfg.MasterKey != "":
		source = "environment"
		if kr, err = sse.ParseKeyring(string(cfg.MasterKey)); err != nil {
			return nil, "", fmt.Errorf("master key from $COFFER_MASTER_KEY: %w", err)
		}
	case cfg.MasterKeyFile != "":
		source = cfg.MasterKeyFile
		if kr, err = sse.LoadKeyringFile(cfg.MasterKeyFile); errors.Is(err, iofs.ErrNotExist) {
			return nil, "", fmt.Errorf("master key file %s does not exist; coffer never creates a key file it is pointed at "+
				"(create one with 'coffer master-key generate --out %s', or restore your copy)", cfg.MasterKeyFile, cfg.MasterKeyFile)
		} else if err != nil {
			return nil, "", fmt.Errorf("master key: %w", err)
		}
	default:
		var created bool
		source = inData
		if kr, created, err = sse.LoadOrGenerateKeyringFile(inData); err != nil {
			return nil, "", fmt.Errorf("master key: %w", err)
		}
		if created {
			log.Warn("created a new master key; back it up; without it no sealed secret or encrypted object can be read", "path", inData)
		}
	}
	if source != inData {
		if _, err := os.Stat(inData); err == nil {
			log.Warn("the data directory holds a master key file that is not used: the master key comes from elsewhere",
				"unused", inData, "source", source)
		}
	}
	log.Info("master key loaded", "source", source, "versions", len(kr.Versions()), "current_version", kr.Current())
	if cfg.MasterKey != "" {
		return kr, "", nil
	}
	return kr, source, nil
}

// openIAM builds the identity store and makes sure the first account has
// the root credentials coffer started with.
func openIAM(ctx context.Context, cfg config.Config, a *app, root config.RootCredentials, clk clock.Clock, log *slog.Logger) (*iam.Store, error) {
	s, err := iam.New(iam.Options{Meta: a.meta, Keyring: a.keyring, Clock: clk, Region: cfg.Region,
		Buckets: a.objects, Logger: log.With("component", "iam")})
	if err != nil {
		return nil, fmt.Errorf("iam: %w", err)
	}
	// A wrong master key must stop the start before Bootstrap reseals the
	// root secret under it.
	if err := s.CheckKeyring(ctx); err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if err := s.Bootstrap(ctx, root.AccessKey, root.SecretKey); err != nil {
		return nil, fmt.Errorf("iam: %w", err)
	}
	return s, nil
}

// openKMS builds the key service and opens its audit log: appended to
// cfg.KMSAuditPath() ("-" is standard error), created 0600 because it
// names principals and keys.
func (a *app) openKMS(cfg config.Config, clk clock.Clock, log *slog.Logger) error {
	var audit io.Writer = os.Stderr
	if path := cfg.KMSAuditPath(); path != "-" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("KMS audit log: %w", err)
		}
		a.kmsAudit, audit = f, f
	}
	var err error
	a.kms, err = kms.New(kms.Options{Meta: a.meta, Keyring: a.keyring, Authorizer: a.iam, Region: cfg.Region,
		Clock: clk, Audit: audit, ErrorCode: kmsapi.ErrorCode, Logger: log.With("component", "kms")})
	if err != nil {
		return fmt.Errorf("kms: %w", err)
	}
	return nil
}

// close closes the stores; it is safe after a partial build.
func (a *app) close() error {
	var errs []error
	if a.kmsAudit != nil {
		errs = append(errs, a.kmsAudit.Close())
	}
	if a.blob != nil {
		errs = append(errs, a.blob.Close())
	}
	errs = append(errs, a.tiers.Close())
	if a.meta != nil {
		errs = append(errs, a.meta.Close())
	}
	return errors.Join(errs...)
}

// metaLocation says where the metadata lives, for the start log line:
// the database URL without its password, or the embedded store's
// directory.
func metaLocation(cfg config.Config) string {
	if cfg.Meta.Postgres() {
		return cfg.Meta.Redacted()
	}
	return cfg.MetaPath()
}
