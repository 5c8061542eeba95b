package sse

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestWriteAhead_roundTrip reads long ranges through io.Copy (WriteTo,
// which decrypts ahead) at offsets inside and at package boundaries.
func TestWriteAhead_roundTrip(t *testing.T) {
	key := newKey(t)
	const size = 20*ChunkSize + 123
	p := plaintext(size, 7)
	c := encryptOneWrite(t, key, p)
	for _, rg := range [][2]int64{{0, size}, {1, size - 1}, {ChunkSize, 9 * ChunkSize}, {ChunkSize - 1, 5*ChunkSize + 2}, {3, 4*ChunkSize + 1}} {
		got, err := decryptCopy(key, c, size, rg[0], rg[1])
		if err != nil || !bytes.Equal(got, p[rg[0]:rg[0]+rg[1]]) {
			t.Errorf("range %v: %d bytes, %v; want the plaintext", rg, len(got), err)
		}
	}
}

// TestWriteAhead_authenticBeforeWritten: with package 9 of 20 changed,
// the copy writes exactly the eight packages before it, whatever the
// decrypting goroutine had read ahead, and fails with ErrNotAuthentic.
func TestWriteAhead_authenticBeforeWritten(t *testing.T) {
	key := newKey(t)
	const size = 20 * ChunkSize
	p := plaintext(size, 8)
	c := encryptOneWrite(t, key, p)
	c[8*packageSize+100] ^= 1
	r, err := Decrypt(bytes.NewReader(c), key, size)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := io.Copy(&out, r)
	if !errors.Is(err, ErrNotAuthentic) {
		t.Fatalf("io.Copy error = %v, want ErrNotAuthentic", err)
	}
	if n != 8*ChunkSize || !bytes.Equal(out.Bytes(), p[:8*ChunkSize]) {
		t.Errorf("wrote %d bytes before the damaged package, want exactly the %d before it", n, 8*ChunkSize)
	}
}

// shortWriter fails once it has taken limit bytes.
type shortWriter struct {
	limit, got int
}

var errWriterFull = errors.New("writer full")

func (w *shortWriter) Write(p []byte) (int, error) {
	if w.got+len(p) > w.limit {
		n := w.limit - w.got
		w.got = w.limit
		return n, errWriterFull
	}
	w.got += len(p)
	return len(p), nil
}

// TestWriteAhead_writeError: a failing write ends the copy with its error
// (the decrypting goroutine has ended: the package's leak check runs
// after the tests), and the reader, whose position is past what was
// written, refuses further reads instead of skipping bytes.
func TestWriteAhead_writeError(t *testing.T) {
	key := newKey(t)
	const size = 30 * ChunkSize
	c := encryptOneWrite(t, key, plaintext(size, 9))
	r, err := Decrypt(bytes.NewReader(c), key, size)
	if err != nil {
		t.Fatal(err)
	}
	w := &shortWriter{limit: 5*ChunkSize + 10}
	n, err := io.Copy(w, r)
	if !errors.Is(err, errWriterFull) || n != int64(w.limit) {
		t.Errorf("io.Copy = %d, %v; want %d, the write error", n, err, w.limit)
	}
	if m, err := r.Read(make([]byte, 10)); m != 0 || err == nil {
		t.Errorf("Read after a failed write = %d, %v; want an error", m, err)
	}
}
