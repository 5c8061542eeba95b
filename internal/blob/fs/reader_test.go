package fs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"
)

// plainWriter hides bytes.Buffer's ReadFrom, to take the copying path.
type plainWriter struct{ b bytes.Buffer }

func (w *plainWriter) Write(p []byte) (int, error) { return w.b.Write(p) }

func TestWriteRangeTo(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	data := bytes.Repeat([]byte("0123456789abcdef"), 40_000)
	id := put(t, s, data)
	br, err := s.Open(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	rw := br.(*reader)

	ranges := []struct{ off, n int64 }{
		{0, int64(len(data))},
		{0, 0},
		{1, 17},
		{100_000, 300_001},
		{int64(len(data)) - 5, 5},
	}
	for _, rg := range ranges {
		var viaFile bytes.Buffer // has ReadFrom: the file itself is handed over
		var viaCopy plainWriter
		for _, w := range []io.Writer{&viaFile, &viaCopy} {
			n, err := rw.WriteRangeTo(w, rg.off, rg.n)
			if err != nil || n != rg.n {
				t.Fatalf("WriteRangeTo(%T, %d, %d) = %d, %v", w, rg.off, rg.n, n, err)
			}
		}
		want := data[rg.off : rg.off+rg.n]
		if !bytes.Equal(viaFile.Bytes(), want) || !bytes.Equal(viaCopy.b.Bytes(), want) {
			t.Fatalf("range [%d, +%d): wrong bytes", rg.off, rg.n)
		}
	}
	if _, err := rw.WriteRangeTo(io.Discard, int64(len(data))-1, 2); err == nil {
		t.Fatal("WriteRangeTo past the end succeeded")
	}
}

// TestWriteRangeTo_truncated checks that a blob file cut short after it was
// opened ends the range with an error, never a silently short body.
func TestWriteRangeTo_truncated(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	id := put(t, s, bytes.Repeat([]byte{7}, 100_000))
	br, err := s.Open(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	if err := os.Truncate(s.path(id), headerSize+50_000); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := br.(*reader).WriteRangeTo(&out, 0, 100_000)
	if !errors.Is(err, io.ErrUnexpectedEOF) || n != 50_000 {
		t.Fatalf("WriteRangeTo of a truncated blob = %d, %v; want 50000, io.ErrUnexpectedEOF", n, err)
	}
}
