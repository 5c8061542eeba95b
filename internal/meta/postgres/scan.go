package postgres

import (
	"bytes"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Page sizes of a Scan: the first page is small because many scans stop
// after a few keys (a prefix lookup, a listing of one page); later pages
// grow so that long scans cost few round trips, without ever holding a
// whole range in memory.
const (
	firstPage = 64
	maxPage   = 1024
)

// iterator implements meta.Iterator by fetching one page of the range at
// a time, each page an index range scan that resumes after the last key
// of the one before.
type iterator struct {
	s       *session
	start   []byte // lower bound, inclusive; nil is the lowest key
	end     []byte // upper bound, exclusive; nil is none
	reverse bool
	resumed bool // a page was fetched: the bound it moved is exclusive now
	page    []kv
	i       int
	limit   int
	last    bool // the page fetched last was the range's final one
	err     error
	closed  bool
}

type kv struct{ key, value []byte }

// scan implements meta.Reader.Scan.
func (s *session) scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	it := &iterator{s: s, start: bytes.Clone(start), end: bytes.Clone(end), reverse: opts.Reverse,
		i: -1, limit: firstPage}
	if start == nil {
		it.start = []byte{}
	}
	if s.done {
		it.err = errFinished
	}
	if end != nil && bytes.Compare(it.start, end) >= 0 {
		it.last = true // an empty range: nothing to ask
	}
	s.iters = append(s.iters, it)
	return it
}

// Next implements meta.Iterator.
func (it *iterator) Next() bool {
	if it.err != nil || it.closed {
		return false
	}
	it.i++
	if it.i < len(it.page) {
		return true
	}
	if it.last {
		it.page = nil
		return false
	}
	if it.s.done {
		it.err = errFinished
		return false
	}
	if err := it.fetch(); err != nil {
		it.err = err
		return false
	}
	it.i = 0
	return len(it.page) > 0
}

// fetch reads the next page and moves the bound it resumes from.
func (it *iterator) fetch() error {
	query, args := it.query()
	var b pgx.Batch
	it.s.queue(&b)
	page := make([]kv, 0, it.limit)
	b.Queue(query, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var p kv
			if err := rows.Scan(&p.key, &p.value); err != nil {
				return err
			}
			if p.value == nil {
				p.value = []byte{}
			}
			page = append(page, p)
		}
		return rows.Err()
	})
	if err := it.s.send(it.s.ctx, &b); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	it.page = page
	it.last = len(page) < it.limit
	if len(page) > 0 {
		// A copy: the caller may scribble over the key it was given.
		k := bytes.Clone(page[len(page)-1].key)
		if it.reverse {
			it.end = k
		} else {
			it.start = k
		}
		it.resumed = true
	}
	it.limit = min(2*it.limit, maxPage)
	return nil
}

// query is the SQL of the next page. Every variant is a range scan of the
// primary key, in index order or backwards.
func (it *iterator) query() (string, []any) {
	lower := ">="
	if it.resumed && !it.reverse {
		lower = ">"
	}
	order := "ASC"
	if it.reverse {
		order = "DESC"
	}
	if it.end == nil {
		return fmt.Sprintf("SELECT key, value FROM coffer_kv WHERE key %s $1 ORDER BY key %s LIMIT $2", lower, order),
			[]any{it.start, it.limit}
	}
	return fmt.Sprintf("SELECT key, value FROM coffer_kv WHERE key %s $1 AND key < $2 ORDER BY key %s LIMIT $3", lower, order),
		[]any{it.start, it.end, it.limit}
}

// Key implements meta.Iterator.
func (it *iterator) Key() []byte {
	if it.i < 0 || it.i >= len(it.page) {
		return nil
	}
	return it.page[it.i].key
}

// Value implements meta.Iterator.
func (it *iterator) Value() []byte {
	if it.i < 0 || it.i >= len(it.page) {
		return nil
	}
	return it.page[it.i].value
}

// Err implements meta.Iterator.
func (it *iterator) Err() error { return it.err }

// Close implements meta.Iterator.
func (it *iterator) Close() error {
	it.closed = true
	it.page = nil
	return nil
}
