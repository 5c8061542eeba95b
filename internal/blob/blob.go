// Package blob defines coffer's byte store: write-once byte streams addressed
// by ids that the metadata store records. It knows nothing of S3, buckets or
// keys. Implementations live in subpackages (blob/fs) and must pass the
// conformance suite in blob/blobtest.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors returned by every Store implementation.
var (
	// ErrNotFound is returned for an id that names no committed blob.
	ErrNotFound = errors.New("blob: not found")
	// ErrCorrupt is returned when a blob's header or framing is unreadable.
	ErrCorrupt = errors.New("blob: corrupt")
)

// ID names a committed blob. It is assigned by the store, is at most 64
// bytes of [A-Za-z0-9_-], and is never reused.
type ID string

// Store keeps immutable byte streams.
//
// Guarantees every implementation gives:
//   - Bytes written to a Writer are invisible (Open returns ErrNotFound and
//     Walk does not list them) until Commit returns.
//   - When Commit returns nil the blob is durable: it survives a crash or
//     power loss (file data and directory entry are synced).
//   - A committed blob never changes until Delete.
//   - All methods are safe for concurrent use.
type Store interface {
	// Create starts a new blob.
	Create(ctx context.Context) (Writer, error)
	// Open opens a committed blob for reading.
	Open(ctx context.Context, id ID) (Reader, error)
	// Delete removes a committed blob. Deleting a missing blob is not an
	// error. Readers that already opened the blob may keep reading it.
	Delete(ctx context.Context, id ID) error
	// Walk calls fn for every committed blob, in no particular order, with
	// the time it was committed. It is meant for garbage collection of blobs
	// that no metadata references.
	Walk(ctx context.Context, fn func(id ID, committed time.Time) error) error
	// Close releases the store.
	Close() error
}

// Writer receives the bytes of a new blob. A Writer may also implement
// io.ReaderFrom, reading a body straight into its own buffers; callers that
// stream large bodies should use it when it is there.
type Writer interface {
	io.Writer
	// Commit makes the blob durable and visible and returns its id. The
	// Writer is unusable afterwards.
	Commit(ctx context.Context) (ID, error)
	// Abort discards the blob. It is safe to call after Commit (it then
	// does nothing) and more than once.
	Abort() error
}

// Reader reads a committed blob. The format's own header, if any, is not
// part of the bytes it returns: offset 0 is the first byte written.
type Reader interface {
	io.ReaderAt
	io.Closer
	// Size is the number of bytes that were written to the blob.
	Size() int64
}

// RangeWriter is implemented by Readers that can write a range of their
// bytes to w more cheaply than through ReadAt and a buffer (blob/fs hands
// its file to w, which lets the kernel send it). It returns the bytes
// written; fewer than n only with an error.
type RangeWriter interface {
	WriteRangeTo(w io.Writer, off, n int64) (int64, error)
}

// TeeReaderFrom is implemented by Writers that can read a body into their
// own buffers and also pass every byte, in order, to tee (a hash) from the
// goroutine that writes each buffer out, so that hashing overlaps reading
// the rest of the body. ReadFromTee returns, like io.ReaderFrom, at EOF or
// on an error, and only once every byte read has been passed to tee; until
// then nobody else may use tee.
type TeeReaderFrom interface {
	ReadFromTee(r io.Reader, tee io.Writer) (int64, error)
}

// Flags describe how the layer above encoded a blob's payload. A store
// that implements FlagCreator keeps them with the blob, and its Readers
// report them (FlagReader), so that a reader can check them against what
// its own records say: a mismatch means the blob is not the one recorded.
type Flags uint16

// FlagEncrypted marks a payload that is encrypted at rest (an sse stream).
const FlagEncrypted Flags = 1 << 0

// FlagCreator is implemented by Stores that record Flags with a blob.
type FlagCreator interface {
	// CreateFlagged is Create for a blob whose payload has flags.
	CreateFlagged(ctx context.Context, flags Flags) (Writer, error)
}

// FlagReader is implemented by Readers of stores that record Flags.
type FlagReader interface {
	// Flags returns the flags the blob was created with.
	Flags() Flags
}
