package main

import (
	"context"
	"sync"

	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/object"
)

// keyServiceLink is the object service's KeyService (SSE-KMS) in a server
// that has a key service. The key service authorizes through the identity
// store, which is built after the object service (it reads buckets), so
// build gives the object service this link and connects it to the key
// service once that is built, before the server serves:
//
//	keys := &keyServiceLink{}
//	object.Options{..., Keys: keys}
//	... build the identity store, then the key service ks ...
//	keys.connect(ks)
//
// A server without a key service passes no link at all (Keys nil), so
// SSE-KMS answers 501 and a bucket default of aws:kms is refused. Until
// connect, every call answers ErrKMSNotAvailable.
type keyServiceLink struct {
	mu sync.RWMutex
	ks object.KeyService
}

// connect makes every later call go to ks.
func (l *keyServiceLink) connect(ks object.KeyService) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ks = ks
}

func (l *keyServiceLink) get() object.KeyService {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ks
}

// GenerateDataKey implements object.KeyService.
func (l *keyServiceLink) GenerateDataKey(ctx context.Context, req kms.DataKeyRequest) (*kms.DataKey, error) {
	ks := l.get()
	if ks == nil {
		return nil, object.ErrKMSNotAvailable
	}
	return ks.GenerateDataKey(ctx, req)
}

// Decrypt implements object.KeyService.
func (l *keyServiceLink) Decrypt(ctx context.Context, req kms.DecryptRequest) (*kms.Decrypted, error) {
	ks := l.get()
	if ks == nil {
		return nil, object.ErrKMSNotAvailable
	}
	return ks.Decrypt(ctx, req)
}

var _ object.KeyService = (*keyServiceLink)(nil)
