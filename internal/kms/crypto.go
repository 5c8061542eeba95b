package kms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Limits of the cryptographic operations ("AWS KMS API" reference).
const (
	maxPlaintext   = 4096
	maxDataKey     = 1024
	maxRandom      = 1024
	maxContextSize = 8192
)

// EncryptRequest is Encrypt's input. Plaintext is the caller's; the
// service does not keep it.
type EncryptRequest struct {
	Caller            Caller
	KeyID             string
	Plaintext         []byte
	EncryptionContext map[string]string
}

// Encrypted is Encrypt's and ReEncrypt's result.
type Encrypted struct {
	CiphertextBlob []byte
	KeyARN         string
	// SourceKeyARN is, for ReEncrypt, the key the ciphertext was under.
	SourceKeyARN string
}

// forEncryption checks that k is an encryption key, and usable.
func forEncryption(k *keyRecord) error {
	if k.Usage != UsageEncryptDecrypt {
		return errorf(ErrInvalidKeyUsage, "%s key usage is %s which is not valid for this operation.", k.arn(), k.Usage)
	}
	return usable(k)
}

// usable reports whether k may do cryptography now.
func usable(k *keyRecord) error {
	switch k.State {
	case StateEnabled:
		return nil
	case StateDisabled:
		return errorf(ErrDisabled, "%s is disabled.", k.arn())
	}
	return errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
}

func checkContext(ec map[string]string) error {
	size := 0
	for k, v := range ec {
		if k == "" || !utf8.ValidString(k) || !utf8.ValidString(v) {
			return invalid("Encryption context keys must be non-empty UTF-8 strings")
		}
		size += len(k) + len(v)
	}
	if size > maxContextSize {
		return invalid("Encryption context must be at most %d bytes", maxContextSize)
	}
	return nil
}

// seal encrypts plaintext under k's current material, bound to ec.
func (s *Service) seal(k *keyRecord, plaintext []byte, ec map[string]string) ([]byte, error) {
	m := k.current()
	aead, err := s.aead(k, m)
	if err != nil {
		return nil, err
	}
	out := blobHeaderFor(k.ID, m.Version)
	nonce := make([]byte, blobNonce)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("kms: nonce: %w", err)
	}
	aad := append(append([]byte(nil), out...), contextAAD(ec)...)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad), nil
}

// Encrypt encrypts up to 4096 bytes under a key.
func (s *Service) Encrypt(ctx context.Context, req EncryptRequest) (out *Encrypted, err error) {
	c := s.begin("Encrypt", req.Caller, true)
	c.params["keyId"], c.params["encryptionContext"] = req.KeyID, req.EncryptionContext
	c.params["encryptionAlgorithm"] = algorithmSymmetric
	defer func() { s.end(ctx, c, err) }()
	if len(req.Plaintext) == 0 || len(req.Plaintext) > maxPlaintext {
		return nil, invalid("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and %d", maxPlaintext)
	}
	if err := checkContext(req.EncryptionContext); err != nil {
		return nil, err
	}
	k, err := s.useKey(ctx, c, req.KeyID, "Encrypt", req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	if err := forEncryption(k); err != nil {
		return nil, err
	}
	blob, err := s.seal(k, req.Plaintext, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &Encrypted{CiphertextBlob: blob, KeyARN: k.arn()}, nil
}

// GenerateDataKey returns a fresh data key (NumberOfBytes, 32 when 0),
// in plaintext and encrypted under the key.
func (s *Service) GenerateDataKey(ctx context.Context, req DataKeyRequest) (*DataKey, error) {
	return s.generateDataKey(ctx, "GenerateDataKey", req)
}

// GenerateDataKeyWithoutPlaintext is GenerateDataKey without the
// plaintext copy.
func (s *Service) GenerateDataKeyWithoutPlaintext(ctx context.Context, req DataKeyRequest) (*DataKey, error) {
	dk, err := s.generateDataKey(ctx, "GenerateDataKeyWithoutPlaintext", req)
	if dk != nil {
		clear(dk.Plaintext)
		dk.Plaintext = nil
	}
	return dk, err
}

func (s *Service) generateDataKey(ctx context.Context, op string, req DataKeyRequest) (out *DataKey, err error) {
	c := s.begin(op, req.Caller, true)
	n := req.NumberOfBytes
	if n == 0 {
		n = 32
	}
	c.params["keyId"], c.params["encryptionContext"], c.params["numberOfBytes"] = req.KeyID, req.EncryptionContext, n
	defer func() { s.end(ctx, c, err) }()
	if n < 1 || n > maxDataKey {
		return nil, invalid("1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and %d", n, maxDataKey)
	}
	if err := checkContext(req.EncryptionContext); err != nil {
		return nil, err
	}
	k, err := s.useKey(ctx, c, req.KeyID, op, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	if err := forEncryption(k); err != nil {
		return nil, err
	}
	plain := make([]byte, n)
	if _, err := rand.Read(plain); err != nil {
		return nil, fmt.Errorf("kms: data key: %w", err)
	}
	blob, err := s.seal(k, plain, req.EncryptionContext)
	if err != nil {
		clear(plain)
		return nil, err
	}
	return &DataKey{Plaintext: plain, CiphertextBlob: blob, KeyARN: k.arn()}, nil
}

// Decrypt decrypts a ciphertext blob; the blob names its key.
func (s *Service) Decrypt(ctx context.Context, req DecryptRequest) (out *Decrypted, err error) {
	c := s.begin("Decrypt", req.Caller, true)
	c.params["encryptionContext"], c.params["encryptionAlgorithm"] = req.EncryptionContext, algorithmSymmetric
	if req.KeyID != "" {
		c.params["keyId"] = req.KeyID
	}
	defer func() { s.end(ctx, c, err) }()
	k, plain, err := s.open(ctx, c, "Decrypt", req.CiphertextBlob, req.EncryptionContext, req.KeyID)
	if err != nil {
		return nil, err
	}
	return &Decrypted{Plaintext: plain, KeyARN: k.arn()}, nil
}

// open authorizes op on the key blob names and decrypts blob with ec;
// keyID, if set, must name that key.
func (s *Service) open(ctx context.Context, c *call, op string, data []byte, ec map[string]string, keyID string) (*keyRecord, []byte, error) {
	b, err := parseBlob(data)
	if err != nil {
		return nil, nil, err
	}
	if err := checkContext(ec); err != nil {
		return nil, nil, err
	}
	account, err := s.keyAccount(ctx, b.keyID)
	if err != nil {
		return nil, nil, err
	}
	k, err := s.load(ctx, c.caller, keyARN(s.opts.Region, account, b.keyID))
	if errors.Is(err, ErrNotFound) {
		// The key was deleted after its waiting period: what it
		// encrypted is gone with it.
		return nil, nil, ErrInvalidCiphertext
	}
	if err != nil {
		return nil, nil, err
	}
	c.used(k)
	if keyID != "" {
		named, err := s.load(ctx, c.caller, keyID)
		if err != nil {
			return nil, nil, err
		}
		if named.ID != k.ID || named.Account != k.Account {
			return nil, nil, errorf(ErrIncorrectKey, "The key ID in the request does not identify a KMS key that can perform this operation.")
		}
	}
	if err := s.authorize(ctx, c.caller, op, k, ec); err != nil {
		return nil, nil, err
	}
	if err := forEncryption(k); err != nil {
		return nil, nil, err
	}
	m := k.version(b.version)
	if m == nil {
		return nil, nil, ErrInvalidCiphertext
	}
	aead, err := s.aead(k, m)
	if err != nil {
		return nil, nil, err
	}
	aad := append(append([]byte(nil), b.header...), contextAAD(ec)...)
	plain, err := aead.Open(nil, b.nonce, b.sealed, aad)
	if err != nil {
		return nil, nil, ErrInvalidCiphertext
	}
	return k, plain, nil
}

// keyAccount finds the account of a key by its id alone. A ciphertext
// naming no key that exists is invalid.
func (s *Service) keyAccount(ctx context.Context, id string) (string, error) {
	var account string
	err := s.opts.Meta.View(ctx, func(r meta.Reader) error {
		b, err := r.Get(metaKey(subKeyIndex, id))
		if errors.Is(err, meta.ErrNotFound) {
			return ErrInvalidCiphertext
		}
		if err != nil {
			return err
		}
		if len(b) == 0 || b[0] != recordV1 {
			return errBadRecord
		}
		account = string(b[1:])
		return nil
	})
	return account, err
}

// ReEncryptRequest is ReEncrypt's input.
type ReEncryptRequest struct {
	Caller                       Caller
	CiphertextBlob               []byte
	SourceEncryptionContext      map[string]string
	SourceKeyID                  string
	DestinationKeyID             string
	DestinationEncryptionContext map[string]string
}

// ReEncrypt decrypts a blob and encrypts its plaintext under another key
// (or the same key's current material, or another context), without
// the plaintext leaving the service.
func (s *Service) ReEncrypt(ctx context.Context, req ReEncryptRequest) (out *Encrypted, err error) {
	c := s.begin("ReEncrypt", req.Caller, true)
	c.params["sourceEncryptionContext"], c.params["destinationKeyId"] = req.SourceEncryptionContext, req.DestinationKeyID
	c.params["destinationEncryptionContext"] = req.DestinationEncryptionContext
	defer func() { s.end(ctx, c, err) }()
	if req.DestinationKeyID == "" {
		return nil, invalid("1 validation error detected: Value null at 'destinationKeyId' failed to satisfy constraint: Member must not be null")
	}
	if err := checkContext(req.DestinationEncryptionContext); err != nil {
		return nil, err
	}
	src, plain, err := s.open(ctx, c, "ReEncryptFrom", req.CiphertextBlob, req.SourceEncryptionContext, req.SourceKeyID)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	dst, err := s.useKey(ctx, c, req.DestinationKeyID, "ReEncryptTo", req.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	if err := forEncryption(dst); err != nil {
		return nil, err
	}
	blob, err := s.seal(dst, plain, req.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	return &Encrypted{CiphertextBlob: blob, KeyARN: dst.arn(), SourceKeyARN: src.arn()}, nil
}

// GenerateRandom returns n (1 to 1024) random bytes.
func (s *Service) GenerateRandom(ctx context.Context, caller Caller, n int) (out []byte, err error) {
	c := s.begin("GenerateRandom", caller, true)
	c.params["numberOfBytes"] = n
	defer func() { s.end(ctx, c, err) }()
	if n < 1 || n > maxRandom {
		return nil, invalid("1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and %d", n, maxRandom)
	}
	if err := s.authorize(ctx, caller, "GenerateRandom", nil, nil); err != nil {
		return nil, err
	}
	out = make([]byte, n)
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("kms: random: %w", err)
	}
	return out, nil
}
