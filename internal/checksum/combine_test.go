package checksum

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

// reference computes a over data with an implementation independent of
// Algorithm.New where the standard library has one: hash/crc64 with the
// NVMe polynomial stands in for the checksum S3 and its SDKs compute.
func reference(a Algorithm, data []byte) []byte {
	switch a {
	case CRC32:
		return binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
	case CRC32C:
		return binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	case CRC64NVME:
		return binary.BigEndian.AppendUint64(nil, crc64.Checksum(data, crc64.MakeTable(polyCRC64NVME)))
	}
	panic("no reference for " + string(a))
}

func sumOf(a Algorithm, data []byte) []byte {
	h := a.New()
	h.Write(data)
	return h.Sum(nil)
}

func TestReferenceAgreesWithNew(t *testing.T) {
	data := []byte("123456789 and some more bytes to cover a few table steps")
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		if got, want := sumOf(a, data), reference(a, data); !bytes.Equal(got, want) {
			t.Errorf("%s: New() = %x, reference %x", a, got, want)
		}
	}
}

func TestCombineMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fixed := [][]int{
		{},             // no parts: checksum of nothing
		{0},            // one empty part
		{0, 0, 0},      // only empty parts
		{9},            // one part
		{1, 1},         // single bytes
		{0, 5, 0, 7},   // empty parts between real ones
		{5 << 20, 3},   // a large part then a small one
		{1, 4096, 255}, // odd sizes
	}
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		cases := append([][]int(nil), fixed...)
		for range 40 {
			sizes := make([]int, 1+rng.IntN(8))
			for i := range sizes {
				switch rng.IntN(4) {
				case 0:
					sizes[i] = 0
				case 1:
					sizes[i] = rng.IntN(16)
				default:
					sizes[i] = rng.IntN(200000)
				}
			}
			cases = append(cases, sizes)
		}
		for _, sizes := range cases {
			var all []byte
			var parts []PartSum
			for _, n := range sizes {
				p := make([]byte, n)
				for i := range p {
					p[i] = byte(rng.Uint32())
				}
				all = append(all, p...)
				parts = append(parts, PartSum{Sum: sumOf(a, p), Size: int64(n)})
			}
			got, err := Combine(a, parts)
			if err != nil {
				t.Fatalf("Combine(%s, sizes %v): %v", a, sizes, err)
			}
			if want := reference(a, all); !bytes.Equal(got, want) {
				t.Errorf("Combine(%s, sizes %v) = %x, want direct %x", a, sizes, got, want)
			}
		}
	}
}

// TestCombineLargeSizes checks sizes far beyond what can be hashed in a
// test through associativity: (A·B)·C must equal A·(B·C).
func TestCombineLargeSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		for range 20 {
			var ps [3]PartSum
			for i := range ps {
				ps[i] = PartSum{Sum: sumOf(a, []byte{byte(rng.Uint32())}), Size: rng.Int64N(1 << 62)}
			}
			ab, err := Combine(a, ps[:2])
			if err != nil {
				t.Fatal(err)
			}
			left, err := Combine(a, []PartSum{{ab, ps[0].Size + ps[1].Size}, ps[2]})
			if err != nil {
				t.Fatal(err)
			}
			bc, err := Combine(a, ps[1:])
			if err != nil {
				t.Fatal(err)
			}
			// Prepending A to B·C shifts A by len(B)+len(C).
			right, err := Combine(a, []PartSum{ps[0], {bc, ps[1].Size + ps[2].Size}})
			if err != nil {
				t.Fatal(err)
			}
			whole, err := Combine(a, ps[:])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(left, right) || !bytes.Equal(left, whole) {
				t.Errorf("%s sizes %d,%d,%d: (AB)C=%x A(BC)=%x ABC=%x", a,
					ps[0].Size, ps[1].Size, ps[2].Size, left, right, whole)
			}
		}
	}
}

func TestCombineErrors(t *testing.T) {
	tests := []struct {
		name  string
		alg   Algorithm
		parts []PartSum
		want  error
	}{
		{"sha256", SHA256, nil, ErrNotCombinable},
		{"sha1", SHA1, []PartSum{{make([]byte, 20), 1}}, ErrNotCombinable},
		{"short sum", CRC32, []PartSum{{make([]byte, 3), 1}}, ErrBadPartSum},
		{"crc32 sum for crc64", CRC64NVME, []PartSum{{make([]byte, 4), 1}}, ErrBadPartSum},
		{"negative size", CRC32C, []PartSum{{make([]byte, 4), -1}}, ErrBadPartSum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Combine(tt.alg, tt.parts); !errors.Is(err, tt.want) {
				t.Errorf("Combine() = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCompositeSum(t *testing.T) {
	parts := [][]byte{[]byte("part one"), []byte("second part"), {}}
	for _, a := range Algorithms {
		var sums [][]byte
		var concat []byte
		for _, p := range parts {
			s := sumOf(a, p)
			sums = append(sums, s)
			concat = append(concat, s...)
		}
		got := CompositeSum(a, sums)
		if len(got) != a.Size() {
			t.Errorf("CompositeSum(%s) has %d bytes, want %d", a, len(got), a.Size())
		}
		if a.IsCRC() {
			if want := reference(a, concat); !bytes.Equal(got, want) {
				t.Errorf("CompositeSum(%s) = %x, want %x", a, got, want)
			}
		}
	}
	// The checksum of the part checksums, not of the data.
	if bytes.Equal(CompositeSum(CRC32, [][]byte{sumOf(CRC32, []byte("ab"))}), sumOf(CRC32, []byte("ab"))) {
		t.Errorf("CompositeSum of one part equals the part's checksum; it must hash the checksum")
	}
}
