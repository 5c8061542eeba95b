package object

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/md5lanes"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Finding is what a check of one version found wrong: the blob it
// concerns ("" for inline data or the version as a whole) and a short,
// key-free description.
type Finding struct {
	Blob    string
	Problem string
}

// Throttle is called with the number of bytes about to be read; it
// blocks to hold the scrubber to its rate and returns ctx's error when
// cancelled.
type Throttle func(ctx context.Context, n int64) error

// scrubChunk is how many bytes a check reads between two Throttle calls.
const scrubChunk = 256 << 10

// CheckVersion reads every byte of v and checks it: every referenced
// blob exists with the size and encryption flag its record says, every
// package of encrypted data authenticates under the version's data key,
// and plaintext matches the MD5 (a single-part ETag, each part's MD5)
// and the full-object checksum stored with it. Encrypted data is
// checked the same way after decryption. It returns the first Finding
// (nil when the version is intact), or an error when the check could not
// be made (cancelled, or a blob that could not be opened for another
// reason than damage).
func (s *Service) CheckVersion(ctx context.Context, v *ScrubVersion, wait Throttle) (*Finding, error) {
	if v.recErr != nil {
		return &Finding{Problem: "object record unreadable: " + v.recErr.Error()}, nil
	}
	c := &check{s: s, ctx: ctx, wait: wait}
	// SSE-C and SSE-KMS data cannot be decrypted here (see piece), so
	// their plaintext checksum cannot be checked either.
	opaque := v.rec.SSE != nil && (v.rec.SSE.Alg == sseAlgC || v.rec.SSE.Alg == sseAlgKMS)
	if ck := v.rec.Checksum; ck != nil && ck.Type != checksum.Composite && ck.Alg != "" && !opaque {
		c.full, c.fullWant = ck.Alg.New(), ck.Value
	}
	var f *Finding
	var err error
	switch {
	case v.rec.Inline:
		f, err = c.inline(v)
	case v.rec.PartsCount == 0:
		md5 := etagMD5(v.rec.ETag)
		f, err = c.piece(piece{blob: v.rec.Blob, size: v.rec.Size, sse: v.rec.SSE, keyCtx: dataKeyContext(v.rec)}, md5)
	default:
		f, err = c.segments(v)
	}
	if f != nil || err != nil {
		return f, err
	}
	if c.full != nil && !bytes.Equal(c.full.Sum(nil), c.fullWant) {
		return &Finding{Problem: fmt.Sprintf("the data does not match its stored %s checksum", v.rec.Checksum.Alg)}, nil
	}
	return nil, nil
}

// etagMD5 is the MD5 a single-part ETag holds, nil when it holds none.
func etagMD5(etag string) []byte {
	b, err := hex.DecodeString(etag)
	if err != nil || len(b) != 16 {
		return nil
	}
	return b
}

// check is the state of one CheckVersion.
type check struct {
	s    *Service
	ctx  context.Context
	wait Throttle
	// full hashes the whole object for a full-object checksum.
	full     hash.Hash
	fullWant []byte
	// out, if set, also receives the plaintext of the piece being read
	// (re-encryption writes it sealed to a new blob while it is checked).
	out io.Writer
}

// inline checks inline bytes: record format, length, authentication.
func (c *check) inline(v *ScrubVersion) (*Finding, error) {
	if v.inlineErr != nil {
		return &Finding{Problem: "inline data unreadable: " + v.inlineErr.Error()}, nil
	}
	want := v.rec.Size
	if v.sealed {
		want = sse.EncryptedSize(v.rec.Size)
	}
	if v.sealed != (v.rec.SSE != nil) || int64(len(v.inline)) != want {
		return &Finding{Problem: fmt.Sprintf("inline data has %d bytes (encrypted %v), want %d (encrypted %v)",
			len(v.inline), v.sealed, want, v.rec.SSE != nil)}, nil
	}
	return c.piece(piece{inline: v.inline, size: v.rec.Size, sse: v.rec.SSE, keyCtx: dataKeyContext(v.rec)}, etagMD5(v.rec.ETag))
}

// segments checks each part of a multipart object against its MD5.
func (c *check) segments(v *ScrubVersion) (*Finding, error) {
	if v.segsErr != nil {
		return &Finding{Problem: "part records unreadable: " + v.segsErr.Error()}, nil
	}
	if len(v.segs) != v.rec.PartsCount {
		return &Finding{Problem: fmt.Sprintf("%d part records, want %d", len(v.segs), v.rec.PartsCount)}, nil
	}
	var off int64
	for i := range v.segs {
		sg := &v.segs[i]
		if sg.Offset != off {
			return &Finding{Blob: string(sg.Blob), Problem: fmt.Sprintf("part %d starts at %d, want %d", i+1, sg.Offset, off)}, nil
		}
		off += sg.Size
		if f, err := c.piece(sg.piece(v.rec.DataID, sg.number(i+1)), sg.MD5); f != nil || err != nil {
			return f, err
		}
	}
	if off != v.rec.Size {
		return &Finding{Problem: fmt.Sprintf("parts hold %d bytes, want %d", off, v.rec.Size)}, nil
	}
	return nil, nil
}

// piece reads one piece whole, authenticating and hashing it; md5, if
// set, is the MD5 its plaintext must have.
func (c *check) piece(p piece, md5 []byte) (*Finding, error) {
	var src sse.Ciphertext
	if p.blob == "" {
		src = bytes.NewReader(p.inline)
	} else {
		br, f, err := c.openBlob(p)
		if f != nil || err != nil {
			return f, err
		}
		defer br.Close()
		src = br
	}
	if p.sse != nil && p.sse.Alg == sseAlgC {
		// Only the customer's key opens SSE-C data, and coffer never
		// keeps it: the blob's presence, size and flag are all a scrub
		// can check; a reader with the key still authenticates every
		// package.
		return nil, nil
	}
	if p.sse != nil && p.sse.Alg == sseAlgKMS {
		// An SSE-KMS data key opens only through the key service, for
		// a caller it authorizes; a scrub has none. Likewise the
		// blob's presence, size and flag are what it checks.
		return nil, nil
	}
	var r io.Reader = io.NewSectionReader(src, 0, src.Size())
	if p.sse != nil {
		key, err := c.s.dataKey(p.sse, p.keyCtx, nil)
		if err != nil {
			return &Finding{Blob: string(p.blob), Problem: "data key does not unwrap for this data: " + err.Error()}, nil
		}
		defer key.Zero()
		if r, err = sse.Decrypt(src, key, p.size); err != nil {
			return &Finding{Blob: string(p.blob), Problem: "encrypted data failed authentication: " + err.Error()}, nil
		}
	}
	sum := md5lanes.New()
	n, err := c.copy(sum, r, p.size)
	switch {
	case errors.Is(err, sse.ErrNotAuthentic):
		return &Finding{Blob: string(p.blob), Problem: fmt.Sprintf("encrypted package at plaintext offset %d failed authentication", n/sse.ChunkSize*sse.ChunkSize)}, nil
	case err != nil && (c.ctx.Err() != nil || errors.As(err, new(*writeError))):
		return nil, err
	case err != nil:
		return &Finding{Blob: string(p.blob), Problem: "read failed: " + err.Error()}, nil
	case n != p.size:
		return &Finding{Blob: string(p.blob), Problem: fmt.Sprintf("%d bytes of data, want %d", n, p.size)}, nil
	}
	if md5 != nil && subtle.ConstantTimeCompare(sum.Sum(nil), md5) != 1 {
		return &Finding{Blob: string(p.blob), Problem: "the data does not match its stored MD5"}, nil
	}
	return nil, nil
}

// openBlob opens a piece's blob and checks its size and encryption flag.
func (c *check) openBlob(p piece) (blob.Reader, *Finding, error) {
	br, err := c.s.openBlob(c.ctx, p.blob)
	switch {
	case errors.Is(err, blob.ErrNotFound):
		return nil, &Finding{Blob: string(p.blob), Problem: "blob missing"}, nil
	case errors.Is(err, blob.ErrCorrupt):
		return nil, &Finding{Blob: string(p.blob), Problem: "blob unreadable: " + err.Error()}, nil
	case err != nil:
		return nil, nil, fmt.Errorf("open blob %s: %w", p.blob, err)
	}
	want := p.size
	if p.sse != nil {
		want = sse.EncryptedSize(p.size)
	}
	if br.Size() != want {
		br.Close()
		return nil, &Finding{Blob: string(p.blob), Problem: fmt.Sprintf("blob has %d bytes, want %d", br.Size(), want)}, nil
	}
	if fr, ok := br.(blob.FlagReader); ok {
		if enc := fr.Flags()&blob.FlagEncrypted != 0; enc != (p.sse != nil) {
			br.Close()
			return nil, &Finding{Blob: string(p.blob), Problem: fmt.Sprintf("blob encrypted flag is %v, the record says %v", enc, p.sse != nil)}, nil
		}
	}
	return br, nil, nil
}

// copy reads r to its end into sum (and the full-object hash), calling
// the throttle before every chunk with the bytes it is about to read
// (size is what the record says the reader holds).
func (c *check) copy(sum hash.Hash, r io.Reader, size int64) (int64, error) {
	buf := make([]byte, min(scrubChunk, size+1))
	var total int64
	for {
		if err := c.ctx.Err(); err != nil {
			return total, err
		}
		if n := min(scrubChunk, size-total); c.wait != nil && n > 0 {
			if err := c.wait(c.ctx, n); err != nil {
				return total, err
			}
		}
		n, err := io.ReadFull(r, buf)
		sum.Write(buf[:n])
		if c.full != nil {
			c.full.Write(buf[:n])
		}
		total += int64(n)
		if c.out != nil && n > 0 {
			if _, werr := c.out.Write(buf[:n]); werr != nil {
				return total, &writeError{werr}
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// writeError is a failure to write what a check copies to check.out: an
// error of the store being written, never damage of the piece read.
type writeError struct{ err error }

func (e *writeError) Error() string { return "write: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }
