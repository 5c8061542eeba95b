package lifecycle

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
)

// TestRun_stopsAndPasses: Run passes, waits the interval derived from the
// lifecycle day on the injected sleep, and returns when its context ends.
func TestRun_stopsAndPasses(t *testing.T) {
	f := newFixture(t)
	f.bucket("run", "", rules.Config{Rules: []rules.Rule{expireDays("all", "", 1)}})
	f.put("run", "k", v(1))
	f.clock.Advance(days(3))
	ctx, cancel := context.WithCancel(f.ctx)
	var waits []time.Duration
	e := f.engine(func(o *Options) {
		o.Day = 2 * time.Second
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) == 2 {
				cancel()
			}
			return ctx.Err()
		}
	})
	if err := e.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if len(waits) != 2 || waits[0] != 200*time.Millisecond {
		t.Errorf("waits = %v, want two of a tenth of the 2s day", waits)
	}
	if got := describe(f.versions("run")); got != "" {
		t.Errorf("versions after Run = %q, want none", got)
	}
}
