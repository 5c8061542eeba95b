package object

import (
	"fmt"

	"github.com/coffer-s3/coffer/internal/checksum"
)

// canonicalAlgorithm returns a in S3's spelling, accepting any letter case;
// "" stays "". Every algorithm a request carries goes through it before it
// is compared, stored or hashed with.
func canonicalAlgorithm(a checksum.Algorithm) (checksum.Algorithm, error) {
	if a == "" {
		return "", nil
	}
	c, err := checksum.ParseAlgorithm(string(a))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidChecksumAlgorithm, err)
	}
	return c, nil
}

// canonicalExpected returns a copy of e with its algorithm canonical.
func canonicalExpected(e *ExpectedChecksum) (*ExpectedChecksum, error) {
	if e == nil {
		return nil, nil
	}
	if e.Algorithm == "" {
		return nil, fmt.Errorf("%w: checksum without an algorithm", ErrInvalidChecksumAlgorithm)
	}
	a, err := canonicalAlgorithm(e.Algorithm)
	if err != nil {
		return nil, err
	}
	c := *e
	c.Algorithm = a
	return &c, nil
}

// canonicalChecksum returns a copy of c with its algorithm canonical.
func canonicalChecksum(c *Checksum) (*Checksum, error) {
	if c == nil {
		return nil, nil
	}
	a, err := canonicalAlgorithm(c.Algorithm)
	if err != nil {
		return nil, err
	}
	cc := *c
	cc.Algorithm = a
	return &cc, nil
}
