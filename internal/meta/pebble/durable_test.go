package pebble

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/coffer-s3/coffer/internal/meta"
)

// gatedFS holds WAL syncs while its gate is closed, so a test can look at
// the store while a batch is applied but not yet durable.
type gatedFS struct {
	vfs.FS
	mu   sync.Mutex
	gate chan struct{} // nil when syncs pass
}

func (g *gatedFS) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate = make(chan struct{})
}

func (g *gatedFS) releaseSyncs() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.gate)
	g.gate = nil
}

func (g *gatedFS) wait() {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (g *gatedFS) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil || !strings.HasSuffix(name, ".log") {
		return f, err
	}
	return gatedFile{File: f, fs: g}, nil
}

func (g *gatedFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := g.FS.Create(name, c)
	return g.wrap(name, f, err)
}

func (g *gatedFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := g.FS.ReuseForWrite(oldname, newname, c)
	return g.wrap(newname, f, err)
}

func (g *gatedFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := g.FS.OpenReadWrite(name, c, opts...)
	return g.wrap(name, f, err)
}

type gatedFile struct {
	vfs.File
	fs *gatedFS
}

func (f gatedFile) Sync() error {
	f.fs.wait()
	return f.File.Sync()
}

func (f gatedFile) SyncData() error {
	f.fs.wait()
	return f.File.SyncData()
}

func (f gatedFile) SyncTo(length int64) (bool, error) {
	f.fs.wait()
	return f.File.SyncTo(length)
}

// TestViewReadsDurableOnly checks that a View neither sees nor waits for a
// batch whose WAL sync is still in flight, and sees it as soon as its
// Update has returned.
func TestViewReadsDurableOnly(t *testing.T) {
	ctx := context.Background()
	fs := &gatedFS{FS: vfs.NewMem()}
	s, err := Open("db", Options{FS: fs})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	key := []byte("k")
	get := func() error {
		return s.View(ctx, func(r meta.Reader) error {
			_, err := r.Get(key)
			return err
		})
	}

	fs.hold()
	updated := make(chan error, 1)
	go func() {
		updated <- s.Update(ctx, func(tx meta.Txn) error { return tx.Set(key, []byte("v")) })
	}()
	// Wait until the batch is applied (visible to the live database)
	// while its sync is held.
	for s.applied.Load() == 0 {
		select {
		case err := <-updated:
			t.Fatalf("Update returned %v while its WAL sync was held", err)
		default:
		}
		runtime.Gosched()
	}
	if err := get(); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("View during the sync: Get = %v, want meta.ErrNotFound", err)
	}
	fs.releaseSyncs()
	if err := <-updated; err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := get(); err != nil {
		t.Errorf("View after Update returned: Get = %v, want the value", err)
	}
}
