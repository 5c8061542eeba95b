package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// cleanupTimeout bounds removing what a run created, which also happens after
// the run was cancelled.
const cleanupTimeout = 5 * time.Minute

// bench is the state of one run shared by its workers.
type bench struct {
	cfg    *Config
	block  []byte
	bucket string
	// prefix holds every key of this run, so cleanup and the list workload
	// never touch other objects in a bucket given with --bucket.
	prefix string
	// preloaded is the number of objects uploaded before measuring; they
	// have indexes [0, preloaded).
	preloaded int64
	// nextKey is the index of the next new object; nextDelete the index of
	// the next object the delete workload removes.
	nextKey    atomic.Int64
	nextDelete atomic.Int64
	// mixTotal is the sum of the mix weights.
	mixTotal int
}

// key returns the name of object idx.
func (b *bench) key(idx int64) string {
	buf := make([]byte, 0, len(b.prefix)+24)
	buf = append(buf, b.prefix...)
	if b.cfg.Prefixes > 1 {
		buf = append(buf, 'p')
		buf = appendPadded(buf, idx%int64(b.cfg.Prefixes), 4)
		buf = append(buf, '/')
	}
	buf = append(buf, 'o')
	buf = appendPadded(buf, idx, 10)
	return string(buf)
}

// appendPadded appends v in decimal, zero-padded to width digits, so keys
// list in index order.
func appendPadded(buf []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}

// Run executes the benchmark cfg describes and returns its report. It
// validates cfg, creates the bucket when none is given, uploads what the
// workload needs, runs the optional warmup and the measured window, and
// removes what it created unless cfg.Keep. Failed operations are counted in
// the report, not returned; the error is for setup and cleanup failures.
// When ctx is cancelled during the measured window, Run stops, cleans up and
// reports what it measured so far.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := &bench{cfg: &cfg, block: newBlock(), bucket: cfg.Bucket}
	b.prefix = fmt.Sprintf("bench-%08x/", rand.Uint32())
	for _, m := range cfg.Mix {
		b.mixTotal += m.Weight
	}

	var sampler *rssSampler
	if cfg.ServerPID > 0 {
		var err error
		if sampler, err = startRSSSampler(cfg.ServerPID); err != nil {
			return nil, err
		}
		defer sampler.stop()
	}

	transport := newTransport(&cfg)
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Transport: transport}
	// The measured clients, one per endpoint, have listers beside them:
	// like them, but reading each page whole before the SDK decodes it,
	// so that a page's latency ends with its last byte.
	var measured, listers []*s3.Client
	for _, e := range cfg.endpoints() {
		measured = append(measured, newClient(&cfg, e, httpClient, false))
		listers = append(listers, newClient(&cfg, e, &http.Client{Transport: bufferingTransport{next: transport}}, false))
	}
	setup := newClient(&cfg, cfg.Endpoint, httpClient, true)

	created := false
	if b.bucket == "" {
		b.bucket = fmt.Sprintf("coffer-bench-%08x", rand.Uint32())
		if err := createBucket(ctx, setup, b.bucket, cfg.Region); err != nil {
			return nil, err
		}
		created = true
	}

	report, runErr := b.measure(ctx, measured, listers, setup, sampler)
	if !cfg.Keep {
		b.status("removing the objects of this run")
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if err := b.cleanup(cctx, setup, created); err != nil {
			runErr = errors.Join(runErr, err)
		}
		b.status("")
	}
	return report, runErr
}

// measure uploads the workload's objects, runs the warmup and the measured
// window, and builds the report.
func (b *bench) measure(ctx context.Context, measured, listers []*s3.Client, setup *s3.Client, sampler *rssSampler) (*Report, error) {
	cfg := b.cfg
	switch cfg.Workload {
	case WorkloadIdle:
		return b.measureIdle(ctx, sampler)
	case WorkloadGet, WorkloadHead, WorkloadList, WorkloadMixed:
		b.preloaded = cfg.Objects
	case WorkloadDelete:
		b.preloaded = cfg.Objects
		if cfg.Count > 0 {
			b.preloaded = cfg.Count
		}
	}
	if err := b.preload(ctx, setup); err != nil {
		return nil, err
	}
	b.nextKey.Store(b.preloaded)

	workers := make([]*worker, cfg.Concurrency)
	for i := range workers {
		n := i % len(measured)
		workers[i] = newWorker(b, i, measured[n], listers[n], setup)
	}
	if cfg.Warmup > 0 {
		b.runPhase(ctx, workers, &phase{deadline: time.Now().Add(cfg.Warmup)}, "warmup")
	}
	p := &phase{count: cfg.Count}
	if cfg.Count == 0 {
		p.deadline = time.Now().Add(cfg.Duration)
	}
	if sampler != nil {
		sampler.reset()
	}
	elapsed := b.runPhase(ctx, workers, p, cfg.Workload)
	var stats [numOps]opStats
	for _, w := range workers {
		for k := range stats {
			stats[k].merge(&w.stats[k])
		}
	}
	r := b.report(&stats, elapsed)
	if sampler != nil {
		r.ServerMemory = sampler.result()
	}
	return r, nil
}

// preload uploads objects [0, b.preloaded) with the configured concurrency,
// outside the measured window.
func (b *bench) preload(ctx context.Context, c *s3.Client) error {
	if b.preloaded == 0 {
		return nil
	}
	b.status(fmt.Sprintf("uploading %d objects of %s before measuring", b.preloaded, FormatSize(b.cfg.Size)))
	var next atomic.Int64
	return parallel(ctx, b.cfg.Concurrency, func(ctx context.Context) error {
		for {
			idx := next.Add(1) - 1
			if idx >= b.preloaded {
				return nil
			}
			if _, err := b.put(ctx, c, idx); err != nil {
				return fmt.Errorf("bench: upload before measuring: %w", err)
			}
		}
	})
}

// parallel runs n copies of f and returns the first error; the first error
// cancels the context the others see.
func parallel(ctx context.Context, n int, f func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := f(ctx); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// createBucket creates name; outside us-east-1 S3 wants the region as the
// location constraint.
func createBucket(ctx context.Context, c *s3.Client, name, region string) error {
	in := &s3.CreateBucketInput{Bucket: &name}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(region),
		}
	}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		return fmt.Errorf("bench: create bucket %s: %w", name, err)
	}
	return nil
}

// cleanupRounds bounds how often cleanup lists and deletes again when the
// bucket is still not empty: a request the client cancelled (Ctrl-C, the end
// of --duration) can still complete on the server after the first listing.
const cleanupRounds = 5

// cleanup deletes every object under the run prefix and, when the run
// created the bucket, the bucket.
func (b *bench) cleanup(ctx context.Context, c *s3.Client, deleteBucket bool) error {
	for round := 1; ; round++ {
		if err := b.deletePrefix(ctx, c); err != nil {
			return err
		}
		if !deleteBucket {
			return nil
		}
		_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &b.bucket})
		var apiErr smithy.APIError
		if err == nil || round == cleanupRounds || !errors.As(err, &apiErr) || apiErr.ErrorCode() != "BucketNotEmpty" {
			if err != nil {
				return fmt.Errorf("bench: delete bucket %s: %w", b.bucket, err)
			}
			return nil
		}
	}
}

// deletePrefix deletes every object under the run prefix.
func (b *bench) deletePrefix(ctx context.Context, c *s3.Client) error {
	keys := make(chan string)
	var listErr error
	go func() {
		defer close(keys)
		pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &b.bucket, Prefix: &b.prefix})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				listErr = fmt.Errorf("bench: list for cleanup: %w", err)
				return
			}
			for _, o := range page.Contents {
				select {
				case keys <- aws.ToString(o.Key):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	err := parallel(ctx, b.cfg.Concurrency, func(ctx context.Context) error {
		for key := range keys {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key}); err != nil {
				return fmt.Errorf("bench: delete %s for cleanup: %w", key, err)
			}
		}
		return nil
	})
	// Drain so the lister can finish after a failed delete.
	for range keys {
	}
	return errors.Join(err, listErr)
}
