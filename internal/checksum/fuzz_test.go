package checksum

import (
	"bytes"
	"testing"
)

// FuzzCombine splits arbitrary data at arbitrary points and checks that the
// combined part CRCs equal the CRC of the whole, for every CRC algorithm.
func FuzzCombine(f *testing.F) {
	f.Add([]byte("123456789"), []byte{3, 0, 4})
	f.Add([]byte{}, []byte{})
	f.Add(bytes.Repeat([]byte{0xff}, 300), []byte{255, 1, 0, 44})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
			var parts []PartSum
			rest := data
			for _, c := range cuts {
				n := min(int(c), len(rest))
				parts = append(parts, PartSum{Sum: sumOf(a, rest[:n]), Size: int64(n)})
				rest = rest[n:]
			}
			parts = append(parts, PartSum{Sum: sumOf(a, rest), Size: int64(len(rest))})
			got, err := Combine(a, parts)
			if err != nil {
				t.Fatalf("Combine(%s): %v", a, err)
			}
			if want := reference(a, data); !bytes.Equal(got, want) {
				t.Errorf("Combine(%s) over cuts %v = %x, want %x", a, cuts, got, want)
			}
		}
	})
}
