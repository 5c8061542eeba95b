package fs

import (
	"bytes"
	"context"
	"testing"
)

// TestWritebackLargeBlob writes a blob larger than several writeback
// intervals through the page cache, by both paths (copied into the buffer
// and written straight from the caller's slice), and checks that writeback
// keeps up within one interval and that the bytes read back are the ones
// written.
func TestWritebackLargeBlob(t *testing.T) {
	tests := []struct {
		name  string
		chunk int // size of each Write
	}{
		{"buffered", 100_000},
		{"unbuffered", 3 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, t.TempDir(), Options{BufferedIO: true})
			want := make([]byte, 2*writebackInterval+12345)
			for i := range want {
				want[i] = byte(i * 7)
			}
			bw, err := s.Create(ctx)
			if err != nil {
				t.Fatal(err)
			}
			w := bw.(*writer)
			for rest := want; len(rest) > 0; {
				n := min(tt.chunk, len(rest))
				if _, err := w.Write(rest[:n]); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			// Every interval's worth reaching the file starts writeback.
			if w.writeback == 0 || w.written-w.writeback >= writebackInterval {
				t.Errorf("writeback started up to %d of %d bytes written, want within %d of the end",
					w.writeback, w.written, writebackInterval)
			}
			id, err := w.Commit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := readBack(t, s, id); !bytes.Equal(got, want) {
				t.Errorf("read back %d bytes that differ from the %d written", len(got), len(want))
			}
		})
	}
}
