package metatest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// NewStore opens a fresh, empty store for one subtest. The suite closes the
// store itself (Close is safe to call twice), so an implementation may also
// register its own cleanup.
type NewStore func(t *testing.T) meta.Store

// Run runs every conformance test against stores made by newStore. Each
// subtest gets its own store.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s meta.Store)
	}{
		{"GetSetDelete", testGetSetDelete},
		{"EmptyValue", testEmptyValue},
		{"ValuesAreCallerOwned", testValuesAreCallerOwned},
		{"ArgumentsAreCopied", testArgumentsAreCopied},
		{"ScanForward", testScanForward},
		{"ScanReverse", testScanReverse},
		{"ScanBinaryKeys", testScanBinaryKeys},
		{"ScanEmptyRanges", testScanEmptyRanges},
		{"ScanSeesOwnWrites", testScanSeesOwnWrites},
		{"ManyKeys", testManyKeys},
		{"LargeValue", testLargeValue},
		{"GetSeesOwnWrites", testGetSeesOwnWrites},
		{"UpdateErrorWritesNothing", testUpdateErrorWritesNothing},
		{"UpdateIsAtomic", testUpdateIsAtomic},
		{"ConcurrentCounter", testConcurrentCounter},
		{"ConcurrentTransfers", testConcurrentTransfers},
		{"ConcurrentInsertIfAbsent", testConcurrentInsertIfAbsent},
		{"ViewSnapshotIsolation", testViewSnapshotIsolation},
		{"ReadAfterWrite", testReadAfterWrite},
		{"ContextCancelled", testContextCancelled},
		{"ClosedStore", testClosedStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// kv is one key/value pair as a scan returns it.
type kv struct {
	key, value string
}

// set writes pairs in one Update.
func set(t *testing.T, s meta.Store, pairs ...kv) {
	t.Helper()
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for _, p := range pairs {
			if err := tx.Set([]byte(p.key), []byte(p.value)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update(set): %v", err)
	}
}

// get reads key in a View; ok is false for ErrNotFound.
func get(t *testing.T, s meta.Store, key string) (value string, ok bool) {
	t.Helper()
	err := s.View(context.Background(), func(r meta.Reader) error {
		v, err := r.Get([]byte(key))
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		value, ok = string(v), true
		return nil
	})
	if err != nil {
		t.Fatalf("View(get %q): %v", key, err)
	}
	return value, ok
}

// scan collects a Scan into a slice, failing the test on an iterator error.
func scan(t *testing.T, r meta.Reader, start, end []byte, opts meta.ScanOptions) []kv {
	t.Helper()
	it := r.Scan(start, end, opts)
	var got []kv
	for it.Next() {
		got = append(got, kv{string(it.Key()), string(it.Value())})
	}
	if err := it.Err(); err != nil {
		t.Errorf("Scan(%q, %q, %+v): iterator error %v", start, end, opts, err)
	}
	if it.Next() {
		t.Errorf("Scan(%q, %q, %+v): Next after the end = true, want false", start, end, opts)
	}
	if err := it.Close(); err != nil {
		t.Errorf("Scan(%q, %q, %+v): Close: %v", start, end, opts, err)
	}
	return got
}

// scanView runs scan inside a View.
func scanView(t *testing.T, s meta.Store, start, end []byte, opts meta.ScanOptions) []kv {
	t.Helper()
	var got []kv
	err := s.View(context.Background(), func(r meta.Reader) error {
		got = scan(t, r, start, end, opts)
		return nil
	})
	if err != nil {
		t.Fatalf("View(scan): %v", err)
	}
	return got
}

// reversed returns a reversed copy of kvs.
func reversed(kvs []kv) []kv {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]kv, len(kvs))
	for i, p := range kvs {
		out[len(kvs)-1-i] = p
	}
	return out
}

// inRange returns the pairs of sorted with start <= key < end (nil end: no bound).
func inRange(sorted []kv, start, end []byte) []kv {
	var out []kv
	for _, p := range sorted {
		k := []byte(p.key)
		if bytes.Compare(k, start) >= 0 && (end == nil || bytes.Compare(k, end) < 0) {
			out = append(out, p)
		}
	}
	return out
}
