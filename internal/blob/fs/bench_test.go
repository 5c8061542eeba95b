package fs

import (
	"context"
	"testing"
)

// BenchmarkCommitSmall commits 4 KiB blobs from many goroutines: the cost
// of one small-object PUT's durable bytes (file fsync, rename, dir fsync).
func BenchmarkCommitSmall(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := make([]byte, 4096)
	ctx := context.Background()
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w, err := s.Create(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := w.Write(data); err != nil {
				b.Error(err)
				return
			}
			if _, err := w.Commit(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blobs/s")
}

// BenchmarkWriteLarge streams 64 MiB blobs in 1 MiB writes.
func BenchmarkWriteLarge(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	chunk := make([]byte, 1<<20)
	ctx := context.Background()
	b.SetBytes(64 << 20)
	b.ReportAllocs()
	for b.Loop() {
		w, err := s.Create(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for range 64 {
			if _, err := w.Write(chunk); err != nil {
				b.Fatal(err)
			}
		}
		id, err := w.Commit(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Delete(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
