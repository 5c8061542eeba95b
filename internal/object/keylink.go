package object

import (
	"context"
	"sync"

	"github.com/coffer-s3/coffer/internal/datakey"
)

// KeyLink is a KeyService to be connected later. The key service
// authorizes through the identity store, which is built after the object
// service (it reads buckets), so a server gives the object service a link
// and connects it to the key service once that is built, before it serves:
//
//	keys := &object.KeyLink{}
//	object.Options{..., Keys: keys}
//	... build the identity store, then the key service ks ...
//	keys.Connect(ks)
//
// A server without a key service passes no link at all (Keys nil), so
// SSE-KMS answers 501 and a bucket default of aws:kms is refused. Until
// Connect, every call answers ErrKMSNotAvailable.
type KeyLink struct {
	mu sync.RWMutex
	ks KeyService
}

// Connect makes every later call go to ks.
func (l *KeyLink) Connect(ks KeyService) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ks = ks
}

func (l *KeyLink) get() KeyService {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ks
}

// GenerateDataKey implements KeyService.
func (l *KeyLink) GenerateDataKey(ctx context.Context, req datakey.DataKeyRequest) (*datakey.DataKey, error) {
	ks := l.get()
	if ks == nil {
		return nil, ErrKMSNotAvailable
	}
	return ks.GenerateDataKey(ctx, req)
}

// Decrypt implements KeyService.
func (l *KeyLink) Decrypt(ctx context.Context, req datakey.DecryptRequest) (*datakey.Decrypted, error) {
	ks := l.get()
	if ks == nil {
		return nil, ErrKMSNotAvailable
	}
	return ks.Decrypt(ctx, req)
}

var _ KeyService = (*KeyLink)(nil)
