package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/sse"
)

// received is a verified request body: either committed to a blob or held
// in memory for an inline record.
type received struct {
	size   int64
	md5    []byte
	sums   map[checksum.Algorithm][]byte
	blob   blob.ID // "" when inline
	inline []byte  // ciphertext when sse is set
	// sse is the encryption of what was stored, nil for plaintext.
	sse *sseRecord
}

// receiveOptions say what to compute and verify while reading a body.
type receiveOptions struct {
	size       int64
	contentMD5 []byte
	expected   *ExpectedChecksum
	// algs are computed in addition to MD5 and the expected checksum's.
	algs []checksum.Algorithm
	// inline allows keeping a body of at most the inline limit in memory.
	inline bool
	// encrypt, when not nil, is the wrap context (objectKeyContext,
	// partKeyContext) of a fresh data key the body is encrypted under
	// before it is stored; the checks are of the plaintext.
	encrypt []byte
	// customer, with encrypt, wraps the data key under the customer's
	// key (SSE-C) with the salt of customerKeyID ("" for a fresh one);
	// the MD5 is then replaced by a random ETag after it is checked.
	customer      *CustomerKey
	customerKeyID string
	// kms, with encrypt, wraps the data key under a key from the key
	// service (SSE-KMS).
	kms *kmsPlan
	// tier is the class whose tier a blob goes to ("" for the main
	// store); the received blob id is then a located id.
	tier string
}

// receive streams body into a new blob (or memory) while computing MD5 and
// the checksums in one pass, then verifies the length, Content-MD5 and the
// expected checksum. Only a body that passes every check is committed; on
// any failure nothing is left behind. The caller owns the committed blob and
// must delete it if it fails to record it in meta.
func (s *Service) receive(ctx context.Context, body io.Reader, o receiveOptions) (*received, error) {
	if err := s.admit(o.size); err != nil {
		return nil, err
	}
	got, err := s.receiveBody(ctx, body, o)
	return got, spaceError(err)
}

// admit asks the space guard whether a write of n bytes may start.
func (s *Service) admit(n int64) error {
	if s.space == nil {
		return nil
	}
	if err := s.space.Admit(n); err != nil {
		return fmt.Errorf("%w: %w", ErrInsufficientSpace, err)
	}
	return nil
}

// spaceError marks a write that failed because the disk is full as
// ErrInsufficientSpace, so the client is told to retry later rather than
// that the server failed. The guard normally refuses such writes first;
// this covers a disk filled by something else.
func spaceError(err error) error {
	if err != nil && errors.Is(err, syscall.ENOSPC) && !errors.Is(err, ErrInsufficientSpace) {
		return fmt.Errorf("%w: %w", ErrInsufficientSpace, err)
	}
	return err
}

func (s *Service) receiveBody(ctx context.Context, body io.Reader, o receiveOptions) (*received, error) {
	if body == nil {
		body = bytes.NewReader(nil)
	}
	if o.size < 0 {
		return nil, fmt.Errorf("%w: negative content length", ErrInvalidArgument)
	}
	if o.contentMD5 != nil && len(o.contentMD5) != md5.Size {
		return nil, fmt.Errorf("%w: %d bytes", ErrInvalidDigest, len(o.contentMD5))
	}
	algs := o.algs
	expected, err := canonicalExpected(o.expected)
	if err != nil {
		return nil, err
	}
	if e := expected; e != nil {
		if e.Trailer == nil && len(e.Value) != e.Algorithm.Size() {
			return nil, fmt.Errorf("%w: %s value of %d bytes", ErrMalformedChecksum, e.Algorithm, len(e.Value))
		}
		algs = append(algs[:len(algs):len(algs)], e.Algorithm)
	}
	h := checksum.NewHasher(algs...)

	var (
		key    *sse.DataKey
		keyRec *sseRecord
	)
	if o.customer != nil && o.encrypt == nil {
		return nil, errors.New("object: a customer key without a wrap context")
	}
	if o.kms != nil && o.encrypt == nil {
		return nil, errors.New("object: sse-kms without a wrap context")
	}
	if o.encrypt != nil {
		if o.kms != nil {
			key, keyRec, err = s.newKMSDataKey(ctx, o.kms, o.encrypt)
		} else {
			key, keyRec, err = s.newDataKey(o.encrypt, o.customer, o.customerKeyID)
		}
		if err != nil {
			return nil, err
		}
		defer key.Zero()
	}
	var (
		dst    io.Writer
		buf    *bytes.Buffer
		writer blob.Writer
		stored io.Writer // where the stored bytes go: buf or writer
	)
	if o.inline && o.size <= s.inlineLimit {
		n := o.size
		if key != nil {
			n = sse.EncryptedSize(o.size)
		}
		buf = bytes.NewBuffer(make([]byte, 0, n))
		stored = buf
		dst = io.MultiWriter(h, buf)
	} else {
		var flags blob.Flags
		if key != nil {
			flags = blob.FlagEncrypted
		}
		w, err := s.createIn(ctx, o.tier, flags)
		if err != nil {
			return nil, fmt.Errorf("create blob: %w", err)
		}
		writer = w
		defer writer.Abort() // no-op after Commit
		stored = w
		dst = hashingWriter{h: h, w: w}
	}
	var enc io.WriteCloser
	if key != nil {
		if enc, err = sse.NewWriter(stored, key); err != nil {
			return nil, err
		}
		dst = sealingWriter{h: h, w: enc, size: o.size}
	}

	if err := copyExactly(dst, body, o.size); err != nil {
		return nil, err
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("encrypt: %w", err)
		}
	}
	got := &received{size: o.size, md5: h.MD5(), sums: map[checksum.Algorithm][]byte{}, sse: keyRec}
	for _, a := range algs {
		got.sums[a] = h.Sum(a)
	}
	if o.contentMD5 != nil && subtle.ConstantTimeCompare(o.contentMD5, got.md5) != 1 {
		return nil, ErrBadDigest
	}
	if e := expected; e != nil {
		want := e.Value
		if e.Trailer != nil {
			var err error
			if want, err = e.Trailer(); err != nil {
				return nil, fmt.Errorf("read checksum trailer: %w", err)
			}
			if len(want) != e.Algorithm.Size() {
				return nil, fmt.Errorf("%w: %s trailer of %d bytes", ErrMalformedChecksum, e.Algorithm, len(want))
			}
		}
		if !bytes.Equal(want, got.sums[e.Algorithm]) {
			return nil, fmt.Errorf("%w: %s", ErrChecksumMismatch, e.Algorithm)
		}
	}
	if o.customer != nil {
		if got.md5, err = randomETag(); err != nil {
			return nil, err
		}
	}
	if writer == nil {
		got.inline = buf.Bytes()
		return got, nil
	}
	id, err := writer.Commit(ctx)
	if err != nil {
		return nil, fmt.Errorf("commit blob: %w", err)
	}
	got.blob = locatedID(o.tier, id)
	return got, nil
}

// copyExactly copies exactly n bytes from src to dst and then makes sure
// src has nothing more (reading to EOF, which also lets an aws-chunked
// decoder read its trailer).
func copyExactly(dst io.Writer, src io.Reader, n int64) error {
	var (
		copied int64
		err    error
	)
	if rf, ok := dst.(io.ReaderFrom); ok {
		copied, err = rf.ReadFrom(io.LimitReader(src, n))
	} else {
		// A body of a few KiB needs no 128 KiB buffer; io.CopyBuffer
		// needs a non-empty one even for an empty body.
		buf := make([]byte, max(1, min(n, 128<<10)))
		copied, err = io.CopyBuffer(dst, io.LimitReader(src, n), buf)
	}
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if copied < n {
		return fmt.Errorf("%w: got %d of %d bytes", ErrIncompleteBody, copied, n)
	}
	var one [1]byte
	for {
		m, err := src.Read(one[:])
		if m > 0 {
			return fmt.Errorf("%w: more than %d bytes", ErrBodyTooLong, n)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
	}
}

// hashingWriter writes to a blob and hashes what it writes. Its ReadFrom
// lets a blob writer that reads into its own buffers do so: the body is
// copied once, from the socket into the buffer the disk write uses, and
// hashed there, by the blob's write goroutine when it has one, so that
// hashing overlaps reading.
type hashingWriter struct {
	h *checksum.Hasher
	w blob.Writer
}

func (hw hashingWriter) Write(p []byte) (int, error) {
	hw.h.Write(p)
	return hw.w.Write(p)
}

func (hw hashingWriter) ReadFrom(r io.Reader) (int64, error) {
	if tr, ok := hw.w.(blob.TeeReaderFrom); ok {
		return tr.ReadFromTee(r, hw.h)
	}
	if rf, ok := hw.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(io.TeeReader(r, hw.h))
	}
	return io.Copy(struct{ io.Writer }{hw}, r)
}
