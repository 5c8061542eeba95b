package object

import (
	"fmt"
	"sync"

	"github.com/coffer-s3/coffer/internal/cors"

	"github.com/coffer-s3/coffer/internal/meta"
)

// bucketCacheSize bounds the decoded bucket records a Service keeps; when
// it is reached the cache starts over.
const bucketCacheSize = 1024

// bucketCache maps the stored bytes of a bucket record to their decoded
// form. Every read of an object reads its bucket's record, and decoding
// its JSON cost about as much as the read itself. The key is the record's
// exact bytes, as read in the caller's snapshot, so an entry can never be
// stale: a changed record has different bytes. Several Services sharing a
// store therefore stay correct. The zero value is ready to use.
type bucketCache struct {
	mu sync.RWMutex
	m  map[string]bucketRecord
}

// decode decodes v into rec, from the cache when v was decoded before.
func (c *bucketCache) decode(v []byte, rec *bucketRecord) error {
	c.mu.RLock()
	cached, ok := c.m[string(v)]
	c.mu.RUnlock()
	if ok {
		*rec = cached.clone()
		return nil
	}
	if err := decodeRecord(v, rec); err != nil {
		return err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= bucketCacheSize {
		c.m = make(map[string]bucketRecord)
	}
	c.m[string(v)] = rec.clone()
	c.mu.Unlock()
	return nil
}

// clone returns a copy of r that shares no memory with it, so that a
// caller changing its record cannot change the cached one.
func (r bucketRecord) clone() bucketRecord {
	if r.Retention != nil {
		d := *r.Retention
		r.Retention = &d
	}
	return r
}

// bucket is getBucket decoding through the Service's cache.
func (s *Service) bucket(r meta.Reader, name string) (bucketRecord, error) {
	return readBucket(r, name, s.buckets.decode)
}

// corsCache maps the stored bytes of a CORS configuration record to the
// decoded configuration, as bucketCache does for bucket records: requests
// that carry an Origin header each read their bucket's configuration, and
// a browser sends many. The configurations it returns are shared and
// read-only. The zero value is ready to use.
type corsCache struct {
	mu sync.RWMutex
	m  map[string]*cors.Config
}

// decode returns the configuration stored as v.
func (c *corsCache) decode(v []byte) (*cors.Config, error) {
	c.mu.RLock()
	cached, ok := c.m[string(v)]
	c.mu.RUnlock()
	if ok {
		return cached, nil
	}
	var rec corsRecord
	if err := decodeRecord(v, &rec); err != nil {
		return nil, fmt.Errorf("cors record: %w", err)
	}
	cfg := &cors.Config{Rules: make([]cors.Rule, len(rec.Rules))}
	for i, r := range rec.Rules {
		cfg.Rules[i] = cors.Rule(r)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= bucketCacheSize {
		c.m = make(map[string]*cors.Config)
	}
	c.m[string(v)] = cfg
	c.mu.Unlock()
	return cfg, nil
}
