package fs

import (
	"bytes"
	"context"
	"io"
	"testing"
	"unsafe"
)

func TestAlignedBuffer(t *testing.T) {
	for _, size := range []int{directAlign, 3 * directAlign, DefaultBufferSize} {
		for range 8 {
			b := alignedBuffer(size)
			if len(b) != size || cap(b) != size {
				t.Fatalf("alignedBuffer(%d): len %d cap %d", size, len(b), cap(b))
			}
			if a := uintptr(unsafe.Pointer(&b[0])) % directAlign; a != 0 {
				t.Fatalf("alignedBuffer(%d) starts %d bytes past a block boundary", size, a)
			}
		}
	}
}

// TestDirectWrite writes blobs around the buffer and block boundaries with
// direct I/O, in writes of several sizes, and reads every byte back. The
// header shifts the data by 16 bytes, so none of these sizes leaves the
// file block-aligned by accident.
func TestDirectWrite(t *testing.T) {
	const bufSize = 2 * directAlign
	sizes := []int{
		bufSize - headerSize - 1, // one byte short of a buffer: stays buffered
		bufSize - headerSize,     // exactly one buffer, written directly
		bufSize - headerSize + 1, // one byte into the second buffer
		2*bufSize - headerSize,   // two whole buffers, no tail
		3*directAlign + 1,        // a one-byte tail block
		5*bufSize + 777,          // several buffers and a partial block
	}
	chunks := []int{1, 1000, bufSize, 3*bufSize + 5}
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{BufferSize: bufSize})
	for _, size := range sizes {
		for _, chunk := range chunks {
			want := make([]byte, size)
			for i := range want {
				want[i] = byte(i*31 + size)
			}
			bw, err := s.Create(ctx)
			if err != nil {
				t.Fatal(err)
			}
			w := bw.(*writer)
			wentDirect := false
			for rest := want; len(rest) > 0; {
				n := min(chunk, len(rest))
				if _, err := w.Write(rest[:n]); err != nil {
					t.Fatal(err)
				}
				wentDirect = wentDirect || w.direct
				rest = rest[n:]
			}
			if !s.direct.Load() {
				t.Skip("this file system refuses direct I/O; TestConformanceBuffered covers the fallback")
			}
			if large := size+headerSize >= bufSize; wentDirect != large {
				t.Errorf("size %d: wrote directly = %v, want %v", size, wentDirect, large)
			}
			id, err := w.Commit(ctx)
			if err != nil {
				t.Fatalf("size %d chunk %d: Commit: %v", size, chunk, err)
			}
			if got := readBack(t, s, id); !bytes.Equal(got, want) {
				t.Errorf("size %d chunk %d: read back %d bytes that differ from the %d written", size, chunk, len(got), len(want))
			}
		}
	}
}

// TestDirectRefused checks the fallback: once the store has given up direct
// I/O, large blobs are written through the page cache and still read back.
func TestDirectRefused(t *testing.T) {
	s := open(t, t.TempDir(), Options{BufferSize: directAlign})
	s.noDirect(io.ErrUnexpectedEOF)
	want := bytes.Repeat([]byte("coffer"), 5000)
	id := put(t, s, want)
	if got := readBack(t, s, id); !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes; want the %d written", len(got), len(want))
	}
	if s.direct.Load() {
		t.Fatal("store uses direct I/O again after giving it up")
	}
}

// TestSpareBuffersBounded opens more direct writers than maxSpares at once:
// the ones past the bound write in place, all blobs read back whole, and
// every second buffer is returned.
func TestSpareBuffersBounded(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{BufferSize: directAlign})
	const writers = maxSpares + 5
	ws := make([]*writer, writers)
	for i := range ws {
		bw, err := s.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws[i] = bw.(*writer)
	}
	chunk := bytes.Repeat([]byte{0xc0}, directAlign)
	for round := range 3 {
		for i, w := range ws {
			if _, err := w.Write(chunk); err != nil {
				t.Fatalf("writer %d round %d: %v", i, round, err)
			}
		}
		if n := s.spares.Load(); n > maxSpares {
			t.Fatalf("%d writers hold a second buffer, bound is %d", n, maxSpares)
		}
	}
	if !s.direct.Load() {
		t.Skip("this file system refuses direct I/O")
	}
	for i, w := range ws {
		id, err := w.Commit(ctx)
		if err != nil {
			t.Fatalf("writer %d: Commit: %v", i, err)
		}
		r, err := s.Open(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Size() != 3*directAlign {
			t.Errorf("writer %d: blob of %d bytes, want %d", i, r.Size(), 3*directAlign)
		}
		r.Close()
	}
	if n := s.spares.Load(); n != 0 {
		t.Fatalf("%d second buffers still counted after every Commit", n)
	}
}
