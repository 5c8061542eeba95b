package object

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// lockedBucket creates a bucket with Object Lock.
func (e *env) lockedBucket(t testing.TB, name string) {
	t.Helper()
	if _, err := e.s.CreateBucket(context.Background(), CreateBucketInput{Name: name, Owner: "alice", ObjectLock: true}); err != nil {
		t.Fatalf("CreateBucket(%s, lock): %v", name, err)
	}
}

func (e *env) putLocked(t testing.TB, bucket, key, body string, l *Lock) ObjectInfo {
	t.Helper()
	info, err := e.s.PutObject(context.Background(), PutInput{
		Bucket: bucket, Key: key, Body: bytes.NewReader([]byte(body)), Size: int64(len(body)), Lock: l,
	})
	if err != nil {
		t.Fatalf("PutObject(%s/%s, %+v): %v", bucket, key, l, err)
	}
	return info
}

// TestObjectLock_paths is the table of every way to remove a version or
// weaken its protection against every lock state.
func TestObjectLock_paths(t *testing.T) {
	ctx := context.Background()
	day := 24 * time.Hour
	states := []struct {
		name      string
		lock      *Lock
		bypass    bool
		elapse    time.Duration // clock moved forward after the write
		protected bool          // removal must fail
		// retentionFixed: removing the retention must fail.
		retentionFixed bool
	}{
		{name: "none"},
		{name: "governance", lock: &Lock{Mode: LockGovernance, RetainUntil: testEpoch.Add(day)}, protected: true, retentionFixed: true},
		{name: "governanceBypass", lock: &Lock{Mode: LockGovernance, RetainUntil: testEpoch.Add(day)}, bypass: true},
		{name: "compliance", lock: &Lock{Mode: LockCompliance, RetainUntil: testEpoch.Add(day)}, protected: true, retentionFixed: true},
		{name: "complianceBypass", lock: &Lock{Mode: LockCompliance, RetainUntil: testEpoch.Add(day)}, bypass: true, protected: true, retentionFixed: true},
		{name: "legalHoldBypass", lock: &Lock{LegalHold: true}, bypass: true, protected: true},
		{name: "expiredGovernance", lock: &Lock{Mode: LockGovernance, RetainUntil: testEpoch.Add(day)}, elapse: day + time.Second},
		{name: "expiredCompliance", lock: &Lock{Mode: LockCompliance, RetainUntil: testEpoch.Add(day)}, elapse: day + time.Second},
	}
	paths := []struct {
		name string
		// run tries the path on version vid; it returns the error the
		// path reports for that version.
		run func(e *env, vid string, bypass bool) error
		// alwaysAllowed paths never remove data.
		alwaysAllowed bool
		retention     bool // the path removes retention, not the version
	}{
		{name: "DeleteObject(versionId)", run: func(e *env, vid string, bypass bool) error {
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "lock", Key: "k", VersionID: vid, BypassGovernance: bypass})
			return err
		}},
		{name: "DeleteObjects(versionId)", run: func(e *env, vid string, bypass bool) error {
			res, err := e.s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: "lock", Objects: []ObjectID{{Key: "k", VersionID: vid}}, BypassGovernance: bypass})
			if err != nil {
				return err
			}
			return res[0].Err
		}},
		{name: "DeleteObject(marker)", alwaysAllowed: true, run: func(e *env, _ string, bypass bool) error {
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "lock", Key: "k", BypassGovernance: bypass})
			return err
		}},
		{name: "PutObject(overwrite)", alwaysAllowed: true, run: func(e *env, _ string, _ bool) error {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "lock", Key: "k", Body: bytes.NewReader(nil)})
			return err
		}},
		{name: "PutObjectRetention(remove)", retention: true, run: func(e *env, vid string, bypass bool) error {
			_, err := e.s.PutObjectRetention(ctx, PutRetentionInput{Bucket: "lock", Key: "k", VersionID: vid, BypassGovernance: bypass})
			return err
		}},
	}
	for _, st := range states {
		for _, p := range paths {
			t.Run(st.name+"/"+p.name, func(t *testing.T) {
				e := newEnv(t, noInline)
				e.lockedBucket(t, "lock")
				v := e.putLocked(t, "lock", "k", "data", st.lock)
				e.clock.Advance(st.elapse)
				err := p.run(e, v.VersionID, st.bypass)
				want := st.protected
				switch {
				case p.alwaysAllowed:
					want = false
				case p.retention:
					want = st.retentionFixed && st.elapse == 0
				}
				if want {
					if !errors.Is(err, ErrObjectLocked) {
						t.Fatalf("%s = %v, want ErrObjectLocked", p.name, err)
					}
				} else if err != nil {
					t.Fatalf("%s = %v, want success", p.name, err)
				}
				body, err := e.readVersion("lock", "k", v.VersionID)
				removed := errors.Is(err, ErrNoSuchVersion)
				if (want || p.alwaysAllowed || p.retention) == removed {
					t.Fatalf("after %s: read version = %q, %v; want it removed=%v", p.name, body, err, !removed)
				}
				if !removed && body != "data" {
					t.Fatalf("after %s: version reads %q, want data", p.name, body)
				}
				checkConsistency(t, e)
			})
		}
	}
}

// TestObjectLock_clock watches a version become deletable as the clock
// passes its retain-until date.
func TestObjectLock_clock(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.lockedBucket(t, "lock")
	err := e.s.PutObjectLockConfiguration(ctx, "lock", ObjectLockConfig{Enabled: true,
		Retention: &DefaultRetention{Mode: LockCompliance, Days: 2}})
	if err != nil {
		t.Fatalf("PutObjectLockConfiguration: %v", err)
	}
	v := e.put(t, "lock", "k", "data")
	if v.LockMode != LockCompliance || !v.RetainUntil.Equal(testEpoch.AddDate(0, 0, 2)) {
		t.Fatalf("default retention = %s until %v, want COMPLIANCE until %v", v.LockMode, v.RetainUntil, testEpoch.AddDate(0, 0, 2))
	}
	del := DeleteInput{Bucket: "lock", Key: "k", VersionID: v.VersionID, BypassGovernance: true}
	for _, step := range []time.Duration{0, 24 * time.Hour, 24*time.Hour - time.Second} {
		e.clock.Advance(step)
		if _, err := e.s.DeleteObject(ctx, del); !errors.Is(err, ErrObjectLocked) {
			t.Fatalf("DeleteObject at %v = %v, want ErrObjectLocked", e.clock.Now(), err)
		}
	}
	e.clock.Advance(time.Second)
	if _, err := e.s.DeleteObject(ctx, del); err != nil {
		t.Fatalf("DeleteObject at the retain-until date = %v, want success", err)
	}
}

func TestObjectLock_retentionChanges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.lockedBucket(t, "lock")
	day := 24 * time.Hour
	v := e.putLocked(t, "lock", "k", "x", &Lock{Mode: LockGovernance, RetainUntil: testEpoch.Add(2 * day)})
	put := func(mode LockMode, until time.Time, bypass bool) error {
		_, err := e.s.PutObjectRetention(ctx, PutRetentionInput{Bucket: "lock", Key: "k", VersionID: v.VersionID,
			Mode: mode, RetainUntil: until, BypassGovernance: bypass})
		return err
	}
	steps := []struct {
		name   string
		mode   LockMode
		until  time.Time
		bypass bool
		want   error
	}{
		{"extend governance", LockGovernance, testEpoch.Add(3 * day), false, nil},
		{"shorten governance", LockGovernance, testEpoch.Add(day), false, ErrObjectLocked},
		{"shorten governance with bypass", LockGovernance, testEpoch.Add(day), true, nil},
		{"past date", LockGovernance, testEpoch.Add(-time.Hour), true, ErrPastRetention},
		{"unknown mode", "FOREVER", testEpoch.Add(day), false, ErrInvalidRetention},
		{"remove governance", "", time.Time{}, false, ErrObjectLocked},
		{"governance to compliance", LockCompliance, testEpoch.Add(day), false, ErrObjectLocked},
		{"governance to compliance, longer", LockCompliance, testEpoch.Add(3 * day), false, ErrObjectLocked},
		{"governance to compliance with bypass", LockCompliance, testEpoch.Add(day), true, nil},
		{"extend compliance", LockCompliance, testEpoch.Add(5 * day), false, nil},
		{"shorten compliance with bypass", LockCompliance, testEpoch.Add(4 * day), true, ErrObjectLocked},
		{"compliance to governance", LockGovernance, testEpoch.Add(6 * day), true, ErrObjectLocked},
		{"remove compliance", "", time.Time{}, true, ErrObjectLocked},
	}
	for _, st := range steps {
		checkErr(t, st.name, put(st.mode, st.until, st.bypass), st.want)
	}
	got, err := e.s.GetObjectRetention(ctx, "lock", "k", v.VersionID)
	if err != nil || got.Mode != LockCompliance || !got.RetainUntil.Equal(testEpoch.Add(5*day)) {
		t.Fatalf("GetObjectRetention = %+v, %v, want COMPLIANCE for 5 days", got, err)
	}
	if _, err := e.s.GetObjectLegalHold(ctx, "lock", "k", ""); !errors.Is(err, ErrNoSuchObjectLockConfiguration) {
		t.Fatalf("GetObjectLegalHold(never set) = %v, want ErrNoSuchObjectLockConfiguration", err)
	}
	if _, err := e.s.PutObjectLegalHold(ctx, "lock", "k", "", true); err != nil {
		t.Fatal(err)
	}
	if on, err := e.s.GetObjectLegalHold(ctx, "lock", "k", v.VersionID); err != nil || !on {
		t.Fatalf("GetObjectLegalHold = %v, %v, want on", on, err)
	}
	other := e.put(t, "lock", "k2", "y")
	if _, err := e.s.GetObjectRetention(ctx, "lock", "k2", other.VersionID); !errors.Is(err, ErrNoSuchObjectLockConfiguration) {
		t.Fatalf("GetObjectRetention(no retention) = %v, want ErrNoSuchObjectLockConfiguration", err)
	}
}

func TestObjectLock_configuration(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "plain")
	future := &Lock{Mode: LockGovernance, RetainUntil: testEpoch.Add(time.Hour)}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"get config without lock", func() error { _, err := e.s.GetObjectLockConfiguration(ctx, "plain"); return err }, ErrObjectLockConfigurationNotFound},
		{"lock on unversioned bucket", func() error {
			return e.s.PutObjectLockConfiguration(ctx, "plain", ObjectLockConfig{Enabled: true})
		}, ErrInvalidBucketState},
		{"retention without lock", func() error {
			_, err := e.s.PutObjectRetention(ctx, PutRetentionInput{Bucket: "plain", Key: "k", Mode: LockGovernance, RetainUntil: future.RetainUntil})
			return err
		}, ErrNoObjectLock},
		{"put with lock without lock", func() error {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "plain", Key: "k", Body: bytes.NewReader(nil), Lock: future})
			return err
		}, ErrNoObjectLock},
		{"put with past date", func() error {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "plain", Key: "k", Body: bytes.NewReader(nil),
				Lock: &Lock{Mode: LockGovernance, RetainUntil: testEpoch}})
			return err
		}, ErrPastRetention},
		{"bad default retention", func() error {
			return e.s.PutObjectLockConfiguration(ctx, "plain", ObjectLockConfig{Enabled: true,
				Retention: &DefaultRetention{Mode: LockGovernance, Days: 1, Years: 1}})
		}, ErrInvalidRetention},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.call(), tt.want)
	}
	if list, _ := e.s.ListObjects(ctx, ListInput{Bucket: "plain", MaxKeys: 10}); len(list.Objects) != 0 {
		t.Fatalf("refused writes left objects: %+v", list.Objects)
	}
	// An existing versioned bucket can get Object Lock; then it cannot be
	// suspended.
	e.versioning(t, "plain", VersioningEnabled)
	cfg := ObjectLockConfig{Enabled: true, Retention: &DefaultRetention{Mode: LockGovernance, Years: 1}}
	if err := e.s.PutObjectLockConfiguration(ctx, "plain", cfg); err != nil {
		t.Fatalf("PutObjectLockConfiguration(versioned): %v", err)
	}
	got, err := e.s.GetObjectLockConfiguration(ctx, "plain")
	if err != nil || !got.Enabled || got.Retention == nil || *got.Retention != *cfg.Retention {
		t.Fatalf("GetObjectLockConfiguration = %+v, %v", got, err)
	}
	checkErr(t, "suspend lock bucket", e.s.PutBucketVersioning(ctx, "plain", VersioningSuspended), ErrInvalidBucketState)
	b, err := e.s.HeadBucket(ctx, "plain")
	if err != nil || !b.ObjectLock || b.Versioning != VersioningEnabled {
		t.Fatalf("HeadBucket = %+v, %v", b, err)
	}
}

func TestCheckDefaultRetention(t *testing.T) {
	tests := []struct {
		name string
		d    DefaultRetention
		want error
	}{
		{"days", DefaultRetention{Mode: LockGovernance, Days: 1}, nil},
		{"years", DefaultRetention{Mode: LockCompliance, Years: 1}, nil},
		{"max days", DefaultRetention{Mode: LockGovernance, Days: MaxRetentionDays}, nil},
		{"max years", DefaultRetention{Mode: LockGovernance, Years: MaxRetentionYears}, nil},
		{"zero", DefaultRetention{Mode: LockGovernance}, ErrInvalidRetentionPeriod},
		{"negative days", DefaultRetention{Mode: LockGovernance, Days: -1}, ErrInvalidRetentionPeriod},
		{"negative years", DefaultRetention{Mode: LockGovernance, Years: -1}, ErrInvalidRetentionPeriod},
		{"too many days", DefaultRetention{Mode: LockGovernance, Days: MaxRetentionDays + 1}, ErrInvalidRetentionPeriod},
		{"too many years", DefaultRetention{Mode: LockGovernance, Years: MaxRetentionYears + 1}, ErrInvalidRetentionPeriod},
		{"both", DefaultRetention{Mode: LockGovernance, Days: 1, Years: 1}, ErrInvalidRetention},
		{"unknown mode", DefaultRetention{Mode: "FOREVER", Days: 1}, ErrInvalidRetention},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, checkDefaultRetention(&tt.d), tt.want)
	}
}
