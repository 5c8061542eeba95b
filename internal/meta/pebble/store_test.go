package pebble

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/metatest"
)

func TestConformance(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var got []byte
	err = s.View(ctx, func(r meta.Reader) error {
		got, err = r.Get([]byte("k"))
		return err
	})
	if err != nil || string(got) != "v" {
		t.Errorf("Get(k) after reopen = %q, %v; want %q", got, err, "v")
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"explicit sizes", Options{CacheSize: 1 << 20, MemTableSize: 4 << 20}, true},
		{"negative cache", Options{CacheSize: -1}, false},
		{"tiny memtable", Options{MemTableSize: 1024}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidOptions)) {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// TestCrashKeepsAcknowledgedUpdates simulates power loss while Updates are
// in flight: every Update that returned nil before the crash must survive,
// and every Update must survive whole or not at all.
func TestCrashKeepsAcknowledgedUpdates(t *testing.T) {
	for _, unsynced := range []int{0, 50, 100} {
		t.Run(fmt.Sprintf("unsynced%d", unsynced), func(t *testing.T) {
			testCrash(t, unsynced)
		})
	}
}

func testCrash(t *testing.T, unsyncedPercent int) {
	ctx := context.Background()
	fs := vfs.NewCrashableMem()
	s, err := Open("db", Options{FS: fs})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	const workers, perWorker, crashAfter = 4, 100, 150

	var mu sync.Mutex
	var acked []string
	crashed := make(chan *vfs.MemFS, 1)
	var ackedAtCrash []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				id := fmt.Sprintf("%d-%03d", w, i)
				err := s.Update(ctx, func(tx meta.Txn) error {
					if err := tx.Set([]byte("a/"+id), []byte(id)); err != nil {
						return err
					}
					return tx.Set([]byte("b/"+id), []byte(id))
				})
				if err != nil {
					t.Errorf("Update %s: %v", id, err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) == crashAfter {
					// Copy the acknowledged set, then crash: everything in
					// the copy returned nil before the crash instant.
					ackedAtCrash = append([]string(nil), acked...)
					crashed <- fs.CrashClone(vfs.CrashCloneCfg{
						UnsyncedDataPercent: unsyncedPercent,
						RNG:                 rand.New(rand.NewPCG(uint64(unsyncedPercent), 7)),
					})
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	clone := <-crashed

	s, err = Open("db", Options{FS: clone})
	if err != nil {
		t.Fatalf("Open after crash: %v", err)
	}
	defer s.Close()
	err = s.View(ctx, func(r meta.Reader) error {
		for _, id := range ackedAtCrash {
			if _, err := r.Get([]byte("a/" + id)); err != nil {
				t.Errorf("acknowledged update %s lost: %v", id, err)
			}
		}
		a, b := map[string]bool{}, map[string]bool{}
		for _, m := range []struct {
			prefix string
			set    map[string]bool
		}{{"a/", a}, {"b/", b}} {
			it := r.Scan([]byte(m.prefix), []byte(m.prefix[:1]+"0"), meta.ScanOptions{})
			for it.Next() {
				m.set[string(it.Value())] = true
			}
			if err := it.Close(); err != nil {
				return err
			}
		}
		for id := range a {
			if !b[id] {
				t.Errorf("update %s survived half: a/ without b/", id)
			}
		}
		for id := range b {
			if !a[id] {
				t.Errorf("update %s survived half: b/ without a/", id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View after crash: %v", err)
	}
}
