package integration_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// Messages S3 answers MFA Delete refusals with (AccessDenied).
const (
	msgMFARequired = "Mfa Authentication must be used for this request"
	msgMFANotOwner = "This operation may only be performed by the bucket owner"
)

// mfaEnv is a TLS server whose clock the test moves, with a bucket and
// the account root's own virtual MFA device, registered through IAM.
type mfaEnv struct {
	*env
	clock  *clock.Fake
	serial string
	seed   string
}

func newMFAEnv(t *testing.T, opts ...coffertest.Option) *mfaEnv {
	t.Helper()
	fake := clock.NewFake(time.Now().Add(-10 * time.Minute))
	e := &mfaEnv{env: newEnv(t, append([]coffertest.Option{coffertest.WithTLS(), coffertest.WithClock(fake)}, opts...)...), clock: fake}
	c := e.srv.IAM()
	dev, err := c.CreateVirtualMFADevice(ctx(t), &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("root-device")})
	if err != nil {
		t.Fatalf("CreateVirtualMFADevice: %v", err)
	}
	e.serial, e.seed = aws.ToString(dev.VirtualMFADevice.SerialNumber), string(dev.VirtualMFADevice.Base32StringSeed)
	if want := "arn:aws:iam::" + iam.RootAccountID + ":mfa/root-device"; e.serial != want {
		t.Errorf("SerialNumber = %q, want %q", e.serial, want)
	}
	now := fake.Now()
	if _, err := c.EnableMFADevice(ctx(t), &awsiam.EnableMFADeviceInput{UserName: aws.String("root"), SerialNumber: aws.String(e.serial),
		AuthenticationCode1: aws.String(e.codeAt(t, now.Add(-30*time.Second))), AuthenticationCode2: aws.String(e.codeAt(t, now))}); err != nil {
		t.Fatalf("EnableMFADevice(root): %v", err)
	}
	return e
}

func (e *mfaEnv) codeAt(t *testing.T, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(e.seed, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mfa moves the clock to the next TOTP step and returns the x-amz-mfa
// value with that step's code: each code is accepted once.
func (e *mfaEnv) mfa(t *testing.T) string {
	e.clock.Advance(30 * time.Second)
	return e.serial + " " + e.codeAt(t, e.clock.Now())
}

// wrongMFA is an x-amz-mfa whose code is not the current one.
func (e *mfaEnv) wrongMFA(t *testing.T) string {
	c := e.codeAt(t, e.clock.Now().Add(10*time.Minute))
	return e.serial + " " + c
}

func (e *mfaEnv) putVersioning(c *s3.Client, status s3types.BucketVersioningStatus, mfaDelete s3types.MFADelete, mfa string) error {
	in := &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: status, MFADelete: mfaDelete}}
	if mfa != "" {
		in.MFA = aws.String(mfa)
	}
	_, err := c.PutBucketVersioning(context.Background(), in)
	return err
}

func (e *mfaEnv) deleteVersion(c *s3.Client, key, version, mfa string) error {
	in := &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), VersionId: aws.String(version)}
	if mfa != "" {
		in.MFA = aws.String(mfa)
	}
	_, err := c.DeleteObject(context.Background(), in)
	return err
}

func (e *mfaEnv) mfaDeleteState(t *testing.T) (s3types.BucketVersioningStatus, s3types.MFADeleteStatus) {
	t.Helper()
	out, err := e.s3.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Status, out.MFADelete
}

// s3User creates an IAM user allowed every S3 action and returns its
// client.
func (e *mfaEnv) s3User(t *testing.T, name string) *s3.Client {
	t.Helper()
	store := e.srv.Identity
	if _, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: name}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: name}, "s3", doc); err != nil {
		t.Fatal(err)
	}
	k, secret, err := store.CreateAccessKey(ctx(t), iam.RootAccountID, name)
	if err != nil {
		t.Fatal(err)
	}
	return e.asKey(k.AccessKeyID, secret)
}

// TestMFADelete_enableAndDisable turns MFA Delete on and off: only the
// bucket owner's root user with a valid, unused code may, and once it is
// on, every versioning change needs a code.
func TestMFADelete_enableAndDisable(t *testing.T) {
	e := newMFAEnv(t)
	user := e.s3User(t, "alice")
	if st, md := e.mfaDeleteState(t); st != "" || md != "" {
		t.Errorf("new bucket: Status %q MFADelete %q, want neither", st, md)
	}
	err := e.putVersioning(user, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, e.mfa(t))
	wantCode(t, "enable MFA Delete as an IAM user", err, "AccessDenied", 403)
	wantMessage(t, "enable MFA Delete as an IAM user", err, msgMFANotOwner)
	err = e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, "")
	wantCode(t, "enable MFA Delete without a code", err, "AccessDenied", 403)
	wantMessage(t, "enable MFA Delete without a code", err, msgMFARequired)
	err = e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, e.wrongMFA(t))
	wantCode(t, "enable MFA Delete with a wrong code", err, "AccessDenied", 403)
	if st, md := e.mfaDeleteState(t); st != "" || md != "" {
		t.Errorf("after refused requests: Status %q MFADelete %q, want nothing changed", st, md)
	}

	code := e.mfa(t)
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, code); err != nil {
		t.Fatalf("enable MFA Delete as root with a code: %v", err)
	}
	if st, md := e.mfaDeleteState(t); st != s3types.BucketVersioningStatusEnabled || md != s3types.MFADeleteStatusEnabled {
		t.Errorf("GetBucketVersioning = %q/%q, want Enabled/Enabled", st, md)
	}
	err = e.putVersioning(e.s3, s3types.BucketVersioningStatusSuspended, "", code)
	wantCode(t, "suspend reusing the code", err, "AccessDenied", 403)
	err = e.putVersioning(user, s3types.BucketVersioningStatusSuspended, "", "")
	wantCode(t, "suspend as an IAM user without a code", err, "AccessDenied", 403)
	wantMessage(t, "suspend as an IAM user without a code", err, msgMFARequired)
	err = e.putVersioning(e.s3, s3types.BucketVersioningStatusSuspended, "", "")
	wantCode(t, "suspend without a code", err, "AccessDenied", 403)
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusSuspended, "", e.mfa(t)); err != nil {
		t.Fatalf("suspend with a code: %v", err)
	}
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteDisabled, e.mfa(t)); err != nil {
		t.Fatalf("disable MFA Delete with a code: %v", err)
	}
	if st, md := e.mfaDeleteState(t); st != s3types.BucketVersioningStatusEnabled || md != s3types.MFADeleteStatusDisabled {
		t.Errorf("GetBucketVersioning = %q/%q, want Enabled/Disabled (MfaDelete stays once set)", st, md)
	}
	if err := e.putVersioning(user, s3types.BucketVersioningStatusSuspended, "", ""); err != nil {
		t.Errorf("suspend as an IAM user once MFA Delete is off: %v", err)
	}
}

// TestMFADelete_versionDeletes deletes versions of a bucket with MFA
// Delete: delete markers need no code, versions need a valid one of the
// root's device, sent by the root, once.
func TestMFADelete_versionDeletes(t *testing.T) {
	e := newMFAEnv(t)
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, e.mfa(t)); err != nil {
		t.Fatal(err)
	}
	v1 := aws.ToString(e.put(t, "k", []byte("one")).VersionId)
	v2 := aws.ToString(e.put(t, "k", []byte("two")).VersionId)
	v3 := aws.ToString(e.put(t, "k", []byte("three")).VersionId)
	dm, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil || !aws.ToBool(dm.DeleteMarker) {
		t.Fatalf("plain delete on an MFA Delete bucket = %v, %v; want a delete marker", dm, err)
	}

	err = e.deleteVersion(e.s3, "k", v1, "")
	wantCode(t, "delete a version without a code", err, "AccessDenied", 403)
	wantMessage(t, "delete a version without a code", err, msgMFARequired)
	wantCode(t, "delete a version with a wrong code", e.deleteVersion(e.s3, "k", v1, e.wrongMFA(t)), "AccessDenied", 403)
	user := e.s3User(t, "bob")
	err = e.deleteVersion(user, "k", v1, e.mfa(t))
	wantCode(t, "delete a version as an IAM user with the root's code", err, "AccessDenied", 403)
	wantMessage(t, "delete a version as an IAM user with the root's code", err, msgMFANotOwner)

	code := e.mfa(t)
	if err := e.deleteVersion(e.s3, "k", v1, code); err != nil {
		t.Fatalf("delete a version with a code: %v", err)
	}
	wantCode(t, "delete another version reusing the code", e.deleteVersion(e.s3, "k", v2, code), "AccessDenied", 403)
	if err := e.deleteVersion(e.s3, "k", v2, e.mfa(t)); err != nil {
		t.Fatalf("delete a version with the next code: %v", err)
	}
	vs, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.Versions) != 1 || aws.ToString(vs.Versions[0].VersionId) != v3 || len(vs.DeleteMarkers) != 1 {
		t.Errorf("after deletes: %d versions, %d markers; want only %s and the marker", len(vs.Versions), len(vs.DeleteMarkers), v3)
	}
}

// TestMFADelete_deleteObjects sends batches that mix versioned and plain
// keys: without a code, or with a wrong one, the whole batch fails and
// nothing changes; with a valid one every entry is deleted.
func TestMFADelete_deleteObjects(t *testing.T) {
	e := newMFAEnv(t)
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, e.mfa(t)); err != nil {
		t.Fatal(err)
	}
	v := aws.ToString(e.put(t, "versioned", []byte("v")).VersionId)
	e.put(t, "plain", []byte("p"))
	batch := func(mfa string) error {
		in := &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
			{Key: aws.String("versioned"), VersionId: aws.String(v)}, {Key: aws.String("plain")}}}}
		if mfa != "" {
			in.MFA = aws.String(mfa)
		}
		out, err := e.s3.DeleteObjects(ctx(t), in)
		if err == nil && len(out.Errors) > 0 {
			t.Errorf("DeleteObjects entry errors: %+v", out.Errors)
		}
		return err
	}
	err := batch("")
	wantCode(t, "DeleteObjects with a version and no code", err, "AccessDenied", 403)
	wantMessage(t, "DeleteObjects with a version and no code", err, msgMFARequired)
	wantCode(t, "DeleteObjects with a wrong code", batch(e.wrongMFA(t)), "AccessDenied", 403)
	if got := e.getBody(t, "plain"); string(got) != "p" {
		t.Errorf("plain key after refused batches = %q, want it untouched", got)
	}
	if err := batch(e.mfa(t)); err != nil {
		t.Fatalf("DeleteObjects with a code: %v", err)
	}
	vs, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range vs.Versions {
		if aws.ToString(x.VersionId) == v {
			t.Errorf("version %s survived a batch delete with a valid code", v)
		}
	}
	if len(vs.DeleteMarkers) != 1 || aws.ToString(vs.DeleteMarkers[0].Key) != "plain" {
		t.Errorf("delete markers = %d, want one for the plain key", len(vs.DeleteMarkers))
	}
	// Plain deletes alone need no code.
	if _, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("other")}}}}); err != nil {
		t.Errorf("DeleteObjects of plain keys only, without a code: %v", err)
	}
}

// TestMFADelete_replayAfterRestart uses a code, restarts the server on
// its data directory within the code's window, and checks the code is
// still refused while the next one works.
func TestMFADelete_replayAfterRestart(t *testing.T) {
	e := newMFAEnv(t)
	if err := e.putVersioning(e.s3, s3types.BucketVersioningStatusEnabled, s3types.MFADeleteEnabled, e.mfa(t)); err != nil {
		t.Fatal(err)
	}
	v1 := aws.ToString(e.put(t, "k", []byte("one")).VersionId)
	v2 := aws.ToString(e.put(t, "k", []byte("two")).VersionId)
	code := e.mfa(t)
	if err := e.deleteVersion(e.s3, "k", v1, code); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := coffertest.Start(t, coffertest.WithDataDir(e.srv.DataDir), coffertest.WithTLS(), coffertest.WithClock(e.clock))
	e.env = &env{srv: srv, s3: srv.S3(), bucket: e.bucket}
	wantCode(t, "reusing a code after a restart", e.deleteVersion(e.s3, "k", v2, code), "AccessDenied", 403)
	if err := e.deleteVersion(e.s3, "k", v2, e.mfa(t)); err != nil {
		t.Errorf("next code after a restart: %v", err)
	}
}

// TestMFADelete_plainHTTP refuses x-amz-mfa without TLS, whatever the
// request.
func TestMFADelete_plainHTTP(t *testing.T) {
	e := newEnv(t)
	v := aws.ToString(e.put(t, "k", []byte("x")).VersionId)
	if v == "" {
		v = "null"
	}
	_, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		VersionId: aws.String(v), MFA: aws.String("arn:aws:iam::" + iam.RootAccountID + ":mfa/root-device 123456")})
	wantCode(t, "DeleteObject with x-amz-mfa over HTTP", err, "InvalidRequest", 400)
	if got := e.getBody(t, "k"); string(got) != "x" {
		t.Errorf("object after the refused delete = %q", got)
	}
}
