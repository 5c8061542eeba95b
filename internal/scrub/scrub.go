package scrub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/throttle"
)

// Defaults.
const (
	// DefaultRate is the read rate of the background scrubber, in bytes
	// per second: 4 MiB/s costs a disk little and still covers about
	// 350 GB a day.
	DefaultRate = 4 << 20
	// DefaultInterval is how often a full pass starts (counted from the
	// start of the previous one; a pass that takes longer is followed at
	// once by the next).
	DefaultInterval = 24 * time.Hour
	// DefaultBatch is how many versions one meta snapshot reads.
	DefaultBatch = 32
	// versionCost is what each version costs of the rate besides its
	// bytes, so that millions of tiny objects are also walked at a
	// bounded pace (meta reads cost too).
	versionCost = 4 << 10
	// retryDelay is how long the background loop waits after a failed
	// batch before it tries again.
	retryDelay = time.Minute
)

// Options configure a Scrubber.
type Options struct {
	// Objects walks, checks and marks versions; required.
	Objects *object.Service
	// Clock times passes and the rate; nil means the wall clock.
	Clock clock.Clock
	// Sleep waits d or until ctx ends; nil sleeps on the wall clock.
	// Tests pass one that moves a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets one line per damaged version; nil discards.
	Logger *slog.Logger
	// Metrics, if set, counts what the scrubber does.
	Metrics *metrics.Scrub
	// Rate is the background read rate in bytes per second; 0 turns
	// the background scrubber off (RunPass still works, at DefaultRate).
	Rate int64
	// Interval is how often a full pass starts (0: DefaultInterval).
	Interval time.Duration
	// Batch is how many versions one snapshot reads (0: DefaultBatch).
	Batch int
}

// Validate checks o and fills in defaults.
func (o *Options) Validate() error {
	if o.Objects == nil {
		return errors.New("scrub: Options.Objects is required")
	}
	if o.Rate < 0 || o.Interval < 0 || o.Batch < 0 {
		return fmt.Errorf("scrub: negative rate %d, interval %v or batch %d", o.Rate, o.Interval, o.Batch)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Sleep == nil {
		o.Sleep = throttle.SleepReal
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	return nil
}

// Scrubber runs scrub passes: in the background at its rate, and on
// request. Only one batch runs at a time; a requested pass holds the
// scrubber for its whole length.
type Scrubber struct {
	opts Options
	lim  *throttle.Limiter
	// mu serializes batches and requested passes.
	mu       sync.Mutex
	stop     chan struct{}
	stopOnce sync.Once
}

// New returns a Scrubber; nothing runs until Run or RunPass.
func New(opts Options) (*Scrubber, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	rate := opts.Rate
	if rate == 0 {
		rate = DefaultRate
	}
	return &Scrubber{opts: opts, stop: make(chan struct{}),
		lim: throttle.New(rate, opts.Clock, opts.Sleep)}, nil
}

// Pass is the outcome of a complete pass.
type Pass struct {
	Started, Completed time.Time
	// Scanned counts the versions checked and Corrupt the damaged ones.
	Scanned, Corrupt int64
}

// Stop ends a running RunPass and Run; it is safe to call more than once.
func (s *Scrubber) Stop() { s.stopOnce.Do(func() { close(s.stop) }) }

// Run scrubs in the background until ctx ends or Stop is called: a pass
// every Interval, each at Rate, resuming a pass that an earlier run left
// unfinished. It returns at once when Rate is 0.
func (s *Scrubber) Run(ctx context.Context) error {
	if s.opts.Rate == 0 {
		return nil
	}
	ctx, cancel := s.stoppable(ctx)
	defer cancel()
	if st, err := s.opts.Objects.ScrubState(ctx); err == nil && s.opts.Metrics != nil {
		s.opts.Metrics.Restore(st.LastStarted, st.LastCompleted, st.Scanned)
	}
	for {
		st, err := s.opts.Objects.ScrubState(ctx)
		if err == nil && !st.InPass {
			if wait := st.LastStarted.Add(s.opts.Interval).Sub(s.opts.Clock.Now()); wait > 0 {
				err = s.opts.Sleep(ctx, wait)
				if ctx.Err() != nil {
					return nil
				}
				continue
			}
		}
		if err == nil {
			_, _, err = s.batch(ctx, false)
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errStateMoved) {
			// Another scrubber sharing the metadata store moved the pass
			// on (a one-off pass run from another node): go on from there.
			s.opts.Logger.Info("scrub: another scrubber moved the pass on; continuing from its state")
			continue
		}
		if err != nil {
			s.opts.Logger.Warn("scrub batch failed; retrying", "err", err)
			if s.opts.Sleep(ctx, retryDelay) != nil {
				return nil
			}
		}
	}
}

// RunPass runs a full pass now, from the first version, and returns when
// it is complete. It abandons a background pass in progress (the next
// background pass starts an Interval after this one). Another scrubber
// sharing the metadata store (the background one of another node) then
// carries on this pass rather than its own, and may be the one to finish
// it: RunPass returns the first pass completed that started no earlier
// than its own.
func (s *Scrubber) RunPass(ctx context.Context) (Pass, error) {
	ctx, cancel := s.stoppable(ctx)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	var started time.Time // the pass this call started, once saved
	for {
		fresh := started.IsZero()
		if !fresh {
			st, err := s.opts.Objects.ScrubState(ctx)
			if err != nil {
				return Pass{}, err
			}
			if !st.InPass && !st.LastStarted.Before(started) {
				return passOf(st), nil
			}
		}
		done, st, err := s.batchLocked(ctx, fresh)
		if errors.Is(err, errStateMoved) {
			continue // a fresh start is tried again; a later batch reads the new state
		}
		if err != nil {
			return Pass{}, err
		}
		if done {
			return passOf(st), nil
		}
		if fresh {
			started = st.PassStarted
		}
	}
}

// passOf is the last complete pass that st records.
func passOf(st object.ScrubState) Pass {
	return Pass{Started: st.LastStarted, Completed: st.LastCompleted, Scanned: st.LastScanned, Corrupt: st.LastCorrupt}
}

// ListDamaged lists the versions marked damaged that are still stored.
func (s *Scrubber) ListDamaged(ctx context.Context) ([]object.Damage, error) {
	return s.opts.Objects.ListDamaged(ctx)
}

// stoppable is ctx, also cancelled by Stop.
func (s *Scrubber) stoppable(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// batch runs one batch of the current pass (starting one if none runs,
// or a fresh one when fresh is set).
func (s *Scrubber) batch(ctx context.Context, fresh bool) (bool, object.ScrubState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batchLocked(ctx, fresh)
}
