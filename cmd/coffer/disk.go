package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/diskspace"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

const (
	// metaMinReserve is the least free space kept on the metadata
	// directory's file system, whatever --disk-reserve says: room for
	// Pebble to write a full memtable's WAL and flush it (both up to a
	// memtable's size), with a margin for its manifest and compactions.
	metaMinReserve = 2*pebble.DefaultMemTableSize + 8<<20
	// metaStartFree is the least free space the metadata directory's file
	// system must have for coffer to start: below it Pebble could fail
	// to replay and flush its WAL, so coffer refuses to start with one
	// clear message instead.
	metaStartFree = pebble.DefaultMemTableSize
)

// newSpaceGuard keeps cfg's reserve on the blob and metadata directories.
func newSpaceGuard(cfg config.Config, reg prometheus.Registerer, log *slog.Logger) (*diskspace.Guard, error) {
	dirs := []diskspace.Dir{{Name: "blobs", Path: cfg.BlobPath()}}
	if !cfg.Meta.Postgres() {
		// A metadata database keeps its own disk; only the embedded
		// store's is ours to watch.
		dirs = append(dirs, diskspace.Dir{Name: "meta", Path: cfg.MetaPath(), MinReserve: metaMinReserve})
	}
	return diskspace.New(diskspace.Options{
		Dirs:       dirs,
		Reserve:    uint64(cfg.DiskReserve),
		Logger:     log.With("component", "diskspace"),
		Registerer: reg,
	})
}

// errMetaDiskFull is returned at start when the metadata directory's file
// system is too full for the metadata store to open safely.
var errMetaDiskFull = errors.New("the metadata directory's disk is full")

// checkStartSpace fails fast, with one clear message, when the file
// system of the metadata directory has too little free space to start:
// opening Pebble there would only spin on "no space left on device".
func checkStartSpace(dir string) error {
	existing := dir
	for {
		if _, err := os.Stat(existing); !errors.Is(err, iofs.ErrNotExist) {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return nil
		}
		existing = parent
	}
	u, err := diskspace.Statfs(existing)
	if err != nil {
		return nil // no statfs here: let the open itself report trouble
	}
	if u.Free < metaStartFree {
		return fmt.Errorf("%w: %s has %d bytes free, coffer needs at least %d to open its metadata store; "+
			"free space on that file system (files that are not coffer's, or grow it) and start again",
			errMetaDiskFull, dir, u.Free, metaStartFree)
	}
	return nil
}

// startStopGrace is how long a signal during start waits for the stores
// to finish opening before coffer exits without them.
const startStopGrace = 5 * time.Second

// errStoppedDuringStart is returned when a signal arrived before coffer
// was serving.
var errStoppedDuringStart = errors.New("stopped by a signal during start")

// buildOrStop runs build, but returns as soon as ctx is done (SIGTERM,
// SIGINT), waiting at most grace for build to give up by itself:
// opening a store on a failing disk can block where no context reaches
// (Pebble waiting for a flush the disk refuses), and a stop request must
// still be obeyed. Nothing was acknowledged yet, so leaving a store
// mid-open to the process exit loses nothing.
func buildOrStop(ctx context.Context, log *slog.Logger, grace time.Duration, build func() (*app, error)) (*app, error) {
	type result struct {
		a   *app
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := build()
		done <- result{a, err}
	}()
	select {
	case r := <-done:
		return r.a, r.err
	case <-ctx.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err == nil {
			return nil, errors.Join(errStoppedDuringStart, r.a.close())
		}
		return nil, errors.Join(errStoppedDuringStart, r.err)
	case <-t.C:
		log.Error("the stores did not finish opening after the stop signal; exiting without them", "waited", grace)
		return nil, errStoppedDuringStart
	}
}
