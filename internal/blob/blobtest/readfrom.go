package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
)

// ChunkyReader returns Data in reads of random sizes, as a network body
// does: 1 to Max bytes each (200,000 when Max is 0), then Err, or io.EOF
// when Err is nil.
type ChunkyReader struct {
	Data []byte
	Rng  *rand.Rand
	Max  int
	Err  error
}

func (r *ChunkyReader) Read(p []byte) (int, error) {
	if len(r.Data) == 0 {
		if r.Err != nil {
			return 0, r.Err
		}
		return 0, io.EOF
	}
	most := r.Max
	if most <= 0 {
		most = 200_000
	}
	n := min(len(p), len(r.Data), 1+r.Rng.IntN(most))
	copy(p, r.Data[:n])
	r.Data = r.Data[n:]
	return n, nil
}

// testReadFrom checks writers that also implement io.ReaderFrom: bytes read
// from a reader, between ordinary writes, come back in order.
func testReadFrom(t *testing.T, s blob.Store) {
	ctx := context.Background()
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	rf, ok := w.(io.ReaderFrom)
	if !ok {
		w.Abort()
		t.Skip("writer does not implement io.ReaderFrom")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	head, body, tail := randomBytes(rng, 1000), randomBytes(rng, 5<<20+333), randomBytes(rng, 77)
	if _, err := w.Write(head); err != nil {
		t.Fatalf("Write: %v", err)
	}
	n, err := rf.ReadFrom(&ChunkyReader{Data: body, Rng: rng})
	if err != nil || n != int64(len(body)) {
		t.Fatalf("ReadFrom = %d, %v; want %d, nil", n, err, len(body))
	}
	if _, err := w.Write(tail); err != nil {
		t.Fatalf("Write: %v", err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	want := bytes.Join([][]byte{head, body, tail}, nil)
	if got := readAll(t, s, id); !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes that differ from the %d written", len(got), len(want))
	}
}

// testReadFromTee checks writers that implement blob.TeeReaderFrom: tee
// gets exactly the bytes read, in order, by the time ReadFromTee returns,
// and bytes written before or after through Write are not passed to it.
func testReadFromTee(t *testing.T, s blob.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, size := range []int{0, 1, 4095, 4096 + 17, 5<<20 + 333} {
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		tr, ok := w.(blob.TeeReaderFrom)
		if !ok {
			w.Abort()
			t.Skip("writer does not implement blob.TeeReaderFrom")
		}
		head, body, tail := randomBytes(rng, 100), randomBytes(rng, size), randomBytes(rng, 5000)
		if _, err := w.Write(head); err != nil {
			t.Fatalf("Write: %v", err)
		}
		var tee bytes.Buffer
		n, err := tr.ReadFromTee(&ChunkyReader{Data: body, Rng: rng}, &tee)
		if err != nil || n != int64(size) {
			t.Fatalf("size %d: ReadFromTee = %d, %v", size, n, err)
		}
		// Read tee right away: with -race, a write to it after
		// ReadFromTee returned is reported here.
		if !bytes.Equal(tee.Bytes(), body) {
			t.Fatalf("size %d: tee got %d bytes that differ from the %d read", size, tee.Len(), size)
		}
		if _, err := w.Write(tail); err != nil {
			t.Fatalf("Write: %v", err)
		}
		id, err := w.Commit(ctx)
		if err != nil {
			t.Fatalf("Commit: %v", err)
		}
		if tee.Len() != size {
			t.Fatalf("size %d: tee grew to %d bytes after ReadFromTee returned", size, tee.Len())
		}
		want := bytes.Join([][]byte{head, body, tail}, nil)
		if got := readAll(t, s, id); !bytes.Equal(got, want) {
			t.Fatalf("size %d: read back %d bytes that differ from the %d written", size, len(got), len(want))
		}
	}
}

// readsItself reads r into w the ways w allows: io.ReaderFrom, and
// blob.TeeReaderFrom with a tee it returns. It skips the test if w allows
// neither.
func readsItself(t *testing.T, w blob.Writer) []func(r io.Reader) (int64, *bytes.Buffer, error) {
	var ways []func(r io.Reader) (int64, *bytes.Buffer, error)
	if rf, ok := w.(io.ReaderFrom); ok {
		ways = append(ways, func(r io.Reader) (int64, *bytes.Buffer, error) {
			n, err := rf.ReadFrom(r)
			return n, nil, err
		})
	}
	if tr, ok := w.(blob.TeeReaderFrom); ok {
		ways = append(ways, func(r io.Reader) (int64, *bytes.Buffer, error) {
			var tee bytes.Buffer
			n, err := tr.ReadFromTee(r, &tee)
			return n, &tee, err
		})
	}
	if len(ways) == 0 {
		w.Abort()
		t.Skip("writer implements neither io.ReaderFrom nor blob.TeeReaderFrom")
	}
	return ways
}

// testReadFromError checks that a failing reader's error comes back as it
// is, that a tee is left alone once the call has returned, and that the
// writer can still be aborted, leaving nothing behind.
func testReadFromError(t *testing.T, s blob.Store) {
	ctx := context.Background()
	probe, err := s.Create(ctx)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	ways := readsItself(t, probe)
	probe.Abort()
	broken := errors.New("connection reset")
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range ways {
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		_, tee, err := readsItself(t, w)[i](&ChunkyReader{Data: randomBytes(rng, 3<<20), Rng: rng, Err: broken})
		if !errors.Is(err, broken) {
			t.Fatalf("way %d: error = %v, want the reader's %v", i, err, broken)
		}
		if tee != nil {
			tee.Reset() // with -race, reports a write still in flight
		}
		if err := w.Abort(); err != nil {
			t.Fatalf("Abort: %v", err)
		}
	}
	if got := walk(t, s); len(got) != 0 {
		t.Fatalf("Walk lists %d blobs after aborted writes", len(got))
	}
}
