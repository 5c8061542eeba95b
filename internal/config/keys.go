package config

import (
	"errors"
	"fmt"
	"io"
)

// Lengths of generated root keys, as AWS's: 20-character access key ids and
// 40-character secret keys.
const (
	GeneratedAccessKeyLen = 20
	GeneratedSecretKeyLen = 40
)

const (
	accessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// secretKeyAlphabet has 64 symbols, so one random byte's low six bits
	// choose one without bias.
	secretKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// ErrInvalidKey is wrapped by errors about an unusable access or secret key.
var ErrInvalidKey = errors.New("config: invalid key")

// GenerateRootCredentials returns a new key pair read from random (which
// should be crypto/rand.Reader outside tests).
func GenerateRootCredentials(random io.Reader) (RootCredentials, error) {
	ak, err := randomString(random, accessKeyAlphabet, GeneratedAccessKeyLen)
	if err != nil {
		return RootCredentials{}, err
	}
	sk, err := randomString(random, secretKeyAlphabet, GeneratedSecretKeyLen)
	if err != nil {
		return RootCredentials{}, err
	}
	return RootCredentials{AccessKey: ak, SecretKey: sk}, nil
}

// randomString draws n symbols of alphabet uniformly, rejecting the bytes
// that would bias the draw.
func randomString(random io.Reader, alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return "", fmt.Errorf("generate root credentials: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// validateKeyPair checks keys an operator chose. Access keys appear in the
// Credential= element of a SigV4 Authorization header and in query strings,
// so they exclude '/', '=', ',', spaces and control characters.
func validateKeyPair(accessKey, secretKey string) error {
	if n := len(accessKey); n < 3 || n > 128 {
		return fmt.Errorf("%w: access key must be 3 to 128 characters, got %d", ErrInvalidKey, n)
	}
	for _, c := range []byte(accessKey) {
		if c <= ' ' || c >= 0x7f || c == '/' || c == '=' || c == ',' {
			return fmt.Errorf("%w: access key has a character that is not allowed (%q)", ErrInvalidKey, c)
		}
	}
	if n := len(secretKey); n < 8 || n > 128 {
		return fmt.Errorf("%w: secret key must be 8 to 128 characters, got %d", ErrInvalidKey, n)
	}
	for _, c := range []byte(secretKey) {
		if c < ' ' || c >= 0x7f {
			return fmt.Errorf("%w: secret key has a non-printable character", ErrInvalidKey)
		}
	}
	return nil
}
