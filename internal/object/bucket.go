package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/meta"
)

// CreateBucket creates a bucket. Creating a bucket the caller already owns
// returns ErrBucketAlreadyOwnedByYou (or, with OwnedOK and the same region,
// the existing bucket, unchanged); one another owner has returns
// ErrBucketAlreadyExists.
func (s *Service) CreateBucket(ctx context.Context, in CreateBucketInput) (Bucket, error) {
	if err := validBucketName(in.Name); err != nil {
		return Bucket{}, err
	}
	if err := s.admit(0); err != nil {
		return Bucket{}, err
	}
	rec := bucketRecord{Region: in.Region, Owner: in.Owner, Created: s.clock.Now().UTC(), Ownership: string(in.Ownership)}
	if rec.Ownership == "" {
		rec.Ownership = string(acl.BucketOwnerEnforced)
	} else if _, err := acl.ParseOwnership(rec.Ownership); err != nil {
		return Bucket{}, err
	}
	if err := acl.Validate(in.ACL); err != nil {
		return Bucket{}, err
	}
	if in.ObjectLock {
		rec.ObjectLock, rec.Versioning = true, VersioningEnabled
	}
	val, err := encodeRecord(rec)
	if err != nil {
		return Bucket{}, err
	}
	var block []byte
	if s.blockPublic {
		if block, err = encodeRecord(publicAccessBlockRecord(access.All)); err != nil {
			return Bucket{}, err
		}
	}
	var out bucketRecord
	err = s.updateAccess(ctx, func(tx meta.Txn) error {
		old, err := getBucket(tx, in.Name)
		switch {
		case err == nil && old.Owner == in.Owner && in.OwnedOK && old.Region == in.Region:
			out = old
			return nil
		case err == nil && old.Owner == in.Owner:
			return ErrBucketAlreadyOwnedByYou
		case err == nil:
			return ErrBucketAlreadyExists
		case !errors.Is(err, ErrNoSuchBucket):
			return err
		}
		out = rec
		if block != nil {
			// New buckets block public access unless the operator turned
			// that default off; the owner may change it afterwards.
			if err := tx.Set(bucketConfigKey(in.Name, configPublicAccessBlock), block); err != nil {
				return err
			}
		}
		if in.ACL != nil && rec.ownership().ACLsEnabled() {
			if err := setACL(tx, bucketConfigKey(in.Name, configACL), in.ACL); err != nil {
				return err
			}
		}
		return tx.Set(bucketKey(in.Name), val)
	})
	if err != nil {
		return Bucket{}, fmt.Errorf("create bucket %s: %w", in.Name, err)
	}
	return out.bucket(in.Name), nil
}

// HeadBucket returns a bucket, or ErrNoSuchBucket.
func (s *Service) HeadBucket(ctx context.Context, name string) (Bucket, error) {
	var rec bucketRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		rec, err = getBucket(r, name)
		return err
	})
	if err != nil {
		return Bucket{}, fmt.Errorf("head bucket %s: %w", name, err)
	}
	return rec.bucket(name), nil
}

// ListBuckets pages through buckets in name order. A non-empty Owner lists
// only that owner's buckets.
func (s *Service) ListBuckets(ctx context.Context, in ListBucketsInput) (*ListBucketsOutput, error) {
	if in.MaxBuckets < 0 {
		return nil, fmt.Errorf("%w: max-buckets %d", ErrInvalidArgument, in.MaxBuckets)
	}
	out := &ListBucketsOutput{}
	start := bucketKey(in.Prefix)
	if after := bucketKey(in.StartAfter); in.StartAfter != "" && bytes.Compare(after, start) >= 0 {
		start = append(after, 0)
	}
	end := prefixEnd(bucketKey(in.Prefix))
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out.Buckets, out.Truncated = nil, false
		it := r.Scan(start, end, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			name := string(it.Key()[1:])
			if !strings.HasPrefix(name, in.Prefix) {
				continue
			}
			var rec bucketRecord
			if err := decodeRecord(it.Value(), &rec); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
			if in.Owner != "" && rec.Owner != in.Owner {
				continue
			}
			if in.MaxBuckets > 0 && len(out.Buckets) == in.MaxBuckets {
				out.Truncated = true
				return nil
			}
			out.Buckets = append(out.Buckets, rec.bucket(name))
		}
		return it.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return out, nil
}

func (r bucketRecord) bucket(name string) Bucket {
	return Bucket{Name: name, Region: r.Region, Owner: r.Owner, Created: r.Created,
		Versioning: r.Versioning, ObjectLock: r.ObjectLock,
		Ownership: r.ownership(), NoOwnershipControls: r.Ownership == ownershipDeleted}
}

// getBucket reads a bucket record, or returns ErrNoSuchBucket.
func getBucket(r meta.Reader, name string) (bucketRecord, error) {
	return readBucket(r, name, func(v []byte, rec *bucketRecord) error { return decodeRecord(v, rec) })
}

// readBucket reads the record of bucket name and decodes it with decode.
func readBucket(r meta.Reader, name string, decode func([]byte, *bucketRecord) error) (bucketRecord, error) {
	var rec bucketRecord
	v, err := r.Get(bucketKey(name))
	if errors.Is(err, meta.ErrNotFound) {
		return rec, ErrNoSuchBucket
	}
	if err != nil {
		return rec, err
	}
	if err := decode(v, &rec); err != nil {
		return rec, fmt.Errorf("bucket %s: %w", name, err)
	}
	return rec, nil
}

// anyKey reports whether some key lies in [start, end).
func anyKey(r meta.Reader, start, end []byte) (bool, error) {
	it := r.Scan(start, end, meta.ScanOptions{})
	defer it.Close()
	found := it.Next()
	return found, it.Err()
}
