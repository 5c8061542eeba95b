package lifecycle

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

func expireDays(id, prefix string, d int) rules.Rule {
	return rules.Rule{ID: id, Enabled: true, Filter: rules.Filter{Prefix: prefix, Form: rules.FormSingle}, Expiration: &rules.Expiration{Days: d}}
}

// TestExpire_unversioned: objects under the rule's prefix are deleted on
// the midnight after their third day, and nothing before; others stay.
func TestExpire_unversioned(t *testing.T) {
	f := newFixture(t)
	f.bucket("plain", "", rules.Config{Rules: []rules.Rule{expireDays("logs", "logs/", 3)}})
	f.put("plain", "logs/a", v(1))
	f.put("plain", "logs/b", v(2))
	f.put("plain", "keep/c", v(3))
	e := f.engine()
	// Created 2026-03-01 10:30; due 2026-03-05 00:00.
	f.clock.Set(time.Date(2026, 3, 4, 23, 59, 59, 0, time.UTC))
	if st := f.pass(e); st.Expired != 0 {
		t.Fatalf("before due: %+v", st)
	}
	if got := describe(f.versions("plain")); got != "keep/c=v3 logs/a=v1 logs/b=v2" {
		t.Fatalf("before due: %s", got)
	}
	f.clock.Set(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
	st := f.pass(e)
	if st.Expired != 2 || st.BytesExpired != 3 || st.MarkersAdded != 0 {
		t.Errorf("at due: %+v", st)
	}
	if got := describe(f.versions("plain")); got != "keep/c=v3" {
		t.Errorf("after due: %s", got)
	}
	if !strings.Contains(f.logs.String(), "rule_id=logs") {
		t.Errorf("log does not name the rule:\n%s", f.logs.String())
	}
	if st := f.pass(e); st.Expired != 0 {
		t.Errorf("second pass acted again: %+v", st)
	}
}

// TestExpire_versioned: an expired current version gets a delete marker
// and stays as a noncurrent version.
func TestExpire_versioned(t *testing.T) {
	f := newFixture(t)
	f.bucket("ver", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{expireDays("all", "", 1)}})
	f.put("ver", "k", v(1))
	e := f.engine()
	f.clock.Set(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
	st := f.pass(e)
	if st.MarkersAdded != 1 || st.Expired != 0 {
		t.Errorf("pass: %+v", st)
	}
	if got := describe(f.versions("ver")); got != "k=dm,v1" {
		t.Errorf("versions = %s, want k=dm,v1", got)
	}
	// The marker is the latest version but the noncurrent one remains:
	// not an expired object delete marker, and no second marker.
	f.clock.Advance(days(10))
	f.pass(e)
	if got := describe(f.versions("ver")); got != "k=dm,v1" {
		t.Errorf("later: versions = %s, want k=dm,v1", got)
	}
}

// TestExpire_suspended: while versioning is suspended, expiration
// replaces the null version with a null delete marker and keeps the
// versions before it.
func TestExpire_suspended(t *testing.T) {
	f := newFixture(t)
	f.bucket("susp", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{expireDays("all", "", 1)}})
	f.put("susp", "k", v(1)) // a real version id
	if err := f.objs.PutBucketVersioning(f.ctx, "susp", object.VersioningSuspended); err != nil {
		t.Fatal(err)
	}
	f.put("susp", "k", v(2)) // the null version
	f.clock.Set(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
	st := f.pass(f.engine())
	if st.MarkersAdded != 1 {
		t.Errorf("pass: %+v", st)
	}
	vs := f.versions("susp")
	if got := describe(vs); got != "k=dm,v1" {
		t.Fatalf("versions = %s, want k=dm,v1", got)
	}
	if vs[0].VersionID != object.NullVersionID {
		t.Errorf("marker version id = %q, want null", vs[0].VersionID)
	}
}

// TestNoncurrent_newerVersions: noncurrent versions expire NoncurrentDays
// after their successor was written, keeping the newest N.
func TestNoncurrent_newerVersions(t *testing.T) {
	f := newFixture(t)
	f.bucket("ncv", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{{ID: "ncv", Enabled: true,
		Filter: rules.Filter{Form: rules.FormNone}, NoncurrentExpiration: &rules.NoncurrentExpiration{Days: 2, Newer: 1}}}})
	e := f.engine()
	f.put("ncv", "k", v(1))
	f.clock.Advance(days(1))
	f.put("ncv", "k", v(2)) // v1 noncurrent since 03-02 10:30: due 03-05
	f.clock.Advance(days(1))
	f.put("ncv", "k", v(3)) // v2 noncurrent since 03-03 10:30: due 03-06
	f.clock.Set(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
	f.pass(e)
	if got := describe(f.versions("ncv")); got != "k=v3,v2" {
		t.Errorf("03-05: versions = %s, want k=v3,v2 (v1 due, v2 kept as the newest noncurrent)", got)
	}
	f.clock.Set(time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC))
	f.pass(e)
	if got := describe(f.versions("ncv")); got != "k=v3,v2" {
		t.Errorf("03-30: versions = %s, want k=v3,v2 (one newer noncurrent version is kept)", got)
	}
}

// TestExpiredDeleteMarker: a delete marker left alone is removed; one
// with noncurrent versions behind it stays.
func TestExpiredDeleteMarker(t *testing.T) {
	f := newFixture(t)
	f.bucket("dmk", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{{ID: "dmk", Enabled: true,
		Filter: rules.Filter{Form: rules.FormNone}, Expiration: &rules.Expiration{DeleteMarker: true, DeleteMarkerSet: true}}}})
	f.put("dmk", "alive", v(1))
	f.del("dmk", "alive")
	f.del("dmk", "alone") // a marker with nothing behind it
	st := f.pass(f.engine())
	if st.MarkersRemoved != 1 {
		t.Errorf("pass: %+v", st)
	}
	if got := describe(f.versions("dmk")); got != "alive=dm,v1" {
		t.Errorf("versions = %s, want alive=dm,v1", got)
	}
}

// TestObjectLock_wins: a protected noncurrent version survives its due
// date until its retention ends; the refusal is logged and counted.
func TestObjectLock_wins(t *testing.T) {
	f := newFixture(t)
	f.bucket("locked", "lock", rules.Config{Rules: []rules.Rule{{ID: "ncv", Enabled: true,
		Filter: rules.Filter{Form: rules.FormNone}, NoncurrentExpiration: &rules.NoncurrentExpiration{Days: 1}}}})
	old := f.put("locked", "k", v(1))
	if _, err := f.objs.PutObjectRetention(f.ctx, object.PutRetentionInput{Bucket: "locked", Key: "k", VersionID: old.VersionID,
		Mode: object.LockCompliance, RetainUntil: start.Add(days(10))}); err != nil {
		t.Fatal(err)
	}
	f.put("locked", "k", v(2))
	e := f.engine()
	f.clock.Advance(days(5))
	if st := f.pass(e); st.Blocked != 1 || st.Expired != 0 {
		t.Errorf("under retention: %+v", st)
	}
	if got := describe(f.versions("locked")); got != "k=v2,v1" {
		t.Errorf("under retention: versions = %s", got)
	}
	if !strings.Contains(f.logs.String(), "protected") {
		t.Errorf("refusal not logged:\n%s", f.logs.String())
	}
	f.clock.Advance(days(6))
	if st := f.pass(e); st.Expired != 1 {
		t.Errorf("after retention: %+v", st)
	}
	if got := describe(f.versions("locked")); got != "k=v2" {
		t.Errorf("after retention: versions = %s", got)
	}
}

// TestAbortIncompleteUploads: uploads under the prefix are aborted on the
// midnight after DaysAfterInitiation.
func TestAbortIncompleteUploads(t *testing.T) {
	f := newFixture(t)
	f.bucket("mpu", "", rules.Config{Rules: []rules.Rule{{ID: "ab", Enabled: true,
		Filter: rules.Filter{Prefix: "tmp/", Form: rules.FormSingle}, AbortDays: 7}}})
	up, err := f.objs.CreateMultipartUpload(f.ctx, object.CreateUploadInput{Bucket: "mpu", Key: "tmp/big"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.objs.CreateMultipartUpload(f.ctx, object.CreateUploadInput{Bucket: "mpu", Key: "other/big"}); err != nil {
		t.Fatal(err)
	}
	e := f.engine()
	f.clock.Set(time.Date(2026, 3, 8, 23, 0, 0, 0, time.UTC))
	if st := f.pass(e); st.Aborted != 0 {
		t.Errorf("before due: %+v", st)
	}
	f.clock.Set(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC))
	if st := f.pass(e); st.Aborted != 1 {
		t.Errorf("at due: %+v", st)
	}
	out, err := f.objs.ListMultipartUploads(f.ctx, object.ListUploadsInput{Bucket: "mpu"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Uploads) != 1 || out.Uploads[0].Key != "other/big" || out.Uploads[0].UploadID == up.UploadID {
		t.Errorf("uploads left = %+v, want only other/big", out.Uploads)
	}
}

// TestCrashMidPass: a pass stopped after some actions and resumed by a new
// engine over the same store acts on every due key exactly once.
func TestCrashMidPass(t *testing.T) {
	f := newFixture(t)
	f.bucket("crash", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{expireDays("all", "", 1)}})
	const n = 20
	for i := range n {
		f.put("crash", "k"+string(rune('a'+i)), v(1))
	}
	f.clock.Set(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(f.ctx)
	actions := 0
	e1 := f.engine(func(o *Options) {
		o.Rate = 1e9 // every action asks the pacer, which stops the run
		o.Sleep = func(context.Context, time.Duration) error {
			if actions++; actions == 7 {
				cancel()
				return context.Canceled
			}
			return nil
		}
	})
	e1.pace.next = f.clock.Now().Add(time.Hour) // make every wait sleep
	_, err := e1.RunPass(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted pass: err = %v", err)
	}
	partial := 0
	for _, v := range f.versions("crash") {
		if v.DeleteMarker {
			partial++
		}
	}
	if partial == 0 || partial >= n {
		t.Fatalf("%d markers after the interrupted pass; want some, not all", partial)
	}
	st := f.pass(f.engine())
	if st.MarkersAdded != n-partial {
		t.Errorf("resumed pass added %d markers, want %d", st.MarkersAdded, n-partial)
	}
	want := make([]string, 0, n)
	for i := range n {
		want = append(want, "k"+string(rune('a'+i))+"=dm,v1")
	}
	if got := describe(f.versions("crash")); got != strings.Join(want, " ") {
		t.Errorf("versions = %s", got)
	}
}

// TestExplain: which rule acts on each version and when, and what stands
// in the way.
func TestExplain(t *testing.T) {
	f := newFixture(t)
	f.bucket("explain", "lock", rules.Config{Rules: []rules.Rule{
		expireDays("current", "", 10),
		{ID: "noncurrent", Enabled: true, Filter: rules.Filter{Form: rules.FormNone}, NoncurrentExpiration: &rules.NoncurrentExpiration{Days: 2}},
	}})
	old := f.put("explain", "k", v(1))
	if _, err := f.objs.PutObjectLegalHold(f.ctx, "explain", "k", old.VersionID, true); err != nil {
		t.Fatal(err)
	}
	f.put("explain", "k", v(2))
	f.put("explain", "k2", v(3)) // another key sharing the prefix k
	x, err := f.engine().Explain(f.ctx, "explain", "k")
	if err != nil {
		t.Fatal(err)
	}
	if !x.HasRules || x.Versioning != "Enabled" || len(x.Versions) != 2 {
		t.Fatalf("Explain = %+v", x)
	}
	cur, nc := x.Versions[0], x.Versions[1]
	// Created 2026-03-01 10:30: current expires 2026-03-12 00:00; the
	// noncurrent version became noncurrent then too: due 03-04 00:00.
	if cur.Action != "expire-current" || cur.RuleID != "current" || !cur.Due.Equal(time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)) || cur.Blocked != "" {
		t.Errorf("current: %+v", cur)
	}
	if nc.Action != "expire-noncurrent" || nc.RuleID != "noncurrent" || !nc.Due.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) || nc.Blocked != "legal hold" {
		t.Errorf("noncurrent: %+v", nc)
	}
	if _, err := f.engine().Explain(f.ctx, "nosuchbucket", "k"); !errors.Is(err, object.ErrNoSuchBucket) {
		t.Errorf("Explain(no bucket) = %v, want ErrNoSuchBucket", err)
	}
}

// TestPass_noRulesNoWrites: a pass over buckets without rules leaves no
// cursor behind (a server without lifecycle rules never writes for it),
// and one over a bucket with rules saves its completion.
func TestPass_noRulesNoWrites(t *testing.T) {
	f := newFixture(t)
	if _, err := f.objs.CreateBucket(f.ctx, object.CreateBucketInput{Name: "norules", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	f.put("norules", "k", v(1))
	e := f.engine()
	f.pass(e)
	var st state
	if found, err := e.cursors.Load(f.ctx, cursorName, &st); err != nil || found {
		t.Fatalf("cursor after a pass without rules: found %v, %v", found, err)
	}
	f.bucket("rules", "", rules.Config{Rules: []rules.Rule{expireDays("all", "", 1)}})
	f.pass(e)
	if found, err := e.cursors.Load(f.ctx, cursorName, &st); err != nil || !found || st.InPass || st.Passes != 1 {
		t.Fatalf("cursor after a pass with rules: %+v, found %v, %v", st, found, err)
	}
}

// TestExpire_tagsSizeAndDate: a rule with tag and size predicates acts
// only on matching versions, and a Date rule from that midnight on.
func TestExpire_tagsSizeAndDate(t *testing.T) {
	f := newFixture(t)
	gt := int64(2)
	f.bucket("tagged", "", rules.Config{Rules: []rules.Rule{
		{ID: "scratch", Enabled: true, Filter: rules.Filter{Form: rules.FormAnd, Tags: []rules.Tag{{Key: "class", Value: "scratch"}}, SizeGreaterThan: &gt},
			Expiration: &rules.Expiration{Days: 1}},
		{ID: "cutoff", Enabled: true, Filter: rules.Filter{Prefix: "dated/", Form: rules.FormSingle},
			Expiration: &rules.Expiration{Date: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}},
	}})
	put := func(key string, size int, tags ...object.Tag) {
		if _, err := f.objs.PutObject(f.ctx, object.PutInput{Bucket: "tagged", Key: key, Body: strings.NewReader(v(size)),
			Size: int64(size), Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	scratch := object.Tag{Key: "class", Value: "scratch"}
	put("big-scratch", 3, scratch)
	put("small-scratch", 1, scratch)
	put("big-kept", 3, object.Tag{Key: "class", Value: "keep"})
	put("dated/a", 4)
	e := f.engine()
	f.clock.Set(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC))
	f.pass(e)
	if got := describe(f.versions("tagged")); got != "big-kept=v3 dated/a=v4 small-scratch=v1" {
		t.Errorf("before the date: %s", got)
	}
	f.clock.Set(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	f.pass(e)
	if got := describe(f.versions("tagged")); got != "big-kept=v3 small-scratch=v1" {
		t.Errorf("on the date: %s", got)
	}
}
