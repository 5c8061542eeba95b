package object

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/meta"
)

// maxBucketTags is the most tags a bucket may have.
const maxBucketTags = 50

// Names of the bucket configuration records under tableBucketConfig.
const (
	configTagging = "tagging"
	configCORS    = "cors"
)

// bucketTagsRecord is the value of a bucket's "tagging" record.
type bucketTagsRecord struct {
	Tags []Tag `json:"tg"`
}

// corsRecord is the value of a bucket's "cors" record. Its rules have
// their own JSON names so that the on-disk format does not follow the
// cors package's Go types.
type corsRecord struct {
	Rules []corsRuleRecord `json:"r"`
}

type corsRuleRecord struct {
	ID             string   `json:"id,omitempty"`
	AllowedOrigins []string `json:"ao"`
	AllowedMethods []string `json:"am"`
	AllowedHeaders []string `json:"ah,omitempty"`
	ExposeHeaders  []string `json:"eh,omitempty"`
	MaxAgeSeconds  *int32   `json:"ma,omitempty"`
}

// PutBucketTagging replaces a bucket's tags. An empty set removes them,
// as S3 does: GetBucketTagging then reports ErrNoSuchTagSet.
func (s *Service) PutBucketTagging(ctx context.Context, bucket string, tags []Tag) error {
	if len(tags) > maxBucketTags {
		return fmt.Errorf("put bucket tagging %s: %w", bucket, ErrTooManyBucketTags)
	}
	if err := validTagSet(tags); err != nil {
		return fmt.Errorf("put bucket tagging %s: %w", bucket, err)
	}
	var val []byte
	if len(tags) > 0 {
		var err error
		if val, err = encodeRecord(bucketTagsRecord{Tags: slices.Clone(tags)}); err != nil {
			return err
		}
	}
	if err := s.putBucketConfig(ctx, bucket, configTagging, val); err != nil {
		return fmt.Errorf("put bucket tagging %s: %w", bucket, err)
	}
	return nil
}

// GetBucketTagging returns a bucket's tags in the order they were put, or
// ErrNoSuchTagSet when it has none.
func (s *Service) GetBucketTagging(ctx context.Context, bucket string) ([]Tag, error) {
	var rec bucketTagsRecord
	if err := s.getBucketConfig(ctx, bucket, configTagging, &rec); err != nil {
		if errors.Is(err, errNoConfig) {
			err = ErrNoSuchTagSet
		}
		return nil, fmt.Errorf("get bucket tagging %s: %w", bucket, err)
	}
	return rec.Tags, nil
}

// DeleteBucketTagging removes a bucket's tags; removing none is no error.
func (s *Service) DeleteBucketTagging(ctx context.Context, bucket string) error {
	if err := s.putBucketConfig(ctx, bucket, configTagging, nil); err != nil {
		return fmt.Errorf("delete bucket tagging %s: %w", bucket, err)
	}
	return nil
}

// PutBucketCORS replaces a bucket's CORS configuration, which must pass
// cfg.Validate (its error is returned as is).
func (s *Service) PutBucketCORS(ctx context.Context, bucket string, cfg cors.Config) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("put bucket cors %s: %w", bucket, err)
	}
	rec := corsRecord{Rules: make([]corsRuleRecord, len(cfg.Rules))}
	for i, r := range cfg.Clone().Rules {
		rec.Rules[i] = corsRuleRecord(r)
	}
	val, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	if err := s.putBucketConfig(ctx, bucket, configCORS, val); err != nil {
		return fmt.Errorf("put bucket cors %s: %w", bucket, err)
	}
	return nil
}

// GetBucketCORS returns a bucket's CORS configuration, or
// ErrNoSuchCORSConfiguration.
func (s *Service) GetBucketCORS(ctx context.Context, bucket string) (cors.Config, error) {
	cfg, err := s.BucketCORS(ctx, bucket)
	if err == nil && cfg == nil {
		err = ErrNoSuchCORSConfiguration
	}
	if err != nil {
		return cors.Config{}, fmt.Errorf("get bucket cors %s: %w", bucket, err)
	}
	return cfg.Clone(), nil
}

// DeleteBucketCORS removes a bucket's CORS configuration; removing none is
// no error.
func (s *Service) DeleteBucketCORS(ctx context.Context, bucket string) error {
	if err := s.putBucketConfig(ctx, bucket, configCORS, nil); err != nil {
		return fmt.Errorf("delete bucket cors %s: %w", bucket, err)
	}
	return nil
}

// BucketCORS returns the CORS configuration that requests to bucket are
// answered from: nil when the bucket has none, ErrNoSuchBucket when there
// is no such bucket. The result is shared with other callers and must not
// be changed. It reads the configuration record (and, when there is none,
// the bucket record) but decodes each stored configuration once.
func (s *Service) BucketCORS(ctx context.Context, bucket string) (*cors.Config, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	var cfg *cors.Config
	err := s.meta.View(ctx, func(r meta.Reader) error {
		v, err := r.Get(bucketConfigKey(bucket, configCORS))
		if errors.Is(err, meta.ErrNotFound) {
			// A configuration is deleted with its bucket, so only its
			// absence needs the bucket record.
			_, err = r.Get(bucketKey(bucket))
			if errors.Is(err, meta.ErrNotFound) {
				return ErrNoSuchBucket
			}
			return err
		}
		if err != nil {
			return err
		}
		cfg, err = s.corsRules.decode(v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bucket cors %s: %w", bucket, err)
	}
	return cfg, nil
}

// errNoConfig: the bucket exists but has no record of that configuration.
var errNoConfig = errors.New("object: no bucket configuration")

// putBucketConfig sets (or, with a nil val, deletes) one configuration
// record of an existing bucket.
func (s *Service) putBucketConfig(ctx context.Context, bucket, name string, val []byte) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := getBucket(tx, bucket); err != nil {
			return err
		}
		if val == nil {
			return tx.Delete(bucketConfigKey(bucket, name))
		}
		return tx.Set(bucketConfigKey(bucket, name), val)
	})
}

// getBucketConfig decodes one configuration record of a bucket into v;
// errNoConfig when the bucket has none.
func (s *Service) getBucketConfig(ctx context.Context, bucket, name string, v any) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	return s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := s.bucket(r, bucket); err != nil {
			return err
		}
		val, err := r.Get(bucketConfigKey(bucket, name))
		if errors.Is(err, meta.ErrNotFound) {
			return errNoConfig
		}
		if err != nil {
			return err
		}
		return decodeRecord(val, v)
	})
}

// deleteBucketConfigs deletes every configuration record of a bucket, in
// the transaction that deletes the bucket.
func deleteBucketConfigs(tx meta.Txn, bucket string) error {
	it := tx.Scan(bucketPrefix(tableBucketConfig, bucket), bucketEnd(tableBucketConfig, bucket), meta.ScanOptions{})
	var keys [][]byte
	for it.Next() {
		keys = append(keys, slices.Clone(it.Key()))
	}
	err := it.Err()
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
