package throttle

import (
	"context"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
)

// TestLimiter charges reads against a fake clock: small reads run ahead
// of the rate up to MaxDebt without sleeping, a larger debt sleeps what
// the rate demands, idle time is not saved up, and a rate of 0 never
// sleeps.
func TestLimiter(t *testing.T) {
	ctx := context.Background()
	fc := clock.NewFake(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept = append(slept, d); fc.Advance(d); return nil }
	l := New(1000, fc, sleep) // 1000 B/s: 1 ms per byte
	for range 2 {
		if err := l.Wait(ctx, 100); err != nil { // 100 ms of debt each
			t.Fatal(err)
		}
	}
	if len(slept) != 0 {
		t.Fatalf("slept %v within MaxDebt", slept)
	}
	if err := l.Wait(ctx, 100); err != nil { // 300 ms > MaxDebt
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != 300*time.Millisecond {
		t.Fatalf("slept %v, want [300ms]", slept)
	}
	fc.Advance(time.Hour) // idle: no burst saved up
	slept = nil
	if err := l.Wait(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != time.Second {
		t.Errorf("after an idle hour: slept %v, want [1s]", slept)
	}
	slept = nil
	if err := New(0, fc, sleep).Wait(ctx, 1<<30); err != nil || len(slept) != 0 {
		t.Errorf("rate 0: %v, slept %v; want no wait", err, slept)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Wait(cctx, 1); err == nil {
		t.Error("Wait with a cancelled context = nil, want its error")
	}
}
