package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// Names of the access configuration records under tableBucketConfig.
const (
	configPolicy            = "policy"
	configPublicAccessBlock = "publicAccessBlock"
)

// policyRecord is the value of a bucket's "policy" record: the document
// as the owner put it, which GetBucketPolicy returns unchanged.
type policyRecord struct {
	Doc string `json:"d"`
}

// publicAccessBlockRecord is the value of a bucket's or an account's
// Block Public Access record.
type publicAccessBlockRecord struct {
	BlockPublicAcls       bool `json:"ba,omitempty"`
	IgnorePublicAcls      bool `json:"ia,omitempty"`
	BlockPublicPolicy     bool `json:"bp,omitempty"`
	RestrictPublicBuckets bool `json:"rb,omitempty"`
}

// ParseBucketPolicy parses and checks doc as bucket's policy. It returns a
// *policy.SizeError or *policy.SyntaxError for a document S3 refuses.
func ParseBucketPolicy(doc []byte, bucket string) (*policy.Policy, error) {
	p, err := policy.Parse(doc, policy.Bucket)
	if err != nil {
		return nil, err
	}
	if err := policy.CheckBucket(p, bucket); err != nil {
		return nil, err
	}
	return p, nil
}

// PutBucketPolicy replaces bucket's policy with doc, which must pass
// ParseBucketPolicy (its error is returned). When the Block Public Access
// settings that apply to the bucket (its own and its owner account's)
// block public policies, a public doc is refused with
// ErrPublicPolicyBlocked; the check and the write are one transaction.
func (s *Service) PutBucketPolicy(ctx context.Context, bucket string, doc []byte) error {
	if err := checkBucketName(bucket); err != nil {
		return fmt.Errorf("put bucket policy %s: %w", bucket, err)
	}
	// A missing bucket is reported before a bad document.
	p, parseErr := ParseBucketPolicy(doc, bucket)
	val, err := encodeRecord(policyRecord{Doc: string(doc)})
	if err != nil {
		return err
	}
	public := parseErr == nil && policy.IsPublic(p)
	err = s.updateAccess(ctx, func(tx meta.Txn) error {
		rec, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if parseErr != nil {
			return parseErr
		}
		if public {
			b, err := readBlock(tx, bucketConfigKey(bucket, configPublicAccessBlock))
			if err != nil {
				return err
			}
			a, err := readBlock(tx, accountConfigKey(rec.Owner, configPublicAccessBlock))
			if err != nil {
				return err
			}
			if access.Effective(b, a).BlockPublicPolicy {
				return ErrPublicPolicyBlocked
			}
		}
		return tx.Set(bucketConfigKey(bucket, configPolicy), val)
	})
	if err != nil {
		return fmt.Errorf("put bucket policy %s: %w", bucket, err)
	}
	return nil
}

// GetBucketPolicy returns bucket's policy document as it was put, or
// ErrNoSuchBucketPolicy.
func (s *Service) GetBucketPolicy(ctx context.Context, bucket string) ([]byte, error) {
	var rec policyRecord
	if err := s.getBucketConfig(ctx, bucket, configPolicy, &rec); err != nil {
		if errors.Is(err, errNoConfig) {
			err = ErrNoSuchBucketPolicy
		}
		return nil, fmt.Errorf("get bucket policy %s: %w", bucket, err)
	}
	return []byte(rec.Doc), nil
}

// DeleteBucketPolicy removes bucket's policy; removing none is no error.
func (s *Service) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	if err := s.putAccessConfig(ctx, bucket, configPolicy, nil); err != nil {
		return fmt.Errorf("delete bucket policy %s: %w", bucket, err)
	}
	return nil
}

// BucketPolicyStatus reports whether bucket's policy is public, or
// ErrNoSuchBucketPolicy when it has none.
func (s *Service) BucketPolicyStatus(ctx context.Context, bucket string) (bool, error) {
	a, err := s.BucketAccess(ctx, bucket)
	switch {
	case err != nil:
		return false, fmt.Errorf("bucket policy status %s: %w", bucket, err)
	case !a.Exists:
		return false, fmt.Errorf("bucket policy status %s: %w", bucket, ErrNoSuchBucket)
	case a.Policy == nil:
		return false, fmt.Errorf("bucket policy status %s: %w", bucket, ErrNoSuchBucketPolicy)
	}
	return a.PolicyPublic, nil
}

// PutPublicAccessBlock replaces bucket's Block Public Access settings.
func (s *Service) PutPublicAccessBlock(ctx context.Context, bucket string, b access.PublicAccessBlock) error {
	val, err := encodeRecord(publicAccessBlockRecord(b))
	if err != nil {
		return err
	}
	if err := s.putAccessConfig(ctx, bucket, configPublicAccessBlock, val); err != nil {
		return fmt.Errorf("put public access block %s: %w", bucket, err)
	}
	return nil
}

// GetPublicAccessBlock returns bucket's own Block Public Access settings,
// or ErrNoSuchPublicAccessBlock.
func (s *Service) GetPublicAccessBlock(ctx context.Context, bucket string) (access.PublicAccessBlock, error) {
	var rec publicAccessBlockRecord
	if err := s.getBucketConfig(ctx, bucket, configPublicAccessBlock, &rec); err != nil {
		if errors.Is(err, errNoConfig) {
			err = ErrNoSuchPublicAccessBlock
		}
		return access.PublicAccessBlock{}, fmt.Errorf("get public access block %s: %w", bucket, err)
	}
	return access.PublicAccessBlock(rec), nil
}

// DeletePublicAccessBlock removes bucket's own settings; removing none is
// no error.
func (s *Service) DeletePublicAccessBlock(ctx context.Context, bucket string) error {
	if err := s.putAccessConfig(ctx, bucket, configPublicAccessBlock, nil); err != nil {
		return fmt.Errorf("delete public access block %s: %w", bucket, err)
	}
	return nil
}

// putAccessConfig is putBucketConfig for a record BucketAccess reads: it
// invalidates the access cache.
func (s *Service) putAccessConfig(ctx context.Context, bucket, name string, val []byte) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	return s.updateAccess(ctx, func(tx meta.Txn) error {
		if _, err := getBucket(tx, bucket); err != nil {
			return err
		}
		if val == nil {
			return tx.Delete(bucketConfigKey(bucket, name))
		}
		return tx.Set(bucketConfigKey(bucket, name), val)
	})
}

// readBlock reads a Block Public Access record; nil when there is none.
func readBlock(r meta.Reader, key []byte) (*access.PublicAccessBlock, error) {
	v, err := r.Get(key)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec publicAccessBlockRecord
	if err := decodeRecord(v, &rec); err != nil {
		return nil, fmt.Errorf("public access block record: %w", err)
	}
	b := access.PublicAccessBlock(rec)
	return &b, nil
}
