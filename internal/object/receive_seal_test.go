package object

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/sse"
)

// TestSealingWriter_readFrom: whatever sizes the body's reads return,
// sealingWriter passes every byte on in order and hashes exactly those
// bytes, with either buffer size.
func TestSealingWriter_readFrom(t *testing.T) {
	for _, n := range []int{0, 1, 4 * sse.ChunkSize, 4*sse.ChunkSize + 1, 16*sse.ChunkSize + 5, 40*sse.ChunkSize + 3} {
		body := randomBody(uint64(n), n)
		for name, r := range map[string]io.Reader{
			"whole":   bytes.NewReader(body),
			"oneByte": iotest.OneByteReader(bytes.NewReader(body)),
			"half":    iotest.HalfReader(bytes.NewReader(body)),
		} {
			if name == "oneByte" && n > 5*sse.ChunkSize {
				continue // slow and no different
			}
			var out bytes.Buffer
			h := checksum.NewHasher(checksum.CRC32)
			got, err := sealingWriter{h: h, w: &out, size: int64(n)}.ReadFrom(r)
			if err != nil || got != int64(n) || !bytes.Equal(out.Bytes(), body) {
				t.Errorf("%d bytes, %s: ReadFrom = %d, %v, %d bytes passed on; want %d, nil, the body", n, name, got, err, out.Len(), n)
			}
			if sum := md5.Sum(body); !bytes.Equal(h.MD5(), sum[:]) {
				t.Errorf("%d bytes, %s: MD5 %x, want %x", n, name, h.MD5(), sum)
			}
		}
	}
}

// TestSealingWriter_readError: a body that fails, even with
// io.ErrUnexpectedEOF (a connection closed early), ends ReadFrom with that
// error, after the bytes read before it were passed on.
func TestSealingWriter_readError(t *testing.T) {
	body := randomBody(3, 20*sse.ChunkSize)
	for _, want := range []error{io.ErrUnexpectedEOF, errBroken} {
		r := io.MultiReader(bytes.NewReader(body), iotest.ErrReader(want))
		var out bytes.Buffer
		got, err := sealingWriter{h: checksum.NewHasher(), w: &out, size: int64(len(body)) + 1}.ReadFrom(r)
		if !errors.Is(err, want) || got != int64(len(body)) || !bytes.Equal(out.Bytes(), body) {
			t.Errorf("ReadFrom = %d, %v with %d bytes passed on; want %d, %v", got, err, out.Len(), len(body), want)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errBroken }

// TestSealingWriter_writeError: the encrypting writer's error ends
// ReadFrom.
func TestSealingWriter_writeError(t *testing.T) {
	body := randomBody(4, 20*sse.ChunkSize)
	_, err := sealingWriter{h: checksum.NewHasher(), w: failWriter{}, size: int64(len(body))}.ReadFrom(bytes.NewReader(body))
	if !errors.Is(err, errBroken) {
		t.Errorf("ReadFrom error = %v, want the writer's", err)
	}
}
