package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Fixed strings of the SigV4 algorithm. They are part of the wire protocol
// and must never change.
const (
	algoV4          = "AWS4-HMAC-SHA256"
	algoV4Payload   = "AWS4-HMAC-SHA256-PAYLOAD"
	algoV4Trailer   = "AWS4-HMAC-SHA256-TRAILER"
	serviceS3       = "s3"
	scopeTerminator = "aws4_request"
	timeFormatV4    = "20060102T150405Z"
	dateFormatV4    = "20060102"
	// emptySHA256 is hex(sha256("")), the "previous data" hash that chunk
	// string-to-signs carry.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// hmacSHA256 returns HMAC-SHA256(key, data).
func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// deriveSigningKey computes the SigV4 signing key for a secret, a scope date
// (YYYYMMDD), a region and the s3 service.
func deriveSigningKey(secret, date, region string) []byte {
	return deriveServiceKey(secret, date, region, serviceS3)
}

// deriveServiceKey computes the SigV4 signing key for a secret, a scope
// date, a region and a service. The service is part of the key, so a
// signature made for one service never verifies for another.
func deriveServiceKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, scopeTerminator)
}

// signHex returns hex(HMAC-SHA256(key, stringToSign)) as lowercase hex.
func signHex(key []byte, stringToSign []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(stringToSign)
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}

// signatureMatches reports whether sigHex (64 lowercase hex digits) is
// HMAC-SHA256(key, stringToSign), comparing in constant time.
func signatureMatches(key, stringToSign []byte, sigHex string) bool {
	var want [sha256.Size]byte
	if !decodeHex32(&want, sigHex) {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write(stringToSign)
	var sum [sha256.Size]byte
	return hmac.Equal(m.Sum(sum[:0]), want[:])
}

// decodeHex32 decodes 64 hex digits into dst.
func decodeHex32(dst *[sha256.Size]byte, s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := range dst {
		hi, lo := s[2*i], s[2*i+1]
		if !isHexDigit(hi) || !isHexDigit(lo) {
			return false
		}
		dst[i] = unhex(hi)<<4 | unhex(lo)
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// parseAmzDate parses an ISO 8601 basic time, 20060102T150405Z, without
// the generality (and cost) of time.Parse.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' || !allDigits(s[:8]) || !allDigits(s[9:15]) {
		return time.Time{}, false
	}
	n := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := n(0, 4), time.Month(n(4, 6)), n(6, 8), n(9, 11), n(11, 13), n(13, 15)
	t := time.Date(y, mo, d, h, mi, sec, 0, time.UTC)
	if t.Year() != y || t.Month() != mo || t.Day() != d || t.Hour() != h || t.Minute() != mi || t.Second() != sec {
		return time.Time{}, false
	}
	return t, true
}

// equalSignature compares two hex signatures in constant time.
func equalSignature(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}

// scope is a parsed SigV4 credential: AK/date/region/service/aws4_request.
type scope struct {
	accessKey string
	date      string // YYYYMMDD
	region    string
	service   string // "" means s3
}

// serviceName returns the scope's service, s3 when unset.
func (s scope) serviceName() string {
	if s.service == "" {
		return serviceS3
	}
	return s.service
}

// String returns the credential scope without the access key, as it
// appears in strings to sign.
func (s scope) String() string {
	return s.date + "/" + s.region + "/" + s.serviceName() + "/" + scopeTerminator
}

// parseCredential splits "AK/YYYYMMDD/region/service/aws4_request". Which
// service and region are acceptable is the Verifier's call (checkScope).
// The errors wrap malformed, the caller's sentinel for its wire form.
func parseCredential(s string, malformed error) (scope, error) {
	// The access key is everything before the last four '/'-separated
	// parts; access keys never contain '/', but be exact about the count.
	var parts [5]string
	rest := s
	for i := 4; i > 0; i-- {
		j := lastIndexByte(rest, '/')
		if j < 0 {
			return scope{}, fmt.Errorf("%w: credential %q has too few parts", malformed, s)
		}
		parts[i] = rest[j+1:]
		rest = rest[:j]
	}
	parts[0] = rest
	sc := scope{accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3]}
	switch {
	case sc.accessKey == "":
		return scope{}, fmt.Errorf("%w: empty access key", malformed)
	case len(sc.date) != 8 || !allDigits(sc.date):
		return scope{}, fmt.Errorf("%w: bad credential date %q", malformed, sc.date)
	case sc.region == "":
		return scope{}, fmt.Errorf("%w: empty credential region", malformed)
	case sc.service == "":
		return scope{}, fmt.Errorf("%w: empty credential service", malformed)
	case parts[4] != scopeTerminator:
		return scope{}, fmt.Errorf("%w: credential terminator %q is not aws4_request", malformed, parts[4])
	}
	return sc, nil
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLowerHex reports whether s is n lowercase hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// lookup resolves an access key, normalising "not found" to
// ErrUnknownAccessKey.
func (v *Verifier) lookup(ctx context.Context, accessKey string) (Credential, error) {
	if v.creds == nil {
		return Credential{}, fmt.Errorf("%w: no credentials configured", ErrUnknownAccessKey)
	}
	c, err := v.creds.Lookup(ctx, accessKey)
	if err != nil {
		if errors.Is(err, ErrUnknownAccessKey) {
			return Credential{}, err
		}
		return Credential{}, fmt.Errorf("sigv4: look up access key: %w", err)
	}
	return c, nil
}

// maxCachedKeys bounds the signing-key cache; it is cleared when full,
// which is cheap and keeps memory bounded under many distinct keys.
const maxCachedKeys = 4096

// keyCache remembers derived signing keys per (access key, date, region),
// saving four HMACs per request. An entry is used only if the secret it
// was derived from still matches, so rotated secrets take effect at once.
type keyCache struct {
	mu sync.Mutex
	m  map[keyCacheKey]keyCacheEntry
}

type keyCacheKey struct{ accessKey, date, region string }

type keyCacheEntry struct {
	secret string
	key    []byte
}

func (c *keyCache) init() { c.m = make(map[keyCacheKey]keyCacheEntry) }

// signingKey returns the signing key for secret under sc, from the cache
// when possible.
func (v *Verifier) signingKey(secret string, sc scope) []byte {
	k := keyCacheKey{sc.accessKey, sc.date, sc.region}
	v.keys.mu.Lock()
	e, ok := v.keys.m[k]
	v.keys.mu.Unlock()
	if ok && e.secret == secret {
		return e.key
	}
	key := deriveServiceKey(secret, sc.date, sc.region, sc.serviceName())
	v.keys.mu.Lock()
	if len(v.keys.m) >= maxCachedKeys {
		clear(v.keys.m)
	}
	v.keys.m[k] = keyCacheEntry{secret: secret, key: key}
	v.keys.mu.Unlock()
	return key
}
