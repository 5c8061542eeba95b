package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// The benchmarks run each case on the embedded Pebble store and on
// PostgreSQL (the shared test server, on loopback), so that one run gives
// both figures:
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/meta/postgres

// benchStores opens one store of each kind.
func benchStores(b *testing.B) []struct {
	name string
	s    meta.Store
} {
	pb, err := pebble.Open(b.TempDir(), pebble.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pb.Close() })
	pg := openTemp(b)
	return []struct {
		name string
		s    meta.Store
	}{{"pebble", pb}, {"postgres", pg}}
}

func benchKey(n int) []byte {
	return binary.BigEndian.AppendUint64([]byte("obj/"), uint64(n))
}

// fill writes n keys with 200-byte values.
func fill(b *testing.B, s meta.Store, n int) {
	value := make([]byte, 200)
	for first := 0; first < n; first += 1000 {
		err := s.Update(context.Background(), func(tx meta.Txn) error {
			for i := first; i < min(first+1000, n); i++ {
				if err := tx.Set(benchKey(i), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet is a View with one Get of an existing key: the HEAD or the
// first lookup of a GET.
func BenchmarkGet(b *testing.B) {
	for _, st := range benchStores(b) {
		fill(b, st.s, 1000)
		b.Run("store="+st.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				err := st.s.View(ctx, func(r meta.Reader) error {
					_, err := r.Get(benchKey(i % 1000))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetViewIsolation compares the View isolation levels considered
// for PostgreSQL (docs/postgres.md), with writers running meanwhile.
func BenchmarkGetViewIsolation(b *testing.B) {
	s := openTemp(b)
	fill(b, s, 1000)
	for _, level := range []struct{ name, begin string }{
		{"repeatable-read", beginView},
		{"serializable", "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"},
		{"serializable-deferrable", "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE"},
	} {
		b.Run(level.name, func(b *testing.B) {
			s.viewBegin = level.begin
			defer func() { s.viewBegin = beginView }()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Go(func() { // a steady writer, as a busy cluster has
				for i := 0; ctx.Err() == nil; i++ {
					_ = s.Update(ctx, func(tx meta.Txn) error {
						if _, err := tx.Get(benchKey(i % 1000)); err != nil {
							return err
						}
						return tx.Set(benchKey((i+500)%1000), []byte("x"))
					})
				}
			})
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				err := s.View(ctx, func(r meta.Reader) error {
					_, err := r.Get(benchKey(i % 1000))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cancel()
			wg.Wait()
		})
	}
}

// BenchmarkUpdateSmall is a conditional small-object PUT: read a key,
// write it if absent, from 1 and from 16 concurrent committers.
func BenchmarkUpdateSmall(b *testing.B) {
	for _, st := range benchStores(b) {
		for _, committers := range []int{1, 16} {
			b.Run(fmt.Sprintf("store=%s/committers=%d", st.name, committers), func(b *testing.B) {
				benchUpdates(b, st.s, committers)
			})
		}
	}
}

var benchRun atomic.Int64

func benchUpdates(b *testing.B, s meta.Store, committers int) {
	benchUpdatesUnder(b, s, committers, "obj/")
}

// benchUpdatesUnder runs benchUpdates with keys starting with prefix.
func benchUpdatesUnder(b *testing.B, s meta.Store, committers int, prefix string) {
	ctx := context.Background()
	value := make([]byte, 200)
	base := benchRun.Add(1) << 40 // fresh keys in every run
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range committers {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				key := binary.BigEndian.AppendUint64([]byte(prefix), uint64(base+n))
				err := s.Update(ctx, func(tx meta.Txn) error {
					if _, err := tx.Get(key); !errors.Is(err, meta.ErrNotFound) {
						return err
					}
					return tx.Set(key, value)
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	if pg, ok := s.(*Store); ok {
		b.ReportMetric(float64(pg.retries.Swap(0))/float64(b.N), "retries/op")
	}
}

// BenchmarkScan reads 1000 consecutive keys out of 100,000: a full page of
// ListObjectsV2.
func BenchmarkScan(b *testing.B) {
	const total, span = 100_000, 1000
	for _, st := range benchStores(b) {
		fill(b, st.s, total)
		b.Run("store="+st.name+"/1000of100000", func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				first := (i * 7919) % (total - span)
				n := 0
				err := st.s.View(ctx, func(r meta.Reader) error {
					it := r.Scan(benchKey(first), benchKey(first+span), meta.ScanOptions{})
					defer it.Close()
					for it.Next() {
						n++
					}
					return it.Err()
				})
				if err != nil || n != span {
					b.Fatalf("scan: %d keys, %v", n, err)
				}
			}
		})
	}
}

// BenchmarkGetViewEnd compares a View that waits for its COMMIT with one
// that sends it after returning (what View does), one View at a time.
func BenchmarkGetViewEnd(b *testing.B) {
	local := openTemp(b)
	fill(b, local, 1000)
	// The same database behind 250 µs each way: a 0.5 ms round trip,
	// as across a data-centre network.
	remote, err := Open(context.Background(), viaProxy(b, pgtest.URL(b), 250*time.Microsecond), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	fill(b, remote, 1000)
	for _, c := range []struct {
		net  string
		s    *Store
		sync bool
	}{{"loopback", local, true}, {"loopback", local, false}, {"rtt=0.5ms", remote, true}, {"rtt=0.5ms", remote, false}} {
		s, sync := c.s, c.sync
		b.Run(fmt.Sprintf("%s/wait-for-commit=%v", c.net, sync), func(b *testing.B) {
			s.viewEndSync = sync
			defer func() { s.viewEndSync = false }()
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				err := s.View(ctx, func(r meta.Reader) error {
					_, err := r.Get(benchKey(i % 1000))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpdateNotify compares the conditional PUT of
// BenchmarkUpdateSmall on a store without notify prefixes, on one with
// the prefix S whose keys it does not write (an object PUT on a coffer
// node: the write path only checks the prefix), and on one whose every
// Update writes under S and so sends a NOTIFY with its COMMIT (a cache
// generation bump).
func BenchmarkUpdateNotify(b *testing.B) {
	url := pgtest.URL(b)
	off, err := Open(context.Background(), url, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer off.Close()
	on, err := Open(context.Background(), url, Options{NotifyPrefixes: [][]byte{[]byte("S")}})
	if err != nil {
		b.Fatal(err)
	}
	defer on.Close()
	for _, committers := range []int{1, 16} {
		for _, c := range []struct {
			name string
			s    *Store
			key  string
		}{{"notify=off", off, "obj/"}, {"notify=S/key=obj", on, "obj/"}, {"notify=S/key=S", on, "S"}} {
			b.Run(fmt.Sprintf("%s/committers=%d", c.name, committers), func(b *testing.B) {
				benchUpdatesUnder(b, c.s, committers, c.key)
			})
		}
	}
}
