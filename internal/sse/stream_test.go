package sse

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// sizes are plaintext sizes around package boundaries.
var sizes = []int64{0, 1, 2, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2*ChunkSize - 1, 2 * ChunkSize, 2*ChunkSize + 1, 5*ChunkSize + 17}

func newKey(t testing.TB) *DataKey {
	t.Helper()
	k, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func plaintext(n int64, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// encryptWriter encrypts p with NewWriter.
func encryptWriter(t testing.TB, key *DataKey, p []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	// Odd write sizes cross package boundaries at every alignment.
	for rest := p; len(rest) > 0; {
		n := min(len(rest), 1+len(rest)%7919)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// encryptOneWrite encrypts p with a single Write.
func encryptOneWrite(t testing.TB, key *DataKey, p []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decrypt reads [off, off+n) of c and returns what it read and the error.
func decrypt(key *DataKey, c []byte, size, off, n int64) ([]byte, error) {
	r, err := DecryptRange(bytes.NewReader(c), key, size, off, n)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// decryptCopy is decrypt through io.Copy, which uses the reader's WriteTo.
func decryptCopy(key *DataKey, c []byte, size, off, n int64) ([]byte, error) {
	r, err := DecryptRange(bytes.NewReader(c), key, size, off, n)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, r)
	return buf.Bytes(), err
}

func TestSizes(t *testing.T) {
	tests := []struct{ plain, stored int64 }{
		{0, 0},
		{1, 33},
		{ChunkSize - 1, ChunkSize - 1 + 32},
		{ChunkSize, ChunkSize + 32},
		{ChunkSize + 1, ChunkSize + 32 + 33},
		{3 * ChunkSize, 3 * (ChunkSize + 32)},
		{5 << 40, 5<<40 + 32*(5<<40/ChunkSize)},
		{MaxSize, MaxSize + 32<<32},
	}
	for _, tt := range tests {
		if got := EncryptedSize(tt.plain); got != tt.stored {
			t.Errorf("EncryptedSize(%d) = %d, want %d", tt.plain, got, tt.stored)
		}
		if got, err := DecryptedSize(tt.stored); err != nil || got != tt.plain {
			t.Errorf("DecryptedSize(%d) = %d, %v, want %d", tt.stored, got, err, tt.plain)
		}
	}
	for _, n := range []int64{-1, MaxSize + 1} {
		if got := EncryptedSize(n); got != -1 {
			t.Errorf("EncryptedSize(%d) = %d, want -1", n, got)
		}
	}
	for _, n := range []int64{-1, 1, 32, ChunkSize + 32 + 1, ChunkSize + 32 + 32, EncryptedSize(MaxSize) + 1} {
		if got, err := DecryptedSize(n); !errors.Is(err, ErrNotAuthentic) {
			t.Errorf("DecryptedSize(%d) = %d, %v, want ErrNotAuthentic", n, got, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, size := range sizes {
		p := plaintext(size, 1)
		key := newKey(t)
		for name, enc := range map[string]func(testing.TB, *DataKey, []byte) []byte{
			"writer": encryptWriter, "one write": encryptOneWrite,
		} {
			c := enc(t, key, p)
			if int64(len(c)) != EncryptedSize(size) {
				t.Errorf("%s: %d bytes encrypt to %d, EncryptedSize says %d", name, size, len(c), EncryptedSize(size))
			}
			if size >= 16 && bytes.Contains(c, p[:16]) {
				t.Errorf("%s: %d bytes: plaintext visible in ciphertext", name, size)
			}
			r, err := Decrypt(bytes.NewReader(c), key, size)
			if err != nil {
				t.Fatalf("%s: Decrypt(%d bytes): %v", name, size, err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, p) {
				t.Errorf("%s: round trip of %d bytes: got %d bytes, %v", name, size, len(got), err)
			}
		}
	}
}

// TestWriterDoesNotCloseDst checks that Close leaves the destination to
// its owner (a blob writer commits or aborts it).
func TestWriterDoesNotCloseDst(t *testing.T) {
	dst := &closeRecorder{}
	w, err := NewWriter(dst, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if dst.closed {
		t.Error("Close closed the destination")
	}
}

// TestWriterErrors checks that an error from the destination sticks, and
// that a write after Close is an error rather than a panic.
func TestWriterErrors(t *testing.T) {
	boom := errors.New("disk full")
	w, err := NewWriter(failWriter{boom}, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 3*ChunkSize)); !errors.Is(err, boom) {
		t.Fatalf("Write to a failing destination: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Errorf("second Write: %v, want the first error", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close: %v, want the first error", err)
	}

	w, _ = NewWriter(io.Discard, newKey(t))
	w.Write([]byte("x"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("y")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// TestDecryptSourceError checks that a read error of the stored stream
// reaches the caller as itself, not as a forgery.
func TestDecryptSourceError(t *testing.T) {
	key := newKey(t)
	c := encryptWriter(t, key, plaintext(2*ChunkSize, 3))
	boom := errors.New("i/o error")
	r, err := Decrypt(failAt{bytes.NewReader(c), packageSize, boom}, key, 2*ChunkSize)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if !errors.Is(err, boom) || errors.Is(err, ErrNotAuthentic) || len(got) > ChunkSize {
		t.Errorf("read with a failing source: %d bytes, %v", len(got), err)
	}
}

// failAt fails every read that reaches offset at.
type failAt struct {
	*bytes.Reader
	at  int64
	err error
}

func (f failAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.at {
		return 0, f.err
	}
	return f.Reader.ReadAt(p, off)
}

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestMapRange(t *testing.T) {
	const size = 3*ChunkSize + 100
	tests := []struct {
		name    string
		off, n  int64
		want    Span
		wantErr bool
	}{
		{"empty", 5, 0, Span{}, false},
		{"empty at end", size, 0, Span{}, false},
		{"first byte", 0, 1, Span{Offset: 0, Length: packageSize, Seq: 0}, false},
		{"last byte of first chunk", ChunkSize - 1, 1, Span{Length: packageSize, Skip: ChunkSize - 1}, false},
		{"across first boundary", ChunkSize - 1, 2, Span{Length: 2 * packageSize, Skip: ChunkSize - 1}, false},
		{"second chunk", ChunkSize, ChunkSize, Span{Offset: packageSize, Length: packageSize, Seq: 1}, false},
		{"tail", 3 * ChunkSize, 100, Span{Offset: 3 * packageSize, Length: 132, Seq: 3, Last: true}, false},
		{"inside tail", 3*ChunkSize + 10, 10, Span{Offset: 3 * packageSize, Length: 132, Seq: 3, Skip: 10}, false},
		{"whole", 0, size, Span{Length: 3*packageSize + 132, Last: true}, false},
		{"past end", size - 1, 2, Span{}, true},
		{"offset past end", size + 1, 0, Span{}, true},
		{"negative offset", -1, 1, Span{}, true},
		{"negative length", 0, -1, Span{}, true},
	}
	for _, tt := range tests {
		got, err := MapRange(size, tt.off, tt.n)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: MapRange(%d, %d, %d) = %+v, %v, want %+v (error %v)", tt.name, size, tt.off, tt.n, got, err, tt.want, tt.wantErr)
		}
		if tt.wantErr && !errors.Is(err, ErrInvalidRange) {
			t.Errorf("%s: error %v is not ErrInvalidRange", tt.name, err)
		}
	}
}

// TestDecryptRangeBoundaries reads ranges that start and end at, before and
// after every package boundary.
func TestDecryptRangeBoundaries(t *testing.T) {
	const size = 4*ChunkSize + 1000
	p := plaintext(size, 2)
	key := newKey(t)
	c := encryptWriter(t, key, p)
	var points []int64
	for b := int64(0); b <= size; b += ChunkSize {
		for _, d := range []int64{-1, 0, 1} {
			if x := b + d; x >= 0 && x <= size {
				points = append(points, x)
			}
		}
	}
	points = append(points, size-1, size)
	for _, from := range points {
		for _, to := range points {
			if to < from {
				continue
			}
			for _, dec := range []func(*DataKey, []byte, int64, int64, int64) ([]byte, error){decrypt, decryptCopy} {
				got, err := dec(key, c, size, from, to-from)
				if err != nil || !bytes.Equal(got, p[from:to]) {
					t.Errorf("DecryptRange(%d, %d): %d bytes, %v; want %d bytes", from, to-from, len(got), err, to-from)
				}
			}
		}
	}
}

func TestDecryptRangeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		size := r.Int64N(6 * ChunkSize)
		p := plaintext(size, uint64(i))
		key := newKey(t)
		c := encryptOneWrite(t, key, p)
		off := r.Int64N(size + 1)
		n := r.Int64N(size - off + 1)
		for _, dec := range []func(*DataKey, []byte, int64, int64, int64) ([]byte, error){decrypt, decryptCopy} {
			got, err := dec(key, c, size, off, n)
			if err != nil || !bytes.Equal(got, p[off:off+n]) {
				t.Fatalf("size %d: DecryptRange(%d, %d): %d bytes, %v", size, off, n, len(got), err)
			}
		}
	}
}

// TestDecryptSmallReads reads through a range a few bytes at a time, so
// that skipping and the end check happen inside buffered packages.
func TestDecryptSmallReads(t *testing.T) {
	const size = 2*ChunkSize + 5
	p := plaintext(size, 5)
	key := newKey(t)
	c := encryptWriter(t, key, p)
	for _, rg := range [][2]int64{{0, size}, {ChunkSize - 3, 10}, {1, size - 1}} {
		r, err := DecryptRange(bytes.NewReader(c), key, size, rg[0], rg[1])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(io.LimitReader(smallReader{r}, rg[1]+10))
		if err != nil || !bytes.Equal(got, p[rg[0]:rg[0]+rg[1]]) {
			t.Errorf("range %v in 3-byte reads: %d bytes, %v", rg, len(got), err)
		}
	}
}

type smallReader struct{ r io.Reader }

func (s smallReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), 3)]) }
