package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// phase bounds one stretch of work (warmup or the measured window) by an
// operation count or a deadline, and counts finished operations for the
// progress line.
type phase struct {
	count    int64     // operations to run; 0 means run until deadline
	deadline time.Time // used when count is 0
	claimed  atomic.Int64
	ops      atomic.Int64
	bytes    atomic.Int64
	errs     atomic.Int64
}

// claim reserves the next operation and reports whether it may start.
func (p *phase) claim() bool {
	if p.count > 0 {
		return p.claimed.Add(1) <= p.count
	}
	return time.Now().Before(p.deadline)
}

// worker runs operations one after another. Its fields are its own, so the
// hot path takes no locks: statistics are merged after the phase.
type worker struct {
	b      *bench
	client *s3.Client // no retries: what is measured
	lister *s3.Client // client's twin for listings (see Run)
	setup  *s3.Client // with retries: aborts after failures
	rng    *rand.Rand
	buf    []byte // scratch for verifying GET bodies
	stats  [numOps]opStats
	// live holds the indexes of the objects this worker owns in the mixed
	// workload; owning them means no other worker deletes one while this one
	// reads it.
	live []int64
	// The walk over the listing: the next page's token, the last key
	// seen and how many keys the walk has returned so far.
	listToken *string
	listLast  string
	listSeen  int64
	// lastByte, when an operation sets it, is when its response's last
	// byte arrived: the operation's latency ends there.
	lastByte time.Time
}

func newWorker(b *bench, id int, client, lister, setup *s3.Client) *worker {
	w := &worker{
		b:      b,
		client: client,
		lister: lister,
		setup:  setup,
		rng:    rand.New(rand.NewPCG(uint64(id), rand.Uint64())),
		buf:    make([]byte, 64<<10),
	}
	if b.cfg.Workload == WorkloadMixed {
		for idx := int64(id); idx < b.preloaded; idx += int64(b.cfg.Concurrency) {
			w.live = append(w.live, idx)
		}
	}
	return w
}

// runPhase runs every worker until p ends or ctx is cancelled and returns how
// long that took. With a TTY attached it also prints progress under label.
func (b *bench) runPhase(ctx context.Context, workers []*worker, p *phase, label string) time.Duration {
	for _, w := range workers {
		w.stats = [numOps]opStats{}
	}
	start := time.Now()
	stopProgress := b.startProgress(p, label, start)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.run(ctx, p) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopProgress()
	return elapsed
}

// run performs operations until the phase ends, there is nothing left to do,
// or ctx is cancelled. Failures of operations cut short by cancellation are
// not counted: they say nothing about the server.
func (w *worker) run(ctx context.Context, p *phase) {
	for ctx.Err() == nil && p.claim() {
		start := time.Now()
		w.lastByte = time.Time{}
		kind, n, err := w.do(ctx)
		end := time.Now()
		if !w.lastByte.IsZero() {
			end = w.lastByte
		}
		latency := end.Sub(start)
		if errors.Is(err, errExhausted) {
			return
		}
		if err != nil && ctx.Err() != nil {
			return
		}
		s := &w.stats[kind]
		if err != nil {
			s.addError(errorCode(err), err)
			p.errs.Add(1)
			continue
		}
		s.hist.record(latency)
		s.ops++
		s.bytes += n
		p.ops.Add(1)
		p.bytes.Add(n)
	}
}

// do performs one operation of the workload and returns what it was and how
// many payload bytes it moved.
func (w *worker) do(ctx context.Context) (opKind, int64, error) {
	b := w.b
	switch b.cfg.Workload {
	case WorkloadPut:
		n, err := b.put(ctx, w.client, b.nextKey.Add(1)-1)
		return opPut, n, err
	case WorkloadGet:
		n, err := w.get(ctx, w.rng.Int64N(b.preloaded))
		return opGet, n, err
	case WorkloadHead:
		return opHead, 0, w.head(ctx, w.rng.Int64N(b.preloaded))
	case WorkloadDelete:
		idx := b.nextDelete.Add(1) - 1
		if idx >= b.preloaded {
			return opDelete, 0, errExhausted
		}
		return opDelete, 0, w.del(ctx, idx)
	case WorkloadList:
		return opList, 0, w.listPage(ctx)
	case WorkloadMultipart:
		n, err := w.multipart(ctx, b.nextKey.Add(1)-1)
		return opMultipart, n, err
	}
	return w.doMixed(ctx)
}

// doMixed performs one operation drawn from the mix. Reads and deletes use
// objects this worker owns; with none left they become a put.
func (w *worker) doMixed(ctx context.Context) (opKind, int64, error) {
	b := w.b
	kind := opPut
	r := w.rng.IntN(b.mixTotal)
	for _, m := range b.cfg.Mix {
		if r < m.Weight {
			kind, _ = opByName(m.Op)
			break
		}
		r -= m.Weight
	}
	if len(w.live) == 0 && (kind == opGet || kind == opHead || kind == opDelete) {
		kind = opPut
	}
	switch kind {
	case opGet:
		n, err := w.get(ctx, w.live[w.rng.IntN(len(w.live))])
		return kind, n, err
	case opHead:
		return kind, 0, w.head(ctx, w.live[w.rng.IntN(len(w.live))])
	case opDelete:
		i := w.rng.IntN(len(w.live))
		idx := w.live[i]
		w.live[i] = w.live[len(w.live)-1]
		w.live = w.live[:len(w.live)-1]
		return kind, 0, w.del(ctx, idx)
	case opList:
		return kind, 0, w.listPage(ctx)
	case opMultipart:
		idx := b.nextKey.Add(1) - 1
		n, err := w.multipart(ctx, idx)
		if err == nil {
			w.live = append(w.live, idx)
		}
		return kind, n, err
	}
	idx := b.nextKey.Add(1) - 1
	n, err := b.put(ctx, w.client, idx)
	if err == nil {
		w.live = append(w.live, idx)
	}
	return opPut, n, err
}
