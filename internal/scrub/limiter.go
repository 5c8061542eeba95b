package scrub

import (
	"context"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
)

// maxDebt is how far the limiter lets reads run ahead of the rate before
// it sleeps: one sleep per quarter second at most, instead of one per
// chunk.
const maxDebt = 250 * time.Millisecond

// limiter holds reads to rate bytes per second on average. Time comes
// from clock and waiting from sleep, so tests drive it without real time.
type limiter struct {
	rate  int64
	clock clock.Clock
	sleep func(context.Context, time.Duration) error

	mu sync.Mutex
	// next is when the bytes granted so far have been paid for.
	next time.Time
}

// wait charges n bytes and sleeps while the reads granted run more than
// maxDebt ahead of the rate.
func (l *limiter) wait(ctx context.Context, n int64) error {
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
	if d <= maxDebt {
		return nil
	}
	return l.sleep(ctx, d)
}

// sleepReal waits d on the wall clock, or until ctx ends.
func sleepReal(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
