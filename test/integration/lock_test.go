package integration_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
)

// newLockEnv starts a coffer on a fake clock (at the wall clock's time, so
// that request signatures stay within the allowed skew) and creates a
// bucket with Object Lock.
func newLockEnv(t *testing.T) (*env, *clock.Fake) {
	t.Helper()
	fake := clock.NewFake(time.Now())
	srv := coffertest.Start(t, coffertest.WithClock(fake))
	e := &env{srv: srv, s3: srv.S3()}
	e.bucket = e.newLockedBucket(t)
	return e, fake
}

func (e *env) newLockedBucket(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("lock-%d-%d", time.Now().UnixNano()%1e6, bucketSeq.Add(1))
	_, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)})
	if err != nil {
		t.Fatalf("CreateBucket(%s, object lock): %v", name, err)
	}
	return name
}

func TestObjectLock_bucketConfiguration(t *testing.T) {
	e, _ := newLockEnv(t)
	b := aws.String(e.bucket)
	v, err := e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning(lock bucket) = %+v, %v, want Enabled", v, err)
	}
	cfg, err := e.s3.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: b})
	if err != nil || cfg.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled || cfg.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("GetObjectLockConfiguration = %+v, %v", cfg.ObjectLockConfiguration, err)
	}
	_, err = e.s3.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, "PutBucketVersioning(Suspended) on a lock bucket", err, "InvalidBucketState", 409)

	// An existing bucket: needs versioning first.
	plain := aws.String(e.newBucket(t))
	_, err = e.s3.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: plain})
	wantCode(t, "GetObjectLockConfiguration(no lock)", err, "ObjectLockConfigurationNotFoundError", 404)
	lockCfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}
	_, err = e.s3.PutObjectLockConfiguration(ctx(t), &s3.PutObjectLockConfigurationInput{Bucket: plain, ObjectLockConfiguration: lockCfg})
	wantCode(t, "PutObjectLockConfiguration(unversioned)", err, "InvalidBucketState", 409)
	e.versioning(t, *plain, types.BucketVersioningStatusEnabled)
	if _, err := e.s3.PutObjectLockConfiguration(ctx(t), &s3.PutObjectLockConfigurationInput{Bucket: plain, ObjectLockConfiguration: lockCfg}); err != nil {
		t.Fatalf("PutObjectLockConfiguration(versioned): %v", err)
	}
	cfg, err = e.s3.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: plain})
	if err != nil || cfg.ObjectLockConfiguration.Rule == nil || aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 1 {
		t.Fatalf("GetObjectLockConfiguration after enabling = %+v, %v", cfg.ObjectLockConfiguration, err)
	}
	// The default retention applies to new versions.
	put, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: plain, Key: aws.String("k"), Body: bytes.NewReader([]byte("x"))})
	if err != nil {
		t.Fatal(err)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: plain, Key: aws.String("k")})
	if err != nil || head.ObjectLockMode != types.ObjectLockModeGovernance || head.ObjectLockRetainUntilDate == nil {
		t.Fatalf("HeadObject under default retention = mode %q until %v, %v", head.ObjectLockMode, head.ObjectLockRetainUntilDate, err)
	}
	_, err = e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: plain, Key: aws.String("k"), VersionId: put.VersionId})
	wantCode(t, "DeleteObject(default-retained version)", err, "AccessDenied", 403)

	bad := []struct {
		name string
		cfg  *types.ObjectLockConfiguration
		code string
	}{
		// s3-tests (run against S3): test_object_lock_put_obj_lock_with_days_and_years,
		// _invalid_days, _invalid_years.
		{"both periods", retentionRule(types.ObjectLockRetentionModeGovernance, aws.Int32(1), aws.Int32(1)), "MalformedXML"},
		{"no period", retentionRule(types.ObjectLockRetentionModeGovernance, nil, nil), "MalformedXML"},
		{"unknown mode", retentionRule("FOREVER", aws.Int32(1), nil), "MalformedXML"},
		{"zero days", retentionRule(types.ObjectLockRetentionModeGovernance, aws.Int32(0), nil), "InvalidRetentionPeriod"},
		{"negative days", retentionRule(types.ObjectLockRetentionModeGovernance, aws.Int32(-1), nil), "InvalidRetentionPeriod"},
		{"zero years", retentionRule(types.ObjectLockRetentionModeCompliance, nil, aws.Int32(0)), "InvalidRetentionPeriod"},
		{"negative years", retentionRule(types.ObjectLockRetentionModeCompliance, nil, aws.Int32(-1)), "InvalidRetentionPeriod"},
		{"days over 36500", retentionRule(types.ObjectLockRetentionModeGovernance, aws.Int32(36501), nil), "InvalidRetentionPeriod"},
		{"years over 100", retentionRule(types.ObjectLockRetentionModeGovernance, nil, aws.Int32(101)), "InvalidRetentionPeriod"},
	}
	for _, tt := range bad {
		_, err := e.s3.PutObjectLockConfiguration(ctx(t), &s3.PutObjectLockConfigurationInput{Bucket: plain, ObjectLockConfiguration: tt.cfg})
		wantCode(t, "PutObjectLockConfiguration("+tt.name+")", err, tt.code, 400)
	}
	cfg, err = e.s3.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: plain})
	if err != nil || cfg.ObjectLockConfiguration.Rule.DefaultRetention.Mode != types.ObjectLockRetentionModeGovernance {
		t.Fatalf("configuration changed by refused requests: %+v, %v", cfg.ObjectLockConfiguration, err)
	}
}

// retentionRule is an Object Lock configuration with one default
// retention rule.
func retentionRule(mode types.ObjectLockRetentionMode, days, years *int32) *types.ObjectLockConfiguration {
	return &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: mode, Days: days, Years: years}}}
}

// TestPutObjectRetention_modeChanges pins who may change a version's
// retention while it lasts: without x-amz-bypass-governance-retention,
// GOVERNANCE can only be extended (switching it to COMPLIANCE, shortening
// or removing it is AccessDenied, as s3-tests'
// test_object_lock_changing_mode_from_governance_without_bypass expects of
// S3); with the bypass it may be switched; COMPLIANCE can only be extended,
// bypass or not.
func TestPutObjectRetention_modeChanges(t *testing.T) {
	e, fake := newLockEnv(t)
	b := aws.String(e.bucket)
	until := fake.Now().Add(24 * time.Hour).Truncate(time.Second)
	put := e.put(t, "k", []byte("x"), func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, aws.Time(until)
	})
	set := func(mode types.ObjectLockRetentionMode, date time.Time, bypass bool) error {
		in := &s3.PutObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId,
			Retention: &types.ObjectLockRetention{Mode: mode}}
		if !date.IsZero() {
			in.Retention.RetainUntilDate = aws.Time(date)
		}
		if bypass {
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		_, err := e.s3.PutObjectRetention(ctx(t), in)
		return err
	}
	steps := []struct {
		name   string
		mode   types.ObjectLockRetentionMode
		date   time.Time
		bypass bool
		code   string // "" for success, else AccessDenied (403)
	}{
		{"governance to compliance", types.ObjectLockRetentionModeCompliance, until, false, "AccessDenied"},
		{"governance to compliance, longer", types.ObjectLockRetentionModeCompliance, until.Add(time.Hour), false, "AccessDenied"},
		{"shorten governance", types.ObjectLockRetentionModeGovernance, until.Add(-time.Hour), false, "AccessDenied"},
		{"remove governance", "", time.Time{}, false, "AccessDenied"},
		{"extend governance", types.ObjectLockRetentionModeGovernance, until.Add(time.Hour), false, ""},
		{"governance to compliance with bypass", types.ObjectLockRetentionModeCompliance, until.Add(time.Hour), true, ""},
		{"compliance to governance with bypass", types.ObjectLockRetentionModeGovernance, until.Add(2 * time.Hour), true, "AccessDenied"},
		{"shorten compliance with bypass", types.ObjectLockRetentionModeCompliance, until, true, "AccessDenied"},
		{"remove compliance with bypass", "", time.Time{}, true, "AccessDenied"},
		{"extend compliance", types.ObjectLockRetentionModeCompliance, until.Add(2 * time.Hour), false, ""},
	}
	for _, st := range steps {
		err := set(st.mode, st.date, st.bypass)
		if st.code == "" {
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			continue
		}
		wantCode(t, st.name, err, st.code, 403)
	}
	ret, err := e.s3.GetObjectRetention(ctx(t), &s3.GetObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeCompliance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(until.Add(2*time.Hour)) {
		t.Fatalf("GetObjectRetention = %+v, %v; want COMPLIANCE until %v", ret.Retention, err, until.Add(2*time.Hour))
	}
}

// TestObjectLock_deletePaths runs every delete or weakening path against
// every lock state and checks both the answer and whether the version
// survived.
func TestObjectLock_deletePaths(t *testing.T) {
	e, fake := newLockEnv(t)
	type state struct {
		name      string
		mode      types.ObjectLockMode
		hold      bool
		bypass    bool
		expire    bool // the clock passes the retain-until date before the path runs
		protected bool // the version must survive removal
		fixed     bool // its retention must survive removal
	}
	states := []state{
		{name: "none"},
		{name: "governance", mode: types.ObjectLockModeGovernance, protected: true, fixed: true},
		{name: "governanceBypass", mode: types.ObjectLockModeGovernance, bypass: true},
		{name: "compliance", mode: types.ObjectLockModeCompliance, protected: true, fixed: true},
		{name: "complianceBypass", mode: types.ObjectLockModeCompliance, bypass: true, protected: true, fixed: true},
		{name: "legalHoldBypass", hold: true, bypass: true, protected: true},
		{name: "expiredGovernance", mode: types.ObjectLockModeGovernance, expire: true},
		{name: "expiredCompliance", mode: types.ObjectLockModeCompliance, expire: true},
	}
	type path struct {
		name string
		run  func(t *testing.T, bucket, vid string, bypass bool) error
		// kind: "remove" removes the version, "retention" its retention,
		// "safe" neither (a delete marker, a new version).
		kind string
	}
	paths := []path{
		{"DeleteObject(versionId)", func(t *testing.T, bucket, vid string, bypass bool) error {
			_, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"),
				VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(bypass)})
			return err
		}, "remove"},
		{"DeleteObjects(versionId)", func(t *testing.T, bucket, vid string, bypass bool) error {
			out, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(bucket), BypassGovernanceRetention: aws.Bool(bypass),
				Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: aws.String(vid)}}}})
			if err != nil {
				return err
			}
			if len(out.Errors) > 0 {
				if c := aws.ToString(out.Errors[0].Code); c != "AccessDenied" {
					t.Errorf("DeleteObjects error code = %q, want AccessDenied", c)
				}
				return errLocked
			}
			return nil
		}, "remove"},
		{"DeleteObject(no versionId)", func(t *testing.T, bucket, _ string, bypass bool) error {
			out, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), BypassGovernanceRetention: aws.Bool(bypass)})
			if err == nil && !aws.ToBool(out.DeleteMarker) {
				t.Errorf("DeleteObject without version: no delete marker")
			}
			return err
		}, "safe"},
		{"PutObject(same key)", func(t *testing.T, bucket, _ string, _ bool) error {
			_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader([]byte("new"))})
			return err
		}, "safe"},
		{"PutObjectRetention(remove)", func(t *testing.T, bucket, vid string, bypass bool) error {
			_, err := e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String("k"),
				VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(bypass), Retention: &types.ObjectLockRetention{}})
			return err
		}, "retention"},
	}
	for _, st := range states {
		for _, p := range paths {
			t.Run(st.name+"/"+p.name, func(t *testing.T) {
				bucket := e.newLockedBucket(t)
				in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader([]byte("data"))}
				if st.mode != "" {
					in.ObjectLockMode = st.mode
					in.ObjectLockRetainUntilDate = aws.Time(fake.Now().Add(10 * time.Second))
				}
				if st.hold {
					in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
				}
				put, err := e.s3.PutObject(ctx(t), in)
				if err != nil {
					t.Fatalf("PutObject(%s): %v", st.name, err)
				}
				vid := aws.ToString(put.VersionId)
				if st.expire {
					fake.Advance(11 * time.Second)
				}
				err = p.run(t, bucket, vid, st.bypass)
				refused := st.protected && p.kind == "remove" || st.fixed && p.kind == "retention"
				if refused {
					if err != errLocked {
						wantCode(t, p.name, err, "AccessDenied", 403)
					}
				} else if err != nil {
					t.Fatalf("%s = %v, want success", p.name, err)
				}
				_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String(vid)})
				removed := status(err) == 404
				if wantRemoved := p.kind == "remove" && !refused; removed != wantRemoved {
					t.Fatalf("after %s: version removed=%v (err %v), want %v", p.name, removed, err, wantRemoved)
				}
			})
		}
	}
}

// errLocked stands for a DeleteObjects entry refused with AccessDenied.
var errLocked = &lockedEntryError{}

type lockedEntryError struct{}

func (*lockedEntryError) Error() string { return "entry refused by object lock" }

// TestObjectLock_clock moves the server's clock past a retain-until date
// and watches the version become deletable.
func TestObjectLock_clock(t *testing.T) {
	e, fake := newLockEnv(t)
	b := aws.String(e.bucket)
	until := fake.Now().Add(30 * time.Second).Truncate(time.Millisecond)
	put, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: bytes.NewReader([]byte("x")),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
	if err != nil {
		t.Fatal(err)
	}
	ret, err := e.s3.GetObjectRetention(ctx(t), &s3.GetObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeCompliance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(until) {
		t.Fatalf("GetObjectRetention = %+v, %v, want COMPLIANCE until %v", ret.Retention, err, until)
	}
	del := &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId, BypassGovernanceRetention: aws.Bool(true)}
	_, err = e.s3.DeleteObject(ctx(t), del)
	wantCode(t, "DeleteObject before the date", err, "AccessDenied", 403)
	// Shortening is refused; extending is allowed.
	_, err = e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId,
		BypassGovernanceRetention: aws.Bool(true),
		Retention:                 &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(-10 * time.Second))}})
	wantCode(t, "PutObjectRetention(shorten compliance)", err, "AccessDenied", 403)
	_, err = e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId,
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(30 * time.Second))}})
	if err != nil {
		t.Fatalf("PutObjectRetention(extend compliance): %v", err)
	}
	fake.Advance(45 * time.Second)
	_, err = e.s3.DeleteObject(ctx(t), del)
	wantCode(t, "DeleteObject before the extended date", err, "AccessDenied", 403)
	fake.Advance(20 * time.Second)
	if _, err := e.s3.DeleteObject(ctx(t), del); err != nil {
		t.Fatalf("DeleteObject after the date: %v", err)
	}
}

// TestObjectLock_headersAndHolds covers the lock headers on PUT, COPY and
// CreateMultipartUpload, their echo on GET/HEAD, and legal holds.
func TestObjectLock_headersAndHolds(t *testing.T) {
	e, fake := newLockEnv(t)
	b := aws.String(e.bucket)
	until := fake.Now().Add(time.Hour).Truncate(time.Second)
	src := e.put(t, "src", []byte("src"), func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, aws.Time(until)
		in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
	})
	got, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("src")})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(got.ObjectLockRetainUntilDate).Equal(until) ||
		got.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("GetObject lock headers = %q %v %q", got.ObjectLockMode, got.ObjectLockRetainUntilDate, got.ObjectLockLegalHoldStatus)
	}
	// The legal hold outlasts a bypass; lifting it lets the bypass work.
	del := &s3.DeleteObjectInput{Bucket: b, Key: aws.String("src"), VersionId: src.VersionId, BypassGovernanceRetention: aws.Bool(true)}
	_, err = e.s3.DeleteObject(ctx(t), del)
	wantCode(t, "DeleteObject(legal hold, bypass)", err, "AccessDenied", 403)
	_, err = e.s3.PutObjectLegalHold(ctx(t), &s3.PutObjectLegalHoldInput{Bucket: b, Key: aws.String("src"), VersionId: src.VersionId,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
	if err != nil {
		t.Fatalf("PutObjectLegalHold(OFF): %v", err)
	}
	hold, err := e.s3.GetObjectLegalHold(ctx(t), &s3.GetObjectLegalHoldInput{Bucket: b, Key: aws.String("src"), VersionId: src.VersionId})
	if err != nil || hold.LegalHold.Status != types.ObjectLockLegalHoldStatusOff {
		t.Fatalf("GetObjectLegalHold = %+v, %v, want OFF", hold.LegalHold, err)
	}

	cp, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/src"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
	if err != nil {
		t.Fatalf("CopyObject with lock: %v", err)
	}
	ret, err := e.s3.GetObjectRetention(ctx(t), &s3.GetObjectRetentionInput{Bucket: b, Key: aws.String("copy"), VersionId: cp.VersionId})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeCompliance {
		t.Fatalf("GetObjectRetention(copy) = %+v, %v", ret, err)
	}
	_, err = e.s3.GetObjectLegalHold(ctx(t), &s3.GetObjectLegalHoldInput{Bucket: b, Key: aws.String("copy")})
	wantCode(t, "GetObjectLegalHold(never set)", err, "NoSuchObjectLockConfiguration", 404)

	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)})
	if err != nil {
		t.Fatalf("CreateMultipartUpload with lock: %v", err)
	}
	part, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("part"))})
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: aws.String("mp"), VersionId: done.VersionId})
	wantCode(t, "DeleteObject(locked multipart object)", err, "AccessDenied", 403)
}

// TestObjectLock_badInput sends what S3 refuses and checks that nothing
// changed.
func TestObjectLock_badInput(t *testing.T) {
	e, fake := newLockEnv(t)
	b := aws.String(e.bucket)
	until := fake.Now().Add(time.Hour).Truncate(time.Second)
	put := e.put(t, "k", []byte("x"), func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, aws.Time(until)
	})
	plain := aws.String(e.newBucket(t))
	e.put(t, "p", []byte("x"), func(in *s3.PutObjectInput) { in.Bucket = plain })
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"past retain-until", func() error {
			_, err := e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId,
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(fake.Now().Add(-time.Hour))}})
			return err
		}, "InvalidArgument", 400},
		{"unknown mode", func() error {
			_, err := e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId,
				Retention: &types.ObjectLockRetention{Mode: "FOREVER", RetainUntilDate: aws.Time(until.Add(time.Hour))}})
			return err
		}, "MalformedXML", 400},
		{"retention on bucket without lock", func() error {
			_, err := e.s3.PutObjectRetention(ctx(t), &s3.PutObjectRetentionInput{Bucket: plain, Key: aws.String("p"),
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until)}})
			return err
		}, "InvalidRequest", 400},
		{"put with lock on bucket without lock", func() error {
			_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: plain, Key: aws.String("p"), Body: bytes.NewReader([]byte("y")),
				ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)})
			return err
		}, "InvalidRequest", 400},
		{"put with past date", func() error {
			_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: bytes.NewReader([]byte("y")),
				ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(fake.Now().Add(-time.Minute))})
			return err
		}, "InvalidArgument", 400},
		{"malformed version id", func() error {
			_, err := e.s3.GetObjectRetention(ctx(t), &s3.GetObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String("v!")})
			return err
		}, "InvalidArgument", 400},
		{"legal hold on bucket without lock", func() error {
			_, err := e.s3.GetObjectLegalHold(ctx(t), &s3.GetObjectLegalHoldInput{Bucket: plain, Key: aws.String("p")})
			return err
		}, "InvalidRequest", 400},
	}
	for _, tt := range tests {
		wantCode(t, tt.name, tt.call(), tt.code, tt.status)
	}
	ret, err := e.s3.GetObjectRetention(ctx(t), &s3.GetObjectRetentionInput{Bucket: b, Key: aws.String("k"), VersionId: put.VersionId})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeGovernance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(until) {
		t.Fatalf("retention after refused requests = %+v, %v", ret.Retention, err)
	}
	vers, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: b})
	if err != nil || len(vers.Versions) != 1 {
		t.Fatalf("versions after refused requests = %d, %v, want 1", len(vers.Versions), err)
	}
}
