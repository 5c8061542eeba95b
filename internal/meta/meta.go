// Package meta defines coffer's metadata store: an ordered key-value store
// with serializable multi-key transactions and ordered range scans. It knows
// nothing of S3; the object service decides what the keys mean.
//
// Implementations live in subpackages (meta/pebble, later meta/postgres) and
// must pass the conformance suite in meta/metatest.
package meta

import (
	"context"
	"errors"
)

// Errors returned by every Store implementation.
var (
	// ErrNotFound is returned by Get for a key that has no value.
	ErrNotFound = errors.New("meta: not found")
	// ErrConflict means a transaction lost a race with another one and was
	// not applied. Update retries internally; callers see it only when the
	// retries are exhausted.
	ErrConflict = errors.New("meta: conflict")
	// ErrClosed is returned by any call after Close.
	ErrClosed = errors.New("meta: store closed")
	// ErrReadOnly is returned by Update after the store failed to make a
	// write durable (an I/O error it cannot recover from, such as a
	// failed fsync): it keeps serving View from what is durable, but
	// accepts no more writes until it is reopened.
	ErrReadOnly = errors.New("meta: store is read-only after an I/O error")
)

// Store is an ordered key-value store. Keys are compared as raw bytes.
//
// Guarantees every implementation gives:
//   - Update is serializable: the reads and writes of one fn behave as if no
//     other transaction ran concurrently with it.
//   - When Update returns nil, its writes are durable (synced to stable
//     storage) and visible to every later View or Update (linearizable).
//   - When Update returns an error, none of its writes are visible.
//   - A crash at any instant leaves either all or none of a transaction.
type Store interface {
	// View runs fn against a consistent read-only snapshot.
	View(ctx context.Context, fn func(r Reader) error) error

	// Update runs fn in a read-write transaction and commits it if fn
	// returns nil. fn may run more than once (after a conflict), so it must
	// have no side effects other than through tx, and must not keep tx or
	// any slice it returned after it returns.
	Update(ctx context.Context, fn func(tx Txn) error) error

	// Close releases the store. It is safe to call more than once.
	Close() error
}

// Reader reads keys. Slices it returns are owned by the caller.
type Reader interface {
	// Get returns the value of key, or ErrNotFound.
	Get(key []byte) ([]byte, error)

	// Scan iterates over the keys k with start <= k < end, in ascending byte
	// order, or descending when opts.Reverse is set. A nil end means no upper
	// bound. Inside an Update, Scan sees the transaction's own writes.
	// The caller must Close the iterator.
	Scan(start, end []byte, opts ScanOptions) Iterator
}

// ScanOptions adjust a Scan.
type ScanOptions struct {
	// Reverse iterates from the largest key below end down to start.
	Reverse bool
}

// Iterator walks the result of a Scan.
//
//	it := r.Scan(start, end, meta.ScanOptions{})
//	defer it.Close()
//	for it.Next() { use(it.Key(), it.Value()) }
//	if err := it.Err(); err != nil { ... }
type Iterator interface {
	// Next advances to the next entry and reports whether there is one.
	Next() bool
	// Key returns the current key; valid until the next call to Next.
	Key() []byte
	// Value returns the current value; valid until the next call to Next.
	Value() []byte
	// Err returns the error that stopped the iteration, if any.
	Err() error
	// Close releases the iterator.
	Close() error
}

// Txn is a read-write transaction, valid only inside the fn of Update.
type Txn interface {
	Reader
	// Set writes value under key.
	Set(key, value []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key []byte) error
}

// Notifier is an optional ability of a Store that several nodes share: it
// tells this node soon after another node committed a write under a key
// prefix, so that the node need not wait for its next poll. Callers find
// it by type assertion.
//
// It is an accelerator, never the basis of correctness: a notification
// may be lost (a dropped connection) or arrive late, and callers must
// still poll what they watch at their own interval. A store that cannot
// notify simply does not implement Notifier.
type Notifier interface {
	// Watch returns a channel that receives a value after a committed
	// transaction wrote a key starting with prefix, until ctx ends (the
	// channel is then closed). Notifications may be coalesced: one value
	// can stand for many commits, so the receiver reads the keys again
	// rather than trusting the count. A notification may also arrive for
	// this node's own commits.
	Watch(ctx context.Context, prefix []byte) (<-chan struct{}, error)
}
