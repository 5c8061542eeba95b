package iam

import (
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// cache holds what requests need on the hot path: credentials by access
// key and resolved identities (parsed policies, tags) by principal, so
// that neither Lookup nor Authorize reads meta once warm.
//
// Every mutation calls invalidate after its transaction, before it
// returns (Store.update), which empties the cache and bumps gen. A loader
// notes gen before reading meta and stores its result only if gen has not
// moved, so a result read before a change can never be cached after it.
// Mutations are rare next to requests, so dropping everything is cheaper
// than tracking which entries a change touches.
type cache struct {
	mu     sync.RWMutex
	gen    uint64
	creds  map[string]cachedCred
	idents map[identKey]*identity
}

// cachedCred is a credential and, for temporary credentials, when they
// expire (zero for long-term keys).
type cachedCred struct {
	cred    sigv4.Credential
	expires time.Time
}

// identity is a principal's resolved identity: what Authorize needs
// beyond the Principal itself.
type identity struct {
	// set holds the identity policies and the permissions boundary.
	set policy.PolicySet
	// tags are the user's or role's tags (aws:PrincipalTag/*).
	tags []Tag
	// canonicalID is the account's S3 canonical user id.
	canonicalID string
}

// maxCacheEntries bounds each map: when one is full it starts over, so
// that many sessions or probing clients cannot grow memory without end.
const maxCacheEntries = 100_000

func (c *cache) init() {
	c.creds = map[string]cachedCred{}
	c.idents = map[identKey]*identity{}
}

func (c *cache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.init()
}

func (c *cache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *cache) cred(accessKey string) (cachedCred, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	cr, ok := c.creds[accessKey]
	return cr, ok
}

func (c *cache) putCred(gen uint64, accessKey string, cr cachedCred) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if len(c.creds) >= maxCacheEntries {
			c.creds = map[string]cachedCred{}
		}
		c.creds[accessKey] = cr
	}
}

func (c *cache) ident(k identKey) (*identity, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.idents[k]
	return id, ok
}

func (c *cache) putIdent(gen uint64, k identKey, id *identity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if len(c.idents) >= maxCacheEntries {
			c.idents = map[identKey]*identity{}
		}
		c.idents[k] = id
	}
}
