package bench

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// The hot path of a worker besides the SDK: recording a latency and
// checking a GET body. Both must stay far below a request's cost.

func BenchmarkHistogramRecord(b *testing.B) {
	var h histogram
	d := 3 * time.Millisecond
	for i := 0; b.Loop(); i++ {
		h.record(d + time.Duration(i%1000)*time.Microsecond)
	}
}

func BenchmarkVerifyBody(b *testing.B) {
	block := newBlock()
	const size = 1 << 20
	start := contentStart("bench-00000000/o0000000001")
	body := make([]byte, size)
	if _, err := io.ReadFull(&patternReader{block: block, start: start, size: size}, body); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	r := bytes.NewReader(body)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(body)
		if _, err := verifyBody(r, block, start, size, buf); err != nil {
			b.Fatal(err)
		}
	}
}
