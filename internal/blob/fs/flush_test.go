package fs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
)

// writeDirect writes data to a new writer of s in chunks and returns it
// uncommitted. It skips the test where the file system refuses direct I/O
// (flushBehind then never runs).
func writeDirect(t *testing.T, s *Store, data []byte, chunk int) *writer {
	t.Helper()
	bw, err := s.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w := bw.(*writer)
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if !s.direct.Load() {
		w.Abort()
		t.Skip("this file system refuses direct I/O")
	}
	return w
}

// TestFlushBehind writes a blob of several writeback intervals directly
// and checks that its data was synced in the background as it went, at
// most one sync at a time, and that Commit still leaves every byte
// readable.
func TestFlushBehind(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir(), Options{})
	var syncs, running, overlapped atomic.Int32
	s.syncData = func(f *os.File) error {
		if running.Add(1) > 1 {
			overlapped.Add(1)
		}
		defer running.Add(-1)
		syncs.Add(1)
		return dataSync(f)
	}
	want := make([]byte, 3*writebackInterval+DefaultBufferSize+777)
	for i := range want {
		want[i] = byte(i * 13)
	}
	w := writeDirect(t, s, want, 300_000)
	// Each interval of direct writes starts a sync unless the last one
	// still runs (the first buffer goes through the page cache): one to
	// three for this blob, the last within two intervals of the end.
	if w.flushed == 0 || w.written-w.flushed >= 2*writebackInterval {
		t.Errorf("last background sync started at %d of %d bytes written", w.flushed, w.written)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := syncs.Load(); n < 1 || n > 3 {
		t.Errorf("%d background syncs for %d bytes, want 1 to 3", n, len(want))
	}
	if overlapped.Load() != 0 {
		t.Error("two background syncs of one writer ran at once")
	}
	if got := readBack(t, s, id); !bytes.Equal(got, want) {
		t.Errorf("read back %d bytes that differ from the %d written", len(got), len(want))
	}
}

// TestFlushBehindFails checks that a background sync's failure fails
// Commit, leaves no blob and no temp file: the fsync after a failed sync
// may not report the failure again.
func TestFlushBehindFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	errIO := errors.New("injected I/O error")
	s.syncData = func(*os.File) error { return errIO }
	w := writeDirect(t, s, bytes.Repeat([]byte{0x5a}, 2*writebackInterval), 1<<20)
	id, err := w.Commit(ctx)
	if !errors.Is(err, errIO) {
		t.Fatalf("Commit = %q, %v; want the sync's error", id, err)
	}
	n := 0
	if err := s.Walk(ctx, func(blob.ID, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d blobs after a failed commit", n)
	}
	tmp, err := os.ReadDir(dir + "/" + tmpDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// TestFlushBehindAbort aborts a writer that started a background sync:
// Abort collects it before closing the file, and removes the temp file.
func TestFlushBehindAbort(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	release := make(chan struct{})
	s.syncData = func(f *os.File) error {
		<-release
		return dataSync(f)
	}
	w := writeDirect(t, s, bytes.Repeat([]byte{0xa5}, writebackInterval+2*DefaultBufferSize), 1<<20)
	if w.flushing == nil {
		t.Fatal("no background sync running after an interval of direct writes")
	}
	close(release)
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if w.flushing != nil {
		t.Error("Abort returned with a background sync outstanding")
	}
	if _, err := os.Stat(w.tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp file after Abort: %v", err)
	}
}
