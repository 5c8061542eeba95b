package object

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/datakey"
)

// DefaultBucketKeyTTL is how long a bucket key, once the key service has
// given it to a caller, is used for that caller without asking again.
const DefaultBucketKeyTTL = 5 * time.Minute

// maxCachedBucketKeys bounds the bucket key cache; past it, expired
// entries are dropped, then the oldest.
const maxCachedBucketKeys = 4096

// kmsCache holds bucket keys (S3 Bucket Keys) for a bounded time. Entries
// are per caller: a bucket key obtained by one principal is never used
// for another, so every principal is authorized by the key service at
// least once per TTL for each bucket key it uses, and a key disabled or a
// permission revoked takes effect for everyone within the TTL.
type kmsCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]cachedKEK
}

type cachedKEK struct {
	k       *kmsKEK
	expires time.Time
}

func (c *kmsCache) get(key string, now time.Time) *kmsKEK {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil
	}
	if !now.Before(e.expires) {
		delete(c.m, key)
		return nil
	}
	return e.k
}

// put caches k. Evicted keys are not zeroed: a request may still be
// using one; the garbage collector reclaims them.
func (c *kmsCache) put(key string, k *kmsKEK, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cachedKEK)
	}
	if len(c.m) >= maxCachedBucketKeys {
		var oldest string
		var oldestT time.Time
		for ck, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, ck)
				continue
			}
			if oldest == "" || e.expires.Before(oldestT) {
				oldest, oldestT = ck, e.expires
			}
		}
		if len(c.m) >= maxCachedBucketKeys {
			delete(c.m, oldest)
		}
	}
	c.m[key] = cachedKEK{k: k, expires: now.Add(c.ttl)}
}

// len reports the number of cached keys (for tests).
func (c *kmsCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// cacheKey identifies a bucket key for one caller: kind ("w" for one made
// by GenerateDataKey under keyID, "r" for one decrypted from blob), the
// principal, the key, the encryption context and the blob's hash.
func cacheKey(kind string, caller *datakey.Caller, keyID string, ectx map[string]string, blob []byte) string {
	c, _ := json.Marshal(ectx) // sorted keys: one spelling per context
	sum := sha256.Sum256(blob)
	p := caller.Principal
	parts, _ := json.Marshal([]string{kind, p.AccountID, p.ARN, p.UserID, p.AccessKey, caller.ViaService, keyID, string(c), hex.EncodeToString(sum[:])})
	return string(parts)
}
