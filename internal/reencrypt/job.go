package reencrypt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/throttle"
)

// Defaults.
const (
	// DefaultRate is the background rate in bytes per second (read and
	// written again): 8 MiB/s re-encrypts about 700 GB a day and leaves
	// most of a disk to clients.
	DefaultRate = 8 << 20
	// DefaultBatch is how many versions one meta snapshot reads.
	DefaultBatch = 32
	// DefaultGrace is how long the blobs that held a version's plaintext
	// are kept after the switch, so that reads which opened the version
	// before it finish (a read opens a multipart object's later parts as
	// it reaches them).
	DefaultGrace = 15 * time.Minute
	// RetryInterval is how long after a pass that left versions behind
	// (skipped, errors) the next one starts.
	RetryInterval = time.Hour
	// versionCost is what each version walked costs of the rate besides
	// its bytes, so that millions of small versions are walked at a
	// bounded pace too.
	versionCost = 4 << 10
	// retryDelay is how long the background loop waits after a failed
	// batch.
	retryDelay = time.Minute
)

// ErrEncryptionOff is returned by RunPass on a server with encryption at
// rest off: new objects would still be stored in plaintext.
var ErrEncryptionOff = errors.New("reencrypt: encryption at rest is off")

// Options configure a Job.
type Options struct {
	// Meta keeps the job's state; Objects walks and re-encrypts
	// versions. Both required, over the same store.
	Meta    meta.Store
	Objects *object.Service
	// Clock times passes, the rate and the grace period; nil is the
	// wall clock. Sleep waits d or until ctx ends; nil sleeps on the
	// wall clock (tests pass one that moves a fake clock).
	Clock clock.Clock
	Sleep func(ctx context.Context, d time.Duration) error
	// Rate is the background rate in bytes per second; 0 turns the
	// background job off (RunPass still works, at DefaultRate).
	Rate int64
	// Batch is how many versions one snapshot reads (0: DefaultBatch);
	// Grace how long replaced blobs are kept (0: DefaultGrace).
	Batch int
	Grace time.Duration
	// Registerer receives the job's metrics; nil registers none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// Job is the re-encryption job. It is safe for concurrent use; one
// batch runs at a time, and a requested pass holds the job for its whole
// length.
type Job struct {
	o       Options
	lim     *throttle.Limiter
	metrics jobMetrics
	log     *slog.Logger

	mu sync.Mutex
	// garbage are the blobs of replaced plaintext, with when they were
	// replaced; deleted after the grace period (under mu).
	garbage []grave
	wake    chan struct{}
	// stop ends a running RunPass (Stop).
	stop     chan struct{}
	stopOnce sync.Once
}

type grave struct {
	at  time.Time
	ids []string
}

// New returns a Job; nothing runs until Run or RunPass.
func New(o Options) (*Job, error) {
	if o.Meta == nil || o.Objects == nil {
		return nil, errors.New("reencrypt: Options.Meta and Options.Objects are required")
	}
	if o.Rate < 0 || o.Batch < 0 || o.Grace < 0 {
		return nil, fmt.Errorf("reencrypt: negative rate %d, batch %d or grace %v", o.Rate, o.Batch, o.Grace)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Sleep == nil {
		o.Sleep = throttle.SleepReal
	}
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	if o.Grace == 0 {
		o.Grace = DefaultGrace
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rate := o.Rate
	if rate == 0 {
		rate = DefaultRate
	}
	j := &Job{o: o, lim: throttle.New(rate, o.Clock, o.Sleep), metrics: newMetrics(), log: log,
		wake: make(chan struct{}, 1), stop: make(chan struct{})}
	if err := j.metrics.register(o.Registerer); err != nil {
		return nil, fmt.Errorf("register re-encryption metrics: %w", err)
	}
	return j, nil
}

// MarkPlaintextWrites records that this run of the server stores new
// objects in plaintext (encryption at rest is off), so that a pass runs
// once it is on again. The server calls it at start.
func (j *Job) MarkPlaintextWrites(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		st, _, err := loadState(ctx, j.o.Meta)
		if err != nil || st.Owed {
			return err
		}
		owed := st
		owed.Owed = true
		if err := saveState(ctx, j.o.Meta, st, owed); !errors.Is(err, errStateMoved) {
			return err
		}
	}
}

// Status returns the job's saved state.
func (j *Job) Status(ctx context.Context) (State, error) {
	st, _, err := loadState(ctx, j.o.Meta)
	return st, err
}

// Run runs passes in the background until ctx ends, as the package
// comment says when; with Rate 0 it only deletes the blobs that passes
// run on request replaced. It returns at once when encryption at rest
// is off. Blobs still in their grace period when it returns are deleted
// then (the server has finished its requests by that time).
func (j *Job) Run(ctx context.Context) {
	if !j.o.Objects.EncryptsAtRest() {
		return
	}
	defer j.flushGarbage(context.WithoutCancel(ctx))
	if st, _, err := loadState(ctx, j.o.Meta); err == nil {
		j.metrics.restore(st)
	}
	for ctx.Err() == nil {
		wait, err := 24*time.Hour, error(nil)
		if j.o.Rate > 0 {
			wait, err = j.step(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			j.log.Warn("re-encryption batch failed; retrying", "err", err, "retry_in", retryDelay)
			wait = retryDelay
		}
		if wait > 0 {
			j.idle(ctx, wait)
		}
	}
}

// idle waits d (or until RunPass pokes it), deleting expired garbage.
func (j *Job) idle(ctx context.Context, d time.Duration) {
	j.mu.Lock()
	if len(j.garbage) > 0 {
		d = min(d, j.garbage[0].at.Add(j.o.Grace).Sub(j.o.Clock.Now()))
	}
	j.mu.Unlock()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-j.wake:
			cancel()
		case <-sctx.Done():
		}
	}()
	_ = j.o.Sleep(sctx, max(d, 0))
	j.mu.Lock()
	defer j.mu.Unlock()
	j.collectLocked(ctx, false)
}

// step does one batch of the background job. It returns how long to
// wait before the next step: 0 while a pass runs.
func (j *Job) step(ctx context.Context) (time.Duration, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	st, found, err := loadState(ctx, j.o.Meta)
	if err != nil {
		return 0, err
	}
	prev := st
	now := j.o.Clock.Now()
	if !st.InPass {
		switch {
		case !found || st.Owed || st.LastCompleted.IsZero():
		case !st.RetryAt.IsZero() && !now.Before(st.RetryAt):
		case !st.RetryAt.IsZero():
			return st.RetryAt.Sub(now), nil
		default:
			return 24 * time.Hour, nil // until poked or the server restarts
		}
		st = j.newPass(st, now)
		j.log.Info("re-encryption pass started")
	}
	_, err = j.batchLocked(ctx, &prev, &st)
	if errors.Is(err, errStateMoved) {
		// Another node's job moved the pass on (a pass it was asked to
		// run): the next step goes on from its state.
		j.log.Info("re-encryption: another node moved the pass on; continuing from its state")
		return 0, nil
	}
	return 0, err
}

// newPass starts a pass in st.
func (j *Job) newPass(st State, now time.Time) State {
	st.InPass, st.Cursor, st.PassStarted, st.Current, st.Owed, st.RetryAt = true, nil, now.UTC(), Counts{}, false, time.Time{}
	j.metrics.inPass.Set(1)
	j.metrics.scanned.Set(0)
	return st
}

// RunPass runs a full pass now, from the first version, at Rate (or
// DefaultRate), and returns when it is complete; it abandons a
// background pass in progress. It returns ErrEncryptionOff when
// encryption at rest is off.
func (j *Job) RunPass(ctx context.Context) (State, error) {
	if !j.o.Objects.EncryptsAtRest() {
		return State{}, ErrEncryptionOff
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-j.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	j.mu.Lock()
	defer j.mu.Unlock()
	prev, _, err := loadState(ctx, j.o.Meta)
	if err != nil {
		return State{}, err
	}
	st := j.newPass(prev, j.o.Clock.Now())
	started := st.PassStarted
	j.log.Info("re-encryption pass started on request")
	for {
		done, err := j.batchLocked(ctx, &prev, &st)
		if errors.Is(err, errStateMoved) {
			if prev, _, err = loadState(ctx, j.o.Meta); err != nil {
				return State{}, err
			}
			st, done = j.adopt(prev, &started)
		}
		if err != nil {
			return State{}, err
		}
		if done {
			j.poke() // Run deletes the replaced blobs when their time comes
			return st, nil
		}
	}
}

// adopt decides how a requested pass that started at *started goes on
// after the job of another node sharing the metadata store saved cur.
// That job carries on the requested pass once it was saved, and may
// finish it; it may also have started a later pass, which serves as well.
// A requested pass whose start was never saved starts again.
func (j *Job) adopt(cur State, started *time.Time) (st State, done bool) {
	switch {
	case !cur.InPass && !cur.LastStarted.Before(*started):
		return cur, true
	case cur.InPass && !cur.PassStarted.Before(*started):
		*started = cur.PassStarted
		return cur, false
	default:
		st = j.newPass(cur, j.o.Clock.Now())
		*started = st.PassStarted
		return st, false
	}
}

// batchLocked re-encrypts the next batch of st's pass and saves st over
// *prev, the state last loaded or saved, which then becomes st; done
// reports that the batch completed the pass. When another node's job
// saved meanwhile, nothing is saved and the error is errStateMoved: the
// versions re-encrypted stay so, and the counts of this batch are lost.
func (j *Job) batchLocked(ctx context.Context, prev, st *State) (done bool, err error) {
	j.collectLocked(ctx, false)
	vs, next, done, err := j.o.Objects.ScrubBatch(ctx, st.Cursor, j.o.Batch)
	if err != nil {
		return false, err
	}
	for i := range vs {
		if err := j.one(ctx, &vs[i], st); err != nil {
			// Keep what was done; the error wins over a failed save.
			return false, errors.Join(err, j.save(context.WithoutCancel(ctx), prev, st))
		}
	}
	st.Cursor = next
	uploads := 0
	if done {
		if uploads, err = j.o.Objects.CountPlaintextUploads(ctx); err != nil {
			return false, errors.Join(err, j.save(ctx, prev, st))
		}
		j.finish(st, uploads)
	}
	if err := j.save(ctx, prev, st); err != nil {
		return false, err
	}
	if done {
		j.reportFinished(*st, uploads)
	}
	return done, nil
}

// save saves st over *prev, which becomes st.
func (j *Job) save(ctx context.Context, prev, st *State) error {
	if err := saveState(ctx, j.o.Meta, *prev, *st); err != nil {
		return err
	}
	*prev = *st
	return nil
}

// one re-encrypts one version if it needs it, and counts it in st.
func (j *Job) one(ctx context.Context, v *object.ScrubVersion, st *State) error {
	if err := j.lim.Wait(ctx, versionCost); err != nil {
		return err
	}
	var res object.ReencryptResult
	var err error
	if object.NeedsReencryption(v) {
		res, err = j.o.Objects.ReencryptVersion(ctx, v, j.lim.Wait)
		if err != nil && ctx.Err() != nil {
			return err // not done: the pass resumes at this version
		}
	}
	c := &st.Current
	c.Scanned++
	st.Cursor = v.Pos
	j.metrics.scanned.Set(float64(c.Scanned))
	switch {
	case err != nil:
		c.Errors++
		j.metrics.errors.Inc()
		j.log.Warn("re-encryption: could not re-encrypt object version", "bucket", v.Bucket, "key", v.Key,
			"version_id", v.VersionID, "err", err)
	case res.Outcome == object.ReencryptNotNeeded:
	case res.Outcome == object.Reencrypted:
		c.Reencrypted++
		c.Bytes += res.Bytes
		j.metrics.versions.Inc()
		j.metrics.bytes.Add(float64(res.Bytes))
		if len(res.Garbage) > 0 {
			j.garbage = append(j.garbage, grave{at: j.o.Clock.Now(), ids: res.Garbage})
		}
	case res.Outcome == object.ReencryptSkipped:
		c.Skipped++
		j.metrics.skipped.Inc()
	case res.Outcome == object.ReencryptFailed:
		c.Failed++
		j.metrics.failed.Inc()
		j.log.Error("re-encryption: stored plaintext failed its checks; left as it is", "bucket", v.Bucket,
			"key", v.Key, "version_id", v.VersionID, "problem", res.Problem)
	}
	return nil
}

// finish ends st's pass. uploads counts the multipart uploads in
// progress that store plaintext parts: the objects they complete into
// are plaintext, so another pass is due after them.
func (j *Job) finish(st *State, uploads int) {
	now := j.o.Clock.Now().UTC()
	st.InPass, st.Cursor = false, nil
	st.Last, st.LastStarted, st.LastCompleted = st.Current, st.PassStarted, now
	st.Current, st.PassStarted = Counts{}, time.Time{}
	st.Passes++
	if st.Last.Skipped+st.Last.Errors > 0 || uploads > 0 {
		st.RetryAt = now.Add(RetryInterval)
	}
}

// reportFinished logs and counts the pass st records as complete, once
// it is saved.
func (j *Job) reportFinished(st State, uploads int) {
	now := st.LastCompleted
	j.metrics.inPass.Set(0)
	j.metrics.scanned.Set(0)
	j.metrics.lastFound.Set(float64(st.Last.Skipped + st.Last.Failed + st.Last.Errors))
	j.metrics.lastComplete.Set(float64(now.UnixNano()) / 1e9)
	j.log.Info("re-encryption pass complete", "versions", st.Last.Scanned, "reencrypted", st.Last.Reencrypted,
		"bytes", st.Last.Bytes, "skipped", st.Last.Skipped, "failed", st.Last.Failed, "errors", st.Last.Errors,
		"plaintext_uploads", uploads, "duration", now.Sub(st.LastStarted).String())
}

// collectLocked deletes the replaced blobs whose grace period is over
// (all of them with all set).
func (j *Job) collectLocked(ctx context.Context, all bool) {
	now := j.o.Clock.Now()
	n := 0
	for n < len(j.garbage) && (all || !now.Before(j.garbage[n].at.Add(j.o.Grace))) {
		if err := j.o.Objects.DeleteUnreferencedBlobs(ctx, j.garbage[n].ids); err != nil {
			// The garbage collection at the next start deletes them.
			j.log.Warn("re-encryption: could not delete replaced blobs", "err", err)
		}
		n++
	}
	j.garbage = j.garbage[n:]
}

func (j *Job) flushGarbage(ctx context.Context) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.collectLocked(ctx, true)
}

// Stop ends a running RunPass (the pass is saved and the background job
// resumes it); the server calls it when it shuts down, so that a pass
// requested through the operator API does not hold up the shutdown. It
// is safe to call more than once.
func (j *Job) Stop() { j.stopOnce.Do(func() { close(j.stop) }) }

// poke wakes an idle Run.
func (j *Job) poke() {
	select {
	case j.wake <- struct{}{}:
	default:
	}
}
