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

// openPiece is a piece whose bytes can be read.
type openPiece struct {
	r      io.ReaderAt
	closer io.Closer
	offset int64
	size   int64
}

// objectReader streams the bytes [pos, end) of an object whose pieces were
// all opened up front, so that a concurrent overwrite (which deletes the
// blobs after its commit) cannot cut the stream short: open readers keep
// reading a deleted blob. It starts at any offset without reading earlier
// bytes.
type objectReader struct {
	pieces []openPiece
	pos    int64
	end    int64
	cur    int // index of the piece holding pos
}

// openPieces opens the pieces that overlap [start, start+length). It
// returns blob.ErrNotFound (wrapped) when a blob vanished, which means the
// object was replaced since its record was read.
func (s *Service) openPieces(ctx context.Context, ps []piece, start, length int64) (*objectReader, error) {
	r := &objectReader{pos: start, end: start + length}
	for _, p := range ps {
		if p.offset+p.size <= start || p.offset >= start+length {
			continue
		}
		if p.blob == "" {
			r.pieces = append(r.pieces, openPiece{r: bytes.NewReader(p.inline), offset: p.offset, size: p.size})
			continue
		}
		br, err := s.blob.Open(ctx, p.blob)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("open blob %s: %w", p.blob, err)
		}
		if br.Size() != p.size {
			br.Close()
			r.Close()
			return nil, fmt.Errorf("blob %s has %d bytes, want %d: %w", p.blob, br.Size(), p.size, blob.ErrCorrupt)
		}
		r.pieces = append(r.pieces, openPiece{r: br, closer: br, offset: p.offset, size: p.size})
	}
	return r, nil
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	for r.cur < len(r.pieces) && r.pieces[r.cur].offset+r.pieces[r.cur].size <= r.pos {
		r.cur++
	}
	if r.cur >= len(r.pieces) {
		return 0, io.ErrUnexpectedEOF
	}
	pc := r.pieces[r.cur]
	n := min(int64(len(p)), r.end-r.pos, pc.offset+pc.size-r.pos)
	m, err := pc.r.ReadAt(p[:n], r.pos-pc.offset)
	r.pos += int64(m)
	if errors.Is(err, io.EOF) && int64(m) == n {
		err = nil
	}
	if err == nil && int64(m) < n {
		err = io.ErrUnexpectedEOF
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return m, err
}

// Close releases every opened blob.
func (r *objectReader) Close() error {
	var errs []error
	for _, pc := range r.pieces {
		if pc.closer != nil {
			errs = append(errs, pc.closer.Close())
		}
	}
	r.pieces = nil
	return errors.Join(errs...)
}
