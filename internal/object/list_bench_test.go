package object

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// fillObjects writes n object records directly in meta, in large
// transactions: listing reads only these records, and writing through
// PutObject would spend the setup on fsyncs. Keys are "dNNNN/fNN", 100 per
// directory.
func fillObjects(tb testing.TB, e *env, bucket string, n int) {
	tb.Helper()
	ctx := context.Background()
	rec := objectRecord{DataID: "x", Size: 1, ETag: md5hex("x"), Modified: testEpoch, Inline: true}
	val := encodeObject(&rec)
	const batch = 5000
	for i := 0; i < n; i += batch {
		err := e.meta.Update(ctx, func(tx meta.Txn) error {
			for j := i; j < min(i+batch, n); j++ {
				if err := tx.Set(objectKey(bucket, fmt.Sprintf("d%04d/f%02d", j/100, j%100)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("fill: %v", err)
		}
	}
}

// BenchmarkListObjects lists one 1000-entry page from the middle of a
// 100,000-key bucket on Pebble, with and without a delimiter (with it,
// every entry is a common prefix of 100 keys that the scan must skip).
func BenchmarkListObjects(b *testing.B) {
	ctx := context.Background()
	e := newEnvOn(b, diskBackend)
	e.bucket(b, "bench")
	fillObjects(b, e, "bench", 100_000)
	for _, bc := range []struct {
		name string
		in   ListInput
	}{
		{"noDelimiter", ListInput{Bucket: "bench", After: "d0500/f00", MaxKeys: 1000}},
		{"delimiter", ListInput{Bucket: "bench", Delimiter: "/", MaxKeys: 1000}},
		{"prefixDelimiter", ListInput{Bucket: "bench", Prefix: "d05", Delimiter: "/", MaxKeys: 1000}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				out, err := e.s.ListObjects(ctx, bc.in)
				if err != nil {
					b.Fatal(err)
				}
				if n := len(out.Objects) + len(out.CommonPrefixes); n == 0 {
					b.Fatal("empty page")
				}
			}
		})
	}
}

// countingMeta counts the entries scans return.
type countingMeta struct {
	meta.Store
	entries atomic.Int64
}

func (c *countingMeta) View(ctx context.Context, fn func(meta.Reader) error) error {
	return c.Store.View(ctx, func(r meta.Reader) error { return fn(countingReader{r, c}) })
}

type countingReader struct {
	meta.Reader
	c *countingMeta
}

func (r countingReader) Scan(start, end []byte, opts meta.ScanOptions) meta.Iterator {
	return countingIter{r.Reader.Scan(start, end, opts), r.c}
}

type countingIter struct {
	meta.Iterator
	c *countingMeta
}

func (it countingIter) Next() bool {
	ok := it.Iterator.Next()
	if ok {
		it.c.entries.Add(1)
	}
	return ok
}

// TestListObjects_seeksPastCommonPrefixes checks that a delimited listing
// reads one record per entry returned, not every key under each prefix.
func TestListObjects_seeksPastCommonPrefixes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	fillObjects(t, e, "bkt", 20_000) // 200 directories of 100 keys
	cm := &countingMeta{Store: e.meta}
	s, err := New(Options{Meta: cm, Blob: e.blob, Clock: e.clock})
	checkErr(t, "New", err, nil)
	tests := []struct {
		name    string
		in      ListInput
		entries int
		maxRead int64
	}{
		{"delimiter", ListInput{Bucket: "bkt", Delimiter: "/", MaxKeys: 50}, 50, 50*(skipSteps+1) + 1},
		{"noDelimiterAfter", ListInput{Bucket: "bkt", After: "d0100/f50", MaxKeys: 50}, 50, 51},
		{"prefix", ListInput{Bucket: "bkt", Prefix: "d0150/", MaxKeys: 1000}, 100, 100},
	}
	for _, tt := range tests {
		cm.entries.Store(0)
		out, err := s.ListObjects(ctx, tt.in)
		checkErr(t, "ListObjects", err, nil)
		if n := len(out.Objects) + len(out.CommonPrefixes); n != tt.entries {
			t.Errorf("%s: %d entries, want %d", tt.name, n, tt.entries)
		}
		if got := cm.entries.Load(); got > tt.maxRead {
			t.Errorf("%s: read %d records for %d entries, want at most %d", tt.name, got, tt.entries, tt.maxRead)
		}
	}
}
