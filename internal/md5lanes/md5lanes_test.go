package md5lanes

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

func needLanes(t testing.TB) {
	t.Helper()
	if !lanesSupported {
		t.Skip("this CPU has no AVX-512VL; New returns crypto/md5")
	}
}

// RFC 1321's test suite.
func TestRFC1321(t *testing.T) {
	needLanes(t)
	for in, want := range map[string]string{
		"":                           "d41d8cd98f00b204e9800998ecf8427e",
		"a":                          "0cc175b9c0f1b6a831c399e269772661",
		"abc":                        "900150983cd24fb0d6963f7d28e17f72",
		"message digest":             "f96b697d7cb7938d525a2f31aaf161d0",
		"abcdefghijklmnopqrstuvwxyz": "c3fcd3d76192e4007dfb496cca67e13b",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":                   "d174ab98d277d9f5a5611c2c9f419d9f",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890": "57edf4a22be3c955ac49da2e2107b67a",
	} {
		d := newDigest()
		d.Write([]byte(in))
		if got := hex.EncodeToString(d.Sum(nil)); got != want {
			t.Errorf("MD5(%q) = %s, want %s", in, got, want)
		}
	}
}

// writeSplit writes data to h in pieces whose lengths come from r, with
// some pieces large enough to go to an engine.
func writeSplit(h interface{ Write([]byte) (int, error) }, data []byte, r *rand.Rand) {
	for len(data) > 0 {
		var n int
		switch r.IntN(4) {
		case 0:
			n = r.IntN(BlockSize * 2)
		case 1:
			n = r.IntN(engineMin)
		default:
			n = engineMin + r.IntN(4*engineMin)
		}
		n = min(n, len(data))
		h.Write(data[:n])
		data = data[n:]
	}
}

// shareLanes makes every large write go to an engine, as it does while
// another one is being hashed, until the returned func is called. Without
// it the tests run alone unless within shareWindow of a shared one.
func shareLanes() (undo func()) {
	hashing.Add(1)
	return func() { hashing.Add(-1) }
}

// TestMatchesCryptoMD5 runs each size alone, where large writes are hashed
// on the calling goroutine, and shared, where they go to an engine.
func TestMatchesCryptoMD5(t *testing.T) {
	needLanes(t)
	t.Run("alone", func(t *testing.T) {
		lastShared.Store(0)
		testMatchesCryptoMD5(t)
	})
	t.Run("shared", func(t *testing.T) {
		defer shareLanes()()
		testMatchesCryptoMD5(t)
	})
}

func testMatchesCryptoMD5(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 128, engineMin - 1, engineMin, engineMin + 63, 3<<20 + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		want := md5.Sum(data)
		d := newDigest()
		writeSplit(d, data, r)
		if got := d.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Errorf("size %d: got %x, want %x", size, got, want)
		}
		// Sum leaves d as it was: more writes continue the same message.
		d.Write([]byte("tail"))
		want = md5.Sum(append(data, "tail"...))
		if got := d.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Errorf("size %d + tail: got %x, want %x", size, got, want)
		}
		d.Reset()
		if got, empty := d.Sum(nil), md5.Sum(nil); !bytes.Equal(got, empty[:]) {
			t.Errorf("size %d after Reset: got %x", size, got)
		}
	}
}

// TestConcurrentStreams runs more streams than an engine has lanes, with
// writes of different lengths, so lanes join and leave mid-step.
func TestConcurrentStreams(t *testing.T) {
	needLanes(t)
	defer func() {
		// A count left over would send every later lone write to an
		// engine, at half crypto/md5's speed.
		if n := hashing.Load(); n != 0 {
			t.Errorf("%d writes still counted as being hashed", n)
		}
	}()
	const streams = 20
	var wg sync.WaitGroup
	for s := range streams {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(s), 7))
			for round := range 3 {
				data := make([]byte, r.IntN(2<<20))
				for i := range data {
					data[i] = byte(r.Uint32())
				}
				d := newDigest()
				writeSplit(d, data, r)
				if got, want := d.Sum(nil), md5.Sum(data); !bytes.Equal(got, want[:]) {
					t.Errorf("stream %d round %d (%d bytes): got %x, want %x", s, round, len(data), got, want)
				}
			}
		})
	}
	wg.Wait()
}

func TestWriteAlongside(t *testing.T) {
	needLanes(t)
	defer shareLanes()()
	data := bytes.Repeat([]byte("0123456789"), 30_000)
	d := newDigest()
	calls := 0
	for _, n := range []int{3, 70, engineMin + 5, len(data) - engineMin - 78} {
		d.WriteAlongside(data[:n], func() { calls++ })
		data = data[n:]
	}
	if calls != 4 {
		t.Errorf("also ran %d times for 4 writes", calls)
	}
	if got, want := d.Sum(nil), md5.Sum(bytes.Repeat([]byte("0123456789"), 30_000)); !bytes.Equal(got, want[:]) {
		t.Errorf("got %x, want %x", got, want)
	}
}

func TestNew(t *testing.T) {
	h := New()
	h.Write([]byte("abc"))
	if got := hex.EncodeToString(h.Sum(nil)); got != "900150983cd24fb0d6963f7d28e17f72" {
		t.Fatalf("New: MD5(abc) = %s", got)
	}
	if _, ok := h.(*Digest); ok != lanesSupported {
		t.Fatalf("New returned %T with lanesSupported=%v", h, lanesSupported)
	}
}

func FuzzMatchesCryptoMD5(f *testing.F) {
	f.Add([]byte("abc"), uint64(1))
	f.Add(bytes.Repeat([]byte{0xa5}, 200_000), uint64(9))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		needLanes(t)
		if seed%2 == 1 {
			defer shareLanes()()
		}
		d := newDigest()
		writeSplit(d, data, rand.New(rand.NewPCG(seed, seed)))
		if got, want := d.Sum(nil), md5.Sum(data); !bytes.Equal(got, want[:]) {
			t.Fatalf("got %x, want %x", got, want)
		}
	})
}

func BenchmarkStreams(b *testing.B) {
	needLanes(b)
	for _, streams := range []int{1, 4, 8} {
		for _, impl := range []string{"lanes", "crypto"} {
			b.Run(fmt.Sprintf("%s/%d", impl, streams), func(b *testing.B) {
				buf := make([]byte, 512<<10)
				b.SetBytes(int64(len(buf) * streams))
				for b.Loop() {
					var wg sync.WaitGroup
					for range streams {
						wg.Go(func() {
							h := New()
							if impl == "crypto" {
								h = md5.New()
							}
							for range 4 {
								h.Write(buf[:len(buf)/4])
							}
							h.Sum(nil)
						})
					}
					wg.Wait()
				}
			})
		}
	}
}
