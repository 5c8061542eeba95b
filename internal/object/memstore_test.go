package object

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// memMeta is a small in-memory meta.Store for unit tests. Update holds an
// exclusive lock for its whole run, which makes it trivially serializable;
// writes are applied in place and undone if fn fails.
type memMeta struct {
	mu     sync.RWMutex
	data   map[string][]byte
	sorted []string // nil when data changed since the last sort
}

func newMemMeta() *memMeta { return &memMeta{data: map[string][]byte{}, sorted: []string{}} }

func (m *memMeta) View(ctx context.Context, fn func(r meta.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTxn{m: m, readOnly: true})
}

func (m *memMeta) Update(ctx context.Context, fn func(tx meta.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTxn{m: m, undo: map[string]*[]byte{}}
	if err := fn(tx); err != nil {
		for k, v := range tx.undo {
			if v == nil {
				delete(m.data, k)
			} else {
				m.data[k] = *v
			}
		}
		m.sorted = nil
		m.keys() // Views share the read lock, so they must find it sorted
		return err
	}
	m.keys()
	return nil
}

func (m *memMeta) Close() error { return nil }

// keys returns the sorted key list, sorting it if needed; callers hold
// m.mu (for writing, unless it is known to be sorted).
func (m *memMeta) keys() []string {
	if m.sorted == nil {
		ks := make([]string, 0, len(m.data))
		for k := range m.data {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		m.sorted = ks
	}
	return m.sorted
}

type memTxn struct {
	m        *memMeta
	readOnly bool
	undo     map[string]*[]byte
}

func (t *memTxn) Get(key []byte) ([]byte, error) {
	v, ok := t.m.data[string(key)]
	if !ok {
		return nil, meta.ErrNotFound
	}
	return bytes.Clone(v), nil
}

func (t *memTxn) remember(k string) {
	if _, ok := t.undo[k]; ok {
		return
	}
	if v, ok := t.m.data[k]; ok {
		t.undo[k] = &v
	} else {
		t.undo[k] = nil
	}
}

func (t *memTxn) Set(key, value []byte) error {
	k := string(key)
	t.remember(k)
	if _, ok := t.m.data[k]; !ok {
		t.m.sorted = nil
	}
	t.m.data[k] = bytes.Clone(value)
	return nil
}

func (t *memTxn) Delete(key []byte) error {
	k := string(key)
	if _, ok := t.m.data[k]; !ok {
		return nil
	}
	t.remember(k)
	delete(t.m.data, k)
	t.m.sorted = nil
	return nil
}

func (t *memTxn) Scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	ks := t.m.keys()
	lo := sort.SearchStrings(ks, string(start))
	hi := len(ks)
	if end != nil {
		hi = sort.SearchStrings(ks, string(end))
	}
	if hi < lo {
		hi = lo
	}
	return &memIter{m: t.m, keys: ks[lo:hi], reverse: opts.Reverse, pos: -1}
}

type memIter struct {
	m       *memMeta
	keys    []string
	reverse bool
	pos     int
	k       []byte
	v       []byte
}

func (it *memIter) Next() bool {
	for {
		it.pos++
		if it.pos >= len(it.keys) {
			return false
		}
		i := it.pos
		if it.reverse {
			i = len(it.keys) - 1 - it.pos
		}
		v, ok := it.m.data[it.keys[i]]
		if !ok {
			continue // deleted by the transaction during the scan
		}
		it.k, it.v = []byte(it.keys[i]), v
		return true
	}
}

func (it *memIter) Key() []byte   { return it.k }
func (it *memIter) Value() []byte { return it.v }
func (it *memIter) Err() error    { return nil }
func (it *memIter) Close() error  { return nil }

// memBlob is a small in-memory blob.Store for unit tests.
type memBlob struct {
	mu    sync.Mutex
	blobs map[blob.ID]memBlobData
	now   func() time.Time
}

type memBlobData struct {
	data      []byte
	committed time.Time
}

func newMemBlob(now func() time.Time) *memBlob {
	return &memBlob{blobs: map[blob.ID]memBlobData{}, now: now}
}

func (b *memBlob) Create(ctx context.Context) (blob.Writer, error) {
	return &memWriter{b: b}, ctx.Err()
}

func (b *memBlob) Open(ctx context.Context, id blob.ID) (blob.Reader, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.blobs[id]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", id, blob.ErrNotFound)
	}
	return memReader{bytes.NewReader(d.data)}, nil
}

func (b *memBlob) Delete(ctx context.Context, id blob.ID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.blobs, id)
	return nil
}

func (b *memBlob) Walk(ctx context.Context, fn func(id blob.ID, committed time.Time) error) error {
	b.mu.Lock()
	type entry struct {
		id blob.ID
		t  time.Time
	}
	var all []entry
	for id, d := range b.blobs {
		all = append(all, entry{id, d.committed})
	}
	b.mu.Unlock()
	for _, e := range all {
		if err := fn(e.id, e.t); err != nil {
			return err
		}
	}
	return nil
}

func (b *memBlob) Close() error { return nil }

type memWriter struct {
	b    *memBlob
	buf  bytes.Buffer
	done bool
}

func (w *memWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, io.ErrClosedPipe
	}
	return w.buf.Write(p)
}

func (w *memWriter) Commit(ctx context.Context) (blob.ID, error) {
	if w.done {
		return "", io.ErrClosedPipe
	}
	w.done = true
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	id := blob.ID(hex.EncodeToString(r[:]))
	w.b.mu.Lock()
	w.b.blobs[id] = memBlobData{data: w.buf.Bytes(), committed: w.b.now()}
	w.b.mu.Unlock()
	return id, nil
}

func (w *memWriter) Abort() error {
	w.done = true
	return nil
}

type memReader struct{ *bytes.Reader }

func (memReader) Close() error { return nil }

var (
	_ meta.Store = (*memMeta)(nil)
	_ blob.Store = (*memBlob)(nil)
)
