package sse

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/minio/sio"
)

// encryptFixed encrypts p as NewWriter does but with a fixed nonce: the
// fuzzing engine's worker processes must make the same streams as the
// process that wrote the seeds.
func encryptFixed(t testing.TB, key *DataKey, p []byte) []byte {
	t.Helper()
	cfg := config(key, 0)
	cfg.Nonce = &[12]byte{9, 9, 9}
	var buf bytes.Buffer
	if _, err := sio.Encrypt(&buf, bytes.NewReader(p), cfg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wrapFixed wraps as Keyring.Wrap does but with a fixed nonce, for the
// same reason.
func wrapFixed(t testing.TB, r *Keyring, key *DataKey, ctx []byte) WrappedKey {
	t.Helper()
	kek, err := r.kek(r.Current())
	if err != nil {
		t.Fatal(err)
	}
	w := make(WrappedKey, wrapHeaderSize+wrapNonceSize, wrapSizeV1)
	w[0], w[5] = wrapFormatV1, wrapAlgGCM
	binary.BigEndian.PutUint32(w[1:5], r.Current())
	nonce := w[wrapHeaderSize:]
	nonce[0] = 7
	return kek.Seal(w, nonce, key.k[:], additionalData(w, ctx))
}

// fuzzKey is the one data key FuzzDecrypt decrypts under: a fuzzer
// cannot find authentic packages under it other than those made here.
var fuzzKey = &DataKey{k: secret{1, 2, 3}}

type known struct{ plain, stored []byte }

// FuzzDecrypt feeds arbitrary stored bytes and ranges to DecryptRange.
// Properties: no panic; any bytes it returns without an error are the
// plaintext of an authentic stream whose packages in the range are the
// ones given.
func FuzzDecrypt(f *testing.F) {
	var streams []known
	// Seeds: streams of 0, 1, 100 bytes, one package exactly, and one
	// byte into a second package.
	for _, n := range []int64{0, 1, 100, ChunkSize, ChunkSize + 1} {
		p := plaintext(n, 7)
		c := encryptFixed(f, fuzzKey, p)
		streams = append(streams, known{p, c})
		f.Add(c, int64(0), n)
		f.Add(c, n/2, n-n/2)
	}
	f.Add([]byte{0x20, 0, 0, 0}, int64(0), int64(1))
	f.Fuzz(func(t *testing.T, c []byte, off, n int64) {
		size, err := DecryptedSize(int64(len(c)))
		if err != nil {
			size = int64(len(c)) // a size that does not match: must fail
		}
		r, err := DecryptRange(bytes.NewReader(c), fuzzKey, size, off, n)
		if err != nil {
			return
		}
		got, err := io.ReadAll(r)
		sp, _ := MapRange(size, off, n)
		if len(got) == 0 && err != nil {
			return
		}
		// What was returned is a prefix of the range in an authentic
		// stream whose packages in the span are the ones given.
		for _, s := range streams {
			if len(s.stored) == len(c) && bytes.Equal(s.stored[sp.Offset:sp.Offset+sp.Length], c[sp.Offset:sp.Offset+sp.Length]) &&
				bytes.Equal(got, s.plain[off:off+int64(len(got))]) {
				if err == nil && int64(len(got)) != n {
					t.Fatalf("DecryptRange(%d, %d) returned %d bytes and no error", off, n, len(got))
				}
				return
			}
		}
		if len(got) > 0 {
			t.Fatalf("DecryptRange(%d, %d) of %d stored bytes returned %d unauthentic bytes (err %v)", off, n, len(c), len(got), err)
		}
	})
}

// FuzzUnwrap feeds arbitrary wrapped keys and contexts to Unwrap.
// Properties: no panic; it succeeds only for a wrap made here with its own
// context, and then returns that wrap's key.
func FuzzUnwrap(f *testing.F) {
	r := keyring(f, 1, 2)
	type wrap struct {
		w   WrappedKey
		ctx []byte
		key *DataKey
	}
	var wraps []wrap
	for i, ctx := range [][]byte{nil, Context("bucket", "key", "v")} {
		key := &DataKey{k: secret{byte(i + 1)}}
		w := wrapFixed(f, r, key, ctx)
		wraps = append(wraps, wrap{w, ctx, key})
		f.Add([]byte(w), ctx)
	}
	f.Add([]byte{wrapFormatV1, 0, 0, 0, 1, wrapAlgGCM}, []byte{})
	f.Add([]byte{2}, []byte("x"))
	f.Fuzz(func(t *testing.T, w, ctx []byte) {
		WrappedKey(w).MasterVersion()
		got, err := r.Unwrap(w, ctx)
		if err != nil {
			if got != nil {
				t.Fatal("Unwrap returned a key and an error")
			}
			return
		}
		for _, k := range wraps {
			if bytes.Equal(k.w, w) && bytes.Equal(k.ctx, ctx) {
				if !sameKey(got, k.key) {
					t.Fatal("Unwrap returned another key")
				}
				return
			}
		}
		t.Fatalf("Unwrap accepted a wrap not made here: % x", w)
	})
}

// FuzzOpen feeds Open arbitrary sealed bytes: it must never panic and
// never return plaintext for bytes Seal did not make.
func FuzzOpen(f *testing.F) {
	r := NewKeyring()
	if _, err := r.Rotate(); err != nil {
		f.Fatal(err)
	}
	sealed, err := r.Seal([]byte("secret"), []byte("ctx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := r.Open(b, []byte("ctx"))
		if err == nil && !bytes.Equal(b, sealed) {
			t.Errorf("Open accepted bytes Seal did not make: %q", pt)
		}
	})
}
