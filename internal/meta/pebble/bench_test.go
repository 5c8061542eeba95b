package pebble

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// BenchmarkUpdateParallel commits small independent Updates from a number
// of concurrent committers, the shape of a burst of small-object PUTs. Each
// Update is synced; the ops/s metric at 1 committer is the fsync rate, and
// the gain at higher counts is what group commit buys.
func BenchmarkUpdateParallel(b *testing.B) {
	for _, committers := range []int{1, 4, 32, 128} {
		b.Run(fmt.Sprintf("committers=%d", committers), func(b *testing.B) {
			benchmarkUpdates(b, committers)
		})
	}
}

// BenchmarkViewThenUpdate is a small-object PUT as the object service
// issues it: a View that fails fast on a missing bucket, then the Update
// that commits. The View must not wait for another committer's fsync.
func BenchmarkViewThenUpdate(b *testing.B) {
	for _, committers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("committers=%d", committers), func(b *testing.B) {
			benchmarkUpdatesWithView(b, committers, true)
		})
	}
}

func benchmarkUpdates(b *testing.B, committers int) {
	benchmarkUpdatesWithView(b, committers, false)
}

func benchmarkUpdatesWithView(b *testing.B, committers int, view bool) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	value := make([]byte, 200)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range committers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := make([]byte, 8)
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				binary.BigEndian.PutUint64(key, uint64(n))
				if view {
					err := s.View(ctx, func(r meta.Reader) error {
						_, err := r.Get([]byte("bucket"))
						return err
					})
					if err != nil && !errors.Is(err, meta.ErrNotFound) {
						b.Errorf("View: %v", err)
						return
					}
				}
				err := s.Update(ctx, func(tx meta.Txn) error {
					// Read-then-write, like a conditional PUT.
					if _, err := tx.Get(key); err == nil {
						return nil
					}
					return tx.Set(key, value)
				})
				if err != nil {
					b.Errorf("Update: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkViewGet reads one existing key per View from a store whose keys
// were flushed to sstables over several memtables: the point reads every
// GET and HEAD makes.
func BenchmarkViewGet(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	const keys, perBatch = 40000, 1000
	value := make([]byte, 300)
	for i := 0; i < keys; i += perBatch {
		err := s.Update(ctx, func(tx meta.Txn) error {
			for j := i; j < i+perBatch; j++ {
				if err := tx.Set(fmt.Appendf(nil, "o/bucket/key-%08d", j*7919%keys), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("Update: %v", err)
		}
		if i%(keys/4) == 0 {
			if err := s.db.Flush(); err != nil {
				b.Fatalf("Flush: %v", err)
			}
		}
	}
	if err := s.db.Flush(); err != nil {
		b.Fatalf("Flush: %v", err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := fmt.Appendf(nil, "o/bucket/key-%08d", i%keys)
		i++
		err := s.View(ctx, func(r meta.Reader) error {
			_, err := r.Get(key)
			return err
		})
		if err != nil {
			b.Fatalf("View: %v", err)
		}
	}
}

// BenchmarkScanPage reads one 1,000-key page from the middle of stores of
// different sizes, the way a ListObjectsV2 page continues after a key: the
// cost must not grow with the number of keys stored.
func BenchmarkScanPage(b *testing.B) {
	for _, keys := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatalf("Open: %v", err)
			}
			defer s.Close()
			ctx := context.Background()
			value := make([]byte, 100)
			const perBatch = 10_000
			for i := 0; i < keys; i += perBatch {
				err := s.Update(ctx, func(tx meta.Txn) error {
					for j := i; j < i+perBatch; j++ {
						if err := tx.Set(fmt.Appendf(nil, "o/bucket/key-%08d", j), value); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatalf("Update: %v", err)
				}
			}
			start := fmt.Appendf(nil, "o/bucket/key-%08d", keys/2)
			b.ReportAllocs()
			for b.Loop() {
				err := s.View(ctx, func(r meta.Reader) error {
					it := r.Scan(start, []byte("o/bucket0"), meta.ScanOptions{})
					n := 0
					for n < 1000 && it.Next() {
						n++
					}
					if n != 1000 {
						b.Fatalf("page of %d keys, want 1000", n)
					}
					return it.Close()
				})
				if err != nil {
					b.Fatalf("View: %v", err)
				}
			}
		})
	}
}
