package sse

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
)

// KeySize is the size in bytes of data keys and master keys (AES-256).
const KeySize = 32

// secret is 32 bytes of key material. Its methods are shared by the key
// types so that none of them can print its bytes by accident.
type secret [KeySize]byte

// DataKey is the key one object's (or one part's) bytes are encrypted with.
// It prints as "sse.DataKey(redacted)" under every fmt verb and in slog,
// and Zero wipes it. Use it by pointer: a copy is a second copy of the key.
type DataKey struct{ k secret }

// MasterKey is one version of the master key that wraps data keys. Like
// DataKey it never prints its bytes.
type MasterKey struct{ k secret }

// NewDataKey returns a fresh random data key.
func NewDataKey() (*DataKey, error) {
	var d DataKey
	if err := randomSecret(&d.k); err != nil {
		return nil, err
	}
	return &d, nil
}

// NewMasterKey returns a fresh random master key.
func NewMasterKey() (*MasterKey, error) {
	var m MasterKey
	if err := randomSecret(&m.k); err != nil {
		return nil, err
	}
	return &m, nil
}

// DataKeyFromBytes copies b, which must be KeySize bytes, into a DataKey.
// It is for keys that arrive from outside, such as an SSE-C customer key.
func DataKeyFromBytes(b []byte) (*DataKey, error) {
	var d DataKey
	if len(b) != KeySize {
		return nil, fmt.Errorf("sse: data key of %d bytes, want %d", len(b), KeySize)
	}
	copy(d.k[:], b)
	return &d, nil
}

// MasterKeyFromBytes copies b, which must be KeySize bytes, into a
// MasterKey.
func MasterKeyFromBytes(b []byte) (*MasterKey, error) {
	var m MasterKey
	if len(b) != KeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrKeyFile, len(b), KeySize)
	}
	copy(m.k[:], b)
	return &m, nil
}

func randomSecret(s *secret) error {
	if _, err := io.ReadFull(rand.Reader, s[:]); err != nil {
		return fmt.Errorf("sse: random key: %w", err)
	}
	return nil
}

// Zero overwrites the key with zeros. The key is unusable afterwards.
func (d *DataKey) Zero() { clear(d.k[:]) }

// Zero overwrites the key with zeros. The key is unusable afterwards.
func (m *MasterKey) Zero() { clear(m.k[:]) }

const (
	dataKeyRedacted   = "sse.DataKey(redacted)"
	masterKeyRedacted = "sse.MasterKey(redacted)"
)

// String returns a fixed text that shows nothing of the key.
func (DataKey) String() string { return dataKeyRedacted }

// GoString returns a fixed text that shows nothing of the key.
func (DataKey) GoString() string { return dataKeyRedacted }

// Format prints the fixed text for every verb, so that %x or %v of the key
// or of a struct holding it shows nothing of its bytes.
func (DataKey) Format(f fmt.State, _ rune) { io.WriteString(f, dataKeyRedacted) }

// LogValue implements slog.LogValuer with the fixed text.
func (DataKey) LogValue() slog.Value { return slog.StringValue(dataKeyRedacted) }

// MarshalText returns the fixed text, so that text and JSON encoders show
// nothing of the key either. It is not an encoding of the key.
func (DataKey) MarshalText() ([]byte, error) { return []byte(dataKeyRedacted), nil }

// String returns a fixed text that shows nothing of the key.
func (MasterKey) String() string { return masterKeyRedacted }

// GoString returns a fixed text that shows nothing of the key.
func (MasterKey) GoString() string { return masterKeyRedacted }

// Format prints the fixed text for every verb.
func (MasterKey) Format(f fmt.State, _ rune) { io.WriteString(f, masterKeyRedacted) }

// LogValue implements slog.LogValuer with the fixed text.
func (MasterKey) LogValue() slog.Value { return slog.StringValue(masterKeyRedacted) }

// MarshalText returns the fixed text; it is not an encoding of the key.
func (MasterKey) MarshalText() ([]byte, error) { return []byte(masterKeyRedacted), nil }
