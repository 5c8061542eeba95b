package object

import (
	"context"
	"fmt"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// fillVersions writes keys × perKey versions directly in meta (as
// fillObjects does): each key "p/kNNNN" gets a current record in 'O' and
// perKey-1 noncurrent ones in 'V', all sharing one inline body "x".
func fillVersions(tb testing.TB, e *env, bucket string, keys, perKey int) {
	tb.Helper()
	ctx := context.Background()
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		b.Versioning = VersioningEnabled
		if err := putBucket(tx, bucket, b); err != nil {
			return err
		}
		return tx.Set(inlineKey("x"), []byte{recordV1, 'x'})
	})
	if err != nil {
		tb.Fatalf("fill: %v", err)
	}
	const batch = 5000
	var pending []func(meta.Txn) error
	flush := func() {
		err := e.meta.Update(ctx, func(tx meta.Txn) error {
			for _, f := range pending {
				if err := f(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("fill: %v", err)
		}
		pending = pending[:0]
	}
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("p/k%04d", k)
		var seq []byte
		// Oldest first, so that each seq sorts before the previous.
		for v := perKey - 1; v >= 0; v-- {
			seq = newSeq(testEpoch, seq)
			rec := objectRecord{VersionID: encodeVersionID(seq), Seq: seq, DataID: "x", Size: 1,
				ETag: md5hex("x"), Modified: testEpoch, Inline: true}
			val := encodeObject(&rec)
			var mk []byte
			if v == 0 {
				mk = objectKey(bucket, key)
			} else {
				mk = versionKey(bucket, key, seq)
			}
			pending = append(pending, func(tx meta.Txn) error { return tx.Set(mk, val) })
			if len(pending) == batch {
				flush()
			}
		}
	}
	flush()
}

// BenchmarkVersions_getCurrent reads the current version of a key with
// one version and of a key with 1,000: both read the same one record.
func BenchmarkVersions_getCurrent(b *testing.B) {
	ctx := context.Background()
	for _, perKey := range []int{1, 1000} {
		b.Run(fmt.Sprintf("versions=%d", perKey), func(b *testing.B) {
			e := newEnvOn(b, diskBackend)
			e.bucket(b, "bench")
			fillVersions(b, e, "bench", 10, perKey)
			for b.Loop() {
				out, err := e.s.GetObject(ctx, GetInput{Bucket: "bench", Key: "p/k0005"})
				if err != nil {
					b.Fatal(err)
				}
				out.Body.Close()
			}
		})
	}
}

// BenchmarkVersions_listObjects lists 100 keys that have one version each,
// then 100 keys that have 1,000 each: ListObjects reads only 'O'.
func BenchmarkVersions_listObjects(b *testing.B) {
	ctx := context.Background()
	for _, perKey := range []int{1, 1000} {
		b.Run(fmt.Sprintf("versions=%d", perKey), func(b *testing.B) {
			e := newEnvOn(b, diskBackend)
			e.bucket(b, "bench")
			fillVersions(b, e, "bench", 100, perKey)
			for b.Loop() {
				out, err := e.s.ListObjects(ctx, ListInput{Bucket: "bench", Prefix: "p/", MaxKeys: 1000})
				if err != nil || len(out.Objects) != 100 {
					b.Fatalf("ListObjects = %d objects, %v", len(out.Objects), err)
				}
			}
		})
	}
}

// BenchmarkListObjectVersions_100k pages through 100,000 versions under
// one prefix, 1,000 per page: all of one key, and 1,000 each of 100 keys.
// One op is the whole listing (100 pages).
func BenchmarkListObjectVersions_100k(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name         string
		keys, perKey int
	}{{"oneKey", 1, 100_000}, {"100keys", 100, 1000}} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnvOn(b, diskBackend)
			e.bucket(b, "bench")
			fillVersions(b, e, "bench", bc.keys, bc.perKey)
			for b.Loop() {
				in := ListVersionsInput{Bucket: "bench", Prefix: "p/", MaxKeys: 1000}
				n := 0
				for {
					out, err := e.s.ListObjectVersions(ctx, in)
					if err != nil {
						b.Fatal(err)
					}
					n += len(out.Versions)
					if !out.Truncated {
						break
					}
					in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
				}
				if n != 100_000 {
					b.Fatalf("listed %d versions, want 100000", n)
				}
			}
		})
	}
}
