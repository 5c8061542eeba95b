// Package tier opens the stores that keep the bytes of storage classes
// elsewhere than the main blob store, as the operator configured them
// with --tier: a blob/fs store in another directory, or a blob/s3blob
// store in a bucket of another S3 server. It only builds stores; the
// object service decides what goes where.
package tier

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/blob/s3blob"
	"github.com/coffer-s3/coffer/internal/config"
)

// Stores are the opened tiers by storage class.
type Stores map[string]blob.Store

// Close closes every store.
func (s Stores) Close() error {
	var errs []error
	for _, st := range s {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// Open opens the store of every tier in specs. S3 tiers spool a blob in
// spoolDir (created if missing) until it is uploaded. On error it closes
// what it opened. Credentials are never part of an error or a log record.
func Open(specs []config.Tier, spoolDir string, log *slog.Logger) (Stores, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := Stores{}
	for _, t := range specs {
		st, err := open(t, spoolDir, log)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("tier %s: %w", t.Class, err), out.Close())
		}
		out[t.Class] = st
		if t.Dir != "" {
			log.Info("storage class tier", "class", t.Class, "dir", t.Dir)
		} else {
			log.Info("storage class tier", "class", t.Class, "endpoint", t.Endpoint, "bucket", t.Bucket, "prefix", t.Prefix)
		}
	}
	return out, nil
}

func open(t config.Tier, spoolDir string, log *slog.Logger) (blob.Store, error) {
	if t.Dir != "" {
		return fs.Open(t.Dir, fs.Options{Logger: log.With("component", "blob", "tier", t.Class)})
	}
	if err := os.MkdirAll(spoolDir, 0o700); err != nil {
		return nil, err
	}
	return s3blob.New(s3blob.Options{Endpoint: t.Endpoint, Bucket: t.Bucket, Prefix: t.Prefix,
		AccessKey: t.AccessKey, SecretKey: string(t.SecretKey), TempDir: spoolDir})
}
