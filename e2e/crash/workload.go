package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	mib = 1 << 20
	// partSize is the smallest part S3 accepts for a part that is not the
	// last one.
	partSize = 5 * mib
)

// counters tallies acknowledged operations in one round.
type counters struct {
	puts, completes, copies, deletes atomic.Int64
	vputs, vdeletes, markers         atomic.Int64
	failed                           atomic.Int64
}

func (c *counters) String() string {
	return fmt.Sprintf("%s acknowledged; %d unacknowledged", c.tally().kinds(), c.failed.Load())
}

// tally is a plain copy of the acknowledged counts, to add up over rounds.
type tally struct {
	puts, completes, copies, deletes, vputs, vdeletes, markers int64
}

func (c *counters) tally() tally {
	return tally{
		puts: c.puts.Load(), completes: c.completes.Load(), copies: c.copies.Load(),
		deletes: c.deletes.Load(), vputs: c.vputs.Load(), vdeletes: c.vdeletes.Load(),
		markers: c.markers.Load(),
	}
}

func (t *tally) add(u tally) {
	t.puts += u.puts
	t.completes += u.completes
	t.copies += u.copies
	t.deletes += u.deletes
	t.vputs += u.vputs
	t.vdeletes += u.vdeletes
	t.markers += u.markers
}

func (t tally) total() int64 {
	return t.puts + t.completes + t.copies + t.deletes + t.vputs + t.vdeletes + t.markers
}

func (t tally) kinds() string {
	return fmt.Sprintf("%d put, %d multipart complete, %d copy, %d delete, %d version put, %d version delete, %d delete marker",
		t.puts, t.completes, t.copies, t.deletes, t.vputs, t.vdeletes, t.markers)
}

// load runs the workers of one round until ctx is cancelled.
type load struct {
	client   *s3.Client
	bucket   string
	model    *model
	vbucket  string // versioning Enabled
	vmodel   *vmodel
	rng      *rand.Rand // used only before workers start, to seed them
	workers  int
	keys     int
	round    int
	opTimout time.Duration

	stats counters
	// killedAt is set (UnixNano) just before the server is killed; an
	// operation that failed before that instant failed on a live server.
	killedAt atomic.Int64

	mu         sync.Mutex
	violations []string
}

func (l *load) violate(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.violations = append(l.violations, fmt.Sprintf(format, args...))
}

// run starts the workers and returns when all of them have stopped.
func (l *load) run(ctx context.Context) {
	var wg sync.WaitGroup
	for w := 0; w < l.workers; w++ {
		seed := l.rng.Uint64()
		wg.Go(func() { l.worker(ctx, w, rand.New(rand.NewPCG(seed, uint64(w)))) })
	}
	wg.Wait()
}

func (l *load) worker(ctx context.Context, w int, rng *rand.Rand) {
	ws := &wstate{w: w}
	for ctx.Err() == nil {
		key := l.ownKey(w, rng)
		switch r := rng.Float64(); {
		case r < 0.40:
			l.put(ctx, key, payload{seed: rng.Uint64(), size: pickSize(rng)})
		case r < 0.50:
			l.multipart(ctx, key, rng)
		case r < 0.58:
			l.copyOne(ctx, ws, l.copySourceKey(w, rng))
		case r < 0.78:
			l.versionedStep(ctx, ws, rng)
		case r < 0.92:
			l.deleteOne(ctx, key)
		default:
			batch := []string{key}
			for i := 0; i < 2; i++ {
				k := fmt.Sprintf("w%02d/a/k%03d", w, rng.IntN(l.keys))
				if k != key && (len(batch) < 2 || k != batch[1]) {
					batch = append(batch, k)
				}
			}
			l.deleteMany(ctx, batch)
		}
	}
}

// ownKey picks one of worker w's keys in the plain bucket.
func (l *load) ownKey(w int, rng *rand.Rand) string {
	return fmt.Sprintf("w%02d/%s/k%03d", w, []string{"a", "b/c", "d e"}[rng.IntN(3)], rng.IntN(l.keys))
}

// copySourceKey picks one of worker w's keys that holds known content, if
// a few tries find one.
func (l *load) copySourceKey(w int, rng *rand.Rand) string {
	key := l.ownKey(w, rng)
	for try := 0; try < 8; try++ {
		if p := l.model.current(key); len(p) == 1 && p[0].present {
			break
		}
		key = l.ownKey(w, rng)
	}
	return key
}

// pickSize returns an object size: mostly small, some multi-MiB.
func pickSize(rng *rand.Rand) int64 {
	switch r := rng.Float64(); {
	case r < 0.05:
		return 0
	case r < 0.35:
		return rng.Int64N(1024)
	case r < 0.75:
		return 1024 + rng.Int64N(255*1024)
	case r < 0.93:
		return 256*1024 + rng.Int64N(2*mib)
	default:
		return 2*mib + rng.Int64N(10*mib)
	}
}

// settle records the outcome of an operation that would leave key in s.
func (l *load) settle(ctx context.Context, op, key string, s state, err error, started time.Time) {
	if err == nil {
		l.model.acknowledged(key, s)
		return
	}
	l.model.uncertain(key, s)
	l.stats.failed.Add(1)
	l.checkFailure(ctx, op, key, err, started)
}

// checkFailure flags an operation that failed while the server was up and
// the round was not being torn down: under this load every request is valid
// and the server has no reason to refuse one.
func (l *load) checkFailure(ctx context.Context, op, key string, err error, started time.Time) {
	killed := l.killedAt.Load()
	if killed != 0 || ctx.Err() != nil {
		return
	}
	l.violate("round %d: %s %q failed while the server was up (started %s ago): %v",
		l.round, op, key, time.Since(started).Round(time.Millisecond), err)
}

func (l *load) opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	// Requests outlive the round's context by the op timeout, so that
	// cancelling the workers does not turn an answered request into an
	// unanswered one; the kill ends them first.
	return context.WithTimeout(context.WithoutCancel(ctx), l.opTimout)
}

func (l *load) put(ctx context.Context, key string, p payload) {
	started := time.Now()
	s := state{present: true, size: p.size, sum: p.digest()}
	octx, cancel := l.opContext(ctx)
	defer cancel()
	out, err := l.client.PutObject(octx, &s3.PutObjectInput{
		Bucket:        aws.String(l.bucket),
		Key:           aws.String(key),
		Body:          p.reader(),
		ContentLength: aws.Int64(p.size),
	})
	if err == nil {
		l.stats.puts.Add(1)
		s.etag = aws.ToString(out.ETag)
	}
	l.settle(ctx, "PutObject", key, s, err, started)
	if err == nil && p.seed%8 == 0 {
		l.readBack(ctx, key, s)
	}
}

// readBack checks read-after-write: a GET that starts after a write was
// acknowledged returns exactly what was written. The key's owner is the only
// writer, so nothing else can have changed it in between.
func (l *load) readBack(ctx context.Context, key string, want state) {
	octx, cancel := l.opContext(ctx)
	defer cancel()
	got, err := read(octx, l.client, l.bucket, key)
	if err != nil {
		l.checkFailure(ctx, "GetObject after PutObject", key, err, time.Now())
		return
	}
	if !want.matches(got) {
		l.violate("round %d: read-after-write: %q holds %s right after a PUT of %s was acknowledged", l.round, key, got, want)
	}
}

func (l *load) multipart(ctx context.Context, key string, rng *rand.Rand) {
	started := time.Now()
	parts := 2 + rng.IntN(2)
	p := payload{seed: rng.Uint64(), size: int64(parts-1)*partSize + 1 + rng.Int64N(mib)}
	s := state{present: true, size: p.size, sum: p.digest()}
	octx, cancel := l.opContext(ctx)
	defer cancel()

	up, err := l.client.CreateMultipartUpload(octx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(l.bucket), Key: aws.String(key),
	})
	if err != nil {
		// No visible state changes before the completion.
		l.stats.failed.Add(1)
		l.checkFailure(ctx, "CreateMultipartUpload", key, err, started)
		return
	}
	var completed []types.CompletedPart
	for i := 0; i < parts; i++ {
		if ctx.Err() != nil {
			return
		}
		off := int64(i) * partSize
		n := min(int64(partSize), p.size-off)
		out, err := l.client.UploadPart(octx, &s3.UploadPartInput{
			Bucket:        aws.String(l.bucket),
			Key:           aws.String(key),
			UploadId:      up.UploadId,
			PartNumber:    aws.Int32(int32(i + 1)),
			Body:          io.NewSectionReader(&seededReaderAt{seed: p.seed}, off, n),
			ContentLength: aws.Int64(n),
		})
		if err != nil {
			l.stats.failed.Add(1)
			l.checkFailure(ctx, "UploadPart", key, err, started)
			return
		}
		completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	out, err := l.client.CompleteMultipartUpload(octx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(l.bucket),
		Key:             aws.String(key),
		UploadId:        up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
	})
	if err == nil {
		l.stats.completes.Add(1)
		s.etag = aws.ToString(out.ETag)
	}
	l.settle(ctx, "CompleteMultipartUpload", key, s, err, started)
}

func (l *load) deleteOne(ctx context.Context, key string) {
	started := time.Now()
	octx, cancel := l.opContext(ctx)
	defer cancel()
	_, err := l.client.DeleteObject(octx, &s3.DeleteObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(key)})
	if err == nil {
		l.stats.deletes.Add(1)
	}
	l.settle(ctx, "DeleteObject", key, absent, err, started)
}

func (l *load) deleteMany(ctx context.Context, keys []string) {
	started := time.Now()
	octx, cancel := l.opContext(ctx)
	defer cancel()
	ids := make([]types.ObjectIdentifier, len(keys))
	for i, k := range keys {
		ids[i] = types.ObjectIdentifier{Key: aws.String(k)}
	}
	out, err := l.client.DeleteObjects(octx, &s3.DeleteObjectsInput{
		Bucket: aws.String(l.bucket),
		Delete: &types.Delete{Objects: ids},
	})
	if err != nil {
		for _, k := range keys {
			l.settle(ctx, "DeleteObjects", k, absent, err, started)
		}
		return
	}
	deleted := make(map[string]bool)
	for _, d := range out.Deleted {
		deleted[aws.ToString(d.Key)] = true
	}
	for _, e := range out.Errors {
		l.violate("round %d: DeleteObjects reported an error for %q: %s %s",
			l.round, aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
	}
	for _, k := range keys {
		if deleted[k] {
			l.stats.deletes.Add(1)
			l.model.acknowledged(k, absent)
			continue
		}
		l.settle(ctx, "DeleteObjects", k, absent, errors.New("key missing from the Deleted list"), started)
	}
}
