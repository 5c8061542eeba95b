package iam

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Unique id prefixes, as AWS uses them.
const (
	prefixUser      = "AIDA"
	prefixGroup     = "AGPA"
	prefixRole      = "AROA"
	prefixPolicy    = "ANPA"
	prefixAccessKey = "AKIA"
	// PrefixSessionKey starts temporary access key ids (STS).
	PrefixSessionKey = "ASIA"
)

// idAlphabet is the alphabet of AWS unique ids and access key ids:
// upper-case letters and the digits 2-7.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix followed by n random characters of idAlphabet:
// 17 for entity ids (AIDA… is 21 characters), 16 for access keys.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	var sb strings.Builder
	sb.WriteString(prefix)
	for _, c := range b {
		sb.WriteByte(idAlphabet[c&31])
	}
	return sb.String()
}

// NewAccessKeyID returns a fresh access key id: prefix (PrefixSessionKey
// or "AKIA") and 16 random characters.
func NewAccessKeyID(prefix string) string { return newID(prefix, 16) }

// NewSecretKey returns a fresh 40-character secret access key.
func NewSecretKey() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func newCanonicalID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccountID returns 12 random decimal digits, never all zeros (the
// first account's id).
func newAccountID() string {
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}
