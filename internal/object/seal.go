package object

import (
	"errors"
	"io"
	"sync"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/sse"
)

// sealBuffers are the buffers sealingWriter reads bodies through: four
// packages of plaintext each, so that the encrypting writer seals whole
// packages straight from them.
var sealBuffers = sync.Pool{New: func() any { b := make([]byte, sealBufferSize); return &b }}

const sealBufferSize = 4 * sse.ChunkSize

// sealDepth is how many of them one upload reads through. With two, the
// next fills from the socket and is encrypted while the last is still
// being hashed.
const sealDepth = 2

// sealingWriter hashes the plaintext and hands it to the encrypting
// writer w. size is the body's length.
type sealingWriter struct {
	h    *checksum.Hasher
	w    io.Writer
	size int64
}

func (sw sealingWriter) Write(p []byte) (int, error) {
	sw.h.Write(p)
	return sw.w.Write(p)
}

// ReadFrom reads r to EOF through sealDepth pooled buffers. Each buffer is
// hashed on a goroutine of the upload's own while this one encrypts it and
// then reads the next. Done one after the other, the three are a chain the
// upload waits through: MD5 cannot be split within a stream, and a lane of
// md5lanes hashes one at a fraction of a core's speed, so an upload that
// waits for its hash before reading on leaves the CPU and the disk idle.
// The hash is complete when ReadFrom returns. A body that fits in one
// buffer has nothing to overlap, and is copied through one buffer on this
// goroutine: small uploads, many at once, then hold no more memory and
// start no goroutine.
func (sw sealingWriter) ReadFrom(r io.Reader) (int64, error) {
	if sw.size <= sealBufferSize {
		bp := sealBuffers.Get().(*[]byte)
		defer sealBuffers.Put(bp)
		return io.CopyBuffer(struct{ io.Writer }{sw}, r, *bp)
	}
	return sw.readPipelined(r)
}

// readPipelined is ReadFrom for a body longer than one buffer.
func (sw sealingWriter) readPipelined(r io.Reader) (int64, error) {
	var bufs [sealDepth]*[]byte
	for i := range bufs {
		bufs[i] = sealBuffers.Get().(*[]byte)
	}
	// hashed holds a token for every buffer no hash is reading.
	hashed := make(chan struct{}, sealDepth)
	for range sealDepth {
		hashed <- struct{}{}
	}
	parts := make(chan []byte, sealDepth)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := range parts {
			sw.h.Write(p)
			hashed <- struct{}{}
		}
	}()
	defer func() {
		close(parts)
		<-done
		for _, b := range bufs {
			sealBuffers.Put(b)
		}
	}()
	var total int64
	for i := 0; ; i = (i + 1) % sealDepth {
		<-hashed // buffers are hashed in turn: this one is free now
		b := *bufs[i]
		n, err := fill(r, b)
		if n > 0 {
			parts <- b[:n]
			if _, werr := sw.w.Write(b[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// fill reads from r until b is full or r fails, returning r's error as is
// (io.ReadFull would turn a short EOF into io.ErrUnexpectedEOF, which a
// body reader may return itself for a truncated body).
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
