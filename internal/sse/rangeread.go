package sse

import (
	"fmt"
	"io"
	"sync"

	"github.com/minio/sio"
)

// Ciphertext is a stored stream: blob.Reader, *bytes.Reader and
// *io.SectionReader satisfy it.
type Ciphertext interface {
	io.ReaderAt
	// Size is the stored stream's length in bytes.
	Size() int64
}

// Span says which stored bytes hold a plaintext range and how to decrypt
// them.
type Span struct {
	// Offset and Length are the stored bytes to read: whole packages.
	Offset, Length int64
	// Seq is the sequence number of the first package read.
	Seq uint32
	// Skip is how many bytes of the first decrypted package come before
	// the range.
	Skip int64
	// Last is true when the range ends where the plaintext ends, so the
	// span's last package must be the stream's final one.
	Last bool
}

// MapRange maps the plaintext range [off, off+n) of an object of size
// plaintext bytes to the stored packages that hold it. An empty range
// (n == 0, off <= size) maps to an empty Span.
func MapRange(size, off, n int64) (Span, error) {
	if size < 0 || size > MaxSize || off < 0 || n < 0 || off > size || n > size-off {
		return Span{}, fmt.Errorf("%w: [%d, +%d) of %d bytes", ErrInvalidRange, off, n, size)
	}
	if n == 0 {
		return Span{}, nil
	}
	first, last := off/ChunkSize, (off+n-1)/ChunkSize
	start := first * packageSize
	end := min((last+1)*packageSize, EncryptedSize(size))
	return Span{
		Offset: start,
		Length: end - start,
		Seq:    uint32(first),
		Skip:   off - first*ChunkSize,
		Last:   off+n == size,
	}, nil
}

// Decrypt returns a reader of the whole plaintext of src, an object of
// size plaintext bytes encrypted under key. See DecryptRange.
func Decrypt(src Ciphertext, key *DataKey, size int64) (io.Reader, error) {
	return DecryptRange(src, key, size, 0, size)
}

// DecryptRange returns a reader of the plaintext bytes [off, off+n) of src,
// an object of size plaintext bytes encrypted under key. It reads and
// authenticates only the packages that hold the range. It fails at once
// with ErrNotAuthentic when src's length is not that of size plaintext
// bytes; the reader fails with ErrNotAuthentic at the first package that
// does not authenticate, having returned only authentic bytes before it,
// and keeps failing afterwards. size comes from the object's record, never
// from the stored stream.
func DecryptRange(src Ciphertext, key *DataKey, size, off, n int64) (io.Reader, error) {
	sp, err := MapRange(size, off, n)
	if err != nil {
		return nil, err
	}
	if got, want := src.Size(), EncryptedSize(size); got != want {
		return nil, fmt.Errorf("%w: stream of %d bytes, want %d for %d plaintext bytes", ErrNotAuthentic, got, want, size)
	}
	if n == 0 {
		return eofReader{}, nil
	}
	r, err := sio.DecryptReader(io.NewSectionReader(src, sp.Offset, sp.Length), config(key, sp.Seq))
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	return &decReader{r: r, skip: sp.Skip, left: n, last: sp.Last}, nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// decReader skips the bytes before the range, stops at its end, checks that
// a range that reaches the end of the stream saw the final package, and
// makes the first error sticky (sio's reader does not always).
type decReader struct {
	r    io.Reader
	skip int64
	left int64
	last bool
	err  error
}

func (d *decReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.skip > 0 {
		if _, err := io.CopyN(io.Discard, d.r, d.skip); err != nil {
			return 0, d.fail(err)
		}
		d.skip = 0
	}
	if d.left == 0 {
		return 0, d.end()
	}
	if int64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.r.Read(p)
	d.left -= int64(n)
	if err == io.EOF && d.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && err != io.EOF {
		return n, d.fail(err)
	}
	if d.left == 0 {
		return n, d.end()
	}
	return n, nil
}

// end is called once the range is read. When it reaches the end of the
// stream, one more read must find EOF, which sio reports only after the
// final package.
func (d *decReader) end() error {
	if d.last {
		var one [1]byte
		if n, err := d.r.Read(one[:]); n != 0 || err != io.EOF {
			if err == nil || err == io.EOF {
				err = fmt.Errorf("%w: data after the plaintext", ErrNotAuthentic)
			}
			return d.fail(err)
		}
	}
	d.err = io.EOF
	return io.EOF
}

// copyBuffers are WriteTo's buffers: four packages of plaintext.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 4*ChunkSize); return &b }}

// WriteTo lets io.Copy (and so net/http's response copy) read whole
// packages at a time: given a buffer of a package or more, sio decrypts
// straight into it instead of into its own buffer and copying from there,
// which the 32 KiB buffers of io.Copy would otherwise cause. A range
// longer than one buffer is decrypted ahead (writeAhead).
func (d *decReader) WriteTo(w io.Writer) (int64, error) {
	if d.err == nil && d.skip+d.left > 4*ChunkSize {
		return d.writeAhead(w)
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	var total int64
	for {
		n, err := d.Read(*bp)
		if n > 0 {
			m, werr := w.Write((*bp)[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// decrypted is one buffer of plaintext writeAhead's decrypter filled, and
// the error of the Read that filled it.
type decrypted struct {
	bp  *[]byte
	n   int
	err error
}

// aheadBuffers is how many buffers writeAhead cycles: one being written
// while the next is decrypted.
const aheadBuffers = 2

// writeAhead is WriteTo for a long range: a goroutine reads and decrypts
// the next buffer while the current one is written to w, so that reading
// and decrypting overlap with the write (a network send). Every byte
// written has been authenticated first: the decrypting goroutine hands
// over only what Read returned, which sio opens package by package, and
// an error is handed over after the bytes before it, in order. The
// goroutine has ended when writeAhead returns. After a failed write the
// reader is unusable (its position is past what was written).
func (d *decReader) writeAhead(w io.Writer) (int64, error) {
	free := make(chan *[]byte, aheadBuffers)
	full := make(chan decrypted, aheadBuffers)
	stop := make(chan struct{})
	for range aheadBuffers {
		free <- copyBuffers.Get().(*[]byte)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(full)
		for {
			var bp *[]byte
			select {
			case bp = <-free:
			case <-stop:
				return
			}
			n, err := d.Read(*bp)
			full <- decrypted{bp: bp, n: n, err: err} // never blocks: full holds every buffer
			if err != nil {
				return
			}
		}
	})
	var (
		total int64
		werr  error
	)
	defer func() {
		close(stop)
		wg.Wait()
		for f := range full {
			copyBuffers.Put(f.bp)
		}
		for range len(free) {
			copyBuffers.Put(<-free)
		}
		if werr != nil {
			d.err = werr
		}
	}()
	for f := range full {
		if f.n > 0 {
			var m int
			m, werr = w.Write((*f.bp)[:f.n])
			total += int64(m)
		}
		free <- f.bp // never blocks: free holds every buffer
		switch {
		case werr != nil:
			return total, werr
		case f.err == io.EOF:
			return total, nil
		case f.err != nil:
			return total, f.err
		}
	}
	return total, nil // not reached: the goroutine ends after an error or EOF
}

func (d *decReader) fail(err error) error {
	d.err = notAuthentic(err)
	return d.err
}
