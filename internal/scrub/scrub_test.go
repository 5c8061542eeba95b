package scrub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sse"
	"github.com/coffer-s3/coffer/internal/throttle"
)

// pkg is the stored size of one full sse package.
var pkg = int(sse.EncryptedSize(sse.ChunkSize))

// tamper damages one stored object version the way a disk or an
// operator might.
type tamper struct {
	name string
	// key is the damaged object, written by write (in bucket "bkt").
	key   string
	write func(f *fixture, key string)
	// damage changes the stored bytes of v.
	damage func(f *fixture, v object.ScrubVersion)
}

func putEnc(size int) func(f *fixture, key string) {
	return func(f *fixture, key string) { f.put("bkt", key, body(uint64(len(key)), size), true) }
}

func putPlain(size int) func(f *fixture, key string) {
	return func(f *fixture, key string) { f.put("bkt", key, body(uint64(len(key)), size), false) }
}

func flipBlob(off int) func(f *fixture, v object.ScrubVersion) {
	return func(f *fixture, v object.ScrubVersion) {
		f.editBlob(v.Blobs()[0], func(b []byte) []byte { b[blobHeader+off] ^= 0x40; return b })
	}
}

var tampers = []tamper{
	{name: "flip a byte of an encrypted blob", key: "enc-flip", write: putEnc(200 << 10), damage: flipBlob(100 << 10)},
	{name: "flip a byte of a plaintext blob", key: "plain-flip", write: putPlain(200 << 10), damage: flipBlob(5)},
	{name: "swap two packages of an encrypted blob", key: "enc-swap", write: putEnc(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[0], func(b []byte) []byte {
				a, c := b[blobHeader:blobHeader+pkg], b[blobHeader+pkg:blobHeader+2*pkg]
				return slices.Concat(b[:blobHeader], c, a, b[blobHeader+2*pkg:])
			})
		}},
	{name: "swap two 64 KiB ranges of a plaintext blob", key: "plain-swap", write: putPlain(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[0], func(b []byte) []byte {
				const k = 64 << 10
				return slices.Concat(b[:blobHeader], b[blobHeader+k:blobHeader+2*k], b[blobHeader:blobHeader+k], b[blobHeader+2*k:])
			})
		}},
	{name: "truncate an encrypted blob", key: "enc-trunc", write: putEnc(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[0], func(b []byte) []byte { return b[:len(b)-100] })
		}},
	{name: "truncate a plaintext blob", key: "plain-trunc", write: putPlain(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[0], func(b []byte) []byte { return b[:len(b)-1] })
		}},
	{name: "replace an encrypted blob with another object's", key: "enc-replace", write: putEnc(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			other := f.version("bkt", "intact-enc-blob", "")
			src, err := os.ReadFile(f.blobPath(other.Blobs()[0]))
			if err != nil {
				f.t.Fatal(err)
			}
			f.editBlob(v.Blobs()[0], func([]byte) []byte { return src })
		}},
	{name: "replace a plaintext blob with another object's", key: "plain-replace", write: putPlain(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			other := f.version("bkt", "intact-plain-blob", "")
			src, err := os.ReadFile(f.blobPath(other.Blobs()[0]))
			if err != nil {
				f.t.Fatal(err)
			}
			f.editBlob(v.Blobs()[0], func([]byte) []byte { return src })
		}},
	{name: "delete an encrypted blob file", key: "enc-delete", write: putEnc(200 << 10),
		damage: func(f *fixture, v object.ScrubVersion) {
			if err := os.Remove(f.blobPath(v.Blobs()[0])); err != nil {
				f.t.Fatal(err)
			}
		}},
	{name: "tamper encrypted inline data in meta", key: "enc-inline", write: putEnc(1000),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editMeta(append([]byte{'D'}, v.DataID...), func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
		}},
	{name: "tamper plaintext inline data in meta", key: "plain-inline", write: putPlain(1000),
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editMeta(append([]byte{'D'}, v.DataID...), func(b []byte) []byte { b[10] ^= 1; return b })
		}},
	{name: "flip a byte in the last part of an encrypted multipart object", key: "enc-mpu",
		write: func(f *fixture, key string) { f.multipart("bkt", key, body(7, 100<<10), 40<<10, true) },
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[2], func(b []byte) []byte { b[blobHeader+3] ^= 1; return b })
		}},
	{name: "flip a byte in a part of a plaintext multipart object", key: "plain-mpu",
		write: func(f *fixture, key string) { f.multipart("bkt", key, body(8, 100<<10), 40<<10, false) },
		damage: func(f *fixture, v object.ScrubVersion) {
			f.editBlob(v.Blobs()[1], func(b []byte) []byte { b[blobHeader+40000] ^= 1; return b })
		}},
}

// intact writes objects of every shape that no test damages: none may
// ever be reported.
func intact(f *fixture) {
	f.put("bkt", "intact-enc-blob", body(1, 200<<10), true)
	f.put("bkt", "intact-plain-blob", body(2, 200<<10), false)
	f.put("bkt", "intact-enc-inline", body(3, 100), true)
	f.put("bkt", "intact-plain-inline", body(4, 100), false)
	f.put("bkt", "intact-empty", nil, true)
	f.multipart("bkt", "intact-enc-mpu", body(5, 100<<10), 30<<10, true)
	f.multipart("bkt", "intact-plain-mpu", body(6, 100<<10), 30<<10, false)
	// Noncurrent versions are scrubbed too.
	f.bucket("ver", true)
	f.put("ver", "k", body(9, 100<<10), true)
	f.put("ver", "k", body(10, 100<<10), false)
	f.put("ver", "small", body(11, 10), false)
	f.put("ver", "small", body(12, 10), true)
}

func TestScrub_findsEachTamperOncePerPass(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	intact(f)
	for _, tp := range tampers {
		tp.write(f, tp.key)
	}
	// A damaged noncurrent version: the current one stays readable.
	old := f.put("ver", "old", body(13, 100<<10), true)
	f.put("ver", "old", body(14, 100<<10), true)
	for _, tp := range tampers {
		tp.damage(f, f.version("bkt", tp.key, ""))
	}
	flipBlob(7)(f, f.version("ver", "old", old))

	want := []string{"ver/old@" + old}
	for _, tp := range tampers {
		want = append(want, "bkt/"+tp.key+"@null")
	}
	slices.Sort(want)
	s := f.scrubber(func(o *Options) { o.Batch = 4 })
	for pass := 1; pass <= 2; pass++ {
		p, err := s.RunPass(context.Background())
		if err != nil {
			t.Fatalf("pass %d: RunPass: %v", pass, err)
		}
		if p.Corrupt != int64(len(want)) || p.Scanned != int64(len(f.versions())) {
			t.Errorf("pass %d: Corrupt, Scanned = %d, %d; want %d, %d", pass, p.Corrupt, p.Scanned, len(want), len(f.versions()))
		}
		if got := f.damagedLines(); got != pass*len(want) {
			t.Errorf("after pass %d: %d damage log lines, want %d:\n%s", pass, got, pass*len(want), f.logs)
		}
		if diff := cmp.Diff(want, listed(t, s)); diff != "" {
			t.Errorf("pass %d: ListDamaged (-want +got):\n%s", pass, diff)
		}
	}
	for _, tp := range tampers {
		t.Run(tp.name, func(t *testing.T) {
			got, err := f.read("bkt", tp.key, "")
			if err == nil {
				t.Fatalf("GetObject of damaged %s = %d bytes, nil error; want an error", tp.key, len(got))
			}
			var notFound bool
			for _, e := range []error{object.ErrNoSuchKey, object.ErrNoSuchBucket} {
				notFound = notFound || errors.Is(err, e)
			}
			if notFound {
				t.Errorf("GetObject of damaged %s: %v, want an internal error", tp.key, err)
			}
		})
	}
	for _, k := range []string{"intact-enc-blob", "intact-plain-blob", "intact-enc-inline", "intact-plain-mpu"} {
		if _, err := f.read("bkt", k, ""); err != nil {
			t.Errorf("GetObject(%s) of an intact object: %v", k, err)
		}
	}
	if _, err := f.read("ver", "old", ""); err != nil {
		t.Errorf("GetObject of the intact current version over a damaged one: %v", err)
	}
	if _, err := f.read("ver", "old", old); err == nil {
		t.Errorf("GetObject of the damaged noncurrent version succeeded")
	}
}

// listed is ListDamaged as sorted bucket/key@version strings.
func listed(t *testing.T, s *Scrubber) []string {
	t.Helper()
	ds, err := s.ListDamaged(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		if d.Problem == "" {
			t.Errorf("%s/%s: no problem recorded", d.Bucket, d.Key)
		}
		out = append(out, d.Bucket+"/"+d.Key+"@"+d.VersionID)
	}
	slices.Sort(out)
	return out
}

func TestScrub_noFalsePositives(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	intact(f)
	p, err := f.scrubber().RunPass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Corrupt != 0 || f.damagedLines() != 0 {
		t.Errorf("intact store: %d damaged, log:\n%s", p.Corrupt, f.logs)
	}
	if want := int64(len(f.versions())); p.Scanned != want || want != 11 {
		t.Errorf("Scanned = %d, want %d (11 versions)", p.Scanned, want)
	}
}

func TestScrub_damagedVersionLeavesListWhenReplaced(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	for _, k := range []string{"a", "b"} {
		f.put("bkt", k, body(1, 100<<10), true)
		flipBlob(1)(f, f.version("bkt", k, ""))
	}
	s := f.scrubber()
	if _, err := s.RunPass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bkt/a@null", "bkt/b@null"}, listed(t, s)); diff != "" {
		t.Fatalf("ListDamaged (-want +got):\n%s", diff)
	}
	f.put("bkt", "a", []byte("fresh"), true)
	if _, err := f.objs.DeleteObject(context.Background(), object.DeleteInput{Bucket: "bkt", Key: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := listed(t, s); len(got) != 0 {
		t.Errorf("ListDamaged after overwrite and delete = %v, want none", got)
	}
	if got, err := f.read("bkt", "a", ""); err != nil || !bytes.Equal(got, []byte("fresh")) {
		t.Errorf("GetObject of the new version = %q, %v", got, err)
	}
}

func TestScrub_resumesAfterRestart(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	const n = 10
	for i := range n {
		f.put("bkt", string(rune('a'+i)), body(uint64(i), 100), i%2 == 0)
	}
	s := f.scrubber(func(o *Options) { o.Batch = 3 })
	for range 2 {
		if done, _, err := s.batch(context.Background(), false); err != nil || done {
			t.Fatalf("batch = done %v, %v; want more to do", done, err)
		}
	}
	f.close()
	f.open()
	st, err := f.objs.ScrubState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.InPass || st.Scanned != 6 {
		t.Fatalf("state after restart: in pass %v, scanned %d; want a pass with 6 done", st.InPass, st.Scanned)
	}
	s = f.scrubber(func(o *Options) { o.Batch = 3 })
	for done := false; !done; {
		if done, st, err = s.batch(context.Background(), false); err != nil {
			t.Fatal(err)
		}
	}
	if st.LastScanned != n || st.Passes != 1 || st.InPass {
		t.Errorf("after the resumed pass: scanned %d, passes %d, in pass %v; want %d, 1, false", st.LastScanned, st.Passes, st.InPass, n)
	}
}

func TestScrub_rateLimit(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	sizes := []int{0, 100, 300 << 10, 1 << 20}
	var total int64
	for i, n := range sizes {
		f.put("bkt", string(rune('a'+i)), body(uint64(i), n), i%2 == 0)
		total += int64(n) + versionCost
	}
	var slept time.Duration
	const rate = 64 << 10
	s := f.scrubber(func(o *Options) {
		o.Rate = rate
		o.Sleep = func(_ context.Context, d time.Duration) error {
			slept += d
			f.clock.Advance(d)
			return nil
		}
	})
	if _, err := s.RunPass(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := time.Duration(float64(total) / rate * float64(time.Second))
	if slept > want || slept < want-throttle.MaxDebt {
		t.Errorf("slept %v on the fake clock for %d bytes at %d B/s, want %v (less at most %v)", slept, total, rate, want, throttle.MaxDebt)
	}
}

func TestScrub_backgroundRunsPassesEveryInterval(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	f.put("bkt", "a", body(1, 100<<10), true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	s := f.scrubber(func(o *Options) {
		o.Rate = 1 << 30
		o.Interval = time.Hour
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) == 3 {
				cancel()
				return ctx.Err()
			}
			f.clock.Advance(d)
			return nil
		}
	})
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := f.objs.ScrubState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Passes != 3 {
		t.Errorf("after waiting %v: %d passes, want 3", waits, st.Passes)
	}
	for _, w := range waits {
		if w != time.Hour {
			t.Errorf("waited %v between passes, want the interval (1h): %v", w, waits)
		}
	}
}

// TestScrub_restoredVersionIsCleared: once a damaged version's file is
// restored, the next pass finds it intact, clears the mark, and reads
// work again.
func TestScrub_restoredVersionIsCleared(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	want := body(1, 100<<10)
	f.put("bkt", "k", want, true)
	id := f.version("bkt", "k", "").Blobs()[0]
	saved, err := os.ReadFile(f.blobPath(id))
	if err != nil {
		t.Fatal(err)
	}
	flipBlob(70<<10)(f, f.version("bkt", "k", ""))
	s := f.scrubber()
	if p, err := s.RunPass(context.Background()); err != nil || p.Corrupt != 1 {
		t.Fatalf("RunPass over the damaged file = %+v, %v; want 1 damaged", p, err)
	}
	if _, err := f.read("bkt", "k", ""); err == nil {
		t.Fatal("GetObject of the damaged version succeeded")
	}
	f.editBlob(id, func([]byte) []byte { return saved })
	if p, err := s.RunPass(context.Background()); err != nil || p.Corrupt != 0 {
		t.Fatalf("RunPass over the restored file = %+v, %v; want none damaged", p, err)
	}
	if got := listed(t, s); len(got) != 0 {
		t.Errorf("ListDamaged after the restore = %v, want none", got)
	}
	if got, err := f.read("bkt", "k", ""); err != nil || !bytes.Equal(got, want) {
		t.Errorf("GetObject after the restore = %d bytes, %v", len(got), err)
	}
}

// TestScrub_unreadableRecordDoesNotStopThePass: an object record that no
// longer decodes is reported and counted, and the pass goes on to the
// versions after it.
func TestScrub_unreadableRecordDoesNotStopThePass(t *testing.T) {
	f := newFixture(t)
	f.bucket("bkt", false)
	for _, k := range []string{"a", "b", "c"} {
		f.put("bkt", k, body(1, 100), true)
	}
	f.editMeta([]byte("Obkt\x00b"), func([]byte) []byte { return []byte{0xEE, 1, 2} })
	p, err := f.scrubber().RunPass(context.Background())
	if err != nil {
		t.Fatalf("RunPass: %v", err)
	}
	if p.Scanned != 3 || p.Corrupt != 1 || f.damagedLines() != 1 || !strings.Contains(f.logs.String(), "object record unreadable") {
		t.Errorf("RunPass = %+v, log:\n%s\nwant 3 scanned, 1 damaged", p, f.logs)
	}
}

// plainObjects writes n plaintext objects of size bytes to a new bucket.
func (f *fixture) plainObjects(n, size int) {
	f.bucket("bkt", false)
	for i := range n {
		f.put("bkt", string(rune('a'+i)), body(uint64(i), size), false)
	}
}

// TestScrub_oneOffPassBesideAnotherScrubber runs a one-off pass (RunPass,
// as `coffer scrub run` on one node) while another scrubber sharing the
// metadata store (another node's background scrubber) is in the middle
// of a batch of its own, older pass. When that batch ends, its save must
// not overwrite the completed one-off pass with its stale progress.
func TestScrub_oneOffPassBesideAnotherScrubber(t *testing.T) {
	f := newFixture(t)
	const n = 10
	f.plainObjects(n, 100<<10)
	ctx := context.Background()
	oneOff := f.scrubber(func(o *Options) { o.Batch = 3 })
	var (
		armed   bool
		pass    Pass
		passErr error
	)
	background := f.scrubber(func(o *Options) {
		o.Batch, o.Rate = 3, 64<<10
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			f.clock.Advance(d)
			if armed {
				armed = false
				pass, passErr = oneOff.RunPass(ctx)
			}
			return nil
		}
	})
	for range 2 {
		if done, _, err := background.batch(ctx, false); err != nil || done {
			t.Fatalf("background batch = done %v, %v; want more to do", done, err)
		}
	}
	old, _ := f.objs.ScrubState(ctx)
	armed = true
	if _, _, err := background.batch(ctx, false); !errors.Is(err, errStateMoved) {
		t.Errorf("background batch across the one-off pass = %v, want errStateMoved", err)
	}
	if passErr != nil || pass.Scanned != n || !pass.Started.After(old.PassStarted) {
		t.Fatalf("one-off pass = %+v, %v; want %d versions, started after the background pass (%v)", pass, passErr, n, old.PassStarted)
	}
	st, err := f.objs.ScrubState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.InPass || !st.LastStarted.Equal(pass.Started) || st.LastScanned != n || st.Passes != 1 {
		t.Errorf("state after both: in pass %v, last started %v, scanned %d, passes %d; want the one-off pass (%v, %d, 1)",
			st.InPass, st.LastStarted, st.LastScanned, st.Passes, pass.Started, n)
	}
}

// TestScrub_oneOffPassFinishedByAnother: while a one-off pass is in a
// batch, another scrubber sharing the store carries that pass to its end.
// RunPass then returns the pass as completed, counting every version
// once, instead of saving over it or starting another.
func TestScrub_oneOffPassFinishedByAnother(t *testing.T) {
	f := newFixture(t)
	const n = 10
	f.plainObjects(n, 100<<10)
	ctx := context.Background()
	other := f.scrubber(func(o *Options) { o.Batch = 3 })
	sleeps := 0
	oneOff := f.scrubber(func(o *Options) {
		o.Batch, o.Rate = 3, 64<<10
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			f.clock.Advance(d)
			if sleeps++; sleeps == 5 { // in the one-off pass's second batch
				for done := false; !done; {
					var err error
					if done, _, err = other.batch(ctx, false); err != nil {
						return err
					}
				}
			}
			return nil
		}
	})
	pass, err := oneOff.RunPass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.objs.ScrubState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pass.Scanned != n || st.InPass || st.Passes != 1 || !st.LastStarted.Equal(pass.Started) {
		t.Errorf("one-off pass = %+v; state in pass %v, passes %d, last started %v; want %d versions in the one pass",
			pass, st.InPass, st.Passes, st.LastStarted, n)
	}
	if sleeps < 5 {
		t.Errorf("the one-off pass slept %d times; the other scrubber never ran", sleeps)
	}
}
