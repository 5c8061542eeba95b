package sse

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// mustFail reads [off, off+n) of c, claimed to hold size plaintext bytes,
// and fails the test unless the read ends with ErrNotAuthentic having
// returned only a prefix of the true plaintext p[off:off+n].
func mustFail(t *testing.T, what string, key *DataKey, c []byte, size, off, n int64, p []byte) {
	t.Helper()
	for _, dec := range []func(*DataKey, []byte, int64, int64, int64) ([]byte, error){decrypt, decryptCopy} {
		got, err := dec(key, c, size, off, n)
		if !errors.Is(err, ErrNotAuthentic) {
			t.Errorf("%s: DecryptRange(%d, %d) of %d bytes: err %v, want ErrNotAuthentic", what, off, n, size, err)
		}
		if len(got) > 0 && (p == nil || off+int64(len(got)) > int64(len(p)) || !bytes.Equal(got, p[off:off+int64(len(got))])) {
			t.Errorf("%s: DecryptRange(%d, %d) returned %d bytes that are not the plaintext", what, off, n, len(got))
		}
	}
}

const tamperSize = 3*ChunkSize + 100 // packages 0..2 full, package 3 of 100 bytes

func tamperFixture(t *testing.T) (*DataKey, []byte, []byte) {
	key := newKey(t)
	p := plaintext(tamperSize, 9)
	return key, p, encryptWriter(t, key, p)
}

// flipPositions are stored offsets to corrupt: every byte of every header,
// the edges of every payload and tag, and random ones.
func flipPositions(c []byte) []int {
	var pos []int
	for start := 0; start < len(c); start += packageSize {
		end := min(start+packageSize, len(c))
		for i := 0; i < 16; i++ {
			pos = append(pos, start+i)
		}
		pos = append(pos, start+16, start+17, end-17, end-16, end-1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100; i++ {
		pos = append(pos, r.IntN(len(c)))
	}
	return pos
}

func TestTamperFlipByte(t *testing.T) {
	key, p, c := tamperFixture(t)
	for _, i := range flipPositions(c) {
		bad := slices.Clone(c)
		bad[i] ^= 0x01
		what := fmt.Sprintf("flip at %d", i)
		mustFail(t, what, key, bad, tamperSize, 0, tamperSize, p)
		// A range read of the package holding the byte fails too; one
		// that does not touch it reads authentic bytes, which is right.
		pkg := int64(i / packageSize)
		off := pkg * ChunkSize
		mustFail(t, what, key, bad, tamperSize, off, min(ChunkSize, tamperSize-off), p)
		if off+ChunkSize < tamperSize {
			// A range ending in the package before the corrupted one.
			if got, err := decrypt(key, bad, tamperSize, 0, off); err != nil || !bytes.Equal(got, p[:off]) {
				t.Errorf("%s: read of the %d bytes before it: %d bytes, %v", what, off, len(got), err)
			}
		}
	}
}

func TestTamperSwapPackages(t *testing.T) {
	key, p, c := tamperFixture(t)
	for _, pair := range [][2]int{{0, 1}, {1, 2}, {0, 2}} {
		bad := slices.Clone(c)
		a, b := bad[pair[0]*packageSize:][:packageSize], bad[pair[1]*packageSize:][:packageSize]
		tmp := slices.Clone(a)
		copy(a, b)
		copy(b, tmp)
		what := fmt.Sprintf("swap %v", pair)
		mustFail(t, what, key, bad, tamperSize, 0, tamperSize, p)
		for _, i := range pair {
			mustFail(t, what, key, bad, tamperSize, int64(i)*ChunkSize, ChunkSize, p)
		}
	}
}

// TestTamperSplice takes one package from another stream under the same
// key: each stream has its own nonce, so it does not fit.
func TestTamperSplice(t *testing.T) {
	key, p, c := tamperFixture(t)
	other := encryptWriter(t, key, p)
	bad := slices.Clone(c)
	copy(bad[packageSize:2*packageSize], other[packageSize:2*packageSize])
	mustFail(t, "splice", key, bad, tamperSize, 0, tamperSize, p)
	mustFail(t, "splice", key, bad, tamperSize, 0, 2*ChunkSize, p)
}

func TestTamperTruncate(t *testing.T) {
	key, p, c := tamperFixture(t)
	cuts := []int{0, 1, 16, 32, 33, packageSize - 1, packageSize, packageSize + 1, packageSize + 40,
		2 * packageSize, 3 * packageSize, 3*packageSize + 1, len(c) - 1}
	for _, cut := range cuts {
		bad := c[:cut]
		what := fmt.Sprintf("truncate to %d", cut)
		// The recorded size is the object's: the length check fails.
		mustFail(t, what, key, bad, tamperSize, 0, tamperSize, p)
		mustFail(t, what, key, bad, tamperSize, 0, 1, p)
		// A record changed to match the shorter stream: the last package
		// read is not the final one, or is cut short.
		if size, err := DecryptedSize(int64(cut)); err == nil && size > 0 {
			mustFail(t, what+", size matching", key, bad, size, 0, size, p)
			mustFail(t, what+", size matching, last byte", key, bad, size, size-1, 1, p)
		}
	}
}

func TestTamperAppend(t *testing.T) {
	key, p, c := tamperFixture(t)
	last := c[3*packageSize:]
	for name, extra := range map[string][]byte{
		"one byte":           {0},
		"the final package":  last,
		"a whole package":    c[:packageSize],
		"a stream's garbage": bytes.Repeat([]byte{0xff}, 100),
	} {
		bad := append(slices.Clone(c), extra...)
		mustFail(t, "append "+name, key, bad, tamperSize, 0, tamperSize, p)
		if size, err := DecryptedSize(int64(len(bad))); err == nil {
			mustFail(t, "append "+name+", size matching", key, bad, size, 0, size, p)
		}
	}
}

func TestTamperOtherObject(t *testing.T) {
	key, p, c := tamperFixture(t)
	other := encryptWriter(t, newKey(t), plaintext(tamperSize, 10))
	if len(other) != len(c) {
		t.Fatalf("other stream has %d bytes, want %d", len(other), len(c))
	}
	mustFail(t, "other object's stream", key, other, tamperSize, 0, tamperSize, p)
	for off := int64(0); off < tamperSize; off += ChunkSize {
		mustFail(t, "other object's stream", key, other, tamperSize, off, 1, p)
	}
	// One package of the other stream, at the same place.
	bad := slices.Clone(c)
	copy(bad[2*packageSize:3*packageSize], other[2*packageSize:3*packageSize])
	mustFail(t, "other object's package", key, bad, tamperSize, 0, tamperSize, p)
}

// TestDecryptErrorSticky checks that a reader that failed keeps failing,
// rather than going on to the next package.
func TestDecryptErrorSticky(t *testing.T) {
	key, _, c := tamperFixture(t)
	bad := slices.Clone(c)
	bad[20] ^= 1
	r, err := Decrypt(bytes.NewReader(bad), key, tamperSize)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	for i := 0; i < 3; i++ {
		if n, err := r.Read(buf); n != 0 || !errors.Is(err, ErrNotAuthentic) {
			t.Fatalf("read %d after failure: %d, %v", i, n, err)
		}
	}
}
