package pebble

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	pebbledb "github.com/cockroachdb/pebble/v2"

	"github.com/coffer-s3/coffer/internal/meta"
)

// source is what a reader reads from: a *pebbledb.Snapshot in View, an
// indexed *pebbledb.Batch (its own writes over the live database) in Update.
type source interface {
	Get(key []byte) ([]byte, io.Closer, error)
	NewIter(o *pebbledb.IterOptions) (*pebbledb.Iterator, error)
}

// reader implements meta.Reader over a source, for the duration of one fn.
type reader struct {
	src source

	mu    sync.Mutex // guards done and iters
	done  bool
	iters []*iterator // opened and not yet closed by the caller
}

var _ meta.Reader = (*reader)(nil)

// Get returns a copy of key's value, so the caller owns it.
func (r *reader) Get(key []byte) ([]byte, error) {
	if r.isDone() {
		return nil, errFinished
	}
	v, closer, err := r.src.Get(key)
	if errors.Is(err, pebbledb.ErrNotFound) {
		return nil, meta.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("meta/pebble: get: %w", err)
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	if err := closer.Close(); err != nil {
		return nil, fmt.Errorf("meta/pebble: get: %w", err)
	}
	return out, nil
}

// Scan implements meta.Reader.
func (r *reader) Scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return &iterator{err: errFinished}
	}
	// Pebble reads a nil bound as "unbounded"; a non-nil end at or below
	// start is an empty range, including the empty end []byte{}.
	if end != nil && bytes.Compare(start, end) >= 0 {
		return &iterator{}
	}
	pit, err := r.src.NewIter(&pebbledb.IterOptions{
		LowerBound: bytes.Clone(start),
		UpperBound: bytes.Clone(end),
	})
	if err != nil {
		return &iterator{err: fmt.Errorf("meta/pebble: scan: %w", err)}
	}
	it := &iterator{it: pit, reverse: opts.Reverse}
	if len(r.iters) >= 8 {
		// Forget iterators the caller closed, so that a long fn issuing
		// many scans does not grow this list.
		live := r.iters[:0]
		for _, old := range r.iters {
			if !old.closed {
				live = append(live, old)
			}
		}
		clear(r.iters[len(live):])
		r.iters = live
	}
	r.iters = append(r.iters, it)
	return it
}

func (r *reader) isDone() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// finish invalidates the reader when its fn returns and closes iterators
// the caller left open, so that a leak cannot pin the snapshot or batch.
func (r *reader) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	for _, it := range r.iters {
		_ = it.Close() // an iterator error was already reported through Err
	}
	r.iters = nil
}

// iterator implements meta.Iterator. Key and Value return copies held in
// buffers reused across Next calls: the caller may modify them without
// touching Pebble's memory, and they stay valid until the next Next, as
// the contract says.
type iterator struct {
	it      *pebbledb.Iterator // nil for an empty or failed scan
	reverse bool
	started bool
	closed  bool
	key     []byte
	value   []byte
	err     error
}

// Next implements meta.Iterator.
func (i *iterator) Next() bool {
	if i.it == nil || i.closed || i.err != nil {
		return false
	}
	var valid bool
	switch {
	case !i.started && i.reverse:
		valid = i.it.Last()
	case !i.started:
		valid = i.it.First()
	case i.reverse:
		valid = i.it.Prev()
	default:
		valid = i.it.Next()
	}
	i.started = true
	if !valid {
		if err := i.it.Error(); err != nil {
			i.err = fmt.Errorf("meta/pebble: scan: %w", err)
		}
		return false
	}
	v, err := i.it.ValueAndErr()
	if err != nil {
		i.err = fmt.Errorf("meta/pebble: scan value: %w", err)
		return false
	}
	i.key = append(i.key[:0], i.it.Key()...)
	i.value = append(i.value[:0], v...)
	return true
}

// Key implements meta.Iterator.
func (i *iterator) Key() []byte { return i.key }

// Value implements meta.Iterator.
func (i *iterator) Value() []byte { return i.value }

// Err implements meta.Iterator.
func (i *iterator) Err() error { return i.err }

// Close implements meta.Iterator. It is safe to call more than once.
func (i *iterator) Close() error {
	if i.closed || i.it == nil {
		i.closed = true
		return nil
	}
	i.closed = true
	if err := i.it.Close(); err != nil && i.err == nil {
		return fmt.Errorf("meta/pebble: close iterator: %w", err)
	}
	return nil
}
