package object

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// BenchmarkPutObject writes small objects on Pebble and the file-system
// blob store, inline and as blobs: the difference is one file, its fsync
// and its directory fsync per object.
func BenchmarkPutObject(b *testing.B) {
	ctx := context.Background()
	body := bytes.Repeat([]byte("x"), 4<<10)
	for _, mode := range storageModes {
		b.Run(mode.name+"/4KiB", func(b *testing.B) {
			e := newEnvOn(b, diskBackend, mode.mod)
			e.bucket(b, "bench")
			i := 0
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				_, err := e.s.PutObject(ctx, PutInput{Bucket: "bench", Key: keyN(i), Body: bytes.NewReader(body), Size: int64(len(body))})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkGetObject reads one small object repeatedly.
func BenchmarkGetObject(b *testing.B) {
	ctx := context.Background()
	body := bytes.Repeat([]byte("x"), 4<<10)
	for _, mode := range storageModes {
		b.Run(mode.name+"/4KiB", func(b *testing.B) {
			e := newEnvOn(b, diskBackend, mode.mod)
			e.bucket(b, "bench")
			e.put(b, "bench", "k", string(body))
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				out, err := e.s.GetObject(ctx, GetInput{Bucket: "bench", Key: "k"})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
				out.Body.Close()
			}
		})
	}
}
