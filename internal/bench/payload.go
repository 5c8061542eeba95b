package bench

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
)

// blockSize is the length of the shared pseudo-random block every object's
// content is cut from. It is large enough that a server compressing or
// deduplicating within a few megabytes gains nothing.
const blockSize = 4 << 20

// blockSeed makes the block identical in every run, so objects kept with
// --keep can be verified by a later run that derives the same key names.
var blockSeed = [32]byte{'c', 'o', 'f', 'f', 'e', 'r', ' ', 'b', 'e', 'n', 'c', 'h'}

// errVerify is wrapped when a GET or HEAD returns something other than what
// was uploaded under that key, or a listing other than the keys uploaded.
var errVerify = errors.New("bench: response does not match what was uploaded")

// newBlock returns the shared pseudo-random block.
func newBlock() []byte {
	b := make([]byte, blockSize)
	r := rand.NewChaCha8(blockSeed)
	_, _ = r.Read(b) // ChaCha8.Read never fails
	return b
}

// contentStart returns where in the block the content of key begins. Object
// content is the block read cyclically from there, so it is a pure function of
// the key and needs no per-object storage to verify.
func contentStart(key string) int64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, key)
	return int64(h.Sum64() % blockSize)
}

// patternReader streams size bytes of the block, starting at offset start and
// wrapping around. It implements io.Seeker so the SDK can learn the length and
// rewind, and io.WriterTo so the transport can write straight from the block.
type patternReader struct {
	block []byte
	start int64
	size  int64
	pos   int64
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	off := (r.start + r.pos) % int64(len(r.block))
	want := min(int64(len(p)), r.size-r.pos)
	n := copy(p[:want], r.block[off:])
	r.pos += int64(n)
	return n, nil
}

func (r *patternReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for r.pos < r.size {
		off := (r.start + r.pos) % int64(len(r.block))
		chunk := r.block[off:min(int64(len(r.block)), off+r.size-r.pos)]
		n, err := w.Write(chunk)
		r.pos += int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (r *patternReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.pos + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, fmt.Errorf("bench: seek whence %d", whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("bench: seek to negative offset %d", abs)
	}
	r.pos = abs
	return abs, nil
}

// verifyBody reads body to the end and checks it is exactly size bytes of the
// block starting at start. buf is scratch space owned by the caller, so
// verification allocates nothing. It returns the number of bytes read.
func verifyBody(body io.Reader, block []byte, start, size int64, buf []byte) (int64, error) {
	var n int64
	match := true
	for {
		m, err := body.Read(buf)
		got := buf[:m]
		for len(got) > 0 && match {
			if n >= size {
				match = false
				break
			}
			off := (start + n) % int64(len(block))
			want := block[off:min(int64(len(block)), off+size-n)]
			k := min(len(want), len(got))
			if !bytes.Equal(got[:k], want[:k]) {
				match = false
				break
			}
			got = got[k:]
			n += int64(k)
		}
		if !match {
			n += int64(len(got))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
	}
	if n != size {
		return n, fmt.Errorf("%w: got %d bytes, want %d", errVerify, n, size)
	}
	if !match {
		return n, fmt.Errorf("%w: content differs", errVerify)
	}
	return n, nil
}
