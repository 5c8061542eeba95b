package cluster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// opTimeout bounds one call; a call that runs out is of unknown outcome.
const opTimeout = 30 * time.Second

// history records every call the clients made, with its call and return
// instants on one monotonic clock.
type history struct {
	start time.Time
	mu    sync.Mutex
	ops   []porcupine.Operation
	done  int // calls with a known outcome, for the load's phases
	// unexpected lists failures that the kill does not explain: a node
	// that stayed up answered with an error the model has no place for,
	// or sent bytes or an ETag that no write produced.
	unexpected []string
	notify     chan struct{} // closed and replaced after every record
}

func newHistory() *history {
	return &history{start: time.Now(), notify: make(chan struct{})}
}

// now is the time since the start, from the monotonic clock.
func (h *history) now() int64 { return int64(time.Since(h.start)) }

func (h *history) record(op porcupine.Operation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
	if op.Return != infinity {
		h.done++
	}
	close(h.notify)
	h.notify = make(chan struct{})
}

func (h *history) unexpectedf(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unexpected = append(h.unexpected, fmt.Sprintf(format, args...))
}

// waitDone waits until n calls have a known outcome in all, or within
// passes.
func (h *history) waitDone(n int, within time.Duration) error {
	deadline := time.After(within)
	for {
		h.mu.Lock()
		done, notify := h.done, h.notify
		h.mu.Unlock()
		if done >= n {
			return nil
		}
		select {
		case <-notify:
		case <-deadline:
			return fmt.Errorf("only %d of %d calls answered within %s", done, n, within)
		}
	}
}

// snapshot copies the history.
func (h *history) snapshot() ([]porcupine.Operation, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]porcupine.Operation(nil), h.ops...), append([]string(nil), h.unexpected...)
}

// cluster is what the clients share: the nodes, the bucket, the keys they
// all write, and the history.
type cluster struct {
	nodes   []*node
	bucket  string
	keys    []string
	h       *history
	clients atomic.Int64 // client ids handed out, for porcupine
}

// newClientID returns a fresh porcupine client id. A worker takes a new
// one after a call of unknown outcome, whose operation stays open to the
// end of the history, so that each id's calls stay sequential.
func (c *cluster) newClientID() int { return int(c.clients.Add(1) - 1) }

// pick returns the first live node from the worker's own, as a load
// balancer that checks /health/ready would.
func (c *cluster) pick(own int) *node {
	for i := range c.nodes {
		if n := c.nodes[(own+i)%len(c.nodes)]; n.alive.Load() {
			return n
		}
	}
	return nil
}

// worker is one client goroutine: it prefers one node and remembers, per
// key, the object it last saw there, to send its ETag in If-Match.
type worker struct {
	id     int
	client int // porcupine client id
	own    int // preferred node
	seq    int
	rng    *rand.Rand
	seen   map[string]string
}

// load runs workers until stop is closed; it returns when all stopped.
func (c *cluster) load(workers int, seed uint64, stop <-chan struct{}) {
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{id: i, client: c.newClientID(), own: i % len(c.nodes),
			rng: rand.New(rand.NewPCG(seed, uint64(i))), seen: map[string]string{}}
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c.step(w)
			}
		})
	}
	wg.Wait()
}

// step makes one random call: reads, creations with If-None-Match,
// compare-and-swaps with If-Match on the last object seen, blind writes,
// and deletes, plain and conditional.
func (c *cluster) step(w *worker) {
	n := c.pick(w.own)
	if n == nil {
		return
	}
	key := c.keys[w.rng.IntN(len(c.keys))]
	in := regInput{key: key}
	seen := w.seen[key]
	switch r := w.rng.IntN(100); {
	case r < 30:
		in.kind = opGet
	case r < 80:
		in.kind = opPut
		switch {
		case r < 55 && seen != "":
			in.cond, in.match = condIfMatch, seen
		case r < 67:
			in.cond = condIfNoneMatch
		}
		// A third of the objects are larger than the inline limit, so
		// that their bytes go through the shared blob directory.
		size := 64 + w.rng.IntN(512)
		if w.rng.IntN(3) == 0 {
			size = inlineLimit + 8<<10 + w.rng.IntN(16<<10)
		}
		w.seq++
		in.val = objectName(w.id, w.seq, size)
	default:
		in.kind = opDelete
		if r < 92 && seen != "" {
			in.cond, in.match = condIfMatch, seen
		}
	}
	out := c.call(n, w.client, in)
	switch {
	case out.out == outUnknown:
		w.client = c.newClientID()
	case out.out == outOK && in.kind == opGet:
		w.seen[key] = out.val
	case out.out == outOK && in.kind == opPut:
		w.seen[key] = in.val
	case out.out == outOK && in.kind == opDelete, out.out == outNotFound:
		w.seen[key] = ""
	}
}

// call sends in to node n as client and records it. A GET whose outcome is
// unknown tells nothing and is left out.
func (c *cluster) call(n *node, client int, in regInput) regOutput {
	cl := n.client.Load()
	incarnation := n.incarnation.Load()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	callT := c.h.now()
	out, err := c.send(ctx, cl, in)
	retT := c.h.now()
	if err != nil {
		out = regOutput{out: classify(err)}
	}
	if out.out == outUnknown {
		// The kill explains a failure only on the killed node.
		if n.alive.Load() && n.incarnation.Load() == incarnation {
			c.h.unexpectedf("%s on %s (up throughout): %v", describe(in, out), n.name, err)
		}
		if in.kind == opGet {
			return out
		}
		retT = infinity
	}
	c.h.record(porcupine.Operation{ClientId: client, Input: in, Call: callT, Output: out, Return: retT, Metadata: n.name})
	return out
}

// send performs in with the S3 client and checks what it can on the spot:
// ETags and bodies must be those of the object named.
func (c *cluster) send(ctx context.Context, cl *s3.Client, in regInput) (regOutput, error) {
	bucket, key := aws.String(c.bucket), aws.String(in.key)
	var ifMatch *string
	if in.cond == condIfMatch {
		ifMatch = aws.String(etagOf(in.match))
	}
	switch in.kind {
	case opGet:
		resp, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
		if err != nil {
			return regOutput{}, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return regOutput{}, err
		}
		name, err := nameOf(b)
		if err != nil {
			c.h.unexpectedf("GET %s: %v", in.key, err)
			return regOutput{}, err
		}
		if got := aws.ToString(resp.ETag); got != etagOf(name) {
			c.h.unexpectedf("GET %s: object %s with ETag %s, want %s", in.key, name, got, etagOf(name))
		}
		return regOutput{out: outOK, val: name}, nil
	case opPut:
		req := &s3.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader(bodyOf(in.val)), IfMatch: ifMatch}
		if in.cond == condIfNoneMatch {
			req.IfNoneMatch = aws.String("*")
		}
		resp, err := cl.PutObject(ctx, req)
		if err != nil {
			return regOutput{}, err
		}
		if got := aws.ToString(resp.ETag); got != etagOf(in.val) {
			c.h.unexpectedf("PUT %s %s: ETag %s, want %s", in.key, in.val, got, etagOf(in.val))
		}
		return regOutput{out: outOK}, nil
	default:
		_, err := cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, IfMatch: ifMatch})
		if err != nil {
			return regOutput{}, err
		}
		return regOutput{out: outOK}, nil
	}
}

// classify maps an error to what it says of the call's effect. Only the
// answers S3 gives to a call it refused are definite; anything else, a
// broken connection, a timeout, a 5xx, leaves the effect unknown.
func classify(err error) outcome {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "PreconditionFailed":
			return outFailed
		case "NoSuchKey":
			return outNotFound
		case "ConditionalRequestConflict":
			return outConflict
		}
	}
	return outUnknown
}
