package sse

import (
	"errors"
	"fmt"
	"io"

	"github.com/minio/sio"
)

const (
	// ChunkSize is the plaintext size of every package but the last.
	ChunkSize = 64 << 10
	// overhead is what each package adds: its header and its GCM tag.
	overhead = 16 + 16
	// packageSize is the stored size of a full package.
	packageSize = ChunkSize + overhead
	// MaxSize is the longest plaintext one stream can hold: 2^32 packages,
	// as the sequence number is 32 bits. An S3 object (5 TiB) is far
	// below it.
	MaxSize = 1 << 48
)

// config is the sio configuration coffer writes and accepts: DARE 2.0 and
// AES-256-GCM only, never DARE 1.0 or ChaCha20.
func config(key *DataKey, seq uint32) sio.Config {
	return sio.Config{
		MinVersion:     sio.Version20,
		MaxVersion:     sio.Version20,
		CipherSuites:   []byte{sio.AES_256_GCM},
		Key:            key.k[:],
		SequenceNumber: seq,
	}
}

// EncryptedSize returns the stored size of a plaintext of n bytes, or -1
// when n is negative or larger than MaxSize.
func EncryptedSize(n int64) int64 {
	if n < 0 || n > MaxSize {
		return -1
	}
	full, rest := n/ChunkSize, n%ChunkSize
	size := full * packageSize
	if rest > 0 {
		size += rest + overhead
	}
	return size
}

// DecryptedSize returns the plaintext size of a stored stream of n bytes.
// It fails with ErrNotAuthentic when no plaintext encrypts to n bytes.
func DecryptedSize(n int64) (int64, error) {
	if n < 0 || n > EncryptedSize(MaxSize) {
		return 0, fmt.Errorf("%w: stream of %d bytes", ErrNotAuthentic, n)
	}
	full, rest := n/packageSize, n%packageSize
	size := full * ChunkSize
	if rest > 0 {
		if rest <= overhead {
			return 0, fmt.Errorf("%w: stream of %d bytes", ErrNotAuthentic, n)
		}
		size += rest - overhead
	}
	return size, nil
}

// NewWriter returns a writer that encrypts what is written to it under key
// and writes the stream to dst, a package at a time. Close writes the final
// package; it does not close dst. Without Close the stream is incomplete
// and will not decrypt. After an error from dst every call fails with it.
func NewWriter(dst io.Writer, key *DataKey) (io.WriteCloser, error) {
	// The struct hides a Close that dst may have: sio's Close would call
	// it, and dst's owner decides when dst is done.
	w, err := sio.EncryptWriter(struct{ io.Writer }{dst}, config(key, 0))
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	return &writer{w: w}, nil
}

// errClosed is returned by a writer's Write after Close (sio panics).
var errClosed = errors.New("sse: write after close")

// writer makes sio's writer's errors sticky (after a failed write its
// state is lost), refuses writes after Close, and refuses to encrypt more
// than MaxSize bytes, where the sequence number would wrap and a nonce
// repeat.
type writer struct {
	w       io.WriteCloser
	written int64
	err     error
}

func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if int64(len(p)) > MaxSize-w.written {
		w.err = ErrTooLarge
		return 0, w.err
	}
	n, err := w.w.Write(p)
	w.written += int64(n)
	w.err = err
	return n, err
}

func (w *writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Close()
	if w.err == nil {
		w.err = errClosed
		return nil
	}
	return w.err
}

// notAuthentic maps sio's decryption errors to ErrNotAuthentic and passes
// any other error (the source's own) through.
func notAuthentic(err error) error {
	var se sio.Error
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %v", ErrNotAuthentic, err)
	}
	return err
}
