// Package checksum computes the object checksums S3 defines (CRC32, CRC32C,
// CRC64NVME, SHA1, SHA256) alongside the MD5 used for ETags, in one pass over
// the bytes, and combines part checksums into multipart object checksums
// (full-object CRC combination and composite checksums-of-checksums).
//
// It knows nothing of HTTP: header names and base64 wire forms are the
// s3api package's business, except that values are exchanged as raw bytes.
package checksum

import (
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"strings"

	"github.com/minio/crc64nvme"
)

// Algorithm is a checksum algorithm, spelled as S3 spells it on the wire
// (x-amz-checksum-algorithm, x-amz-sdk-checksum-algorithm).
type Algorithm string

// The algorithms S3 defines for object checksums.
const (
	CRC32     Algorithm = "CRC32"
	CRC32C    Algorithm = "CRC32C"
	CRC64NVME Algorithm = "CRC64NVME"
	SHA1      Algorithm = "SHA1"
	SHA256    Algorithm = "SHA256"
)

// Algorithms lists every supported algorithm in a stable order.
var Algorithms = []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

// Type says how a multipart object's checksum was formed.
type Type string

// Checksum types (x-amz-checksum-type).
const (
	// FullObject is the checksum of the whole object's bytes. CRCs of a
	// multipart object can be combined from the parts' CRCs without
	// re-reading the data. CRC64NVME is always FullObject.
	FullObject Type = "FULL_OBJECT"
	// Composite is the checksum of the concatenated part checksums,
	// written with a "-N" suffix (N = number of parts).
	Composite Type = "COMPOSITE"
)

// ErrUnknownAlgorithm is returned by ParseAlgorithm for a name S3 does not define.
var ErrUnknownAlgorithm = errors.New("checksum: unknown algorithm")

// ParseAlgorithm accepts an algorithm name in any letter case.
func ParseAlgorithm(s string) (Algorithm, error) {
	a := Algorithm(strings.ToUpper(s))
	for _, known := range Algorithms {
		if a == known {
			return a, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownAlgorithm, s)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// New returns a fresh hash for a. It panics on an unknown algorithm, which
// ParseAlgorithm rules out.
func (a Algorithm) New() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(castagnoli)
	case CRC64NVME:
		return crc64nvme.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	}
	panic("checksum: unknown algorithm " + string(a))
}

// IsCRC reports whether a is one of the CRC algorithms, whose part values can
// be combined into a full-object checksum.
func (a Algorithm) IsCRC() bool { return a == CRC32 || a == CRC32C || a == CRC64NVME }

// Size is the length in bytes of a's raw sum.
func (a Algorithm) Size() int {
	switch a {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return 20
	case SHA256:
		return 32
	}
	return 0
}
