package bench

import (
	"math"
	"math/bits"
	"time"
)

// subBucketBits sets the histogram's precision: every power-of-two range of
// values is split into 2^subBucketBits linear buckets, so a bucket is at most
// 1/2^subBucketBits of its lower bound wide. Reporting the bucket midpoint keeps
// the relative error under 1/2^(subBucketBits+1), about 0.4%.
const (
	subBucketBits  = 7
	subBucketCount = 1 << subBucketBits
)

// histogram records durations in log-linear buckets (the HDR histogram idea):
// memory grows with the logarithm of the largest value, not with the number of
// samples, so a long run costs a few kilobytes per operation kind. It is not
// safe for concurrent use; each worker owns its own and they are merged.
type histogram struct {
	counts []uint64
	total  uint64
	min    int64
	max    int64
	sum    float64
}

// bucketIndex maps a non-negative value to its bucket. Values below
// 2*subBucketCount are exact; above that each power of two gets
// subBucketCount buckets.
func bucketIndex(v int64) int {
	if v < 0 {
		v = 0
	}
	u := uint64(v)
	if u < 2*subBucketCount {
		return int(u)
	}
	shift := bits.Len64(u) - subBucketBits - 1
	sub := u >> uint(shift) // in [subBucketCount, 2*subBucketCount)
	return (shift+1)*subBucketCount + int(sub-subBucketCount)
}

// bucketRange returns the smallest and largest value mapped to bucket i.
func bucketRange(i int) (lo, hi int64) {
	if i < 2*subBucketCount {
		return int64(i), int64(i)
	}
	shift := i/subBucketCount - 1
	sub := uint64(i%subBucketCount + subBucketCount)
	return int64(sub << uint(shift)), int64((sub+1)<<uint(shift) - 1)
}

// record adds one duration.
func (h *histogram) record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	i := bucketIndex(v)
	if i >= len(h.counts) {
		grown := make([]uint64, i+1, i+1+subBucketCount)
		copy(grown, h.counts)
		h.counts = grown
	}
	h.counts[i]++
	if h.total == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.total++
	h.sum += float64(v)
}

// merge adds every sample of o to h.
func (h *histogram) merge(o *histogram) {
	if o.total == 0 {
		return
	}
	if len(o.counts) > len(h.counts) {
		grown := make([]uint64, len(o.counts))
		copy(grown, h.counts)
		h.counts = grown
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.total += o.total
	h.sum += o.sum
}

// quantile returns the value below or at which a fraction q (0..1) of the
// samples lie, as the midpoint of the bucket holding that sample, clamped to
// the exact minimum and maximum. It returns 0 for an empty histogram.
func (h *histogram) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	if q <= 0 {
		return time.Duration(h.min)
	}
	if q >= 1 {
		return time.Duration(h.max)
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	if rank == 0 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			v := lo + (hi-lo)/2
			return time.Duration(min(max(v, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}

// mean returns the average sample, or 0 when empty.
func (h *histogram) mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.total))
}
