package sse

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Keyring holds the versions of the master key and wraps data keys under
// them. New wraps use the current version, the highest one held; any
// version held unwraps. It is safe for concurrent use.
type Keyring struct {
	mu      sync.RWMutex
	masters map[uint32]*MasterKey
	keks    map[uint32]cipher.AEAD
	current uint32
	// newer is the OnNewerVersion hook; nil when unset.
	newer func()
}

// wrapPurpose is the HKDF info that derives a master key version's
// key-encryption key for data keys. Another use of the master key must
// derive its own key under another label. It must never change: wrapped
// keys on disk depend on it.
const wrapPurpose = "coffer sse v1: data key wrapping, AES-256-GCM"

// NewKeyring returns an empty Keyring.
func NewKeyring() *Keyring {
	return &Keyring{masters: map[uint32]*MasterKey{}, keks: map[uint32]cipher.AEAD{}}
}

// Add adds a copy of key as master key version (from 1). A version already
// held cannot be replaced. If version is the highest, it becomes current.
func (r *Keyring) Add(version uint32, key *MasterKey) error {
	if version == 0 {
		return fmt.Errorf("%w: version 0", ErrKeyFile)
	}
	kek, err := deriveKEK(key)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.masters[version]; ok {
		return fmt.Errorf("%w: version %d twice", ErrKeyFile, version)
	}
	c := *key
	r.masters[version] = &c
	r.keks[version] = kek
	r.current = max(r.current, version)
	return nil
}

func deriveKEK(key *MasterKey) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, key.k[:], nil, wrapPurpose, KeySize)
	if err != nil {
		return nil, fmt.Errorf("sse: derive key: %w", err)
	}
	defer clear(k)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	return cipher.NewGCM(block)
}

// Rotate adds a fresh random master key as version Current()+1, which
// becomes current, and returns that version. Persisting it is the
// caller's job (SaveKeyringFile).
func (r *Keyring) Rotate() (uint32, error) {
	m, err := NewMasterKey()
	if err != nil {
		return 0, err
	}
	defer m.Zero()
	kek, err := deriveKEK(m)
	if err != nil {
		return 0, err
	}
	// Version choice and insertion under one lock: two concurrent
	// rotations get two versions instead of one failing.
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.current + 1
	if v == 0 {
		return 0, fmt.Errorf("%w: no version after %d", ErrKeyFile, r.current)
	}
	c := *m
	r.masters[v], r.keks[v], r.current = &c, kek, v
	return v, nil
}

// Remove retires master key version: wraps made with it no longer unwrap.
// The current version cannot be removed.
func (r *Keyring) Remove(version uint32) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if version == r.current {
		return fmt.Errorf("sse: cannot remove the current master key version %d", version)
	}
	if m, ok := r.masters[version]; ok {
		m.Zero()
	}
	delete(r.masters, version)
	delete(r.keks, version)
	return nil
}

// Current returns the version new wraps use, or 0 when the Keyring is
// empty.
func (r *Keyring) Current() uint32 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// Versions returns the versions held, in ascending order.
func (r *Keyring) Versions() []uint32 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.versionsLocked()
}

func (r *Keyring) versionsLocked() []uint32 { return slices.Sorted(maps.Keys(r.masters)) }

func (r *Keyring) kek(version uint32) (cipher.AEAD, error) {
	if kek, ok := r.lookupKEK(version); ok {
		return kek, nil
	}
	if r.catchUp(version) {
		if kek, ok := r.lookupKEK(version); ok {
			return kek, nil
		}
	}
	return nil, fmt.Errorf("%w: %d", ErrUnknownKeyVersion, version)
}

func (r *Keyring) lookupKEK(version uint32) (cipher.AEAD, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	kek, ok := r.keks[version]
	return kek, ok
}

// OnNewerVersion sets fn, which Unwrap and Open call when asked for a
// version above the current one before they give up: another node
// sharing the key file rotated, and fn (a reload of the file) lets this
// node read what that node wrote before the change notice reaches it.
// fn runs without the keyring's lock; it may call ReloadKeyringFile.
func (r *Keyring) OnNewerVersion(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.newer = fn
}

// catchUp calls the OnNewerVersion hook for a version above the current
// one, and reports whether it did.
func (r *Keyring) catchUp(version uint32) bool {
	r.mu.RLock()
	fn, current := r.newer, r.current
	r.mu.RUnlock()
	if fn == nil || version <= current {
		return false
	}
	fn()
	return true
}

// currentKEK returns the current version and its key-encryption key,
// read together so that a concurrent Rotate or Remove cannot pair a
// version with another version's key or leave the version without one.
func (r *Keyring) currentKEK() (uint32, cipher.AEAD, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	kek, ok := r.keks[r.current]
	if !ok {
		return 0, nil, fmt.Errorf("%w: %d", ErrUnknownKeyVersion, r.current)
	}
	return r.current, kek, nil
}

// WrappedKey is a data key encrypted under a master key version. It is
// stored as is; its layout, version 1, must never change:
//
//	[0]      format version, 1
//	[1:5]    master key version, uint32 big-endian
//	[5]      algorithm, 1: HKDF-SHA256(master key, wrapPurpose) → AES-256-GCM
//	[6:18]   GCM nonce, random
//	[18:66]  encrypted data key (32 bytes) and GCM tag (16 bytes)
//
// The first six bytes and the caller's context are the GCM additional
// data. A newer format gets a new version byte; this one keeps unwrapping.
type WrappedKey []byte

const (
	wrapFormatV1   = 1
	wrapAlgGCM     = 1
	wrapHeaderSize = 6
	wrapNonceSize  = 12
	wrapSizeV1     = wrapHeaderSize + wrapNonceSize + KeySize + 16
)

// MasterVersion returns the master key version w was made with.
func (w WrappedKey) MasterVersion() (uint32, error) {
	if len(w) == 0 || w[0] != wrapFormatV1 {
		return 0, fmt.Errorf("%w: wrapped key format", ErrUnsupported)
	}
	if len(w) != wrapSizeV1 {
		return 0, fmt.Errorf("%w: wrapped key of %d bytes", ErrNotAuthentic, len(w))
	}
	if w[5] != wrapAlgGCM {
		return 0, fmt.Errorf("%w: wrap algorithm %d", ErrUnsupported, w[5])
	}
	return binary.BigEndian.Uint32(w[1:5]), nil
}

// Wrap encrypts key under the current master key version, bound to
// context: Unwrap needs the same context. Build context with Context.
func (r *Keyring) Wrap(key *DataKey, context []byte) (WrappedKey, error) {
	version, kek, err := r.currentKEK()
	if err != nil {
		return nil, err
	}
	w := make(WrappedKey, wrapHeaderSize+wrapNonceSize, wrapSizeV1)
	w[0] = wrapFormatV1
	binary.BigEndian.PutUint32(w[1:5], version)
	w[5] = wrapAlgGCM
	if _, err := rand.Read(w[wrapHeaderSize:]); err != nil {
		return nil, fmt.Errorf("sse: nonce: %w", err)
	}
	nonce := w[wrapHeaderSize : wrapHeaderSize+wrapNonceSize]
	return kek.Seal(w, nonce, key.k[:], additionalData(w, context)), nil
}

// Unwrap decrypts w, which must have been wrapped with the same context.
// It fails with ErrNotAuthentic for a changed or foreign wrap or another
// context, with ErrUnknownKeyVersion when the master key version is not
// held, and with ErrUnsupported for a format it does not know.
func (r *Keyring) Unwrap(w WrappedKey, context []byte) (*DataKey, error) {
	version, err := w.MasterVersion()
	if err != nil {
		return nil, err
	}
	kek, err := r.kek(version)
	if err != nil {
		return nil, err
	}
	var d DataKey
	nonce := w[wrapHeaderSize : wrapHeaderSize+wrapNonceSize]
	if _, err := kek.Open(d.k[:0], nonce, w[wrapHeaderSize+wrapNonceSize:], additionalData(w, context)); err != nil {
		d.Zero()
		return nil, fmt.Errorf("%w: wrapped key", ErrNotAuthentic)
	}
	return &d, nil
}

// Rewrap moves w to the current master key version without changing the
// data key, so object bytes stay as they are. A w already at the current
// version is returned as is.
func (r *Keyring) Rewrap(w WrappedKey, context []byte) (WrappedKey, error) {
	d, err := r.Unwrap(w, context)
	if err != nil {
		return nil, err
	}
	defer d.Zero()
	if v, _ := w.MasterVersion(); v == r.Current() {
		return w, nil
	}
	return r.Wrap(d, context)
}

func additionalData(w WrappedKey, context []byte) []byte {
	return append(append(make([]byte, 0, wrapHeaderSize+len(context)), w[:wrapHeaderSize]...), context...)
}

// Context encodes parts (bucket, key, version id, part number…) into an
// unambiguous wrap context: each part is preceded by its length, so
// ("a/b", "c") and ("a", "b/c") differ.
func Context(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}
