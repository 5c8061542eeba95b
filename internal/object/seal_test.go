package object

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob/blobtest"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/sse"
)

// TestSealingWriter_readFrom checks that ReadFrom hands every byte, in
// order, to both the hash and the writer, for sizes around the buffer
// boundaries: up to one buffer copied in place, beyond it pipelined.
func TestSealingWriter_readFrom(t *testing.T) {
	buf := 4 * sse.ChunkSize
	for _, size := range []int{0, 1, buf - 1, buf, buf + 1, 2 * buf, 3*buf + 17, 9*buf + 5} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(size), 1))
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			h := checksum.NewHasher(checksum.CRC64NVME)
			var out bytes.Buffer
			n, err := sealingWriter{h: h, w: &out, size: int64(size)}.ReadFrom(&blobtest.ChunkyReader{Data: data, Rng: rng, Max: 3 * sse.ChunkSize})
			if err != nil || n != int64(size) {
				t.Fatalf("ReadFrom = %d, %v; want %d, nil", n, err, size)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatal("the writer did not get the body as sent")
			}
			if want := md5.Sum(data); !bytes.Equal(h.MD5(), want[:]) {
				t.Fatalf("MD5 %x, want %x", h.MD5(), want)
			}
			want := checksum.NewHasher(checksum.CRC64NVME)
			want.Write(data)
			if !bytes.Equal(h.Sum(checksum.CRC64NVME), want.Sum(checksum.CRC64NVME)) {
				t.Fatal("CRC64NVME differs")
			}
		})
	}
}

// TestSealingWriter_errors checks that a body's own error, even
// io.ErrUnexpectedEOF, comes back as is rather than as a clean end, and
// that a failed write stops the copy; neither may leave the hash running.
func TestSealingWriter_errors(t *testing.T) {
	buf := 4 * sse.ChunkSize
	for _, size := range []int{buf / 2, 2*buf + 9} { // one buffer, pipelined
		data := make([]byte, size)
		for _, want := range []error{io.ErrUnexpectedEOF, errors.New("connection reset")} {
			h := checksum.NewHasher()
			src := &blobtest.ChunkyReader{Data: data, Rng: rand.New(rand.NewPCG(1, 2)), Max: 3 * sse.ChunkSize, Err: want}
			n, err := sealingWriter{h: h, w: io.Discard, size: int64(size + 1)}.ReadFrom(src)
			if !errors.Is(err, want) || n != int64(len(data)) {
				t.Errorf("%d bytes: ReadFrom = %d, %v; want %d, %v", size, n, err, len(data), want)
			}
		}
	}
	failing := errors.New("disk full")
	w := &failAfter{n: buf + 1, err: failing}
	_, err := sealingWriter{h: checksum.NewHasher(), w: w, size: 5 * int64(buf)}.ReadFrom(bytes.NewReader(make([]byte, 5*buf)))
	if !errors.Is(err, failing) {
		t.Fatalf("ReadFrom = %v, want %v", err, failing)
	}
	if w.calls > 2 {
		t.Fatalf("%d writes after the failure", w.calls-2)
	}
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct {
	n, calls int
	err      error
}

func (f *failAfter) Write(p []byte) (int, error) {
	f.calls++
	if len(p) > f.n {
		m := f.n
		f.n = 0
		return m, f.err
	}
	f.n -= len(p)
	return len(p), nil
}
