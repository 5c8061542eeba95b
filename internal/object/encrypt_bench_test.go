package object

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// BenchmarkEncryption writes and reads 4 KiB (inline) and 8 MiB (one blob)
// objects on Pebble and blob/fs, encrypted at rest and in plaintext.
func BenchmarkEncryption(b *testing.B) {
	ctx := context.Background()
	for _, size := range []struct {
		name string
		n    int
	}{{"4KiB", 4 << 10}, {"8MiB", 8 << 20}} {
		body := randomBody(1, size.n)
		for _, mode := range []struct {
			name string
			mod  func(*Options)
		}{{"plain", func(*Options) {}}, {"encrypted", encryptAtRest(b, nil)}} {
			b.Run("Put/"+size.name+"/"+mode.name, func(b *testing.B) {
				e := newEnvOn(b, diskBackend, mode.mod)
				e.bucket(b, "bench")
				i := 0
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					_, err := e.s.PutObject(ctx, PutInput{Bucket: "bench", Key: keyN(i % 64), Body: bytes.NewReader(body), Size: int64(size.n)})
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("Get/"+size.name+"/"+mode.name, func(b *testing.B) {
				e := newEnvOn(b, diskBackend, mode.mod)
				e.bucket(b, "bench")
				e.put(b, "bench", "k", string(body))
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
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
}
