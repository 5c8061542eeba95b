package object

import (
	"context"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Object Lock is enforced here, below every caller: a version loses its
// data only through removeVersion or removeNull (versions.go), and both
// ask a guard first, so DeleteObject, DeleteObjects, a suspended-bucket
// overwrite and any later engine (lifecycle, replication, an admin tool)
// meet the same check. Retention is read against the service's clock.

// guard decides whether a version may be removed or lose protection.
type guard struct {
	now time.Time
	// bypass lets GOVERNANCE retention be overridden; the caller was
	// allowed s3:BypassGovernanceRetention and asked for it.
	bypass bool
	// mfa: the request proved the bucket owner's MFA (checkMFA), which a
	// version delete on a bucket with MFA Delete needs (mfaAllows).
	mfa bool
}

// check returns ErrObjectLocked if rec is protected: a legal hold, or
// retention not yet passed (GOVERNANCE only without bypass). Delete
// markers are never protected.
func (g guard) check(rec *objectRecord) error {
	switch {
	case rec.DeleteMarker:
		return nil
	case rec.LegalHold:
		return fmt.Errorf("%w: legal hold", ErrObjectLocked)
	case !rec.RetainUntil.After(g.now):
		return nil
	case rec.LockMode == LockCompliance:
		return fmt.Errorf("%w: compliance retention until %s", ErrObjectLocked, rec.RetainUntil.Format(time.RFC3339))
	case rec.LockMode == LockGovernance && !g.bypass:
		return fmt.Errorf("%w: governance retention until %s", ErrObjectLocked, rec.RetainUntil.Format(time.RFC3339))
	}
	return nil
}

// validLockMode reports whether m is a retention mode.
func validLockMode(m LockMode) bool { return m == LockGovernance || m == LockCompliance }

// checkLock validates the lock a write asks for: mode and date together,
// the date in the future.
func checkLock(l *Lock, now time.Time) error {
	if l == nil || l.Mode == "" && l.RetainUntil.IsZero() {
		return nil
	}
	if !validLockMode(l.Mode) || l.RetainUntil.IsZero() {
		return fmt.Errorf("%w: mode %q with retain-until %v", ErrInvalidRetention, l.Mode, l.RetainUntil)
	}
	if !l.RetainUntil.After(now) {
		return fmt.Errorf("%w: %s", ErrPastRetention, l.RetainUntil.Format(time.RFC3339))
	}
	return nil
}

// applyLock gives a new version the lock its write asked for, or the
// bucket's default retention. Asking for a lock in a bucket without
// Object Lock is ErrNoObjectLock.
func applyLock(b bucketRecord, rec *objectRecord, l *Lock) error {
	if l != nil && (l.Mode != "" || l.LegalHold) && !b.ObjectLock {
		return ErrNoObjectLock
	}
	if l != nil && l.Mode != "" {
		rec.LockMode, rec.RetainUntil = l.Mode, l.RetainUntil.UTC()
	} else if d := b.Retention; b.ObjectLock && d != nil {
		rec.LockMode, rec.RetainUntil = d.Mode, rec.Modified.AddDate(d.Years, 0, d.Days)
	}
	if l != nil && l.LegalHold {
		rec.LegalHold, rec.LegalHoldSet = true, true
	}
	return nil
}

// Bounds of a bucket's default retention period, as S3 enforces them.
const (
	// MaxRetentionDays is the longest default retention in days.
	MaxRetentionDays = 36500
	// MaxRetentionYears is the longest default retention in years.
	MaxRetentionYears = 100
)

// checkDefaultRetention validates a bucket's default retention: a mode
// (ErrInvalidRetention), and exactly one period (ErrInvalidRetention when
// both are set) that is positive and within MaxRetentionDays or
// MaxRetentionYears (ErrInvalidRetentionPeriod).
func checkDefaultRetention(d *DefaultRetention) error {
	if d == nil {
		return nil
	}
	switch {
	case !validLockMode(d.Mode), d.Days != 0 && d.Years != 0:
		return fmt.Errorf("%w: default retention %+v", ErrInvalidRetention, *d)
	case d.Days < 0, d.Years < 0, d.Days == 0 && d.Years == 0,
		d.Days > MaxRetentionDays, d.Years > MaxRetentionYears:
		return fmt.Errorf("%w: %d days, %d years", ErrInvalidRetentionPeriod, d.Days, d.Years)
	}
	return nil
}

// PutObjectLockConfiguration enables Object Lock on a bucket (which needs
// versioning Enabled, else ErrInvalidBucketState) and sets or clears its
// default retention. Object Lock, once on, stays on.
func (s *Service) PutObjectLockConfiguration(ctx context.Context, bucket string, cfg ObjectLockConfig) error {
	if err := s.putLockConfig(ctx, bucket, cfg); err != nil {
		return fmt.Errorf("put object lock configuration %s: %w", bucket, err)
	}
	return nil
}

func (s *Service) putLockConfig(ctx context.Context, bucket string, cfg ObjectLockConfig) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if !cfg.Enabled {
		return fmt.Errorf("%w: object lock cannot be disabled", ErrInvalidArgument)
	}
	if err := checkDefaultRetention(cfg.Retention); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if !b.ObjectLock && b.Versioning != VersioningEnabled {
			return fmt.Errorf("%w: object lock needs versioning enabled", ErrInvalidBucketState)
		}
		b.ObjectLock = true
		b.Retention = nil
		if cfg.Retention != nil {
			d := *cfg.Retention
			b.Retention = &d
		}
		return putBucket(tx, bucket, b)
	})
}

// GetObjectLockConfiguration returns a bucket's Object Lock configuration,
// or ErrObjectLockConfigurationNotFound.
func (s *Service) GetObjectLockConfiguration(ctx context.Context, bucket string) (ObjectLockConfig, error) {
	var cfg ObjectLockConfig
	err := s.meta.View(ctx, func(r meta.Reader) error {
		if err := checkBucketName(bucket); err != nil {
			return err
		}
		b, err := getBucket(r, bucket)
		if err != nil {
			return err
		}
		if !b.ObjectLock {
			return ErrObjectLockConfigurationNotFound
		}
		cfg = ObjectLockConfig{Enabled: true}
		if b.Retention != nil {
			d := *b.Retention
			cfg.Retention = &d
		}
		return nil
	})
	if err != nil {
		return ObjectLockConfig{}, fmt.Errorf("get object lock configuration %s: %w", bucket, err)
	}
	return cfg, nil
}

// PutObjectRetention sets a version's retention. Anyone may extend it
// in its own mode; COMPLIANCE retention cannot be shortened, switched to
// GOVERNANCE or removed by anyone while it lasts; GOVERNANCE retention can
// be shortened, removed or switched to COMPLIANCE only with
// BypassGovernance (ErrObjectLocked otherwise): S3 lets no one "alter its
// lock settings" without the bypass (Object Lock retention modes, S3 user
// guide). It returns the version id.
func (s *Service) PutObjectRetention(ctx context.Context, in PutRetentionInput) (string, error) {
	vid, err := s.putRetention(ctx, in)
	if err != nil {
		return "", fmt.Errorf("put retention %s/%s: %w", in.Bucket, in.Key, err)
	}
	return vid, nil
}

func (s *Service) putRetention(ctx context.Context, in PutRetentionInput) (string, error) {
	now := s.clock.Now()
	remove := in.Mode == "" && in.RetainUntil.IsZero()
	if !remove {
		if err := checkLock(&Lock{Mode: in.Mode, RetainUntil: in.RetainUntil}, now); err != nil {
			return "", err
		}
	}
	var vid string
	err := s.updateVersion(ctx, in.Bucket, in.Key, in.VersionID, func(b bucketRecord, rec *objectRecord) error {
		if rec.RetainUntil.After(now) {
			weaker := remove || in.RetainUntil.Before(rec.RetainUntil)
			switch {
			case rec.LockMode == LockCompliance && (weaker || in.Mode != LockCompliance):
				return fmt.Errorf("%w: compliance retention can only be extended", ErrObjectLocked)
			case rec.LockMode == LockGovernance && (weaker || in.Mode != LockGovernance) && !in.BypassGovernance:
				return fmt.Errorf("%w: shortening, removing or changing the mode of governance retention needs the bypass", ErrObjectLocked)
			}
		}
		rec.LockMode, rec.RetainUntil = in.Mode, in.RetainUntil.UTC()
		if remove {
			rec.RetainUntil = time.Time{}
		}
		vid = displayVersion(rec, b.versioned())
		return nil
	})
	return vid, err
}

// GetObjectRetention returns a version's retention (Mode and RetainUntil
// of the Lock), or ErrNoSuchObjectLockConfiguration if it has none.
func (s *Service) GetObjectRetention(ctx context.Context, bucket, key, versionID string) (Lock, error) {
	rec, err := s.viewLockedVersion(ctx, bucket, key, versionID)
	if err == nil && rec.LockMode == "" {
		err = ErrNoSuchObjectLockConfiguration
	}
	if err != nil {
		return Lock{}, fmt.Errorf("get retention %s/%s: %w", bucket, key, err)
	}
	return Lock{Mode: rec.LockMode, RetainUntil: rec.RetainUntil}, nil
}

// PutObjectLegalHold places (on) or lifts a version's legal hold and
// returns the version id. Anyone allowed the call may do either; a legal
// hold has no expiry.
func (s *Service) PutObjectLegalHold(ctx context.Context, bucket, key, versionID string, on bool) (string, error) {
	var vid string
	err := s.updateVersion(ctx, bucket, key, versionID, func(b bucketRecord, rec *objectRecord) error {
		rec.LegalHold, rec.LegalHoldSet = on, true
		vid = displayVersion(rec, b.versioned())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("put legal hold %s/%s: %w", bucket, key, err)
	}
	return vid, nil
}

// GetObjectLegalHold reports whether a version's legal hold is on, or
// ErrNoSuchObjectLockConfiguration if none was ever placed.
func (s *Service) GetObjectLegalHold(ctx context.Context, bucket, key, versionID string) (bool, error) {
	rec, err := s.viewLockedVersion(ctx, bucket, key, versionID)
	if err == nil && !rec.LegalHoldSet {
		err = ErrNoSuchObjectLockConfiguration
	}
	if err != nil {
		return false, fmt.Errorf("get legal hold %s/%s: %w", bucket, key, err)
	}
	return rec.LegalHold, nil
}

// viewLockedVersion reads a version of a bucket that has Object Lock.
func (s *Service) viewLockedVersion(ctx context.Context, bucket, key, versionID string) (*objectRecord, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	if err := validKey(key); err != nil {
		return nil, err
	}
	var rec *objectRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		b, err := getBucket(r, bucket)
		if err != nil {
			return err
		}
		if !b.ObjectLock {
			return ErrNoObjectLock
		}
		loc, err := readVersion(r, bucket, key, versionID)
		if err != nil {
			return err
		}
		rec = loc.rec
		return nil
	})
	return rec, err
}

// updateVersion changes a version of a bucket with Object Lock in place,
// in one transaction.
func (s *Service) updateVersion(ctx context.Context, bucket, key, versionID string, change func(bucketRecord, *objectRecord) error) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if !b.ObjectLock {
			return ErrNoObjectLock
		}
		loc, err := readVersion(tx, bucket, key, versionID)
		if err != nil {
			return err
		}
		if err := change(b, loc.rec); err != nil {
			return err
		}
		return rewriteVersion(tx, bucket, key, loc)
	})
}
