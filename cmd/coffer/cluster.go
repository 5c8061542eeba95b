package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/metrics"
)

// sharedMeta says whether other processes may use the metadata store at
// the same time. The embedded Pebble store locks its directory, so it is
// false; a store shared by several nodes (PostgreSQL) makes it true,
// which changes two things: leases of other node ids are waited out
// instead of taken at once, and garbage collection spares blobs younger
// than blobCommitGrace, which another node may be about to reference.
func sharedMeta(cfg config.Config) bool { return cfg.Meta.Postgres() }

// blobCommitGrace bounds the time between a blob's commit and the meta
// transaction that references it, on any node. Garbage collection on a
// shared store only deletes unreferenced blobs older than this.
const blobCommitGrace = time.Hour

// Lease names: one per background engine. They are stored in meta and
// must never change.
const (
	leaseGC        = "gc"
	leaseSessions  = "sessions"
	leaseScrub     = "scrub"
	leaseRekey     = "rekey"
	leaseKMS       = "kms"
	leaseLifecycle = "lifecycle"
	leaseReencrypt = "reencrypt"
	leaseRestores  = "restores"
)

// buildCluster makes the leases and the cache syncer of node.
func (a *app) buildCluster(cfg config.Config, node string, clk clock.Clock, reg prometheus.Registerer, log *slog.Logger) (err error) {
	if a.leases, err = lease.New(lease.Options{Meta: a.meta, Node: node, Clock: clk, Registerer: reg,
		Logger: log.With("component", "lease"), Exclusive: !sharedMeta(cfg)}); err != nil {
		return err
	}
	m, err := metrics.NewCacheSync(reg, cachesync.DomainIAM, cachesync.DomainAccess, cachesync.DomainKeyring)
	if err != nil {
		return err
	}
	a.cacheSync, err = cachesync.New(cachesync.Options{Meta: a.meta, Interval: cfg.CacheSyncInterval,
		Invalidated: m.Invalidated, Failed: m.Failed, Synced: m.Synced, Logger: log.With("component", "cachesync")})
	return err
}

// subscribeCaches makes the cache syncer drop each cache that another
// node's change made stale.
func (a *app) subscribeCaches() {
	a.cacheSync.Subscribe(cachesync.DomainIAM, a.iam.InvalidateCache)
	a.cacheSync.Subscribe(cachesync.DomainAccess, a.objects.InvalidateAccessCache)
	a.cacheSync.Subscribe(cachesync.DomainKeyring, a.rekey.KeyFileChanged)
	// A wrap under a version newer than this node's current one was made
	// by a node that rotated: reload at once rather than fail until the
	// next sync.
	a.keyring.OnNewerVersion(a.rekey.KeyFileChanged)
}

// runEngines starts, in wg, the cache syncer and each background engine
// under its lease, so that one node of the cluster runs each engine at a
// time; they stop when engineCtx ends. Each engine keeps its cursor in
// meta, so a node that takes a lease over continues where the last holder
// stopped.
func (a *app) runEngines(engineCtx context.Context, wg *sync.WaitGroup, cfg config.Config, startedAt time.Time, log *slog.Logger) {
	wg.Go(func() { a.cacheSync.Run(engineCtx) })
	// held runs fn under the lease name; fn that returns early keeps the
	// lease until it is lost or the server stops, so that no other node
	// starts the same work again.
	held := func(name string, fn func(ctx context.Context, ls lease.Lease)) {
		wg.Go(func() {
			a.leases.Run(engineCtx, name, func(ctx context.Context, ls lease.Lease) {
				fn(ctx, ls)
				<-ctx.Done()
			})
		})
	}
	// Collect the blobs a crash left behind (between writing a blob and
	// committing its metadata), once each time the lease changes hands.
	// Only blobs committed before this start are candidates, so nothing
	// this run writes is touched; on a shared store, only blobs older
	// than blobCommitGrace, so nothing another node writes is touched.
	held(leaseGC, func(ctx context.Context, _ lease.Lease) {
		cutoff := startedAt
		if grace := time.Now().Add(-blobCommitGrace); sharedMeta(cfg) && grace.Before(cutoff) {
			cutoff = grace
		}
		if err := a.objects.CollectGarbage(ctx, cutoff); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("garbage collection failed", "err", err)
			return
		}
		log.Debug("garbage collection done")
	})
	// Delete the records of STS sessions a day after they expire.
	held(leaseSessions, func(ctx context.Context, _ lease.Lease) { a.iam.CollectSessionsEvery(ctx, time.Hour) })
	// Check stored objects at the configured rate (Run returns at once
	// when it is 0: no lease then).
	if cfg.ScrubRate > 0 {
		held(leaseScrub, func(ctx context.Context, _ lease.Lease) {
			if err := a.scrubber.Run(ctx); err != nil {
				log.Warn("scrubber stopped", "err", err)
			}
		})
	}
	// Move keys and secrets to the current master key version after a
	// rotation, resuming a pass an earlier run left unfinished; its
	// cursor saves are fenced by the lease.
	held(leaseRekey, a.rekey.RunFenced)
	// Rotate KMS keys and delete those whose waiting period ended, as
	// their schedules (kept in meta) fall due.
	held(leaseKMS, func(ctx context.Context, _ lease.Lease) { a.kms.Run(ctx) })
	// Apply the buckets' lifecycle rules, resuming a pass an earlier run
	// left unfinished (every action is conditional on the version it
	// judged, so a pass taken over repeats nothing).
	held(leaseLifecycle, func(ctx context.Context, _ lease.Lease) {
		if err := a.lifecycle.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("lifecycle engine stopped", "err", err)
		}
	})
	// Clear the restores of archived objects whose days are over.
	held(leaseRestores, func(ctx context.Context, _ lease.Lease) {
		a.objects.ExpireRestoresEvery(ctx, restoreSweepInterval)
	})
	// Encrypt what is stored in plaintext while encryption at rest is on.
	if cfg.EncryptAtRest {
		held(leaseReencrypt, func(ctx context.Context, _ lease.Lease) { a.reencrypt.Run(ctx) })
	}
}
