package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/queue"
)

// Defaults.
const (
	// DefaultBatch is how many versions or uploads one listing reads.
	DefaultBatch = 1000
	// maxInterval caps the time between passes: with S3's 24-hour day
	// an action happens within an hour of becoming due.
	maxInterval = time.Hour
	// retryDelay is how long Run waits after a failed pass.
	retryDelay = time.Minute
	// cursorName is the engine's cursor in package queue. It must never
	// change.
	cursorName = "lifecycle"
)

// Options configure an Engine.
type Options struct {
	// Objects lists and expires; required.
	Objects *object.Service
	// Meta keeps the engine's cursor; required.
	Meta meta.Store
	// Clock says what time it is; nil means the wall clock.
	Clock clock.Clock
	// Sleep waits d or until ctx ends; nil sleeps on the wall clock.
	// Tests pass one that moves a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets one line per action; nil discards.
	Logger *slog.Logger
	// Metrics, if set, counts what the engine does.
	Metrics *metrics.Lifecycle
	// Day is the length of a lifecycle day (0: rules.Day). A shorter day
	// compresses every schedule, for testing.
	Day time.Duration
	// Rate bounds the actions performed per second (0: no bound).
	Rate float64
	// Interval is the time from one pass's start to the next (0: a tenth
	// of Day, at most an hour), so that an action happens within about
	// Interval of becoming due.
	Interval time.Duration
	// Batch is how many versions or uploads one listing reads (0:
	// DefaultBatch).
	Batch int
}

// Validate checks o and fills in defaults.
func (o *Options) Validate() error {
	if o.Objects == nil || o.Meta == nil {
		return errors.New("lifecycle: Options.Objects and Options.Meta are required")
	}
	if o.Day < 0 || o.Rate < 0 || o.Interval < 0 || o.Batch < 0 {
		return fmt.Errorf("lifecycle: negative day %v, rate %v, interval %v or batch %d", o.Day, o.Rate, o.Interval, o.Batch)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Sleep == nil {
		o.Sleep = sleepReal
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Day == 0 {
		o.Day = rules.Day
	}
	if o.Interval == 0 {
		o.Interval = min(maxInterval, o.Day/10)
	}
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	return nil
}

// Engine applies lifecycle rules. Run it from one goroutine; RunPass and
// Explain may be called from others, passes are serialized.
type Engine struct {
	o       Options
	cursors queue.Cursors
	pace    pacer
	// passMu serializes passes: Run's loop and RunPass from a test or
	// an operator.
	passMu sync.Mutex
}

// New returns an Engine with the options o.
func New(o Options) (*Engine, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Engine{o: o, cursors: queue.Cursors{Meta: o.Meta}, pace: pacer{rate: o.Rate, clock: o.Clock, sleep: o.Sleep}}, nil
}

// Day is the length of the engine's lifecycle day.
func (e *Engine) Day() time.Duration { return e.o.Day }

// Run runs passes every Interval until ctx ends, resuming an interrupted
// pass first. It returns ctx's error. Run is what a cluster runs on one
// node at a time: cancelling ctx stops it at any point, and another Run
// over the same store continues from the saved cursor.
func (e *Engine) Run(ctx context.Context) error {
	for {
		start := e.o.Clock.Now()
		wait := e.o.Interval
		if _, err := e.RunPass(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e.o.Logger.ErrorContext(ctx, "lifecycle pass failed", "err", err)
			e.o.Metrics.Error()
			wait = max(wait, retryDelay)
		} else {
			wait -= e.o.Clock.Now().Sub(start)
		}
		if wait > 0 {
			if err := e.o.Sleep(ctx, wait); err != nil {
				return err
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
	}
}

func sleepReal(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pacer holds actions to rate per second on average, on the engine's
// clock and sleep, so tests drive it without real time.
type pacer struct {
	rate  float64
	clock clock.Clock
	sleep func(context.Context, time.Duration) error
	next  time.Time
}

func (p *pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.rate <= 0 {
		return nil
	}
	now := p.clock.Now()
	if p.next.Before(now) {
		p.next = now // idle time is not saved up as a burst
	}
	d := p.next.Sub(now)
	p.next = p.next.Add(time.Duration(float64(time.Second) / p.rate))
	if d <= 0 {
		return nil
	}
	return p.sleep(ctx, d)
}
