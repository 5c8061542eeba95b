package object

import (
	"context"
	"testing"
)

// Test MFA devices: fakeMFA accepts goodCode of testSerial for the
// bucket owner "alice", once.
const (
	testSerial = "arn:aws:iam::000000000001:mfa/root-device"
	goodCode   = "111111"
)

type fakeMFA struct {
	used  map[string]bool
	calls int
}

func (f *fakeMFA) VerifyRootMFA(_ context.Context, account, serial, code string) (bool, error) {
	f.calls++
	if account != "alice" || serial != testSerial || code != goodCode || f.used[code] {
		return false, nil
	}
	if f.used == nil {
		f.used = map[string]bool{}
	}
	f.used[code] = true
	return true, nil
}

var (
	ownerMFA   = MFA{Account: "alice", Root: true, Serial: testSerial, Code: goodCode}
	wrongMFA   = MFA{Account: "alice", Root: true, Serial: testSerial, Code: "222222"}
	userMFA    = MFA{Account: "alice", Root: false, Serial: testSerial, Code: goodCode}
	strangeMFA = MFA{Account: "bob", Root: true, Serial: testSerial, Code: goodCode}
)

func newMFAEnv(t *testing.T, enabled bool) (*env, *fakeMFA) {
	t.Helper()
	f := &fakeMFA{}
	e := newEnv(t, func(o *Options) { o.MFA = f })
	e.bucket(t, "bkt")
	if enabled {
		err := e.s.PutVersioning(context.Background(), VersioningInput{Bucket: "bkt", Status: VersioningEnabled,
			MFADelete: MFADeleteEnabled, MFA: ownerMFA})
		checkErr(t, "enable MFA Delete", err, nil)
		f.used, f.calls = nil, 0
	}
	return e, f
}

func TestPutVersioning_mfaDelete(t *testing.T) {
	tests := []struct {
		name    string
		enabled bool // the bucket has MFA Delete before the request
		in      VersioningInput
		want    error
		after   VersioningConfig // when want is nil
	}{
		{name: "enable without a code", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteEnabled},
			want: ErrMFARequired},
		{name: "enable as an IAM user", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteEnabled, MFA: userMFA},
			want: ErrMFANotOwner},
		{name: "enable as another account's root", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteEnabled, MFA: strangeMFA},
			want: ErrMFANotOwner},
		{name: "enable with a wrong code", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteEnabled, MFA: wrongMFA},
			want: ErrMFAInvalid},
		{name: "enable", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteEnabled, MFA: ownerMFA},
			after: VersioningConfig{Status: VersioningEnabled, MFADelete: MFADeleteEnabled}},
		{name: "enable while suspended", in: VersioningInput{Status: VersioningSuspended, MFADelete: MFADeleteEnabled, MFA: ownerMFA},
			after: VersioningConfig{Status: VersioningSuspended, MFADelete: MFADeleteEnabled}},
		{name: "Disabled on a bucket without it needs no code", in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteDisabled},
			after: VersioningConfig{Status: VersioningEnabled, MFADelete: MFADeleteDisabled}},
		{name: "versioning without MFA Delete needs no code", in: VersioningInput{Status: VersioningEnabled},
			after: VersioningConfig{Status: VersioningEnabled}},
		{name: "bad MfaDelete", in: VersioningInput{Status: VersioningEnabled, MFADelete: "On", MFA: ownerMFA},
			want: ErrIllegalVersioningConfiguration},
		{name: "suspend without a code", enabled: true, in: VersioningInput{Status: VersioningSuspended},
			want: ErrMFARequired},
		{name: "re-enable without a code", enabled: true, in: VersioningInput{Status: VersioningEnabled},
			want: ErrMFARequired},
		{name: "suspend with a wrong code", enabled: true, in: VersioningInput{Status: VersioningSuspended, MFA: wrongMFA},
			want: ErrMFAInvalid},
		{name: "suspend", enabled: true, in: VersioningInput{Status: VersioningSuspended, MFA: ownerMFA},
			after: VersioningConfig{Status: VersioningSuspended, MFADelete: MFADeleteEnabled}},
		{name: "disable as an IAM user", enabled: true, in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteDisabled, MFA: userMFA},
			want: ErrMFANotOwner},
		{name: "disable", enabled: true, in: VersioningInput{Status: VersioningEnabled, MFADelete: MFADeleteDisabled, MFA: ownerMFA},
			after: VersioningConfig{Status: VersioningEnabled, MFADelete: MFADeleteDisabled}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newMFAEnv(t, tc.enabled)
			before, err := e.s.GetVersioning(context.Background(), "bkt")
			checkErr(t, "GetVersioning", err, nil)
			tc.in.Bucket = "bkt"
			checkErr(t, "PutVersioning", e.s.PutVersioning(context.Background(), tc.in), tc.want)
			got, err := e.s.GetVersioning(context.Background(), "bkt")
			checkErr(t, "GetVersioning", err, nil)
			want := tc.after
			if tc.want != nil {
				want = before // refused: nothing changed
			}
			if got != want {
				t.Errorf("GetVersioning = %+v, want %+v", got, want)
			}
		})
	}
}

func TestPutVersioning_codeUsedOnce(t *testing.T) {
	e, _ := newMFAEnv(t, true)
	ctx := context.Background()
	checkErr(t, "suspend", e.s.PutVersioning(ctx, VersioningInput{Bucket: "bkt", Status: VersioningSuspended, MFA: ownerMFA}), nil)
	checkErr(t, "enable with the same code", e.s.PutVersioning(ctx, VersioningInput{Bucket: "bkt", Status: VersioningEnabled, MFA: ownerMFA}), ErrMFAInvalid)
}

func TestDelete_mfaDelete(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		versioned bool // delete a version, not the current object
		mfa       MFA
		want      error
	}{
		{name: "delete marker without a code"},
		{name: "delete marker with a wrong code", mfa: wrongMFA, want: ErrMFAInvalid},
		{name: "version without a code", versioned: true, want: ErrMFARequired},
		{name: "version with a wrong code", versioned: true, mfa: wrongMFA, want: ErrMFAInvalid},
		{name: "version as an IAM user", versioned: true, mfa: userMFA, want: ErrMFANotOwner},
		{name: "version", versioned: true, mfa: ownerMFA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newMFAEnv(t, true)
			v := e.put(t, "bkt", "k", "x").VersionID
			in := DeleteInput{Bucket: "bkt", Key: "k", MFA: tc.mfa}
			if tc.versioned {
				in.VersionID = v
			}
			_, err := e.s.DeleteObject(ctx, in)
			checkErr(t, "DeleteObject", err, tc.want)
			_, rerr := e.readVersion("bkt", "k", v)
			if gone := rerr != nil; gone != (tc.want == nil && tc.versioned) {
				t.Errorf("version readable = %v after DeleteObject = %v", !gone, err)
			}
		})
	}
}

func TestDeleteVersions_mfaDelete(t *testing.T) {
	ctx := context.Background()
	e, f := newMFAEnv(t, true)
	v1 := e.put(t, "bkt", "a", "1").VersionID
	v2 := e.put(t, "bkt", "b", "2").VersionID
	mixed := []ObjectID{{Key: "a", VersionID: v1}, {Key: "b", VersionID: v2}, {Key: "plain"}}
	_, err := e.s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: "bkt", Objects: mixed})
	checkErr(t, "mixed batch without a code", err, ErrMFARequired)
	_, err = e.s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: "bkt", Objects: []ObjectID{{Key: "plain"}}, MFA: wrongMFA})
	checkErr(t, "plain batch with a wrong code", err, ErrMFAInvalid)
	if _, err := e.readVersion("bkt", "a", v1); err != nil {
		t.Fatalf("version after refused batches: %v", err)
	}
	f.calls = 0
	res, err := e.s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: "bkt", Objects: mixed, MFA: ownerMFA})
	checkErr(t, "mixed batch with a code", err, nil)
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("entry %s: %v", r.Key, r.Err)
		}
	}
	if f.calls != 1 {
		t.Errorf("the batch checked its code %d times, want once", f.calls)
	}
	if _, err := e.readVersion("bkt", "b", v2); err == nil {
		t.Error("version survived a batch delete with a valid code")
	}
	f.calls = 0
	_, err = e.s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: "bkt", Objects: []ObjectID{{Key: "x"}}})
	checkErr(t, "plain batch without a code", err, nil)
	if f.calls != 0 {
		t.Errorf("a plain batch without x-amz-mfa checked a code")
	}
}

// TestMFAAllows pins the check inside delete transactions, which catches
// a bucket whose MFA Delete was enabled after the request's check.
func TestMFAAllows(t *testing.T) {
	on, off := bucketRecord{MFADelete: MFADeleteEnabled}, bucketRecord{MFADelete: MFADeleteDisabled}
	tests := []struct {
		b                       bucketRecord
		versionDelete, verified bool
		want                    error
	}{
		{on, true, false, ErrMFARequired},
		{on, true, true, nil},
		{on, false, false, nil},
		{off, true, false, nil},
		{bucketRecord{}, true, false, nil},
	}
	for _, tc := range tests {
		if got := mfaAllows(tc.b, tc.versionDelete, tc.verified); got != tc.want {
			t.Errorf("mfaAllows(%q, %v, %v) = %v, want %v", tc.b.MFADelete, tc.versionDelete, tc.verified, got, tc.want)
		}
	}
}

func TestDelete_mfaNoVerifier(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	err := e.s.PutVersioning(context.Background(), VersioningInput{Bucket: "bkt", Status: VersioningEnabled,
		MFADelete: MFADeleteEnabled, MFA: ownerMFA})
	checkErr(t, "enable MFA Delete without a verifier", err, ErrMFAInvalid)
}
