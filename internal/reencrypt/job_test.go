package reencrypt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sse"
)

// store is Pebble and blob files in a directory, reopened by each
// service built over it (a restart).
type store struct {
	t     *testing.T
	dir   string
	kr    *sse.Keyring
	clock *clock.Fake
	meta  *pebble.Store
	blob  *fs.Store
}

func newStore(t *testing.T) *store {
	kr := sse.NewKeyring()
	m, err := sse.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := kr.Add(1, m); err != nil {
		t.Fatal(err)
	}
	s := &store{t: t, dir: t.TempDir(), kr: kr, clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))}
	t.Cleanup(s.close)
	return s
}

// open (re)opens the stores and returns a service over them that
// encrypts at rest when encrypt is set.
func (s *store) open(encrypt bool) *object.Service {
	s.t.Helper()
	s.close()
	var err error
	if s.meta, err = pebble.Open(filepath.Join(s.dir, "meta"), pebble.Options{}); err != nil {
		s.t.Fatal(err)
	}
	if s.blob, err = fs.Open(filepath.Join(s.dir, "blob"), fs.Options{}); err != nil {
		s.t.Fatal(err)
	}
	objs, err := object.New(object.Options{Meta: s.meta, Blob: s.blob, Clock: s.clock, Keyring: s.kr,
		EncryptAtRest: encrypt, MinPartSize: 5, InlineLimit: 100})
	if err != nil {
		s.t.Fatal(err)
	}
	return objs
}

func (s *store) close() {
	if s.meta != nil {
		s.meta.Close()
		s.blob.Close()
		s.meta, s.blob = nil, nil
	}
}

// job returns a job over objs whose sleeps move the fake clock.
func (s *store) job(objs *object.Service, reg prometheus.Registerer, mod ...func(*Options)) *Job {
	s.t.Helper()
	o := Options{Meta: s.meta, Objects: objs, Clock: s.clock, Rate: 1 << 30, Batch: 3, Registerer: reg,
		Sleep: func(ctx context.Context, d time.Duration) error { s.clock.Advance(d); return ctx.Err() }}
	for _, f := range mod {
		f(&o)
	}
	j, err := New(o)
	if err != nil {
		s.t.Fatal(err)
	}
	return j
}

// plaintextData writes, with encryption at rest off, inline, single-blob,
// multipart and noncurrent versions, and returns each key's body.
func plaintextData(t *testing.T, objs *object.Service, n int) map[string]string {
	ctx := context.Background()
	if _, err := objs.CreateBucket(ctx, object.CreateBucketInput{Name: "bkt", Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	if err := objs.PutBucketVersioning(ctx, "bkt", object.VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	put := func(key, body string) {
		if _, err := objs.PutObject(ctx, object.PutInput{Bucket: "bkt", Key: key, Body: strings.NewReader(body), Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		want[key] = body
	}
	for i := range n {
		put(fmt.Sprintf("inline-%d", i), fmt.Sprintf("small %d", i))
		put(fmt.Sprintf("blob-%d", i), "an older version that becomes noncurrent "+strings.Repeat("o", 200))
		put(fmt.Sprintf("blob-%d", i), strings.Repeat(fmt.Sprintf("blob %d ", i), 20000))
	}
	up, err := objs.CreateMultipartUpload(ctx, object.CreateUploadInput{Bucket: "bkt", Key: "mp",
		ChecksumAlgorithm: checksum.CRC32C, ChecksumType: checksum.FullObject})
	if err != nil {
		t.Fatal(err)
	}
	parts := []string{strings.Repeat("a", 70000), strings.Repeat("b", 5000), "c"}
	var done []object.CompletedPart
	for i, p := range parts {
		pt, err := objs.UploadPart(ctx, object.UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID,
			PartNumber: i + 1, Body: strings.NewReader(p), Size: int64(len(p))})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, object.CompletedPart{PartNumber: i + 1, ETag: `"` + pt.ETag + `"`})
	}
	if _, err := objs.CompleteMultipartUpload(ctx, object.CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: done}); err != nil {
		t.Fatal(err)
	}
	want["mp"] = strings.Join(parts, "")
	return want
}

// get reads key whole and a range of it, and its encryption.
func get(t *testing.T, objs *object.Service, key string) (body, rng, sse string, etag string) {
	t.Helper()
	ctx := context.Background()
	out, err := objs.GetObject(ctx, object.GetInput{Bucket: "bkt", Key: key})
	if err != nil {
		t.Fatalf("GetObject(%s): %v", key, err)
	}
	b, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	r, err := objs.GetObject(ctx, object.GetInput{Bucket: "bkt", Key: key, Range: &object.Range{Start: 3, End: 70002}})
	if err != nil {
		t.Fatalf("ranged GetObject(%s): %v", key, err)
	}
	rb, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		t.Fatalf("read range of %s: %v", key, err)
	}
	return string(b), string(rb), out.Info.ServerSideEncryption, out.Info.ETag
}

// plaintextLeft counts the versions still stored in plaintext.
func plaintextLeft(t *testing.T, objs *object.Service) int {
	t.Helper()
	n := 0
	var cur []byte
	for {
		vs, next, done, err := objs.ScrubBatch(context.Background(), cur, 100)
		if err != nil {
			t.Fatal(err)
		}
		for i := range vs {
			if object.NeedsReencryption(&vs[i]) {
				n++
			}
		}
		if done {
			return n
		}
		cur = next
	}
}

// TestJob_upgrade: a store written with encryption at rest off is
// reopened with it on; the background job encrypts every version
// (inline, single-blob, multipart, noncurrent), whose bodies, ranges and
// ETags read as before, and reports it in its state and metrics. A
// second start finds nothing owed and does not walk again.
func TestJob_upgrade(t *testing.T) {
	s := newStore(t)
	want := plaintextData(t, s.open(false), 4)
	etags := map[string]string{}
	plain := s.open(false)
	for key := range want {
		_, _, _, etags[key] = get(t, plain, key)
	}
	before := plaintextLeft(t, plain)

	objs := s.open(true)
	reg := prometheus.NewRegistry()
	j := s.job(objs, reg)
	for {
		wait, err := j.step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if wait > 0 {
			break
		}
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Fatalf("%d versions still in plaintext, want 0", n)
	}
	for key, body := range want {
		got, rng, enc, etag := get(t, objs, key)
		if got != body || rng != body[3:min(len(body), 70003)] || enc != object.SSES3 || etag != etags[key] {
			t.Errorf("%s: %d bytes (want %d), range ok %v, SSE %q, ETag %s (was %s)", key, len(got), len(body),
				rng == body[3:min(len(body), 70003)], enc, etag, etags[key])
		}
	}
	st, err := j.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.InPass || st.Passes != 1 || st.Last.Reencrypted != int64(before) || st.Last.Skipped+st.Last.Failed+st.Last.Errors != 0 {
		t.Errorf("state %+v, want one complete pass that re-encrypted %d versions", st, before)
	}
	if got := testutil.ToFloat64(j.metrics.versions); got != float64(before) {
		t.Errorf("%s = %v, want %d", NameVersions, got, before)
	}
	if wait, err := s.job(objs, nil).step(context.Background()); err != nil || wait == 0 {
		t.Errorf("a restart after a complete pass: step = %v, %v; want to wait", wait, err)
	}
}

// TestJob_resumesAfterRestart: a pass cancelled midway (the server
// stopped) resumes from its saved cursor over the reopened store, and
// completes without walking a version twice.
func TestJob_resumesAfterRestart(t *testing.T) {
	s := newStore(t)
	want := plaintextData(t, s.open(false), 6)
	objs := s.open(true)
	total := plaintextLeft(t, objs)
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	j := s.job(objs, nil, func(o *Options) {
		o.Batch = 2
		o.Rate = 64 << 10 // sleeps every few versions, on the fake clock
		o.Sleep = func(sctx context.Context, d time.Duration) error {
			if batches++; batches == 3 {
				cancel()
			}
			s.clock.Advance(d)
			return sctx.Err()
		}
	})
	j.Run(ctx)
	st, err := j.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	left := plaintextLeft(t, objs)
	if !st.InPass || st.Cursor == nil || left == 0 || left == total {
		t.Fatalf("after the stop: state %+v, %d of %d versions in plaintext; want a pass in progress", st, left, total)
	}
	objs = s.open(true) // restart
	j = s.job(objs, nil)
	for {
		wait, err := j.step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if wait > 0 {
			break
		}
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Errorf("%d versions still in plaintext after the resumed pass", n)
	}
	st, err = j.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every version is plaintext at the start, so a pass that walks
	// each once, across the restart, counts each once.
	if st.Last.Reencrypted != int64(total) || st.Last.Scanned != int64(total) || st.Passes != 1 {
		t.Errorf("pass re-encrypted %d and walked %d versions in %d passes, want %d each in 1",
			st.Last.Reencrypted, st.Last.Scanned, st.Passes, total)
	}
	for key, body := range want {
		if got, _, enc, _ := get(t, objs, key); got != body || enc != object.SSES3 {
			t.Errorf("%s: %d bytes, SSE %q after the resumed pass", key, len(got), enc)
		}
	}
}

// TestJob_concurrentOverwrites runs a requested pass while clients keep
// overwriting and deleting the same keys: every key ends with its last
// write, nothing is left in plaintext that the pass could reach
// unchanged, and (under -race) nothing races.
func TestJob_concurrentOverwrites(t *testing.T) {
	s := newStore(t)
	plaintextData(t, s.open(false), 8)
	objs := s.open(true)
	j := s.job(objs, nil, func(o *Options) { o.Batch = 2 })
	ctx := context.Background()
	last := map[string]string{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for round := 0; ; round++ {
			for i := range 8 {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("blob-%d", i)
				body := fmt.Sprintf("round %d of %s %s", round, key, strings.Repeat("r", 300))
				if _, err := objs.PutObject(ctx, object.PutInput{Bucket: "bkt", Key: key, Body: strings.NewReader(body), Size: int64(len(body))}); err != nil {
					t.Error(err)
					return
				}
				last[key] = body
			}
		}
	})
	st, err := j.RunPass(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if st.Last.Errors+st.Last.Failed != 0 {
		t.Errorf("pass counts %+v, want no errors or failures", st.Last)
	}
	for key, body := range last {
		if got, _, _, _ := get(t, objs, key); got != body {
			t.Errorf("%s: %q, want the last write %q", key, got, body)
		}
	}
	if n := plaintextLeft(t, objs); n > int(st.Last.Skipped) {
		t.Errorf("%d versions in plaintext, want at most the %d skipped", n, st.Last.Skipped)
	}
	if _, err := j.RunPass(ctx); err != nil {
		t.Fatal(err)
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Errorf("%d versions in plaintext after a second pass, want 0", n)
	}
}

// TestJob_owedAfterPlaintextRun: after a complete pass the job idles; a
// run with encryption at rest off marks a pass owed, and the next run
// with it on does one. RunPass refuses while encryption at rest is off.
func TestJob_owedAfterPlaintextRun(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	objs := s.open(true)
	if _, err := objs.CreateBucket(ctx, object.CreateBucketInput{Name: "bkt", Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	j := s.job(objs, nil)
	for wait := time.Duration(0); wait == 0; {
		var err error
		if wait, err = j.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	plain := s.open(false)
	pj := s.job(plain, nil)
	if err := pj.MarkPlaintextWrites(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pj.RunPass(ctx); err != ErrEncryptionOff {
		t.Errorf("RunPass with encryption at rest off = %v, want ErrEncryptionOff", err)
	}
	body := strings.Repeat("p", 500)
	if _, err := plain.PutObject(ctx, object.PutInput{Bucket: "bkt", Key: "p", Body: bytes.NewReader([]byte(body)), Size: 500}); err != nil {
		t.Fatal(err)
	}
	objs = s.open(true)
	j = s.job(objs, nil)
	steps := 0
	for wait := time.Duration(0); wait == 0; steps++ {
		var err error
		if wait, err = j.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if steps < 2 || plaintextLeft(t, objs) != 0 {
		t.Errorf("after a plaintext run: %d steps, %d versions in plaintext; want a pass that leaves none", steps, plaintextLeft(t, objs))
	}
}

// TestJob_plaintextUploadCompletedLater: an upload started with
// encryption at rest off keeps storing plaintext parts; a pass that ends
// while it is in progress schedules another after RetryInterval, which
// encrypts the object the upload completed into.
func TestJob_plaintextUploadCompletedLater(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	plain := s.open(false)
	if _, err := plain.CreateBucket(ctx, object.CreateBucketInput{Name: "bkt", Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	up, err := plain.CreateMultipartUpload(ctx, object.CreateUploadInput{Bucket: "bkt", Key: "mp"})
	if err != nil {
		t.Fatal(err)
	}
	objs := s.open(true)
	j := s.job(objs, nil)
	wait := time.Duration(0)
	for wait == 0 {
		if wait, err = j.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if wait > RetryInterval {
		t.Fatalf("after a pass with a plaintext upload in progress: wait %v, want at most %v", wait, RetryInterval)
	}
	body := strings.Repeat("p", 300)
	pt, err := objs.UploadPart(ctx, object.UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, PartNumber: 1,
		Body: strings.NewReader(body), Size: int64(len(body))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := objs.CompleteMultipartUpload(ctx, object.CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID,
		Parts: []object.CompletedPart{{PartNumber: 1, ETag: `"` + pt.ETag + `"`}}}); err != nil {
		t.Fatal(err)
	}
	if n := plaintextLeft(t, objs); n != 1 {
		t.Fatalf("%d versions in plaintext after the completion, want 1", n)
	}
	s.clock.Advance(wait)
	for wait = 0; wait == 0; {
		if wait, err = j.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Errorf("%d versions in plaintext after the retry pass, want 0", n)
	}
	if wait <= RetryInterval {
		t.Errorf("with nothing left: wait %v, want to idle longer than %v", wait, RetryInterval)
	}
}

// TestJob_requestedPassBesideAnotherNode: a pass requested on one node
// (RunPass, as `coffer reencrypt run`) runs to its end while another
// node's background job, sharing the metadata store, is in the middle of
// a batch of its own, older pass. When that batch ends, its save must not
// overwrite the completed pass with its stale progress.
func TestJob_requestedPassBesideAnotherNode(t *testing.T) {
	s := newStore(t)
	plaintextData(t, s.open(false), 4)
	objs := s.open(true)
	ctx := context.Background()
	requested := s.job(objs, nil)
	var (
		armed   bool
		pass    State
		passErr error
	)
	background := s.job(objs, nil, func(o *Options) {
		o.Rate = 64 << 10
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			s.clock.Advance(d)
			if armed {
				armed = false
				pass, passErr = requested.RunPass(ctx)
			}
			return ctx.Err()
		}
	})
	if wait, err := background.step(ctx); err != nil || wait != 0 {
		t.Fatalf("first background step = %v, %v; want a pass under way", wait, err)
	}
	old, err := background.Status(ctx)
	if err != nil || !old.InPass {
		t.Fatalf("state after a step: %+v, %v; want a pass under way", old, err)
	}
	armed = true
	for armed {
		if _, err := background.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if passErr != nil || pass.InPass || !pass.LastStarted.After(old.PassStarted) {
		t.Fatalf("requested pass = %+v, %v; want one complete, started after the background pass", pass, passErr)
	}
	st, err := background.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.InPass || st.Passes != 1 || !st.LastStarted.Equal(pass.LastStarted) {
		t.Errorf("state after both: %+v; want the requested pass, complete", st)
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Errorf("%d versions still in plaintext", n)
	}
}

// TestJob_owedSurvivesAPassUnderWay: a node started with encryption at
// rest off marks a pass owed while another node's requested pass is
// under way. The pass goes on from the marked state and ends with the
// mark still set: versions it walked before the mark may have plaintext
// successors, so another pass is due.
func TestJob_owedSurvivesAPassUnderWay(t *testing.T) {
	s := newStore(t)
	plaintextData(t, s.open(false), 4)
	objs := s.open(true)
	ctx := context.Background()
	plainNode := s.job(objs, nil)
	sleeps := 0
	requested := s.job(objs, nil, func(o *Options) {
		o.Rate = 64 << 10
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			s.clock.Advance(d)
			if sleeps++; sleeps == 5 {
				if err := plainNode.MarkPlaintextWrites(ctx); err != nil {
					return err
				}
			}
			return ctx.Err()
		}
	})
	pass, err := requested.RunPass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := requested.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sleeps < 5 {
		t.Fatalf("the pass slept %d times; the mark was never made", sleeps)
	}
	if !st.Owed || st.InPass || st.Passes != 1 || !st.LastStarted.Equal(pass.LastStarted) {
		t.Errorf("state after the pass: %+v; want it complete and a pass still owed", st)
	}
	if n := plaintextLeft(t, objs); n != 0 {
		t.Errorf("%d versions still in plaintext", n)
	}
}
