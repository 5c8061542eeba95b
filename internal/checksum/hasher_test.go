package checksum

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func TestHasherKnownVectors(t *testing.T) {
	// Check values from the CRC catalogue (reveng) and the RFCs: the
	// standard "123456789" input and the empty input.
	tests := []struct {
		input string
		alg   Algorithm // "" for MD5
		want  string
	}{
		{"123456789", "", "25f9e794323b453885f5181f1b624d0b"},
		{"123456789", CRC32, "cbf43926"},
		{"123456789", CRC32C, "e3069283"},
		{"123456789", CRC64NVME, "ae8b14860a799888"},
		{"123456789", SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"},
		{"123456789", SHA256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"},
		{"", "", "d41d8cd98f00b204e9800998ecf8427e"},
		{"", CRC32, "00000000"},
		{"", CRC32C, "00000000"},
		{"", CRC64NVME, "0000000000000000"},
		{"", SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		h := NewHasher(Algorithms...)
		h.Write([]byte(tt.input))
		got := h.MD5()
		name := "MD5"
		if tt.alg != "" {
			got, name = h.Sum(tt.alg), string(tt.alg)
		}
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s(%q) = %x, want %s", name, tt.input, got, tt.want)
		}
	}
}

func TestHasherStreamingMatchesOneShot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 1<<20+123)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	whole := NewHasher(Algorithms...)
	whole.Write(data)

	pieces := NewHasher(Algorithms...)
	for rest := data; len(rest) > 0; {
		n := min(len(rest), rng.IntN(70000))
		pieces.Write(rest[:n])
		rest = rest[n:]
	}
	if !bytes.Equal(whole.MD5(), pieces.MD5()) {
		t.Errorf("MD5 streamed = %x, one shot %x", pieces.MD5(), whole.MD5())
	}
	for _, a := range Algorithms {
		direct := a.New()
		direct.Write(data)
		if got, want := pieces.Sum(a), direct.Sum(nil); !bytes.Equal(got, want) {
			t.Errorf("%s streamed = %x, want %x", a, got, want)
		}
	}
}

func TestHasherSubset(t *testing.T) {
	h := NewHasher(CRC32C, CRC32C, SHA1)
	h.Write([]byte("abc"))
	if got := h.Algorithms(); len(got) != 2 || got[0] != CRC32C || got[1] != SHA1 {
		t.Errorf("Algorithms() = %v, want [CRC32C SHA1]", got)
	}
	if got := h.Sum(CRC64NVME); got != nil {
		t.Errorf("Sum(CRC64NVME) on a Hasher without it = %x, want nil", got)
	}
	if got := h.Sum(SHA1); hex.EncodeToString(got) != "a9993e364706816aba3e25717850c26c9cd0d89d" {
		t.Errorf("Sum(SHA1) of abc = %x", got)
	}
	// Sum does not finalise: more writes keep extending the checksums.
	h.Write([]byte("def"))
	direct := SHA1.New()
	direct.Write([]byte("abcdef"))
	if got := h.Sum(SHA1); !bytes.Equal(got, direct.Sum(nil)) {
		t.Errorf("Sum(SHA1) after more writes = %x, want %x", got, direct.Sum(nil))
	}
}

func TestHasherWriteDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under the race detector")
	}
	h := NewHasher(Algorithms...)
	buf := make([]byte, 64<<10)
	if n := testing.AllocsPerRun(20, func() { h.Write(buf) }); n != 0 {
		t.Errorf("Write allocated %v times per call, want 0", n)
	}
}

// BenchmarkHasher measures MD5 + CRC64NVME, the default upload pair, on
// 1 MiB writes.
func BenchmarkHasher(b *testing.B) {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	h := NewHasher(CRC64NVME)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		h.Write(buf)
	}
}
