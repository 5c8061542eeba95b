// Package throttle holds background readers (the scrubber, the
// re-encryption job) to an average byte rate, with time from an injected
// clock and waiting through an injected sleep so that tests need no real
// time. It knows nothing of what is read.
package throttle

import (
	"context"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
)

// MaxDebt is how far a Limiter lets reads run ahead of the rate before
// it sleeps: one sleep per quarter second at most, instead of one per
// chunk.
const MaxDebt = 250 * time.Millisecond

// Limiter holds reads to rate bytes per second on average. Time comes
// from clock and waiting from sleep, so tests drive it without real time.
type Limiter struct {
	rate  int64
	clock clock.Clock
	sleep func(context.Context, time.Duration) error

	mu sync.Mutex
	// next is when the bytes granted so far have been paid for.
	next time.Time
}

// New returns a Limiter of rate bytes per second (0 or less: no limit).
// A nil clock is the wall clock, a nil sleep SleepReal.
func New(rate int64, clk clock.Clock, sleep func(context.Context, time.Duration) error) *Limiter {
	if clk == nil {
		clk = clock.Real{}
	}
	if sleep == nil {
		sleep = SleepReal
	}
	return &Limiter{rate: rate, clock: clk, sleep: sleep}
}

// Wait charges n bytes and sleeps while the reads granted run more than
// MaxDebt ahead of the rate. It returns ctx's error once ctx ends.
func (l *Limiter) Wait(ctx context.Context, n int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.rate <= 0 || n <= 0 {
		return nil
	}
	l.mu.Lock()
	now := l.clock.Now()
	if l.next.Before(now) {
		l.next = now // idle time is not saved up as a burst
	}
	l.next = l.next.Add(time.Duration(float64(n) / float64(l.rate) * float64(time.Second)))
	d := l.next.Sub(now)
	l.mu.Unlock()
	if d <= MaxDebt {
		return nil
	}
	return l.sleep(ctx, d)
}

// SleepReal waits d on the wall clock, or until ctx ends.
func SleepReal(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
