package checksum

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors returned by Combine.
var (
	// ErrNotCombinable is returned for an algorithm whose part values
	// cannot be combined into a full-object value (SHA1, SHA256).
	ErrNotCombinable = errors.New("checksum: algorithm has no full-object combination")
	// ErrBadPartSum is returned for a part checksum of the wrong length or a
	// negative part size.
	ErrBadPartSum = errors.New("checksum: malformed part checksum")
)

// PartSum is one part's raw checksum and its length in bytes.
type PartSum struct {
	Sum  []byte
	Size int64
}

// Combine returns the checksum a of the concatenation of the parts, computed
// from each part's checksum and size alone, as S3 does for FULL_OBJECT
// multipart checksums. a must be a CRC (see Algorithm.IsCRC). With no parts
// it returns the checksum of zero bytes.
func Combine(a Algorithm, parts []PartSum) ([]byte, error) {
	if !a.IsCRC() {
		return nil, fmt.Errorf("%w: %s", ErrNotCombinable, a)
	}
	g := newGF2(a)
	var crc uint64
	for i, p := range parts {
		if len(p.Sum) != a.Size() {
			return nil, fmt.Errorf("%w: part %d: %s sum has %d bytes, want %d",
				ErrBadPartSum, i+1, a, len(p.Sum), a.Size())
		}
		if p.Size < 0 {
			return nil, fmt.Errorf("%w: part %d: negative size %d", ErrBadPartSum, i+1, p.Size)
		}
		crc = g.combine(crc, g.decode(p.Sum), p.Size)
	}
	return g.encode(crc), nil
}

// gf2 does arithmetic on polynomials over GF(2) modulo a CRC's generator,
// in the bit-reflected representation the CRCs here use: bit width-1 holds
// the coefficient of x^0 and bit 0 that of x^(width-1).
//
// Why combination works: for these CRCs (reflected, initial value and final
// xor all ones) the CRC of A||B equals CRC(A)·x^(8·len(B)) + CRC(B) mod P;
// the all-ones terms cancel because both operands carry them. So combining
// needs only a multiplication by x^(8n) mod P, computed by square-and-
// multiply from x^(2^k) mod P in O(log n) products.
type gf2 struct {
	width int
	poly  uint64 // reflected generator, without the x^width term
	// pow2[k] = x^(2^k) mod P. 8n < 2^66 for any int64 n, so 67 entries
	// cover every length; no periodicity argument is needed.
	pow2 [67]uint64
}

// Reflected generator polynomials.
const (
	polyCRC32     = 0xedb88320         // IEEE 802.3, normal form 0x04c11db7
	polyCRC32C    = 0x82f63b78         // Castagnoli, normal form 0x1edc6f41
	polyCRC64NVME = 0x9a6c9329ac4bc9b5 // NVM Express, normal form 0xad93d23594c93659
)

func newGF2(a Algorithm) *gf2 {
	g := &gf2{}
	switch a {
	case CRC32:
		g.width, g.poly = 32, polyCRC32
	case CRC32C:
		g.width, g.poly = 32, polyCRC32C
	case CRC64NVME:
		g.width, g.poly = 64, polyCRC64NVME
	default:
		panic("checksum: no GF(2) field for " + string(a))
	}
	g.pow2[0] = g.one() >> 1 // x^1
	for k := 1; k < len(g.pow2); k++ {
		g.pow2[k] = g.mul(g.pow2[k-1], g.pow2[k-1])
	}
	return g
}

// one is the polynomial 1 (x^0) in reflected form.
func (g *gf2) one() uint64 { return 1 << (g.width - 1) }

// mul returns a·b mod P.
func (g *gf2) mul(a, b uint64) uint64 {
	var p uint64
	for m := g.one(); m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		// b = b·x mod P: in reflected form a right shift, reducing when the
		// x^(width-1) coefficient (bit 0) falls off.
		if b&1 != 0 {
			b = b>>1 ^ g.poly
		} else {
			b >>= 1
		}
	}
	return p
}

// xpow8n returns x^(8n) mod P.
func (g *gf2) xpow8n(n int64) uint64 {
	p := g.one()
	for k := 3; n != 0; k, n = k+1, n>>1 { // 8n = n << 3: start at x^(2^3)
		if n&1 != 0 {
			p = g.mul(g.pow2[k], p)
		}
	}
	return p
}

// combine returns the CRC of A||B from crcA, crcB and len(B).
func (g *gf2) combine(crcA, crcB uint64, lenB int64) uint64 {
	return g.mul(crcA, g.xpow8n(lenB)) ^ crcB
}

func (g *gf2) decode(b []byte) uint64 {
	if g.width == 32 {
		return uint64(binary.BigEndian.Uint32(b))
	}
	return binary.BigEndian.Uint64(b)
}

func (g *gf2) encode(crc uint64) []byte {
	if g.width == 32 {
		return binary.BigEndian.AppendUint32(nil, uint32(crc))
	}
	return binary.BigEndian.AppendUint64(nil, crc)
}
