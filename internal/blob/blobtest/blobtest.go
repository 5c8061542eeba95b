package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
)

// NewStore opens a fresh, empty store for one subtest. The suite closes it.
type NewStore func(t *testing.T) blob.Store

// Run runs every conformance test against stores made by newStore. Each
// subtest gets its own store.
func Run(t *testing.T, newStore NewStore) {
	RunExcept(t, newStore)
}

// RunExcept is Run without the subtests named in skip, for a store that
// documents where it departs from blob.Store's contract (blob/s3blob:
// a blob deleted while a Reader is open stops reading).
func RunExcept(t *testing.T, newStore NewStore, skip ...string) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"InvisibleUntilCommit", testInvisibleUntilCommit},
		{"AbortDiscards", testAbortDiscards},
		{"WriterUnusableAfterCommit", testWriterUnusableAfterCommit},
		{"EmptyBlob", testEmptyBlob},
		{"ReadAt", testReadAt},
		{"Delete", testDelete},
		{"DeleteWhileReading", testDeleteWhileReading},
		{"OpenUnknownID", testOpenUnknownID},
		{"Walk", testWalk},
		{"WalkStopsOnError", testWalkStopsOnError},
		{"ConcurrentWriters", testConcurrentWriters},
		{"LargeBlob", testLargeBlob},
		{"ReadFrom", testReadFrom},
		{"ReadFromError", testReadFromError},
		{"ReadFromTee", testReadFromTee},
		{"UniqueIDs", testUniqueIDs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Contains(skip, tt.name) {
				t.Skip("the store departs from this part of the contract")
			}
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

// put writes data as one blob and commits it.
func put(t *testing.T, s blob.Store, data []byte) blob.ID {
	t.Helper()
	ctx := context.Background()
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if n, err := w.Write(data); err != nil || n != len(data) {
		t.Fatalf("Write(%d bytes) = %d, %v", len(data), n, err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	checkID(t, id)
	return id
}

// readAll reads a committed blob back through ReadAt.
func readAll(t *testing.T, s blob.Store, id blob.ID) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open(%s): %v", id, err)
	}
	defer r.Close()
	buf := make([]byte, r.Size())
	n, err := r.ReadAt(buf, 0)
	if n != len(buf) || (err != nil && err != io.EOF) {
		t.Fatalf("ReadAt(all %d bytes of %s) = %d, %v", len(buf), id, n, err)
	}
	return buf
}

// walk returns the set of ids Walk reports.
func walk(t *testing.T, s blob.Store) map[blob.ID]time.Time {
	t.Helper()
	got := map[blob.ID]time.Time{}
	err := s.Walk(context.Background(), func(id blob.ID, committed time.Time) error {
		if _, dup := got[id]; dup {
			t.Errorf("Walk reported %s twice", id)
		}
		got[id] = committed
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return got
}

// checkID checks the documented shape of an id: 1 to 64 bytes of
// [A-Za-z0-9_-].
func checkID(t *testing.T, id blob.ID) {
	t.Helper()
	if len(id) == 0 || len(id) > 64 {
		t.Errorf("id %q has %d bytes, want 1..64", id, len(id))
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			t.Errorf("id %q contains %q, want only [A-Za-z0-9_-]", id, c)
			return
		}
	}
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func wantNotFound(t *testing.T, s blob.Store, id blob.ID) {
	t.Helper()
	r, err := s.Open(context.Background(), id)
	if err == nil {
		r.Close()
	}
	if !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
	}
}

func testInvisibleUntilCommit(t *testing.T, s blob.Store) {
	ctx := context.Background()
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := w.Write([]byte("pending bytes")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := walk(t, s); len(got) != 0 {
		t.Errorf("Walk before Commit = %v, want nothing", got)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := readAll(t, s, id); string(got) != "pending bytes" {
		t.Errorf("read %s = %q, want %q", id, got, "pending bytes")
	}
	if got := walk(t, s); len(got) != 1 {
		t.Errorf("Walk after Commit = %v, want exactly %s", got, id)
	} else if _, ok := got[id]; !ok {
		t.Errorf("Walk after Commit = %v, want %s", got, id)
	}
}

func testAbortDiscards(t *testing.T, s blob.Store) {
	ctx := context.Background()
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("x"), 1000)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if _, err := w.Commit(ctx); err == nil {
		t.Errorf("Commit after Abort succeeded, want an error")
	}
	if got := walk(t, s); len(got) != 0 {
		t.Errorf("Walk after Abort = %v, want nothing", got)
	}

	// Abort after Commit does nothing.
	w, err = s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := w.Write([]byte("kept")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if got := readAll(t, s, id); string(got) != "kept" {
		t.Errorf("read %s after Abort-after-Commit = %q, want %q", id, got, "kept")
	}
}

func testWriterUnusableAfterCommit(t *testing.T, s blob.Store) {
	ctx := context.Background()
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := w.Write([]byte("abc")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if _, err := w.Write([]byte("more")); err == nil {
		t.Errorf("Write after Commit succeeded, want an error")
	}
	if id2, err := w.Commit(ctx); err == nil {
		t.Errorf("second Commit = %s, nil; want an error", id2)
	}
	if got := readAll(t, s, id); string(got) != "abc" {
		t.Errorf("read %s = %q, want %q", id, got, "abc")
	}
}

func testEmptyBlob(t *testing.T, s blob.Store) {
	id := put(t, s, nil)
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if r.Size() != 0 {
		t.Errorf("Size() = %d, want 0", r.Size())
	}
	if n, err := r.ReadAt(make([]byte, 1), 0); n != 0 || err != io.EOF {
		t.Errorf("ReadAt(1 byte at 0) of empty blob = %d, %v; want 0, io.EOF", n, err)
	}
}

func testReadAt(t *testing.T, s blob.Store) {
	const size = 100_000
	data := randomBytes(rand.New(rand.NewPCG(1, 1)), size)
	id := put(t, s, data)
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if r.Size() != size {
		t.Fatalf("Size() = %d, want %d", r.Size(), size)
	}
	tests := []struct {
		name    string
		off     int64
		len     int
		wantN   int
		wantEOF bool // io.EOF required; otherwise nil or io.EOF at the very end
	}{
		{"start", 0, 10, 10, false},
		{"middle", 4321, 5000, 5000, false},
		{"whole", 0, size, size, false},
		{"ends exactly at end", size - 10, 10, 10, false},
		{"crosses end", size - 10, 20, 10, true},
		{"at end", size, 1, 0, true},
		{"past end", size + 1000, 5, 0, true},
		{"zero length", 50, 0, 0, false},
		{"last byte", size - 1, 1, 1, false},
	}
	for _, tt := range tests {
		p := make([]byte, tt.len)
		n, err := r.ReadAt(p, tt.off)
		switch {
		case n != tt.wantN:
			t.Errorf("%s: ReadAt(len %d, off %d) n = %d, want %d (err %v)", tt.name, tt.len, tt.off, n, tt.wantN, err)
		case tt.wantEOF && err != io.EOF:
			t.Errorf("%s: ReadAt(len %d, off %d) err = %v, want io.EOF", tt.name, tt.len, tt.off, err)
		case !tt.wantEOF && err != nil && err != io.EOF:
			t.Errorf("%s: ReadAt(len %d, off %d) err = %v, want nil", tt.name, tt.len, tt.off, err)
		case !tt.wantEOF && err == io.EOF && tt.off+int64(tt.len) != size:
			t.Errorf("%s: ReadAt(len %d, off %d) = io.EOF before the end", tt.name, tt.len, tt.off)
		}
		if n > 0 && !bytes.Equal(p[:n], data[tt.off:tt.off+int64(n)]) {
			t.Errorf("%s: ReadAt(len %d, off %d) returned the wrong bytes", tt.name, tt.len, tt.off)
		}
	}
	if _, err := r.ReadAt(make([]byte, 1), -1); err == nil {
		t.Errorf("ReadAt at offset -1 succeeded, want an error")
	}
	// io.SectionReader relies on ReadAt; a full sequential read must match.
	got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("sequential read through SectionReader: %d bytes, %v; want the %d written", len(got), err, size)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	keep := put(t, s, []byte("keep"))
	gone := put(t, s, []byte("gone"))
	if err := s.Delete(ctx, gone); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantNotFound(t, s, gone)
	if err := s.Delete(ctx, gone); err != nil {
		t.Errorf("second Delete = %v, want nil", err)
	}
	if err := s.Delete(ctx, "neverexisted"); err != nil {
		t.Errorf("Delete(unknown id) = %v, want nil", err)
	}
	got := walk(t, s)
	if _, ok := got[gone]; ok || len(got) != 1 {
		t.Errorf("Walk after Delete = %v, want only %s", got, keep)
	}
	if string(readAll(t, s, keep)) != "keep" {
		t.Errorf("Delete of one blob disturbed another")
	}
}

func testDeleteWhileReading(t *testing.T, s blob.Store) {
	data := randomBytes(rand.New(rand.NewPCG(2, 2)), 10_000)
	id := put(t, s, data)
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if err := s.Delete(context.Background(), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	// The contract allows a reader opened before Delete to keep reading;
	// when it does, the bytes must be the original ones.
	p := make([]byte, len(data))
	if n, err := r.ReadAt(p, 0); err == nil || err == io.EOF {
		if !bytes.Equal(p[:n], data[:n]) {
			t.Errorf("reader opened before Delete returned different bytes")
		}
	}
	wantNotFound(t, s, id)
}

func testOpenUnknownID(t *testing.T, s blob.Store) {
	put(t, s, []byte("something"))
	for _, id := range []blob.ID{"", "unknown", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "../../etc/passwd", "tmp", "a/b", ".", "..", "x\x00y"} {
		wantNotFound(t, s, id)
	}
}

func testWalk(t *testing.T, s blob.Store) {
	before := time.Now().Add(-2 * time.Second) // file system timestamp granularity
	want := map[blob.ID]bool{}
	for i := range 20 {
		want[put(t, s, []byte{byte(i)})] = true
	}
	after := time.Now().Add(2 * time.Second)
	deleted := put(t, s, []byte("deleted"))
	if err := s.Delete(context.Background(), deleted); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	w, err := s.Create(context.Background())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	defer w.Abort()
	if _, err := w.Write([]byte("uncommitted")); err != nil {
		t.Fatalf("Write: %v", err)
	}

	got := walk(t, s)
	if len(got) != len(want) {
		t.Errorf("Walk listed %d blobs, want %d", len(got), len(want))
	}
	for id, committed := range got {
		if !want[id] {
			t.Errorf("Walk listed %s, which is not a committed blob", id)
		}
		if committed.Before(before) || committed.After(after) {
			t.Errorf("Walk: %s committed at %v, want between %v and %v", id, committed, before, after)
		}
	}
}

func testWalkStopsOnError(t *testing.T, s blob.Store) {
	for i := range 5 {
		put(t, s, []byte{byte(i)})
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Walk(context.Background(), func(blob.ID, time.Time) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("Walk = %v, want the error fn returned", err)
	}
	if calls != 1 {
		t.Errorf("Walk called fn %d times after it failed, want 1", calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Walk(ctx, func(blob.ID, time.Time) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk(cancelled ctx) = %v, want context.Canceled", err)
	}
}
