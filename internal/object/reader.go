package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/sse"
)

// piece is one stretch of an object's bytes: a blob or inline bytes placed
// at an offset of the object.
type piece struct {
	blob   blob.ID
	inline []byte
	offset int64
	// size is the plaintext size, whether or not the piece is encrypted.
	size int64
	// sse is the piece's encryption at rest (nil: plaintext) and keyCtx
	// the context its data key was wrapped for.
	sse    *sseRecord
	keyCtx []byte
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
	// An encrypted piece has its data key once opened, and a decrypting
	// reader of the bytes from where the stream is to the end of the
	// piece's share of the range once reading began.
	key *sse.DataKey
	dec io.Reader
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
	// s unwraps data keys and logs authentication failures, naming the
	// object in what.
	s    *Service
	what []any
	// unwrap opens a piece's data key with what the request gave; it
	// carries the request's context, like open.
	unwrap func(rec *sseRecord, wctx []byte) (*sse.DataKey, error)
	// first holds the first byte of an encrypted range, read ahead by
	// verifyFirst to authenticate the first package before the response
	// starts.
	first    byte
	hasFirst bool
}

// openPieces prepares a reader of [start, start+length) and opens the
// first eagerPieces blobs it needs. It returns blob.ErrNotFound (wrapped)
// when one of those vanished, which means the object was replaced since its
// record was read.
func (s *Service) openPieces(ctx context.Context, ps []piece, start, length int64, rk readKeys, what ...any) (*objectReader, error) {
	r := &objectReader{pos: start, end: start + length, s: s, what: what, open: func(id blob.ID) (blob.Reader, error) {
		return s.openBlob(ctx, id)
	}, unwrap: func(rec *sseRecord, wctx []byte) (*sse.DataKey, error) {
		return s.readKey(ctx, rec, wctx, rk)
	}}
	for _, p := range ps {
		if p.offset+p.size <= start || p.offset >= start+length {
			continue
		}
		op := openPiece{piece: p}
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

// openAt opens piece i if it is not open yet: its blob, checked against
// the record (size and encryption flag), and its data key.
func (r *objectReader) openAt(i int) error {
	pc := &r.pieces[i]
	if pc.r != nil {
		return nil
	}
	if pc.blob == "" {
		if err := r.openInline(pc); err != nil {
			return err
		}
		pc.r = bytes.NewReader(pc.inline)
		return nil
	}
	br, err := r.open(pc.blob)
	if err != nil {
		return fmt.Errorf("open blob %s: %w", pc.blob, err)
	}
	want := pc.size
	if pc.sse != nil {
		want = sse.EncryptedSize(pc.size)
	}
	if br.Size() != want {
		br.Close()
		return r.corrupt(fmt.Errorf("blob %s has %d bytes, want %d: %w", pc.blob, br.Size(), want, blob.ErrCorrupt))
	}
	if fr, ok := br.(blob.FlagReader); ok {
		if enc := fr.Flags()&blob.FlagEncrypted != 0; enc != (pc.sse != nil) {
			br.Close()
			return r.corrupt(fmt.Errorf("blob %s: encrypted is %v, the record says %v: %w", pc.blob, enc, pc.sse != nil, blob.ErrCorrupt))
		}
	}
	pc.r, pc.closer = br, br
	return r.unwrapKey(pc)
}

// openInline decrypts encrypted inline bytes whole, which authenticates
// all of them before the read returns and needs no stream buffers; the
// piece is plaintext afterwards.
func (r *objectReader) openInline(pc *openPiece) error {
	if pc.sse == nil {
		return nil
	}
	if err := r.unwrapKey(pc); err != nil {
		return err
	}
	plain, err := sse.DecryptBytes(make([]byte, 0, pc.size), pc.inline, pc.key, pc.size)
	pc.key.Zero()
	pc.key = nil
	if err != nil {
		return r.corrupt(err)
	}
	pc.inline, pc.sse = plain, nil
	return nil
}

// unwrapKey unwraps the data key of an encrypted piece.
func (r *objectReader) unwrapKey(pc *openPiece) error {
	if pc.sse == nil {
		return nil
	}
	key, err := r.unwrap(pc.sse, pc.keyCtx)
	if err != nil && pc.sse.Alg == sseAlgKMS && !errors.Is(err, errDataCorrupt) {
		// The key service refused (access, key state): not damage.
		return err
	}
	if err != nil {
		return r.corrupt(err)
	}
	pc.key = key
	return nil
}

// corrupt logs stored data that failed its checks and returns the error
// the read fails with. The log names the object, never a key.
func (r *objectReader) corrupt(err error) error {
	r.s.log.Error("stored object data failed authentication", append(r.what[:len(r.what):len(r.what)], "err", err)...)
	if errors.Is(err, errDataCorrupt) {
		return err
	}
	return fmt.Errorf("%w: %w", errDataCorrupt, err)
}

// decrypter returns the decrypting reader of the current encrypted piece
// from r.pos to the end of the range within it, starting it if needed.
func (r *objectReader) decrypter(pc *openPiece) (io.Reader, error) {
	if pc.dec != nil {
		return pc.dec, nil
	}
	ct, ok := pc.r.(sse.Ciphertext)
	if !ok {
		return nil, fmt.Errorf("object: piece reader %T has no size", pc.r)
	}
	stop := min(r.end, pc.offset+pc.size)
	dec, err := sse.DecryptRange(ct, pc.key, pc.size, r.pos-pc.offset, stop-r.pos)
	if err != nil {
		return nil, r.corrupt(err)
	}
	pc.dec = dec
	return dec, nil
}

// readEncrypted reads the current encrypted piece into p.
func (r *objectReader) readEncrypted(pc *openPiece, p []byte) (int, error) {
	dec, err := r.decrypter(pc)
	if err != nil {
		return 0, err
	}
	stop := min(r.end, pc.offset+pc.size)
	m, err := dec.Read(p[:min(int64(len(p)), stop-r.pos)])
	r.pos += int64(m)
	switch {
	case err == io.EOF && r.pos == stop:
		err = nil
	case err == io.EOF:
		err = io.ErrUnexpectedEOF
	case errors.Is(err, sse.ErrNotAuthentic):
		err = r.corrupt(err)
	}
	return m, err
}

// verifyFirst reads the first byte of an encrypted range ahead, which
// decrypts and authenticates the whole first package, so that a read
// whose first package fails authentication fails before it returns and
// the client gets a clean error instead of a cut body.
func (r *objectReader) verifyFirst() error {
	if r.pos >= r.end {
		return nil
	}
	if err := r.seekPiece(); err != nil {
		return err
	}
	pc := &r.pieces[r.cur]
	if pc.sse == nil {
		return nil
	}
	var one [1]byte
	n, err := r.readEncrypted(pc, one[:])
	if n == 1 {
		r.first, r.hasFirst = one[0], true
	}
	return err
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.hasFirst && len(p) > 0 {
		p[0], r.hasFirst = r.first, false
		return 1, nil
	}
	if r.pos >= r.end {
		return 0, io.EOF
	}
	if err := r.seekPiece(); err != nil {
		return 0, err
	}
	pc := &r.pieces[r.cur]
	if pc.sse != nil {
		return r.readEncrypted(pc, p)
	}
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
	if r.hasFirst {
		r.hasFirst = false
		n, err := w.Write([]byte{r.first})
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	for r.pos < r.end {
		if err := r.seekPiece(); err != nil {
			return total, err
		}
		pc := &r.pieces[r.cur]
		if pc.sse != nil {
			n, err := r.writeEncrypted(pc, w)
			total += n
			if err != nil {
				return total, err
			}
			continue
		}
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

// writeEncrypted writes the rest of the range within the current
// encrypted piece to w. The decrypting reader's WriteTo decrypts whole
// packages straight into a pooled buffer and writes them from there.
func (r *objectReader) writeEncrypted(pc *openPiece, w io.Writer) (int64, error) {
	dec, err := r.decrypter(pc)
	if err != nil {
		return 0, err
	}
	stop := min(r.end, pc.offset+pc.size)
	n, err := io.Copy(w, dec)
	r.pos += n
	if err != nil {
		if errors.Is(err, sse.ErrNotAuthentic) {
			err = r.corrupt(err)
		}
		return n, err
	}
	if r.pos != stop {
		return n, io.ErrUnexpectedEOF
	}
	return n, nil
}

// Close releases every opened blob and wipes the data keys.
func (r *objectReader) Close() error {
	var errs []error
	for i := range r.pieces {
		if k := r.pieces[i].key; k != nil {
			k.Zero()
			r.pieces[i].key = nil
		}
		if c := r.pieces[i].closer; c != nil {
			errs = append(errs, c.Close())
			r.pieces[i].closer = nil
		}
	}
	return errors.Join(errs...)
}
