package checksum

import (
	"hash"

	"github.com/coffer-s3/coffer/internal/md5lanes"
)

// Hasher computes the MD5 used for ETags together with any set of
// Algorithms in one pass over the bytes. Its MD5 shares SIMD lanes with
// the other uploads in flight (see md5lanes). Write never fails and does not
// allocate. A Hasher is not safe for concurrent use.
type Hasher struct {
	md5  hash.Hash
	algs []Algorithm
	sums []hash.Hash // sums[i] computes algs[i]
}

// NewHasher returns a Hasher for MD5 and algs. Duplicates in algs are
// ignored; an unknown algorithm panics, as Algorithm.New does.
func NewHasher(algs ...Algorithm) *Hasher {
	h := &Hasher{md5: md5lanes.New()}
	for _, a := range algs {
		if h.index(a) >= 0 {
			continue
		}
		h.algs = append(h.algs, a)
		h.sums = append(h.sums, a.New())
	}
	return h
}

// Write adds p to every checksum. It always returns len(p), nil.
func (h *Hasher) Write(p []byte) (int, error) {
	// hash.Hash.Write is documented never to return an error.
	if d, ok := h.md5.(*md5lanes.Digest); ok {
		// The other sums run while a shared lane hashes p (see
		// md5lanes), not after, so the next write is in line sooner.
		d.WriteAlongside(p, func() { h.writeSums(p) })
		return len(p), nil
	}
	h.md5.Write(p)
	h.writeSums(p)
	return len(p), nil
}

func (h *Hasher) writeSums(p []byte) {
	for _, s := range h.sums {
		s.Write(p)
	}
}

// MD5 returns the MD5 of the bytes written so far.
func (h *Hasher) MD5() []byte { return h.md5.Sum(nil) }

// Sum returns the raw checksum a of the bytes written so far (big-endian for
// the CRCs, as S3 encodes them), or nil if the Hasher was not asked for a.
func (h *Hasher) Sum(a Algorithm) []byte {
	i := h.index(a)
	if i < 0 {
		return nil
	}
	return h.sums[i].Sum(nil)
}

// Algorithms returns the algorithms h computes besides MD5, in the order
// first given to NewHasher.
func (h *Hasher) Algorithms() []Algorithm { return append([]Algorithm(nil), h.algs...) }

func (h *Hasher) index(a Algorithm) int {
	for i, b := range h.algs {
		if a == b {
			return i
		}
	}
	return -1
}
