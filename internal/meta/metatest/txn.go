package metatest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/meta"
)

var errAbort = errors.New("metatest: abort on purpose")

func testUpdateErrorWritesNothing(t *testing.T, s meta.Store) {
	set(t, s, kv{"keep", "1"}, kv{"old", "2"})
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for _, op := range []error{
			tx.Set([]byte("new"), []byte("x")),
			tx.Set([]byte("keep"), []byte("changed")),
			tx.Delete([]byte("old")),
		} {
			if op != nil {
				return op
			}
		}
		return fmt.Errorf("wrapped: %w", errAbort)
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Update = %v, want the error fn returned (errors.Is errAbort)", err)
	}
	want := []kv{{"keep", "1"}, {"old", "2"}}
	if diff := cmp.Diff(want, scanView(t, s, nil, nil, meta.ScanOptions{}), cmp.AllowUnexported(kv{})); diff != "" {
		t.Errorf("store after failed Update mismatch (-want +got):\n%s", diff)
	}
	// The store stays usable.
	set(t, s, kv{"after", "3"})
	if v, _ := get(t, s, "after"); v != "3" {
		t.Errorf("Get(after) = %q, want %q", v, "3")
	}
}

func testReadAfterWrite(t *testing.T, s meta.Store) {
	ctx := context.Background()
	for i := range 50 {
		want := strconv.Itoa(i)
		err := s.Update(ctx, func(tx meta.Txn) error {
			if i > 0 {
				v, err := tx.Get([]byte("k"))
				if err != nil {
					return err
				}
				if prev := strconv.Itoa(i - 1); string(v) != prev {
					return fmt.Errorf("update %d: Get(k) = %q, want %q", i, v, prev)
				}
			}
			return tx.Set([]byte("k"), []byte(want))
		})
		if err != nil {
			t.Fatalf("Update %d: %v", i, err)
		}
		if got, _ := get(t, s, "k"); got != want {
			t.Fatalf("Get(k) right after Update %d = %q, want %q", i, got, want)
		}
	}
}

// testUpdateIsAtomic checks that a View never sees part of an Update: a
// writer keeps two keys equal, readers must always find them equal.
func testUpdateIsAtomic(t *testing.T, s meta.Store) {
	ctx := context.Background()
	set(t, s, kv{"x", "0"}, kv{"y", "0"})
	const writes = 100
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := 1; i <= writes; i++ {
			v := []byte(strconv.Itoa(i))
			err := s.Update(ctx, func(tx meta.Txn) error {
				if err := tx.Set([]byte("x"), v); err != nil {
					return err
				}
				return tx.Set([]byte("y"), v)
			})
			if err != nil {
				t.Errorf("Update %d: %v", i, err)
				return
			}
		}
	}()
	for reader := 0; reader < 2; reader++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				err := s.View(ctx, func(r meta.Reader) error {
					x, err := r.Get([]byte("x"))
					if err != nil {
						return err
					}
					y, err := r.Get([]byte("y"))
					if err != nil {
						return err
					}
					if string(x) != string(y) {
						return fmt.Errorf("saw a partial Update: x=%s y=%s", x, y)
					}
					return nil
				})
				if err != nil {
					t.Errorf("View: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func testViewSnapshotIsolation(t *testing.T, s meta.Store) {
	ctx := context.Background()
	set(t, s, kv{"a", "1"}, kv{"b", "2"})
	before := []kv{{"a", "1"}, {"b", "2"}}
	err := s.View(ctx, func(r meta.Reader) error {
		// Establish the snapshot with a read before the concurrent write.
		if v, err := r.Get([]byte("a")); err != nil || string(v) != "1" {
			return fmt.Errorf("Get(a) = %q, %v; want 1", v, err)
		}
		writeDone := make(chan error, 1)
		go func() {
			writeDone <- s.Update(ctx, func(tx meta.Txn) error {
				if err := tx.Set([]byte("a"), []byte("changed")); err != nil {
					return err
				}
				if err := tx.Delete([]byte("b")); err != nil {
					return err
				}
				return tx.Set([]byte("c"), []byte("3"))
			})
		}()
		// An open View must not block writers; the bound only turns a
		// deadlock into a test failure.
		select {
		case err := <-writeDone:
			if err != nil {
				return fmt.Errorf("concurrent Update: %w", err)
			}
		case <-time.After(30 * time.Second):
			return errors.New("Update blocked by an open View")
		}
		if v, err := r.Get([]byte("a")); err != nil || string(v) != "1" {
			t.Errorf("Get(a) after concurrent Update = %q, %v; want the snapshot's 1", v, err)
		}
		if v, err := r.Get([]byte("b")); err != nil || string(v) != "2" {
			t.Errorf("Get(b) after concurrent Delete = %q, %v; want the snapshot's 2", v, err)
		}
		if v, err := r.Get([]byte("c")); !errors.Is(err, meta.ErrNotFound) {
			t.Errorf("Get(c) after concurrent Set = %q, %v; want ErrNotFound", v, err)
		}
		got := scan(t, r, nil, nil, meta.ScanOptions{})
		if diff := cmp.Diff(before, got, cmp.AllowUnexported(kv{})); diff != "" {
			t.Errorf("Scan after concurrent Update mismatch (-want +got):\n%s", diff)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	want := []kv{{"a", "changed"}, {"c", "3"}}
	if diff := cmp.Diff(want, scanView(t, s, nil, nil, meta.ScanOptions{}), cmp.AllowUnexported(kv{})); diff != "" {
		t.Errorf("Scan after View mismatch (-want +got):\n%s", diff)
	}
}

func testContextCancelled(t *testing.T, s meta.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := s.Update(ctx, func(tx meta.Txn) error {
		called = true
		return tx.Set([]byte("k"), []byte("v"))
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update(cancelled ctx) = %v, want context.Canceled", err)
	}
	if called {
		t.Errorf("Update(cancelled ctx) ran fn")
	}
	err = s.View(ctx, func(meta.Reader) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("View(cancelled ctx) = %v, want context.Canceled", err)
	}
	if v, ok := get(t, s, "k"); ok {
		t.Errorf("Get(k) = %q, want ErrNotFound after cancelled Update", v)
	}

	// Cancelled while fn runs: the store may commit or not, but its result
	// must say which.
	ctx, cancel = context.WithCancel(context.Background())
	err = s.Update(ctx, func(tx meta.Txn) error {
		cancel()
		return tx.Set([]byte("k2"), []byte("v"))
	})
	_, ok := get(t, s, "k2")
	switch {
	case err == nil && !ok:
		t.Errorf("Update returned nil but its write is missing")
	case err != nil && ok:
		t.Errorf("Update returned %v but its write is visible", err)
	case err != nil && !errors.Is(err, context.Canceled):
		t.Errorf("Update(cancelled during fn) = %v, want nil or context.Canceled", err)
	}
}

func testClosedStore(t *testing.T, s meta.Store) {
	set(t, s, kv{"k", "v"})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := context.Background()
	called := false
	if err := s.View(ctx, func(meta.Reader) error { called = true; return nil }); !errors.Is(err, meta.ErrClosed) {
		t.Errorf("View after Close = %v, want ErrClosed", err)
	}
	if err := s.Update(ctx, func(meta.Txn) error { called = true; return nil }); !errors.Is(err, meta.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
	if called {
		t.Errorf("fn ran on a closed store")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}
