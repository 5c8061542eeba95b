package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
)

func testConcurrentWriters(t *testing.T, s blob.Store) {
	const writers = 8
	ctx := context.Background()
	type result struct {
		id   blob.ID
		data []byte
	}
	results := make([]result, writers)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			data := randomBytes(rng, 1+rng.IntN(600_000))
			w, err := s.Create(ctx)
			if err != nil {
				t.Errorf("Create: %v", err)
				return
			}
			// Interleave small writes so the writers really overlap.
			for rest := data; len(rest) > 0; {
				n := min(len(rest), 1+rng.IntN(50_000))
				if _, err := w.Write(rest[:n]); err != nil {
					t.Errorf("Write: %v", err)
					w.Abort()
					return
				}
				rest = rest[n:]
			}
			id, err := w.Commit(ctx)
			if err != nil {
				t.Errorf("Commit: %v", err)
				return
			}
			results[g] = result{id, data}
		}()
	}
	wg.Wait()
	seen := map[blob.ID]bool{}
	for _, r := range results {
		if r.id == "" {
			continue // already reported
		}
		if seen[r.id] {
			t.Errorf("id %s assigned twice", r.id)
		}
		seen[r.id] = true
		if got := readAll(t, s, r.id); !bytes.Equal(got, r.data) {
			t.Errorf("blob %s: read %d bytes that differ from the %d written", r.id, len(got), len(r.data))
		}
	}
	if got := walk(t, s); len(got) != len(seen) {
		t.Errorf("Walk listed %d blobs, want %d", len(got), len(seen))
	}
}

// testLargeBlob round-trips 20 MiB written in uneven chunks, reading back
// with sequential and random-offset reads.
func testLargeBlob(t *testing.T, s blob.Store) {
	const size = 20 << 20
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(4, 4))
	chunk := randomBytes(rng, 1<<20+17) // writes are random slices of it
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	want := sha256.New()
	for written := 0; written < size; {
		n := min(size-written, 1+rng.IntN(len(chunk)))
		off := rng.IntN(len(chunk) - n + 1)
		p := chunk[off : off+n]
		if _, err := w.Write(p); err != nil {
			t.Fatalf("Write: %v", err)
		}
		want.Write(p)
		written += n
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	r, err := s.Open(ctx, id)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if r.Size() != size {
		t.Fatalf("Size() = %d, want %d", r.Size(), size)
	}
	got := sha256.New()
	if _, err := io.Copy(got, io.NewSectionReader(r, 0, size)); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Fatalf("20 MiB blob read back with a different SHA-256")
	}
}

func testUniqueIDs(t *testing.T, s blob.Store) {
	seen := map[blob.ID]bool{}
	for i := range 200 {
		id := put(t, s, []byte(fmt.Sprint(i)))
		if seen[id] {
			t.Fatalf("id %s returned twice", id)
		}
		seen[id] = true
	}
}
