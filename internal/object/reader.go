package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coffer-s3/coffer/internal/blob"
)

// piece is one stretch of an object's bytes: a blob or inline bytes placed
// at an offset of the object.
type piece struct {
	blob   blob.ID
	inline []byte
	offset int64
	size   int64
}

// eagerPieces is how many blobs a read opens before it returns. A read
// keeps what it opened readable even if a concurrent overwrite deletes the
// blobs, so a read of up to this many parts can never fail midway; beyond
// it, blobs are opened as the stream reaches them, which bounds the open
// files of a 10,000-part object, and a part deleted by an overwrite in the
// meantime ends the stream with an error (never with wrong bytes).
const eagerPieces = 32

// copyBufferSize is the buffer WriteTo reads blob pieces through, the
// size io.Copy would use.
const copyBufferSize = 32 << 10

// openPiece is a piece that is, or will be, opened.
type openPiece struct {
	piece
	r      io.ReaderAt // nil until opened
	closer io.Closer
}

// objectReader streams the bytes [pos, end) of an object. It starts at any
// offset without reading earlier bytes.
type objectReader struct {
	pieces []openPiece
	pos    int64
	end    int64
	cur    int // index of the piece holding pos
	// open opens a blob; it carries the context of the request that
	// started the read, for blobs opened later in the stream.
	open func(blob.ID) (blob.Reader, error)
}

// openPieces prepares a reader of [start, start+length) and opens the
// first eagerPieces blobs it needs. It returns blob.ErrNotFound (wrapped)
// when one of those vanished, which means the object was replaced since its
// record was read.
func (s *Service) openPieces(ctx context.Context, ps []piece, start, length int64) (*objectReader, error) {
	r := &objectReader{pos: start, end: start + length, open: func(id blob.ID) (blob.Reader, error) {
		return s.blob.Open(ctx, id)
	}}
	for _, p := range ps {
		if p.offset+p.size <= start || p.offset >= start+length {
			continue
		}
		op := openPiece{piece: p}
		if p.blob == "" {
			op.r = bytes.NewReader(p.inline)
		}
		r.pieces = append(r.pieces, op)
	}
	for i := range r.pieces[:min(len(r.pieces), eagerPieces)] {
		if err := r.openAt(i); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// openAt opens piece i if it is not open yet.
func (r *objectReader) openAt(i int) error {
	pc := &r.pieces[i]
	if pc.r != nil {
		return nil
	}
	br, err := r.open(pc.blob)
	if err != nil {
		return fmt.Errorf("open blob %s: %w", pc.blob, err)
	}
	if br.Size() != pc.size {
		br.Close()
		return fmt.Errorf("blob %s has %d bytes, want %d: %w", pc.blob, br.Size(), pc.size, blob.ErrCorrupt)
	}
	pc.r, pc.closer = br, br
	return nil
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	if err := r.seekPiece(); err != nil {
		return 0, err
	}
	pc := r.pieces[r.cur]
	n := min(int64(len(p)), r.end-r.pos, pc.offset+pc.size-r.pos)
	m, err := pc.r.ReadAt(p[:n], r.pos-pc.offset)
	r.pos += int64(m)
	switch {
	case errors.Is(err, io.EOF) && int64(m) == n:
		err = nil
	case errors.Is(err, io.EOF) || err == nil && int64(m) < n:
		err = io.ErrUnexpectedEOF
	}
	return m, err
}

// seekPiece makes r.cur the piece holding r.pos, closing the pieces
// before it, and opens it. r.pos must be before r.end.
func (r *objectReader) seekPiece() error {
	for r.cur < len(r.pieces) && r.pieces[r.cur].offset+r.pieces[r.cur].size <= r.pos {
		if c := r.pieces[r.cur].closer; c != nil {
			c.Close() // done with it; frees the file early
			r.pieces[r.cur].closer = nil
		}
		r.cur++
	}
	if r.cur >= len(r.pieces) {
		return io.ErrUnexpectedEOF
	}
	return r.openAt(r.cur)
}

// WriteTo writes the rest of the object to w. io.Copy uses it instead of
// allocating a 32 KiB buffer per call: inline bytes are written straight
// from the record, blobs that can write themselves do so, and only other
// blob pieces go through a buffer, sized to what is left when that is
// smaller.
func (r *objectReader) WriteTo(w io.Writer) (int64, error) {
	var (
		total int64
		buf   []byte
	)
	for r.pos < r.end {
		if err := r.seekPiece(); err != nil {
			return total, err
		}
		pc := &r.pieces[r.cur]
		if pc.blob == "" {
			stop := min(r.end, pc.offset+pc.size)
			want := stop - r.pos
			n, err := w.Write(pc.inline[r.pos-pc.offset : stop-pc.offset])
			r.pos += int64(n)
			total += int64(n)
			if err != nil {
				return total, err
			}
			if int64(n) < want {
				return total, io.ErrShortWrite
			}
			continue
		}
		if rw, ok := pc.r.(blob.RangeWriter); ok {
			// The blob sends itself, without a copy through here
			// when w allows (sendfile to a TCP connection).
			stop := min(r.end, pc.offset+pc.size)
			n, err := rw.WriteRangeTo(w, r.pos-pc.offset, stop-r.pos)
			r.pos += n
			total += n
			if err != nil {
				return total, err
			}
			continue
		}
		if buf == nil {
			buf = make([]byte, min(r.end-r.pos, copyBufferSize))
		}
		m, err := r.Read(buf)
		if m > 0 {
			n, werr := w.Write(buf[:m])
			total += int64(n)
			if werr != nil {
				return total, werr
			}
			if n < m {
				return total, io.ErrShortWrite
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return total, err
		}
	}
	return total, nil
}

// Close releases every opened blob.
func (r *objectReader) Close() error {
	var errs []error
	for i := range r.pieces {
		if c := r.pieces[i].closer; c != nil {
			errs = append(errs, c.Close())
			r.pieces[i].closer = nil
		}
	}
	return errors.Join(errs...)
}
