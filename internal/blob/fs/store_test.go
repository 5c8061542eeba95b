package fs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/blobtest"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, t.TempDir(), Options{})
	})
}

// TestConformanceSmallBuffer runs the suite with a buffer smaller than most
// writes and not block-aligned, exercising the flush and unbuffered-write
// paths of buffered I/O.
func TestConformanceSmallBuffer(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, t.TempDir(), Options{BufferSize: 100})
	})
}

// TestConformanceDirect runs the suite with one-block buffers, so that every
// blob over 4 KiB is written with direct I/O where the file system allows.
func TestConformanceDirect(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, t.TempDir(), Options{BufferSize: directAlign})
	})
}

// TestConformanceBuffered runs the suite with direct I/O turned off.
func TestConformanceBuffered(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, t.TempDir(), Options{BufferedIO: true})
	})
}

func open(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// readBack reads the whole blob id of s.
func readBack(t *testing.T, s *Store, id blob.ID) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func put(t *testing.T, s *Store, data []byte) blob.ID {
	t.Helper()
	w, err := s.Create(context.Background())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatalf("Write: %v", err)
	}
	id, err := w.Commit(context.Background())
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return id
}

func TestFileLayout(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	id := put(t, s, []byte("payload"))
	raw, err := os.ReadFile(filepath.Join(dir, string(id[:2]), string(id[2:4]), string(id)))
	if err != nil {
		t.Fatalf("blob file not at its fan-out path: %v", err)
	}
	want := append([]byte("\x89CFBLOB\n\x00\x01\x00\x00\x00\x00\x00\x00"), "payload"...)
	if !bytes.Equal(raw, want) {
		t.Errorf("blob file = %q, want %q", raw, want)
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, tmpDir)); len(tmp) != 0 {
		t.Errorf("tmp/ holds %d files after Commit, want 0", len(tmp))
	}
}

func TestCorruptHeader(t *testing.T) {
	valid := encodeHeader(0)
	tests := []struct {
		name string
		file []byte
	}{
		{"empty file", nil},
		{"short header", valid[:10]},
		{"bad magic", append([]byte("\x89CFBLOX\n"), valid[8:]...)},
		{"future version", append(append([]byte(magic), 0, 2), valid[10:]...)},
		{"unknown flag", append(append([]byte(magic), 0, 1, 0x80, 0), valid[12:]...)},
		{"reserved bytes set", append(append([]byte(nil), valid[:12]...), 0, 0, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, Options{})
			id := put(t, s, []byte("payload"))
			path := filepath.Join(dir, fanout(id), string(id))
			if err := os.WriteFile(path, tt.file, 0o640); err != nil {
				t.Fatal(err)
			}
			r, err := s.Open(context.Background(), id)
			if err == nil {
				r.Close()
			}
			if !errors.Is(err, blob.ErrCorrupt) {
				t.Errorf("Open of blob with %s = %v, want ErrCorrupt", tt.name, err)
			}
		})
	}
}

// TestCrashDuringCommit simulates a process dying at each point of Commit
// and restarting: a blob is either absent (and its temp file gone after
// reopen) or complete.
func TestCrashDuringCommit(t *testing.T) {
	tests := []struct {
		step        string
		wantVisible bool
	}{
		{"synced", false},
		{"renamed", true},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, Options{})
			keep := put(t, s, []byte("committed before the crash"))
			s.crashHook = func(step string) error {
				if step == tt.step {
					return errors.New("power cut")
				}
				return nil
			}
			w, err := s.Create(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("in flight"))
			if _, err := w.Commit(context.Background()); !errors.Is(err, errCrashed) {
				t.Fatalf("Commit with crash at %s = %v, want errCrashed", tt.step, err)
			}
			id := w.(*writer).id

			// Restart on the same directory.
			s2 := open(t, dir, Options{})
			if tmp, _ := os.ReadDir(filepath.Join(dir, tmpDir)); len(tmp) != 0 {
				t.Errorf("tmp/ holds %d files after reopen, want 0", len(tmp))
			}
			listed := map[blob.ID]bool{}
			s2.Walk(context.Background(), func(id blob.ID, _ time.Time) error {
				listed[id] = true
				return nil
			})
			if !listed[keep] {
				t.Errorf("blob committed before the crash is missing")
			}
			if listed[id] != tt.wantVisible {
				t.Errorf("crash at %s: blob listed = %v, want %v", tt.step, listed[id], tt.wantVisible)
			}
			r, err := s2.Open(context.Background(), id)
			if tt.wantVisible {
				if err != nil {
					t.Fatalf("Open after crash at %s: %v", tt.step, err)
				}
				defer r.Close()
				got := make([]byte, r.Size())
				r.ReadAt(got, 0)
				if string(got) != "in flight" {
					t.Errorf("blob after crash = %q, want %q", got, "in flight")
				}
			} else if !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open after crash at %s = %v, want ErrNotFound", tt.step, err)
			}
		})
	}
}

func TestTempGraceKeepsRecentTemps(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	w, err := s.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.Write([]byte("another node's upload"))
	old := filepath.Join(dir, tmpDir, "old")
	if err := os.WriteFile(old, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	open(t, dir, Options{TempGrace: time.Hour})
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file survived Open: %v", err)
	}
	if _, err := os.Stat(w.(*writer).tmp); err != nil {
		t.Errorf("recent temp file removed by Open with TempGrace: %v", err)
	}
	// The other writer still commits.
	if _, err := w.Commit(context.Background()); err != nil {
		t.Errorf("Commit after another Open: %v", err)
	}
}

func TestClosed(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	id := put(t, s, []byte("x"))
	s.Close()
	ctx := context.Background()
	if _, err := s.Create(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Create after Close = %v, want ErrClosed", err)
	}
	if _, err := s.Open(ctx, id); !errors.Is(err, ErrClosed) {
		t.Errorf("Open after Close = %v, want ErrClosed", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"small buffer", Options{BufferSize: 4096}, true},
		{"buffer below header", Options{BufferSize: 8}, false},
		{"negative buffer", Options{BufferSize: -1}, false},
		{"negative grace", Options{TempGrace: -time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.opts.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// TestLargeUploadStreams checks that a 64 MiB blob passes through a bounded
// buffer: total allocation stays far below the blob size.
func TestLargeUploadStreams(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	chunk := make([]byte, 100_000) // not a multiple of the buffer size
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	w, err := s.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for written := 0; written < 64<<20; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("writing 64 MiB allocated %d bytes, want under 4 MiB", alloc)
	}
}
