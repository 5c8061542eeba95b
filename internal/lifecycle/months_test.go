package lifecycle

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// TestTypicalRules_overMonths runs the rule set most versioned buckets
// use (expire noncurrent versions after 30 days keeping the 3 newest,
// remove expired object delete markers, abort uploads after 7 days, move
// logs/ to GLACIER after 90 days, with a GLACIER tier configured) with one
// pass a day at 01:00 UTC over four simulated months, and checks the
// bucket against what the S3 User Guide says of each rule:
//   - a noncurrent version's 30 days count from when it became
//     noncurrent, rounded up to the next midnight UTC, and the 3 newest
//     noncurrent versions are kept whatever their age
//     (NewerNoncurrentVersions);
//   - a delete marker is removed only once it is the only version left;
//   - an upload is aborted on the midnight after its seventh day;
//   - a log moves to GLACIER on the midnight after its 90th day; its GET
//     is then InvalidObjectState until a Standard RestoreObject completes
//     (5 hours after it), reads while the restored copy lasts (Days after
//     the restore completed, rounded up to midnight), and is
//     InvalidObjectState again once it expired.
func TestTypicalRules_overMonths(t *testing.T) {
	tier, glacier := withTier(t, object.StorageGlacier)
	f := newFixture(t, tier, func(o *object.Options) { o.RestoreDay = 24 * time.Hour })
	jan1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.clock.Set(jan1)
	f.bucket("typical", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{
		{ID: "noncurrent", Enabled: true, Filter: rules.Filter{Form: rules.FormNone},
			NoncurrentExpiration: &rules.NoncurrentExpiration{Days: 30, Newer: 3}},
		{ID: "markers", Enabled: true, Filter: rules.Filter{Form: rules.FormNone},
			Expiration: &rules.Expiration{DeleteMarker: true, DeleteMarkerSet: true}},
		{ID: "uploads", Enabled: true, Filter: rules.Filter{Form: rules.FormNone}, AbortDays: 7},
		{ID: "logs-to-glacier", Enabled: true, Filter: rules.Filter{Prefix: "logs/", Form: rules.FormSingle},
			Transitions: []rules.Transition{{Days: 90, StorageClass: object.StorageGlacier}}},
	}})
	e := f.engine()
	day := func(d int) time.Time { return jan1.AddDate(0, 0, d) } // d=0: Jan 1
	const b = "typical"
	logData := strings.Repeat("L", 200<<10) // above the 128 KiB floor
	// Writes happen at 10:00 UTC of their day.
	events := map[int]func(){
		0: func() {
			f.put(b, "logs/app.log", logData)
			f.put(b, "k", v(1))
			f.put(b, "gone", v(1))
			f.put(b, "churn", v(1))
			if _, err := f.objs.CreateMultipartUpload(f.ctx, object.CreateUploadInput{Bucket: b, Key: "upload"}); err != nil {
				t.Fatal(err)
			}
		},
		1: func() { f.put(b, "k", v(2)); f.put(b, "churn", v(2)) },
		2: func() { f.put(b, "k", v(3)); f.put(b, "churn", v(3)) },
		3: func() { f.put(b, "k", v(4)); f.put(b, "churn", v(4)) },
		4: func() { f.put(b, "k", v(5)); f.put(b, "churn", v(5)); f.del(b, "solo") },
		5: func() { f.put(b, "churn", v(6)) },
		9: func() { f.del(b, "gone") },
		// Mar 1: k is deleted; its current version becomes noncurrent.
		59: func() { f.del(b, "k") },
		// Apr 6: the archived log is restored for 3 days at the Standard
		// tier: ready at 15:00 (5 hours), its copy expires Apr 9 15:00,
		// rounded up to Apr 10 00:00.
		95: func() {
			in := object.RestoreInput{Bucket: b, Key: "logs/app.log", Days: 3, Tier: object.RestoreStandard}
			if _, err := f.objs.RestoreObject(f.ctx, in); err != nil {
				t.Fatalf("RestoreObject: %v", err)
			}
		},
	}
	// Whether GET of the log reads after the 01:00 pass of a day: created
	// Jan 1 10:00, due Apr 1 10:00 → Apr 2 00:00 (day 91).
	logReadable := func(d int) bool { return d <= 90 || d >= 96 && d <= 98 }
	// State after the 01:00 pass of a day.
	checks := map[int]string{
		4: "churn=v4,v3,v2,v1 gone=v1 k=v4,v3,v2,v1 upload",
		// The delete marker of a key that never existed is alone: removed
		// by the first pass after it.
		5: "churn=v5,v4,v3,v2,v1 gone=v1 k=v5,v4,v3,v2,v1 upload",
		// Initiated Jan 1 10:00 + 7 days = Jan 8 10:00 → Jan 9 00:00.
		7: "churn=v6,v5,v4,v3,v2,v1 gone=v1 k=v5,v4,v3,v2,v1 upload",
		8: "churn=v6,v5,v4,v3,v2,v1 gone=v1 k=v5,v4,v3,v2,v1",
		// v1 became noncurrent Jan 2 10:00: due Feb 2 00:00, not yet.
		31: "churn=v6,v5,v4,v3,v2,v1 gone=dm,v1 k=v5,v4,v3,v2,v1",
		// Feb 2: v1 of k and of churn go (each has 3+ newer noncurrent
		// versions). k's v2 (due Feb 3) has only 2 newer noncurrent
		// versions: it stays.
		32: "churn=v6,v5,v4,v3,v2 gone=dm,v1 k=v5,v4,v3,v2",
		// Feb 3: churn's v2 goes (v5, v4, v3 are newer noncurrent).
		33: "churn=v6,v5,v4,v3 gone=dm,v1 k=v5,v4,v3,v2",
		// gone's only noncurrent version has no newer noncurrent one: the
		// 3 newest are kept, so it stays, and so does its marker.
		58: "churn=v6,v5,v4,v3 gone=dm,v1 k=v5,v4,v3,v2",
		// Mar 2: after k's delete on Mar 1, v5 is noncurrent, so v2 has
		// 3 newer noncurrent versions and is long past its 30 days.
		60: "churn=v6,v5,v4,v3 gone=dm,v1 k=dm,v5,v4,v3",
		// Mar 31 and later: v5 became noncurrent Mar 1 10:00, so it would
		// be due Apr 1 — but it is one of the 3 newest noncurrent; the
		// marker has versions behind it and stays.
		119: "churn=v6,v5,v4,v3 gone=dm,v1 k=dm,v5,v4,v3",
	}
	for d := 0; d <= 119; d++ {
		if d == 99 {
			// The sweep clears the expired restore (reads already
			// check the expiry against the clock).
			f.clock.Set(day(d))
			if n, err := f.objs.ExpireRestores(f.ctx); err != nil || n != 1 {
				t.Errorf("Apr 10: ExpireRestores = %d, %v; want 1", n, err)
			}
		}
		f.clock.Set(day(d).Add(time.Hour))
		f.pass(e)
		if want, ok := checks[d]; ok {
			if got := f.state(b); got != want {
				t.Errorf("%s after the pass: %s\nwant %s", day(d).Format("Jan 2"), got, want)
			}
		}
		if d > 0 {
			f.checkLog(b, "logs/app.log", d, logReadable(d), logData)
		}
		if ev, ok := events[d]; ok {
			f.clock.Set(day(d).Add(10 * time.Hour))
			ev()
		}
		if d == 95 {
			f.clock.Set(day(d).Add(15*time.Hour - time.Second))
			f.checkLog(b, "logs/app.log", d, false, logData)
			f.clock.Set(day(d).Add(15 * time.Hour))
			f.checkLog(b, "logs/app.log", d, true, logData)
		}
		if d == 4 {
			// The marker of a key that never existed is there until the
			// next pass.
			if got, want := f.state(b), "churn=v5,v4,v3,v2,v1 gone=v1 k=v5,v4,v3,v2,v1 solo=dm upload"; got != want {
				t.Errorf("Jan 5 after the writes: %s\nwant %s", got, want)
			}
		}
	}
	if n := blobsIn(t, glacier); n != 1 {
		t.Errorf("%d blobs in the GLACIER tier, want 1", n)
	}
}

// checkLog checks, on day d, that GET of key reads data when readable,
// and answers ErrInvalidObjectState otherwise.
func (f *fixture) checkLog(bucket, key string, d int, readable bool, data string) {
	f.t.Helper()
	when := f.clock.Now().Format("Jan 2 15:04")
	out, err := f.objs.GetObject(f.ctx, object.GetInput{Bucket: bucket, Key: key})
	if !readable {
		if !errors.Is(err, object.ErrInvalidObjectState) {
			f.t.Errorf("%s (day %d): GET %s = %v, want ErrInvalidObjectState", when, d, key, err)
		}
		if err == nil {
			out.Body.Close()
		}
		return
	}
	if err != nil {
		f.t.Errorf("%s (day %d): GET %s = %v, want the object", when, d, key, err)
		return
	}
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	if err != nil || string(got) != data {
		f.t.Errorf("%s (day %d): GET %s read %d bytes (%v), want %d", when, d, key, len(got), err, len(data))
	}
}

// state is describe of the bucket's versions outside logs/ followed by
// the keys of its uploads.
func (f *fixture) state(bucket string) string {
	f.t.Helper()
	var vs []object.ObjectInfo
	for _, v := range f.versions(bucket) {
		if !strings.HasPrefix(v.Key, "logs/") {
			vs = append(vs, v)
		}
	}
	s := describe(vs)
	out, err := f.objs.ListMultipartUploads(f.ctx, object.ListUploadsInput{Bucket: bucket})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, u := range out.Uploads {
		s += " " + u.Key
	}
	return s
}
