package object

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/meta"
)

// configLifecycle names a bucket's lifecycle configuration record under
// tableBucketConfig. Its value is a recordV1 JSON rules.Config, whose
// JSON names are fixed by the rules package.
const configLifecycle = "lifecycle"

// PutBucketLifecycle replaces a bucket's lifecycle configuration, which
// the caller validated (rules.Config.Validate: every rule has its ID).
func (s *Service) PutBucketLifecycle(ctx context.Context, bucket string, cfg rules.Config) error {
	for _, r := range cfg.Rules {
		if r.ID == "" {
			return fmt.Errorf("put bucket lifecycle %s: rule without an id", bucket)
		}
	}
	val, err := encodeRecord(cfg)
	if err != nil {
		return err
	}
	if err := s.putBucketConfig(ctx, bucket, configLifecycle, val); err != nil {
		return fmt.Errorf("put bucket lifecycle %s: %w", bucket, err)
	}
	return nil
}

// GetBucketLifecycle returns a bucket's lifecycle configuration, or
// ErrNoSuchLifecycleConfiguration.
func (s *Service) GetBucketLifecycle(ctx context.Context, bucket string) (rules.Config, error) {
	cfg, err := s.BucketLifecycle(ctx, bucket)
	if err == nil && cfg == nil {
		err = ErrNoSuchLifecycleConfiguration
	}
	if err != nil {
		return rules.Config{}, fmt.Errorf("get bucket lifecycle %s: %w", bucket, err)
	}
	return cfg.Clone(), nil
}

// DeleteBucketLifecycle removes a bucket's lifecycle configuration;
// removing none is no error.
func (s *Service) DeleteBucketLifecycle(ctx context.Context, bucket string) error {
	if err := s.putBucketConfig(ctx, bucket, configLifecycle, nil); err != nil {
		return fmt.Errorf("delete bucket lifecycle %s: %w", bucket, err)
	}
	return nil
}

// BucketLifecycle returns the lifecycle configuration the engine and the
// expiration headers work from: nil when the bucket has none,
// ErrNoSuchBucket when there is no such bucket. The result is shared and
// must not be changed; each stored configuration is decoded once.
func (s *Service) BucketLifecycle(ctx context.Context, bucket string) (*rules.Config, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	var cfg *rules.Config
	err := s.meta.View(ctx, func(r meta.Reader) error {
		cfg = nil
		v, err := r.Get(bucketConfigKey(bucket, configLifecycle))
		if errors.Is(err, meta.ErrNotFound) {
			_, err = r.Get(bucketKey(bucket))
			if errors.Is(err, meta.ErrNotFound) {
				return ErrNoSuchBucket
			}
			return err
		}
		if err != nil {
			return err
		}
		cfg, err = s.lifecycleRules.decode(v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bucket lifecycle %s: %w", bucket, err)
	}
	return cfg, nil
}

// lifecycleCache maps the stored bytes of a lifecycle record to the
// decoded configuration, as corsCache does: every PUT, GET and HEAD of a
// bucket with rules reads them for x-amz-expiration.
type lifecycleCache struct {
	mu sync.RWMutex
	m  map[string]*rules.Config
}

func (c *lifecycleCache) decode(v []byte) (*rules.Config, error) {
	c.mu.RLock()
	cached, ok := c.m[string(v)]
	c.mu.RUnlock()
	if ok {
		return cached, nil
	}
	cfg := &rules.Config{}
	if err := decodeRecord(v, cfg); err != nil {
		return nil, fmt.Errorf("lifecycle record: %w", err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= bucketCacheSize {
		c.m = make(map[string]*rules.Config)
	}
	c.m[string(v)] = cfg
	c.mu.Unlock()
	return cfg, nil
}
