package pebble

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/coffer-s3/coffer/internal/meta"
)

// TestWALFailureMakesStoreReadOnly: once the WAL cannot be written or
// synced (a full disk, a failing fsync), no Update is acknowledged, every
// later Update fails fast with meta.ErrReadOnly, View keeps serving what
// was durable, Health reports the failure, and the log says so once.
func TestWALFailureMakesStoreReadOnly(t *testing.T) {
	for name, kind := range map[string]errorfs.OpKind{"sync": errorfs.OpFileSync, "write": errorfs.OpFileWrite} {
		t.Run(name, func(t *testing.T) {
			var failing atomic.Bool
			inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
				if failing.Load() && strings.HasSuffix(op.Path, ".log") &&
					(op.Kind == kind || op.Kind == errorfs.OpFileSyncData || op.Kind == errorfs.OpFileSyncTo) {
					return syscall.ENOSPC
				}
				return nil
			})
			var logs bytes.Buffer
			s, err := Open("db", Options{FS: errorfs.Wrap(vfs.NewMem(), inj), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			put := func(k string) error {
				return s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(k), []byte("v-"+k)) })
			}
			if err := put("before"); err != nil {
				t.Fatal(err)
			}
			if err := s.Health(); err != nil {
				t.Fatalf("Health before the failure: %v", err)
			}
			failing.Store(true)
			if err := put("during"); !errors.Is(err, meta.ErrReadOnly) {
				t.Fatalf("Update with a failing WAL = %v, want meta.ErrReadOnly", err)
			}
			failing.Store(false) // even a recovered disk cannot vouch for the WAL now
			if err := put("after"); !errors.Is(err, meta.ErrReadOnly) {
				t.Fatalf("Update after the failure = %v, want meta.ErrReadOnly", err)
			}
			if err := s.Health(); !errors.Is(err, meta.ErrReadOnly) {
				t.Fatalf("Health after the failure = %v, want meta.ErrReadOnly", err)
			}
			err = s.View(ctx, func(r meta.Reader) error {
				v, err := r.Get([]byte("before"))
				if err != nil || string(v) != "v-before" {
					t.Errorf("Get(before) = %q, %v after the failure", v, err)
				}
				if _, err := r.Get([]byte("during")); !errors.Is(err, meta.ErrNotFound) {
					t.Errorf("Get(during) = %v: an unacknowledged write is visible", err)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("View after the failure: %v", err)
			}
			if n := strings.Count(logs.String(), "metadata store is read-only"); n != 1 {
				t.Errorf("logged the read-only transition %d times, want once:\n%s", n, logs.String())
			}
		})
	}
}

// TestBackgroundErrorMakesStoreUnhealthy: a flush that fails (no room for
// its table) makes Health report it at once, logs it once however often
// Pebble retries, and a later flush that succeeds makes the store healthy
// again, logged once too.
func TestBackgroundErrorMakesStoreUnhealthy(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if failing.Load() && op.Kind == errorfs.OpCreate && (strings.HasSuffix(op.Path, ".sst") || strings.HasSuffix(op.Path, ".blob")) {
			return syscall.ENOSPC
		}
		return nil
	})
	var logs syncBuf
	s, err := Open("db", Options{FS: errorfs.Wrap(vfs.NewMem(), inj),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events := make(chan struct{}, 100)
	s.health.mu.Lock()
	s.health.notify = func() {
		select {
		case events <- struct{}{}:
		default:
		}
	}
	s.health.mu.Unlock()

	if err := s.Update(context.Background(), func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	// Flush without waiting: the flush fails, and Pebble retries it.
	if _, err := s.db.AsyncFlush(); err != nil {
		t.Fatal(err)
	}
	for range 3 { // three failed flushes
		<-events
	}
	if err := s.Health(); err == nil || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Health during failing flushes = %v, want the ENOSPC", err)
	}
	failing.Store(false)
	for s.Health() != nil {
		<-events
	}
	out := logs.String()
	if n := strings.Count(out, "metadata engine background error"); n != 1 {
		t.Errorf("logged the background error %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "metadata engine recovered"); n != 1 {
		t.Errorf("logged the recovery %d times, want once:\n%s", n, out)
	}
}

// syncBuf is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
