package object

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// PutBucketVersioning sets a bucket's versioning state: Enabled or
// Suspended (ErrIllegalVersioningConfiguration otherwise). A bucket never
// returns to unversioned, and a bucket with Object Lock cannot be
// suspended (ErrInvalidBucketState). Versions already written keep their
// ids: suspending only changes what later writes do.
func (s *Service) PutBucketVersioning(ctx context.Context, bucket string, status VersioningStatus) error {
	if err := s.putBucketVersioning(ctx, bucket, status); err != nil {
		return fmt.Errorf("put versioning %s: %w", bucket, err)
	}
	return nil
}

func (s *Service) putBucketVersioning(ctx context.Context, bucket string, status VersioningStatus) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if status != VersioningEnabled && status != VersioningSuspended {
		return fmt.Errorf("%w: status %q", ErrIllegalVersioningConfiguration, status)
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if b.ObjectLock && status == VersioningSuspended {
			return fmt.Errorf("%w: versioning cannot be suspended on a bucket with Object Lock", ErrInvalidBucketState)
		}
		if b.Versioning == status {
			return nil
		}
		b.Versioning = status
		return putBucket(tx, bucket, b)
	})
}

// GetBucketVersioning returns a bucket's versioning state, "" for a bucket
// that never had versioning.
func (s *Service) GetBucketVersioning(ctx context.Context, bucket string) (VersioningStatus, error) {
	b, err := s.HeadBucket(ctx, bucket)
	if err != nil {
		return "", fmt.Errorf("get versioning %s: %w", bucket, err)
	}
	return b.Versioning, nil
}

// putBucket writes a bucket record.
func putBucket(tx meta.Txn, name string, b bucketRecord) error {
	v, err := encodeRecord(b)
	if err != nil {
		return err
	}
	return tx.Set(bucketKey(name), v)
}
