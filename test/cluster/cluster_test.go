package cluster_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
	"github.com/coffer-s3/coffer/internal/object"
)

// The load: workers spread over the nodes, on a few keys so that every
// key sees conditional writes from every node at once; phaseCalls
// answered calls before the kill, as many after it, and half as many
// again once the killed node is back.
const (
	workers    = 9
	phaseCalls = 300
)

var clusterKeys = []string{"k0", "k1", "k2", "k3"}

// TestCluster_linearizableUnderKill is README "Running several nodes"
// under load: three coffer processes on one PostgreSQL database and one
// blob directory, clients on every node making conditional writes to the
// same keys, one node killed with SIGKILL halfway and restarted after.
// Every answer the clients got, including the reads that verify the
// acknowledged writes through the surviving nodes and through the
// restarted one, must form a linearizable history of each key.
func TestCluster_linearizableUnderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds coffer and runs three coffer processes on PostgreSQL")
	}
	db := pgtest.URL(t) // skips without PostgreSQL
	keep := keptOnFailure(t)
	bin := buildCoffer(t, t.TempDir())
	work := t.TempDir()
	blobs, keyFile := filepath.Join(work, "blobs"), filepath.Join(work, "master.key")
	if err := os.Mkdir(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "master-key", "generate", "--out", keyFile).CombinedOutput(); err != nil {
		t.Fatalf("coffer master-key generate: %v\n%s", err, out)
	}
	shared := []string{"--meta", db, "--blob-dir", blobs, "--master-key-file", keyFile}
	nodes := make([]*node, 3)
	for i := range nodes {
		name := fmt.Sprintf("node%d", i+1)
		nodes[i] = newNode(t, name, bin, filepath.Join(work, name), filepath.Join(keep, name+".log"), shared)
	}
	startAll(t, nodes)

	c := &cluster{nodes: nodes, bucket: "linearizable", keys: clusterKeys, h: newHistory()}
	if _, err := nodes[0].client.Load().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(c.bucket)}); err != nil {
		t.Fatalf("CreateBucket through %s: %v", nodes[0].name, err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; node logs in %s", seed, keep)

	// Load on three nodes, then kill one with SIGKILL mid-load; its
	// clients move to the next node, as behind a load balancer.
	victim, survivors := nodes[1], []*node{nodes[0], nodes[2]}
	stopLoad := startLoad(t, c, seed)
	mustWait(t, c.h, phaseCalls)
	victim.kill()
	killedAt := c.h.now()
	if !victim.exitedBySignal() {
		t.Fatalf("%s did not die by SIGKILL: %v", victim.name, victim.waitErr)
	}
	mustWait(t, c.h, 2*phaseCalls)
	stopLoad()

	// Every acknowledged write, through each surviving node.
	final := c.readAll(survivors[0])
	for _, n := range survivors[1:] {
		compareStates(t, n.name+" after the load", c.readAll(n), survivors[0].name, final)
	}
	checkAcknowledged(t, c.h, final)

	// The killed node comes back with the same flags, reports ready and
	// serves the latest state of every key.
	restart := time.Now()
	if err := victim.start(t.Context()); err != nil {
		t.Fatalf("restart %s: %v", victim.name, err)
	}
	t.Logf("%s ready %s after its restart", victim.name, time.Since(restart).Round(time.Millisecond))
	if ok, err := victim.ready(t.Context()); !ok {
		t.Fatalf("%s /health/ready after the restart: not 200 (%v)", victim.name, err)
	}
	compareStates(t, victim.name+" after its restart", c.readAll(victim), survivors[0].name, final)

	// It takes conditional writes again, which the others see.
	stopLoad = startLoad(t, c, seed+1)
	mustWait(t, c.h, 5*phaseCalls/2)
	stopLoad()
	final = c.readAll(nodes[0])
	for _, n := range nodes[1:] {
		compareStates(t, n.name+" at the end", c.readAll(n), nodes[0].name, final)
	}
	checkAcknowledged(t, c.h, final)

	ops, unexpected := c.h.snapshot()
	for _, u := range unexpected {
		t.Errorf("unexpected: %s", u)
	}
	logFigures(t, ops, killedAt)
	if n := blobReads(ops); n == 0 {
		t.Errorf("no GET returned an object larger than the inline limit (%d bytes): the shared blob directory went untested", inlineLimit)
	} else {
		t.Logf("%d GETs returned objects kept in the shared blob directory", n)
	}
	checkLinearizable(t, ops, keep)
}

// keptOnFailure returns a directory for the node logs and the history's
// visualization that outlives a failed test, and is removed after a
// passing one.
func keptOnFailure(t *testing.T) string {
	dir, err := os.MkdirTemp("", "coffer-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("node logs and history kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	return dir
}

// startAll starts the nodes at once, as a deployment may: the schema is
// created under an advisory lock by whichever comes first.
func startAll(t *testing.T, nodes []*node) {
	t.Helper()
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { errs[i] = n.start(t.Context()) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// startLoad starts the workers; the function it returns stops them and
// waits until they have stopped (also at cleanup, should the test end
// early).
func startLoad(t *testing.T, c *cluster, seed uint64) func() {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		c.load(workers, seed, stop)
	}()
	f := sync.OnceFunc(func() {
		close(stop)
		<-done
	})
	t.Cleanup(f)
	return f
}

func mustWait(t *testing.T, h *history, calls int) {
	t.Helper()
	if err := h.waitDone(calls, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every key through n, as one client, recording the reads in
// the history. A key without an object maps to "".
func (c *cluster) readAll(n *node) map[string]string {
	state := map[string]string{}
	client := c.newClientID()
	for _, k := range c.keys {
		out := c.call(n, client, regInput{key: k, kind: opGet})
		switch out.out {
		case outOK:
			state[k] = out.val
		case outNotFound:
			state[k] = ""
		}
	}
	return state
}

// compareStates fails unless what was read as got holds the same object
// for every key as want, read through wantFrom.
func compareStates(t *testing.T, what string, got map[string]string, wantFrom string, want map[string]string) {
	t.Helper()
	for _, k := range clusterKeys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok || !wok:
			t.Errorf("%s: key %s unreadable", what, k)
		case g != w:
			t.Errorf("%s: key %s holds %q, %s read %q", what, k, g, wantFrom, w)
		}
	}
}

// checkAcknowledged fails the test for every key whose state read after
// the load lost an acknowledged write (see lostWrites).
func checkAcknowledged(t *testing.T, h *history, final map[string]string) {
	t.Helper()
	ops, _ := h.snapshot()
	for _, msg := range lostWrites(ops, final) {
		t.Error(msg)
	}
}

// lostWrites is the plain statement of "no acknowledged write is lost",
// checked on the state read after the load before the full check: the
// object a key holds must come from a write (acknowledged or of unknown
// outcome) that had not returned yet when the key's last acknowledged
// write was sent; an older one means that later write was lost. A key
// without an object needs such a delete.
func lostWrites(ops []porcupine.Operation, final map[string]string) []string {
	var lost []string
	for _, k := range slices.Sorted(maps.Keys(final)) {
		v := final[k]
		lastAck := int64(-1) // call time of the key's last acknowledged write
		var last porcupine.Operation
		sourceReturn := int64(-1) // latest return of a write that could leave v
		written := false
		for _, op := range ops {
			in, out := op.Input.(regInput), op.Output.(regOutput)
			if in.key != k || in.kind == opGet || (out.out != outOK && out.out != outUnknown) {
				continue
			}
			if out.out == outOK && op.Call > lastAck {
				lastAck, last = op.Call, op
			}
			if in.kind == opPut && in.val == v || in.kind == opDelete && v == "" {
				written = true
				sourceReturn = max(sourceReturn, op.Return)
			}
		}
		switch {
		case v != "" && !written:
			lost = append(lost, fmt.Sprintf("key %s holds %s, which no PUT wrote", k, v))
		case lastAck >= 0 && sourceReturn < lastAck:
			lost = append(lost, fmt.Sprintf("key %s holds %q, left by a call that returned at %s, before the acknowledged %s (%v) was sent at %s: that write is lost",
				k, v, ts(sourceReturn), describe(last.Input.(regInput), last.Output.(regOutput)), last.Metadata, ts(last.Call)))
		}
	}
	return lost
}

// inlineLimit is the size above which coffer keeps an object's bytes in
// the blob directory rather than inside its metadata record.
const inlineLimit = object.DefaultInlineLimit

// blobReads counts the GETs that returned an object above inlineLimit.
func blobReads(ops []porcupine.Operation) int {
	n := 0
	for _, op := range ops {
		in, out := op.Input.(regInput), op.Output.(regOutput)
		if in.kind == opGet && out.out == outOK && len(bodyOf(out.val)) > inlineLimit {
			n++
		}
	}
	return n
}

// ts renders a history time.
func ts(t int64) string { return time.Duration(t).String() }

// checkLinearizable fails the test unless the history is linearizable.
func checkLinearizable(t *testing.T, ops []porcupine.Operation, keep string) {
	t.Helper()
	start := time.Now()
	if err := linearizable(ops, keep, 30*time.Second); err != nil {
		t.Error(err)
	}
	t.Logf("porcupine checked %d calls in %s", len(ops), time.Since(start).Round(time.Millisecond))
}

// linearizable runs porcupine over the history, key by key. An illegal
// history is written as porcupine's HTML visualization into dir, whose
// path the error names; a check that does not finish within timeout is an
// error too, since it proved nothing.
func linearizable(ops []porcupine.Operation, dir string, timeout time.Duration) error {
	res, info := porcupine.CheckOperationsVerbose(registerModel, ops, timeout)
	switch res {
	case porcupine.Ok:
		return nil
	case porcupine.Illegal:
		path := filepath.Join(dir, "linearizability.html")
		if err := porcupine.VisualizePath(registerModel, info, path); err != nil {
			return fmt.Errorf("the history is not linearizable (and its visualization could not be written: %v)", err)
		}
		return fmt.Errorf("the history is not linearizable; see %s", path)
	}
	return fmt.Errorf("porcupine could not decide within %s (%s)", timeout, res)
}

// logFigures sums the history up: what the clients were answered.
func logFigures(t *testing.T, ops []porcupine.Operation, killedAt int64) {
	var gets, writes, acked, failed, conflict, notFound, unknown int
	var last int64
	perNode := map[string]int{}
	for _, op := range ops {
		in, out := op.Input.(regInput), op.Output.(regOutput)
		perNode[op.Metadata.(string)]++
		if in.kind == opGet {
			gets++
		} else {
			writes++
		}
		switch out.out {
		case outOK:
			if in.kind != opGet {
				acked++
			}
		case outFailed:
			failed++
		case outConflict:
			conflict++
		case outNotFound:
			notFound++
		case outUnknown:
			unknown++
		}
		if op.Return != infinity {
			last = max(last, op.Return)
		}
	}
	t.Logf("%d calls in %s (kill at %s): %d GETs, %d writes (%d acknowledged, %d 412, %d 409, %d unknown outcome), %d 404",
		len(ops), time.Duration(last).Round(time.Millisecond), time.Duration(killedAt).Round(time.Millisecond), gets, writes, acked, failed, conflict, unknown, notFound)
	t.Logf("calls per node: %v", perNode)
}
