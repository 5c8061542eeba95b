package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactQuantile is the nearest-rank quantile of sorted samples, the
// definition histogram.quantile approximates.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name    string
		samples func() []time.Duration
	}{
		{name: "single", samples: func() []time.Duration { return []time.Duration{3 * time.Millisecond} }},
		{name: "constant", samples: func() []time.Duration {
			return slices.Repeat([]time.Duration{1500 * time.Microsecond}, 1000)
		}},
		{name: "uniform 1..1000ms", samples: func() []time.Duration {
			var s []time.Duration
			for i := 1; i <= 1000; i++ {
				s = append(s, time.Duration(i)*time.Millisecond)
			}
			return s
		}},
		{name: "tiny values are exact", samples: func() []time.Duration {
			var s []time.Duration
			for i := range 200 {
				s = append(s, time.Duration(i))
			}
			return s
		}},
		{name: "bimodal with tail", samples: func() []time.Duration {
			var s []time.Duration
			for range 9000 {
				s = append(s, time.Duration(200_000+rng.IntN(100_000)))
			}
			for range 990 {
				s = append(s, time.Duration(5_000_000+rng.IntN(1_000_000)))
			}
			for range 10 {
				s = append(s, time.Duration(2e9+rng.IntN(1e9)))
			}
			return s
		}},
		{name: "log-uniform", samples: func() []time.Duration {
			var s []time.Duration
			for range 50000 {
				s = append(s, time.Duration(math.Exp(rng.Float64()*math.Log(1e11))))
			}
			return s
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			samples := tt.samples()
			var h histogram
			for _, s := range samples {
				h.record(s)
			}
			slices.Sort(samples)
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				got, want := h.quantile(q), exactQuantile(samples, q)
				if q == 0 {
					want = samples[0]
				}
				if relErr := math.Abs(float64(got-want)) / float64(max(want, 1)); relErr > 0.01 {
					t.Errorf("quantile(%v) = %v, want %v within 1%% (error %.2f%%)", q, got, want, relErr*100)
				}
			}
			if got, want := h.quantile(1), samples[len(samples)-1]; got != want {
				t.Errorf("quantile(1) = %v, want the exact max %v", got, want)
			}
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all histogram
	for i := range 5000 {
		d := time.Duration(i*i) * time.Microsecond
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	var merged histogram
	merged.merge(&a)
	merged.merge(&b)
	merged.merge(&histogram{})
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		if got, want := merged.quantile(q), all.quantile(q); got != want {
			t.Errorf("merged quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if merged.total != all.total || merged.mean() != all.mean() {
		t.Errorf("merged total, mean = %d, %v, want %d, %v", merged.total, merged.mean(), all.total, all.mean())
	}
}

func TestHistogramEmpty(t *testing.T) {
	var h histogram
	if got := h.quantile(0.5); got != 0 {
		t.Errorf("empty quantile(0.5) = %v, want 0", got)
	}
	if got := h.mean(); got != 0 {
		t.Errorf("empty mean() = %v, want 0", got)
	}
}

func TestBucketRangeHoldsValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	values := []int64{0, 1, 255, 256, 257, 511, 512, math.MaxInt64}
	for range 10000 {
		values = append(values, rng.Int64N(1<<(1+rng.IntN(62))))
	}
	for _, v := range values {
		i := bucketIndex(v)
		lo, hi := bucketRange(i)
		if v < lo || v > hi {
			t.Fatalf("bucketIndex(%d) = %d with range [%d, %d]", v, i, lo, hi)
		}
		if width := float64(hi - lo); lo > 0 && width/float64(lo) > 1.0/subBucketCount {
			t.Fatalf("bucket %d [%d, %d] is wider than 1/%d of its lower bound", i, lo, hi, subBucketCount)
		}
	}
}
