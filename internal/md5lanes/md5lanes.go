// Package md5lanes computes MD5 for many streams at once, one stream per
// SIMD lane, so that concurrent uploads share the cost of hashing.
//
// MD5 cannot be split within one stream: every 64-byte block depends on the
// previous one, and a core runs a block at the latency of its 64 serial
// steps. The lane kernel runs eight such chains side by side for about the
// price of one. Large writes from every Digest in the process therefore go
// to a few engine goroutines that hash whichever streams have data in
// lockstep. Small writes, and large ones while no other stream is being
// hashed, run on the caller through crypto/md5's scalar code.
//
// New falls back to crypto/md5 on CPUs without AVX-512VL.
package md5lanes

import (
	"crypto/md5"
	"encoding/binary"
	"hash"
)

const (
	// Size is the length of an MD5 sum in bytes.
	Size = md5.Size
	// BlockSize is MD5's block size in bytes.
	BlockSize = md5.BlockSize

	init0, init1, init2, init3 = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
)

// New returns a hash.Hash computing MD5: a Digest when this CPU has the
// lane kernel, else crypto/md5's.
func New() hash.Hash {
	if !lanesSupported {
		return md5.New()
	}
	return newDigest()
}

// Digest is an MD5 hash.Hash whose large writes are hashed in a shared lane
// engine. It is not safe for concurrent use.
type Digest struct {
	s      [4]uint32
	x      [BlockSize]byte // a partial block
	nx     int
	len    uint64
	job    job      // reused for every write sent to an engine
	std    stdState // crypto/md5, for writes hashed on the caller (scalar)
	stdBuf [stdSize]byte
}

func newDigest() *Digest {
	d := &Digest{}
	d.Reset()
	return d
}

// Reset returns d to the empty message's state.
func (d *Digest) Reset() {
	d.s = [4]uint32{init0, init1, init2, init3}
	d.nx, d.len = 0, 0
}

// Size returns Size.
func (d *Digest) Size() int { return Size }

// BlockSize returns BlockSize.
func (d *Digest) BlockSize() int { return BlockSize }

// Write adds p to the message. It always returns len(p), nil.
func (d *Digest) Write(p []byte) (int, error) { return d.WriteAlongside(p, nil) }

// WriteAlongside adds p to the message, as Write does, and runs also
// (unless nil) while an engine hashes p, returning when both are done.
// A caller with more work on p, such as other checksums, lets it overlap
// the hashing instead of delaying its next write's turn in a lane.
func (d *Digest) WriteAlongside(p []byte, also func()) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		c := copy(d.x[d.nx:], p)
		d.nx += c
		p = p[c:]
		if d.nx == BlockSize {
			hashInPlace(&d.s, d.x[:])
			d.nx = 0
		}
	}
	whole := len(p) &^ (BlockSize - 1)
	large := whole >= engineMin
	switch {
	case large && !d.job.start(&d.s, p[:whole]):
		d.scalar(p[:whole])
	case !large && whole > 0:
		d.scalar(p[:whole])
	}
	if d.nx == 0 { // else p went into d.x whole
		d.nx = copy(d.x[:], p[whole:])
	}
	if also != nil {
		also()
	}
	if large {
		d.job.wait()
	}
	return n, nil
}

// Sum appends the MD5 of the message so far to b; d is unchanged.
func (d *Digest) Sum(b []byte) []byte {
	s, x, nx := d.s, d.x, d.nx
	// Padding: 0x80, zeros up to 56 mod 64, then the bit length.
	var tail [2 * BlockSize]byte
	copy(tail[:], x[:nx])
	tail[nx] = 0x80
	end := BlockSize
	if nx >= BlockSize-8 {
		end = 2 * BlockSize
	}
	binary.LittleEndian.PutUint64(tail[end-8:], d.len<<3)
	hashInPlace(&s, tail[:end])
	for _, v := range s {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// hashInPlace runs p, whole blocks, through a lane of its own on the calling
// goroutine. Only the odd block goes this way (a completed partial block,
// Sum's padding): longer runs are hashed by scalar, twice as fast alone.
func hashInPlace(s *[4]uint32, p []byte) {
	var st laneState
	var ptrs [lanes]*byte
	for i := range ptrs {
		ptrs[i] = &p[0]
	}
	for w := range s {
		st.s[w][0] = s[w]
	}
	blocks8(&st, &ptrs, len(p)/BlockSize, 1)
	for w := range s {
		s[w] = st.s[w][0]
	}
}

// laneState is the kernel's memory: the lanes' MD5 state, word-major, and
// room for one block of every lane, also word-major.
type laneState struct {
	s [4][lanes]uint32
	m [16][lanes]uint32
}
