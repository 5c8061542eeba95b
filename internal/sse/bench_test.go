package sse

import (
	"bytes"
	"io"
	"testing"
)

// benchSizes are the object sizes of the speed targets.
var benchSizes = []struct {
	name string
	n    int64
}{{"4KiB", 4 << 10}, {"64MiB", 64 << 20}}

// writerOnly hides a destination's ReadFrom, as a blob writer's Write path
// would be used.
type writerOnly struct{ io.Writer }

// readerOnly hides a source's WriteTo, as a request body has none.
type readerOnly struct{ io.Reader }

// BenchmarkEncrypt measures encryption with a fresh data key per object,
// as a PUT does: NewWriter fed 128 KiB writes (the object path's copy
// buffer).
func BenchmarkEncrypt(b *testing.B) {
	for _, s := range benchSizes {
		p := plaintext(s.n, 1)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(s.n)
			buf := make([]byte, 128<<10)
			for b.Loop() {
				key, _ := NewDataKey()
				w, err := NewWriter(io.Discard, key)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(w, readerOnly{bytes.NewReader(p)}, buf); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecrypt measures a whole-object read through io.Copy (which
// uses the reader's WriteTo, as net/http's response copy does) and through
// plain Reads into 32 KiB buffers.
func BenchmarkDecrypt(b *testing.B) {
	for _, s := range benchSizes {
		p := plaintext(s.n, 1)
		key := newKey(b)
		c := encryptWriter(b, key, p)
		b.Run(s.name+"/copy", func(b *testing.B) {
			b.SetBytes(s.n)
			for b.Loop() {
				r, err := Decrypt(bytes.NewReader(c), key, s.n)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(writerOnly{io.Discard}, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/read32KiB", func(b *testing.B) {
			b.SetBytes(s.n)
			buf := make([]byte, 32<<10)
			for b.Loop() {
				r, err := Decrypt(bytes.NewReader(c), key, s.n)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(writerOnly{io.Discard}, readerOnly{r}, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCopy is the plaintext baseline of the same loops: a memory copy
// through the same buffers, without encryption.
func BenchmarkCopy(b *testing.B) {
	for _, s := range benchSizes {
		p := plaintext(s.n, 1)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(s.n)
			buf := make([]byte, 128<<10)
			for b.Loop() {
				io.CopyBuffer(writerOnly{io.Discard}, readerOnly{bytes.NewReader(p)}, buf)
			}
		})
	}
}

// BenchmarkWrap measures the per-object key work of a PUT (a new data key
// and its wrap) and of a GET (the unwrap).
func BenchmarkWrap(b *testing.B) {
	r := keyring(b, 1)
	ctx := Context("bucket", "some/object/key", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
	b.Run("new+wrap", func(b *testing.B) {
		for b.Loop() {
			d, _ := NewDataKey()
			if _, err := r.Wrap(d, ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	w, _ := r.Wrap(newKey(b), ctx)
	b.Run("unwrap", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Unwrap(w, ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
