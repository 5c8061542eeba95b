package pebble

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// BenchmarkUpdateParallel commits small independent Updates from many
// goroutines, the shape of a burst of small-object PUTs. Each Update is
// synced; the ops/s metric shows how well group commit shares fsyncs.
func BenchmarkUpdateParallel(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	value := make([]byte, 200)
	var next atomic.Uint64
	b.SetParallelism(16) // committers per core: more than the fsync rate needs
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		key := make([]byte, 8)
		for pb.Next() {
			binary.BigEndian.PutUint64(key, next.Add(1))
			err := s.Update(ctx, func(tx meta.Txn) error {
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
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
