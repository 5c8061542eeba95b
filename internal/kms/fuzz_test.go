package kms

import (
	"bytes"
	"testing"
)

// FuzzParseBlob: parseBlob never panics, accepts only what fits the
// layout, and what it accepts re-encodes to the same header.
func FuzzParseBlob(f *testing.F) {
	valid := append(blobHeaderFor("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", 7), make([]byte, blobNonce+blobTag+5)...)
	for _, seed := range [][]byte{nil, {1}, valid, valid[:blobOverhead-1], append([]byte{2}, valid[1:]...)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseBlob(b)
		if err != nil {
			if p != nil {
				t.Fatal("parseBlob returned a blob and an error")
			}
			return
		}
		if len(b) < blobOverhead || len(b) > maxBlob || b[0] != blobV1 {
			t.Fatalf("parseBlob accepted %d bytes, version %d", len(b), b[0])
		}
		if h := blobHeaderFor(p.keyID, p.version); !bytes.Equal(h, p.header) {
			t.Fatalf("header %x re-encodes as %x", p.header, h)
		}
		if len(p.nonce) != blobNonce || len(p.sealed) < blobTag {
			t.Fatalf("nonce %d bytes, sealed %d bytes", len(p.nonce), len(p.sealed))
		}
	})
}

// FuzzContextAAD: two contexts encode alike only when they are equal.
func FuzzContextAAD(f *testing.F) {
	f.Add("a", "b", "c", "d")
	f.Add("ab", "", "a", "b")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		x, y := map[string]string{k1: v1}, map[string]string{k2: v2}
		same := k1 == k2 && v1 == v2
		if bytes.Equal(contextAAD(x), contextAAD(y)) != same {
			t.Fatalf("contextAAD(%q) and contextAAD(%q): equal encodings %v, equal maps %v", x, y, !same, same)
		}
	})
}
