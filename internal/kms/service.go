package kms

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Options configures a Service.
type Options struct {
	// Meta keeps keys, aliases and grants (required).
	Meta meta.Store
	// Keyring seals key material at rest (required).
	Keyring *sse.Keyring
	// Authorizer decides every call (required): key policies, grants and
	// IAM policies, in one Authorize call.
	Authorizer iam.Authorizer
	// Region names the keys' ARNs (required).
	Region string
	// Clock decides creation, rotation and deletion times (default real).
	Clock clock.Clock
	// Audit, if set, receives one JSON line per call (audit.go).
	Audit io.Writer
	// ErrorCode names an error as the KMS wire does, for the audit log's
	// errorCode and errorMessage; nil writes the error's text.
	ErrorCode func(error) (code, message string)
	// SweepInterval is how often Run looks for due rotations and
	// deletions (default one minute).
	SweepInterval time.Duration
	Logger        *slog.Logger
}

// Service is the key management service. It is safe for concurrent use.
type Service struct {
	opts  Options
	log   *slog.Logger
	clock clock.Clock
	// auditMu keeps audit lines whole.
	auditMu  sync.Mutex
	policies policyCache
}

// New returns a Service.
func New(opts Options) (*Service, error) {
	switch {
	case opts.Meta == nil:
		return nil, errors.New("kms: Options.Meta is required")
	case opts.Keyring == nil:
		return nil, errors.New("kms: Options.Keyring is required")
	case opts.Authorizer == nil:
		return nil, errors.New("kms: Options.Authorizer is required")
	case opts.Region == "":
		return nil, errors.New("kms: Options.Region is required")
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{opts: opts, log: log, clock: opts.Clock}, nil
}

// Run sweeps for due rotations and deletions every SweepInterval until ctx
// is cancelled. Keys are also brought up to date whenever they are used,
// so a sweep only makes the changes visible to listings and frees the
// records of deleted keys early; a stopped server loses nothing, as the
// schedule is in meta.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.opts.SweepInterval)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "kms sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep applies every due rotation and deletion now.
func (s *Service) Sweep(ctx context.Context) error {
	var due []keyRef
	now := s.clock.Now()
	err := s.opts.Meta.View(ctx, func(r meta.Reader) error {
		start := []byte{tablePrefix, subKey}
		it := r.Scan(start, prefixEnd(start), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var k keyRecord
			if err := decodeRecord(it.Value(), &k); err != nil {
				return err
			}
			if lifecycleDue(&k, now) {
				due = append(due, keyRef{k.Account, k.ID})
			}
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	for _, ref := range due {
		if _, err := s.refresh(ctx, ref); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// keyRef names a key: its account and id.
type keyRef struct{ account, id string }
