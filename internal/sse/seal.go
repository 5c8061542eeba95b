package sse

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// sealPurpose is the HKDF info that derives a master key version's key for
// sealing small secrets (access-key secrets, session keys), apart from the
// data key wrapping key. It must never change: sealed secrets on disk
// depend on it.
const sealPurpose = "coffer sse v1: small secret sealing, AES-256-GCM"

// MaxSealSize bounds what Seal accepts: small secrets, not object bytes.
const MaxSealSize = 4096

// Sealed secret layout, version 1, which must never change:
//
//	[0]     format version, 1
//	[1:5]   master key version, uint32 big-endian
//	[5]     algorithm, 1: HKDF-SHA256(master key, sealPurpose) → AES-256-GCM
//	[6:18]  GCM nonce, random
//	[18:]   ciphertext and GCM tag (16 bytes)
//
// The first six bytes and the caller's context are the additional data.
const (
	sealFormatV1   = 1
	sealAlgGCM     = 1
	sealHeaderSize = 6
	sealMinSize    = sealHeaderSize + wrapNonceSize + 16
)

// Seal encrypts a small secret (at most MaxSealSize bytes) under the
// current master key version, bound to context (see Context): Open needs
// the same context, so a sealed secret moved to another record does not
// open. The result is safe to store.
func (r *Keyring) Seal(plaintext, context []byte) ([]byte, error) {
	if len(plaintext) > MaxSealSize {
		return nil, fmt.Errorf("%w: secret of %d bytes", ErrTooLarge, len(plaintext))
	}
	version, aead, err := r.currentSealer()
	if err != nil {
		return nil, err
	}
	out := make([]byte, sealHeaderSize+wrapNonceSize, sealMinSize+len(plaintext))
	out[0] = sealFormatV1
	binary.BigEndian.PutUint32(out[1:5], version)
	out[5] = sealAlgGCM
	if _, err := rand.Read(out[sealHeaderSize:]); err != nil {
		return nil, fmt.Errorf("sse: nonce: %w", err)
	}
	nonce := out[sealHeaderSize : sealHeaderSize+wrapNonceSize]
	return aead.Seal(out, nonce, plaintext, sealAD(out, context)), nil
}

// Open decrypts what Seal returned for the same context. It fails with
// ErrNotAuthentic for changed bytes or another context, with
// ErrUnknownKeyVersion when the master key version is not held and with
// ErrUnsupported for an unknown format.
func (r *Keyring) Open(sealed, context []byte) ([]byte, error) {
	if len(sealed) == 0 || sealed[0] != sealFormatV1 {
		return nil, fmt.Errorf("%w: sealed secret format", ErrUnsupported)
	}
	if len(sealed) < sealMinSize {
		return nil, fmt.Errorf("%w: sealed secret of %d bytes", ErrNotAuthentic, len(sealed))
	}
	if sealed[5] != sealAlgGCM {
		return nil, fmt.Errorf("%w: seal algorithm %d", ErrUnsupported, sealed[5])
	}
	aead, err := r.sealer(binary.BigEndian.Uint32(sealed[1:5]))
	if err != nil {
		return nil, err
	}
	nonce := sealed[sealHeaderSize : sealHeaderSize+wrapNonceSize]
	pt, err := aead.Open(nil, nonce, sealed[sealHeaderSize+wrapNonceSize:], sealAD(sealed, context))
	if err != nil {
		return nil, fmt.Errorf("%w: sealed secret", ErrNotAuthentic)
	}
	return pt, nil
}

// sealer derives the sealing AEAD of a master key version. Sealing is
// rare (a secret is opened once and then cached by its user), so the key
// is derived per call rather than kept.
func (r *Keyring) sealer(version uint32) (cipher.AEAD, error) {
	aead, err := r.sealerHeld(version)
	if errors.Is(err, ErrUnknownKeyVersion) && r.catchUp(version) {
		return r.sealerHeld(version)
	}
	return aead, err
}

// sealerHeld is sealer over the versions held now.
func (r *Keyring) sealerHeld(version uint32) (cipher.AEAD, error) {
	r.mu.RLock()
	m, ok := r.masters[version]
	var k secret
	if ok {
		k = m.k
	}
	r.mu.RUnlock()
	defer clear(k[:])
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownKeyVersion, version)
	}
	return deriveSealer(&k)
}

// currentSealer is sealer for the current version, both read under one
// lock (see currentKEK).
func (r *Keyring) currentSealer() (uint32, cipher.AEAD, error) {
	r.mu.RLock()
	version := r.current
	m, ok := r.masters[version]
	var k secret
	if ok {
		k = m.k
	}
	r.mu.RUnlock()
	defer clear(k[:])
	if !ok {
		return 0, nil, fmt.Errorf("%w: %d", ErrUnknownKeyVersion, version)
	}
	aead, err := deriveSealer(&k)
	return version, aead, err
}

func deriveSealer(k *secret) (cipher.AEAD, error) {
	dk, err := hkdf.Key(sha256.New, k[:], nil, sealPurpose, KeySize)
	if err != nil {
		return nil, fmt.Errorf("sse: derive key: %w", err)
	}
	defer clear(dk)
	block, err := aes.NewCipher(dk)
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	return cipher.NewGCM(block)
}

func sealAD(sealed, context []byte) []byte {
	return append(append(make([]byte, 0, sealHeaderSize+len(context)), sealed[:sealHeaderSize]...), context...)
}

// LoadOrGenerateKeyringFile loads the master key file at path, or creates
// it with one fresh key (GenerateKeyringFile) when it does not exist yet.
// created reports the latter. Two processes racing to create it both end
// up with the file that won.
func LoadOrGenerateKeyringFile(path string) (r *Keyring, created bool, err error) {
	if _, err := os.Lstat(path); err == nil {
		r, err := LoadKeyringFile(path)
		return r, false, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("sse: master key file: %w", err)
	}
	r, err = GenerateKeyringFile(path)
	if errors.Is(err, fs.ErrExist) {
		r, err = LoadKeyringFile(path)
		return r, false, err
	}
	return r, err == nil, err
}
