package sse

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
)

// CustomerKey is a key a client sends with each request (S3's SSE-C). It
// is never stored: data keys are wrapped under a key derived from it and a
// per-object salt, and a salted HMAC of it recognises it again. Like
// DataKey it never prints its bytes.
type CustomerKey struct{ k secret }

// The HKDF and HMAC labels of customer keys. They must never change:
// stored wrapped keys and key checks depend on them.
const (
	customerWrapPurpose  = "coffer sse-c v1: master key for data key wrapping"
	customerCheckPurpose = "coffer sse-c v1: key check"
)

// CustomerKeyFromBytes copies b, which must be KeySize bytes, into a
// CustomerKey.
func CustomerKeyFromBytes(b []byte) (*CustomerKey, error) {
	var c CustomerKey
	if len(b) != KeySize {
		return nil, fmt.Errorf("sse: customer key of %d bytes, want %d", len(b), KeySize)
	}
	copy(c.k[:], b)
	return &c, nil
}

// Zero overwrites the key with zeros. The key is unusable afterwards.
func (c *CustomerKey) Zero() { clear(c.k[:]) }

// MD5 returns the MD5 of the key, which S3 clients send and receive to
// check the key's transmission.
func (c *CustomerKey) MD5() [md5.Size]byte { return md5.Sum(c.k[:]) }

// Check returns the salted HMAC-SHA256 of the key: stored with the salt,
// it recognises the key later without revealing it.
func (c *CustomerKey) Check(salt []byte) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(customerCheckPurpose))
	m.Write(c.k[:])
	return m.Sum(nil)
}

// Matches reports, in constant time, whether check is Check(salt) of
// this key.
func (c *CustomerKey) Matches(salt, check []byte) bool {
	return hmac.Equal(c.Check(salt), check)
}

// keyring is a one-version keyring whose master key is derived from the
// customer key and salt, so that customer-key wraps use the same
// authenticated format as master-key wraps.
func (c *CustomerKey) keyring(salt []byte) (*Keyring, error) {
	k, err := hkdf.Key(sha256.New, c.k[:], salt, customerWrapPurpose, KeySize)
	if err != nil {
		return nil, fmt.Errorf("sse: derive key: %w", err)
	}
	defer clear(k)
	m, err := MasterKeyFromBytes(k)
	if err != nil {
		return nil, err
	}
	defer m.Zero()
	r := NewKeyring()
	if err := r.Add(1, m); err != nil {
		return nil, err
	}
	return r, nil
}

// Wrap encrypts key under a key derived from the customer key and salt,
// bound to context.
func (c *CustomerKey) Wrap(key *DataKey, salt, context []byte) (WrappedKey, error) {
	r, err := c.keyring(salt)
	if err != nil {
		return nil, err
	}
	return r.Wrap(key, context)
}

// Unwrap decrypts w made by Wrap with the same customer key, salt and
// context; anything else fails with ErrNotAuthentic.
func (c *CustomerKey) Unwrap(w WrappedKey, salt, context []byte) (*DataKey, error) {
	r, err := c.keyring(salt)
	if err != nil {
		return nil, err
	}
	return r.Unwrap(w, context)
}

const customerKeyRedacted = "sse.CustomerKey(redacted)"

// String returns a fixed text that shows nothing of the key.
func (CustomerKey) String() string { return customerKeyRedacted }

// GoString returns a fixed text that shows nothing of the key.
func (CustomerKey) GoString() string { return customerKeyRedacted }

// Format prints the fixed text for every verb.
func (CustomerKey) Format(f fmt.State, _ rune) { io.WriteString(f, customerKeyRedacted) }

// LogValue implements slog.LogValuer with the fixed text.
func (CustomerKey) LogValue() slog.Value { return slog.StringValue(customerKeyRedacted) }

// MarshalText returns the fixed text; it is not an encoding of the key.
func (CustomerKey) MarshalText() ([]byte, error) { return []byte(customerKeyRedacted), nil }
