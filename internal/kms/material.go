package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/coffer-s3/coffer/internal/sse"
)

// materialSize is the size of a key's material: AES-256.
const materialSize = 32

// materialContext binds sealed material to its key and version, so that
// material copied into another key's record, or to another version,
// does not open.
func materialContext(arn string, version uint32) []byte {
	return sse.Context("coffer kms key material v1", arn, strconv.FormatUint(uint64(version), 10))
}

// newMaterial makes version of the material of the key arn, sealed under
// the master keyring. The plaintext never leaves this function.
func (s *Service) newMaterial(arn string, version uint32, created time.Time, onDemand bool) (material, error) {
	raw := make([]byte, materialSize)
	defer clear(raw)
	if _, err := rand.Read(raw); err != nil {
		return material{}, fmt.Errorf("kms: key material: %w", err)
	}
	sealed, err := s.opts.Keyring.Seal(raw, materialContext(arn, version))
	if err != nil {
		return material{}, fmt.Errorf("kms: seal key material: %w", err)
	}
	return material{Version: version, Sealed: sealed, Created: created.UTC(), OnDemand: onDemand}, nil
}

// aead opens material m of key k as an AES-256-GCM cipher. The opened
// material is cleared before it returns; only the cipher's expanded key
// remains, for the caller's one operation.
func (s *Service) aead(k *keyRecord, m *material) (cipher.AEAD, error) {
	raw, err := s.opts.Keyring.Open(m.Sealed, materialContext(k.arn(), m.Version))
	if err != nil {
		return nil, fmt.Errorf("kms: open key material of %s version %d: %w", k.ID, m.Version, err)
	}
	defer clear(raw)
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// newKeyID returns a random (version 4) UUID, the form of AWS key ids.
func newKeyID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b), nil
}

func formatUUID(b [16]byte) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}

// parseUUID parses a key id; ok is false for anything else.
func parseUUID(s string) (b [16]byte, ok bool) {
	if len(s) != 36 {
		return b, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return b, false
			}
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return b, false
		}
		b[j] = hi<<4 | lo
		j++
		i += 2
	}
	return b, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
