package sse

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

// TestDecryptBytes decrypts whole streams held in memory and refuses every
// changed, cut, extended or foreign one without returning bytes.
func TestDecryptBytes(t *testing.T) {
	key, _ := NewDataKey()
	other, _ := NewDataKey()
	for _, size := range []int{0, 1, 4 << 10, ChunkSize, ChunkSize + 1, 2*ChunkSize + 7} {
		plain := make([]byte, size)
		rand.Read(plain)
		var stream bytes.Buffer
		w, err := NewWriter(&stream, key)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(plain)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ct := stream.Bytes()
		got, err := DecryptBytes([]byte("prefix"), ct, key, int64(size))
		if err != nil || !bytes.Equal(got, append([]byte("prefix"), plain...)) {
			t.Fatalf("size %d: DecryptBytes = %d bytes, %v", size, len(got), err)
		}
		if size == 0 {
			continue
		}
		flipped := bytes.Clone(ct)
		flipped[len(flipped)/2] ^= 1
		bad := map[string]struct {
			src  []byte
			key  *DataKey
			size int64
		}{
			"flipped":     {flipped, key, int64(size)},
			"truncated":   {ct[:len(ct)-1], key, int64(size)},
			"extended":    {append(bytes.Clone(ct), 0), key, int64(size)},
			"other key":   {ct, other, int64(size)},
			"wrong size":  {ct, key, int64(size) - 1},
			"first cut":   {ct[min(len(ct), packageSize):], key, int64(size)},
			"final moved": {ct, key, int64(size) + 1},
		}
		for name, b := range bad {
			if got, err := DecryptBytes(nil, b.src, b.key, b.size); err == nil || got != nil {
				t.Errorf("size %d, %s: DecryptBytes = %d bytes, %v; want ErrNotAuthentic", size, name, len(got), err)
			} else if !errors.Is(err, ErrNotAuthentic) {
				t.Errorf("size %d, %s: error %v, want ErrNotAuthentic", size, name, err)
			}
		}
	}
}
