package object

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// PutBucketVersioning sets a bucket's versioning state, as PutVersioning
// does with no MFA Delete setting and no x-amz-mfa.
func (s *Service) PutBucketVersioning(ctx context.Context, bucket string, status VersioningStatus) error {
	return s.PutVersioning(ctx, VersioningInput{Bucket: bucket, Status: status})
}

// VersioningInput is a PutBucketVersioning request.
type VersioningInput struct {
	Bucket string
	// Status is VersioningEnabled or VersioningSuspended.
	Status VersioningStatus
	// MFADelete is "" when the configuration does not name it.
	MFADelete MFADeleteStatus
	// MFA is the caller and x-amz-mfa.
	MFA MFA
}

// VersioningConfig is a bucket's versioning configuration: Status ""
// for a bucket that never had versioning, MFADelete "" for one whose
// configuration never named MFA Delete.
type VersioningConfig struct {
	Status    VersioningStatus
	MFADelete MFADeleteStatus
}

// PutVersioning sets a bucket's versioning state, Enabled or Suspended
// (ErrIllegalVersioningConfiguration otherwise), and its MFA Delete
// setting if in names one. A bucket never returns to unversioned, and a
// bucket with Object Lock cannot be suspended (ErrInvalidBucketState).
// Versions already written keep their ids: suspending only changes what
// later writes do.
//
// Changing MFA Delete needs a valid code of the MFA device of the bucket
// owner's root user, sent by that root user (ErrMFARequired without one,
// ErrMFANotOwner from anyone else, ErrMFAInvalid for a wrong or used
// code); once MFA Delete is enabled, every versioning change needs one.
func (s *Service) PutVersioning(ctx context.Context, in VersioningInput) error {
	if err := s.putVersioning(ctx, in); err != nil {
		return fmt.Errorf("put versioning %s: %w", in.Bucket, err)
	}
	return nil
}

// changesMFADelete reports whether in turns b's MFA Delete on or off
// (never named counts as Disabled).
func (in VersioningInput) changesMFADelete(b bucketRecord) bool {
	return in.MFADelete != "" && (in.MFADelete == MFADeleteEnabled) != b.mfaDelete()
}

func (s *Service) putVersioning(ctx context.Context, in VersioningInput) error {
	if err := checkBucketName(in.Bucket); err != nil {
		return err
	}
	if in.Status != VersioningEnabled && in.Status != VersioningSuspended {
		return fmt.Errorf("%w: status %q", ErrIllegalVersioningConfiguration, in.Status)
	}
	if in.MFADelete != "" && in.MFADelete != MFADeleteEnabled && in.MFADelete != MFADeleteDisabled {
		return fmt.Errorf("%w: MfaDelete %q", ErrIllegalVersioningConfiguration, in.MFADelete)
	}
	b, err := s.readBucketRecord(ctx, in.Bucket)
	if err != nil {
		return err
	}
	active := b.mfaDelete() || in.changesMFADelete(b)
	verified, err := s.checkMFA(ctx, b.Owner, in.MFA, active, active)
	if err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		if (b.mfaDelete() || in.changesMFADelete(b)) && !verified {
			return ErrMFARequired // MFA Delete changed since checkMFA
		}
		if b.ObjectLock && in.Status == VersioningSuspended {
			return fmt.Errorf("%w: versioning cannot be suspended on a bucket with Object Lock", ErrInvalidBucketState)
		}
		if b.Versioning == in.Status && (in.MFADelete == "" || b.MFADelete == in.MFADelete) {
			return nil
		}
		b.Versioning = in.Status
		if in.MFADelete != "" {
			b.MFADelete = in.MFADelete
		}
		return putBucket(tx, in.Bucket, b)
	})
}

// GetBucketVersioning returns a bucket's versioning state, "" for a bucket
// that never had versioning.
func (s *Service) GetBucketVersioning(ctx context.Context, bucket string) (VersioningStatus, error) {
	c, err := s.GetVersioning(ctx, bucket)
	return c.Status, err
}

// GetVersioning returns a bucket's versioning configuration.
func (s *Service) GetVersioning(ctx context.Context, bucket string) (VersioningConfig, error) {
	b, err := s.readBucketRecord(ctx, bucket)
	if err != nil {
		return VersioningConfig{}, fmt.Errorf("get versioning %s: %w", bucket, err)
	}
	return VersioningConfig{Status: b.Versioning, MFADelete: b.MFADelete}, nil
}

// putBucket writes a bucket record.
func putBucket(tx meta.Txn, name string, b bucketRecord) error {
	v, err := encodeRecord(b)
	if err != nil {
		return err
	}
	return tx.Set(bucketKey(name), v)
}
