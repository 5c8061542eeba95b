package integration_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// stsEnv is a server whose clock the test moves, with a bucket.
type stsEnv struct {
	*env
	clock *clock.Fake
}

// newSTSEnv starts a server whose clock runs 10 minutes behind the
// client's, so that sessions can expire while signatures stay within
// SigV4's 15 minutes of skew.
func newSTSEnv(t *testing.T) *stsEnv {
	fake := clock.NewFake(time.Now().Add(-10 * time.Minute))
	return &stsEnv{env: newEnv(t, coffertest.WithClock(fake)), clock: fake}
}

// user creates an IAM user with an access key and returns its key pair.
func (e *stsEnv) user(t *testing.T, name string) (string, string) {
	t.Helper()
	store := e.srv.Identity
	if _, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: name}); err != nil {
		t.Fatal(err)
	}
	k, secret, err := store.CreateAccessKey(ctx(t), iam.RootAccountID, name)
	if err != nil {
		t.Fatal(err)
	}
	return k.AccessKeyID, secret
}

// role creates a role with a trust policy and an optional inline policy.
func (e *stsEnv) role(t *testing.T, name, trust, inline string, maxSession int) iam.Role {
	t.Helper()
	store := e.srv.Identity
	r, err := store.CreateRole(ctx(t), iam.CreateRoleInput{Account: iam.RootAccountID, Name: name, AssumeRolePolicyDocument: trust, MaxSessionDuration: maxSession})
	if err != nil {
		t.Fatal(err)
	}
	if inline != "" {
		if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityRole, Name: name}, "access", inline); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// stsAs returns an STS client signing with the given credentials.
func (e *stsEnv) stsAs(ak, secret, token string) *sts.Client {
	return e.srv.STS(func(o *sts.Options) { o.Credentials = awscreds.NewStaticCredentialsProvider(ak, secret, token) })
}

// s3As returns an S3 client signing with the given credentials.
func (e *stsEnv) s3As(c *ststypes.Credentials) *s3.Client {
	return e.srv.S3(func(o *s3.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	})
}

func (e *stsEnv) putAs(t *testing.T, c *s3.Client, key string) error {
	_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

// trustUser is a trust policy naming one user of the root account.
func trustUser(user, condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/` + user +
		`"},"Action":["sts:AssumeRole","sts:TagSession"]` + condition + `}]}`
}

// wantMessage checks an API error's message.
func wantMessage(t *testing.T, op string, err error, want string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorMessage() != want {
		t.Errorf("%s message = %v, want %q", op, err, want)
	}
}

// TestAssumeRole_sessionPolicy assumes a role as a user whom the trust
// policy names, and uses the credentials for S3 within the role's policy
// narrowed by the session policy.
func TestAssumeRole_sessionPolicy(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	role := e.role(t, "app", trustUser("alice", `,"Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}`),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, 0)
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/in/*"}]}`
	out, err := e.stsAs(ak, secret, "").AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(role.ARN), RoleSessionName: aws.String("job-1"),
		ExternalId: aws.String("x-123"), Policy: aws.String(narrow), Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SessionToken) == "" ||
		!c.Expiration.Equal(e.clock.Now().Truncate(time.Second).Add(time.Hour)) {
		t.Errorf("Credentials = %s, expiring %v; want ASIA…, a token, expiring in an hour", aws.ToString(c.AccessKeyId), c.Expiration)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/app/job-1" {
		t.Errorf("AssumedRoleUser.Arn = %s", got)
	}
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != role.ID+":job-1" {
		t.Errorf("AssumedRoleId = %s, want %s:job-1", got, role.ID)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
	}
	who, err := e.stsAs(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Errorf("GetCallerIdentity as the session = %v, %v", who, err)
	}
	s3c := e.s3As(c)
	if err := e.putAs(t, s3c, "in/a"); err != nil {
		t.Errorf("PutObject inside the session policy: %v", err)
	}
	wantCode(t, "PutObject outside the session policy", e.putAs(t, s3c, "out/a"), "AccessDenied", 403)
	_, err = s3c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("in/a")})
	wantCode(t, "GetObject, allowed by the role but not the session policy", err, "AccessDenied", 403)
}

// TestAssumeRole_trustRefused pins AccessDenied for a wrong ExternalId,
// a caller the trust policy does not name and a role that does not exist,
// and that a trust policy naming the account needs the caller's identity
// policy too.
func TestAssumeRole_trustRefused(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	bobKey, bobSecret := e.user(t, "bob")
	role := e.role(t, "app", trustUser("alice", `,"Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}`), "", 0)
	assume := func(c *sts.Client, arn, ext string) error {
		_, err := c.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), ExternalId: aws.String(ext)})
		return err
	}
	err := assume(e.stsAs(ak, secret, ""), role.ARN, "wrong")
	wantCode(t, "AssumeRole with a wrong ExternalId", err, "AccessDenied", 403)
	wantMessage(t, "AssumeRole with a wrong ExternalId", err,
		"User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: "+role.ARN)
	err = assume(e.stsAs(bobKey, bobSecret, ""), role.ARN, "x-123")
	wantCode(t, "AssumeRole by a user the trust policy does not name", err, "AccessDenied", 403)
	err = assume(e.srv.STS(), role.ARN, "x-123")
	wantCode(t, "AssumeRole as the account root", err, "AccessDenied", 403)
	wantMessage(t, "AssumeRole as the account root", err, "Roles may not be assumed by root accounts.")
	err = assume(e.stsAs(ak, secret, ""), "arn:aws:iam::000000000000:role/nope", "x-123")
	wantCode(t, "AssumeRole of a missing role", err, "AccessDenied", 403)
	if err := assume(e.stsAs(ak, secret, ""), role.ARN, "x-123"); err != nil {
		t.Errorf("AssumeRole with the right ExternalId: %v", err)
	}

	// A trust policy naming the account delegates to identity policies:
	// bob needs one that allows sts:AssumeRole on the role.
	delegated := e.role(t, "delegated", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`, "", 0)
	bob := e.stsAs(bobKey, bobSecret, "")
	wantCode(t, "AssumeRole delegated to the account, without an identity policy", assume(bob, delegated.ARN, "x-123"), "AccessDenied", 403)
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + delegated.ARN + `"}]}`
	if err := e.srv.Identity.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: "bob"}, "assume", allow); err != nil {
		t.Fatal(err)
	}
	if err := assume(bob, delegated.ARN, "x-123"); err != nil {
		t.Errorf("AssumeRole delegated to the account, with an identity policy: %v", err)
	}
}

// TestAssumeRole_durationSeconds pins the limits of DurationSeconds.
func TestAssumeRole_durationSeconds(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	role := e.role(t, "app", trustUser("alice", ""), "", 7200)
	c := e.stsAs(ak, secret, "")
	assume := func(d int32) error {
		_, err := c.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(role.ARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(d)})
		return err
	}
	err := assume(899)
	wantCode(t, "AssumeRole(899 s)", err, "ValidationError", 400)
	wantMessage(t, "AssumeRole(899 s)", err, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	err = assume(7201)
	wantCode(t, "AssumeRole(over MaxSessionDuration)", err, "ValidationError", 400)
	wantMessage(t, "AssumeRole(over MaxSessionDuration)", err, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	for _, d := range []int32{900, 7200} {
		if err := assume(d); err != nil {
			t.Errorf("AssumeRole(%d s): %v", d, err)
		}
	}
}

// TestAssumeRole_roleChainingCapped assumes a second role with the first
// role's credentials: at most an hour, and the transitive tag and source
// identity follow.
func TestAssumeRole_roleChainingCapped(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	first := e.role(t, "first", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`, "", 43200)
	second := e.role(t, "second", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+first.ARN+`"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::`+e.bucket+`/${aws:PrincipalTag/team}/*"}]}`, 43200)
	out, err := e.stsAs(ak, secret, "").AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(first.ARN), RoleSessionName: aws.String("s1"),
		DurationSeconds: aws.Int32(43200), SourceIdentity: aws.String("alice"),
		Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}, TransitiveTagKeys: []string{"team"}})
	if err != nil {
		t.Fatalf("AssumeRole(first, 12 h): %v", err)
	}
	c := out.Credentials
	chained := e.stsAs(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	assume := func(in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		in.RoleArn, in.RoleSessionName = aws.String(second.ARN), aws.String("s2")
		return chained.AssumeRole(ctx(t), in)
	}
	_, err = assume(&sts.AssumeRoleInput{DurationSeconds: aws.Int32(3601)})
	wantCode(t, "chained AssumeRole(3601 s)", err, "ValidationError", 400)
	wantMessage(t, "chained AssumeRole(3601 s)", err, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	_, err = assume(&sts.AssumeRoleInput{SourceIdentity: aws.String("mallory")})
	wantCode(t, "chained AssumeRole changing the source identity", err, "AccessDenied", 403)
	out2, err := assume(&sts.AssumeRoleInput{DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatalf("chained AssumeRole(1 h): %v", err)
	}
	if aws.ToString(out2.SourceIdentity) != "alice" {
		t.Errorf("chained SourceIdentity = %q, want alice (inherited)", aws.ToString(out2.SourceIdentity))
	}
	s3c := e.s3As(out2.Credentials)
	if err := e.putAs(t, s3c, "blue/a"); err != nil {
		t.Errorf("PutObject under the transitive tag's prefix: %v", err)
	}
	wantCode(t, "PutObject under another prefix", e.putAs(t, s3c, "red/a"), "AccessDenied", 403)
}

// TestAssumeRole_sessionEnds checks that a session ends with the clock
// (ExpiredToken) and when its role is deleted.
func TestAssumeRole_sessionEnds(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	role := e.role(t, "app", trustUser("alice", ""), "", 0)
	assume := func(d int32) *sts.Client {
		out, err := e.stsAs(ak, secret, "").AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(role.ARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(d)})
		if err != nil {
			t.Fatalf("AssumeRole: %v", err)
		}
		c := out.Credentials
		return e.stsAs(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	}
	short, long := assume(900), assume(3600)
	e.clock.Advance(15 * time.Minute)
	_, err := short.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, "GetCallerIdentity after expiry", err, "ExpiredToken", 403)
	if _, err := long.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("GetCallerIdentity of a live session: %v", err)
	}
	if err := e.srv.Identity.DeleteRole(ctx(t), iam.RootAccountID, "app"); err != nil {
		t.Fatal(err)
	}
	_, err = long.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, "GetCallerIdentity after DeleteRole", err, "InvalidClientTokenId", 403)
}

// TestGetSessionToken_mfa gets session tokens with and without MFA for a
// user whose policy requires aws:MultiFactorAuthPresent.
func TestGetSessionToken_mfa(t *testing.T) {
	e := newSTSEnv(t)
	store := e.srv.Identity
	ak, secret := e.user(t, "bob")
	policyDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: "bob"}, "mfa", policyDoc); err != nil {
		t.Fatal(err)
	}
	dev, err := store.CreateVirtualMFADevice(ctx(t), iam.RootAccountID, "bob-phone", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	codeAt := func(at time.Time) string {
		c, err := totp.GenerateCodeCustom(string(dev.Base32StringSeed), at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := e.clock.Now()
	if err := store.EnableMFADevice(ctx(t), iam.RootAccountID, "bob", dev.SerialNumber, codeAt(now.Add(-30*time.Second)), codeAt(now)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	c := e.stsAs(ak, secret, "")
	wantCode(t, "PutObject with bob's long-term key", e.putAs(t, e.asKey(ak, secret), "k"), "AccessDenied", 403)

	plain, err := c.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatalf("GetSessionToken: %v", err)
	}
	if want := e.clock.Now().Truncate(time.Second).Add(12 * time.Hour); !plain.Credentials.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v (12 h by default)", plain.Credentials.Expiration, want)
	}
	wantCode(t, "PutObject with a session token without MFA", e.putAs(t, e.s3As(plain.Credentials), "k"), "AccessDenied", 403)

	_, err = c.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{SerialNumber: aws.String(dev.SerialNumber), TokenCode: aws.String("000000")})
	if codeAt(e.clock.Now()) != "000000" {
		wantCode(t, "GetSessionToken with a wrong code", err, "AccessDenied", 403)
	}
	withMFA, err := c.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{SerialNumber: aws.String(dev.SerialNumber),
		TokenCode: aws.String(codeAt(e.clock.Now())), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	if err := e.putAs(t, e.s3As(withMFA.Credentials), "k"); err != nil {
		t.Errorf("PutObject with an MFA session token: %v", err)
	}
	mc := withMFA.Credentials
	_, err = e.stsAs(aws.ToString(mc.AccessKeyId), aws.ToString(mc.SecretAccessKey), aws.ToString(mc.SessionToken)).GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
	wantCode(t, "GetSessionToken with session credentials", err, "AccessDenied", 403)
	wantMessage(t, "GetSessionToken with session credentials", err, "Cannot call GetSessionToken with session credentials")
	_, err = c.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	wantCode(t, "GetSessionToken(129601 s)", err, "ValidationError", 400)

	// The root user's session lasts an hour whatever it asks.
	root, err := e.srv.STS().GetSessionToken(ctx(t), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatalf("GetSessionToken as root: %v", err)
	}
	if want := e.clock.Now().Truncate(time.Second).Add(time.Hour); !root.Credentials.Expiration.Equal(want) {
		t.Errorf("root Expiration = %v, want %v", root.Credentials.Expiration, want)
	}
}

// TestGetAccessKeyInfo_keys answers the account of long-term and
// temporary keys.
func TestGetAccessKeyInfo_keys(t *testing.T) {
	e := newSTSEnv(t)
	ak, secret := e.user(t, "alice")
	tok, err := e.stsAs(ak, secret, "").GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ak, aws.ToString(tok.Credentials.AccessKeyId), e.srv.AccessKey} {
		out, err := e.srv.STS().GetAccessKeyInfo(ctx(t), &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil || aws.ToString(out.Account) != iam.RootAccountID {
			t.Errorf("GetAccessKeyInfo(%s) = %v, %v", id, out, err)
		}
	}
	_, err = e.srv.STS().GetAccessKeyInfo(ctx(t), &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAUNKNOWNUNKNOWN00")})
	wantCode(t, "GetAccessKeyInfo(unknown)", err, "InvalidParameterValue", 400)
	// A user needs sts:GetAccessKeyInfo.
	_, err = e.stsAs(ak, secret, "").GetAccessKeyInfo(ctx(t), &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(ak)})
	wantCode(t, "GetAccessKeyInfo as a user without permission", err, "AccessDenied", 403)
}

// TestAssumeRoleWithWebIdentity_unsigned checks that STS's unsigned
// actions reach STS, not S3, and answer its 501 NotImplemented.
func TestAssumeRoleWithWebIdentity_unsigned(t *testing.T) {
	srv := coffertest.Start(t)
	_, err := srv.STS().AssumeRoleWithWebIdentity(ctx(t), &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/web"),
		RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String("eyJhbGciOiJub25lIn0.e30.")})
	wantCode(t, "AssumeRoleWithWebIdentity", err, "NotImplemented", 501)
	wantMessage(t, "AssumeRoleWithWebIdentity", err, "AssumeRoleWithWebIdentity is not implemented yet")
	resp, err := srv.HTTPClient().Post(srv.URL("/"), "application/x-www-form-urlencoded",
		strings.NewReader("Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn:aws:iam::000000000000:role/web"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 501 || !strings.Contains(string(body), `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) {
		t.Errorf("unsigned AssumeRoleWithSAML = %d %s, want 501 in STS's envelope", resp.StatusCode, body)
	}
	resp2, err := srv.HTTPClient().Post(srv.URL("/"), "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 403 {
		t.Errorf("unsigned GetCallerIdentity = %d, want 403 MissingAuthenticationToken", resp2.StatusCode)
	}
}

// TestAssumeRole_crossAccount assumes a role of the first account as a
// user of a second one: the trust policy must name the second account and
// the user's own policies must allow sts:AssumeRole on the role.
func TestAssumeRole_crossAccount(t *testing.T) {
	e := newSTSEnv(t)
	store := e.srv.Identity
	other, _, _, err := store.CreateAccount(ctx(t), "tenant")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: other.ID, Name: "carol"}); err != nil {
		t.Fatal(err)
	}
	k, secret, err := store.CreateAccessKey(ctx(t), other.ID, "carol")
	if err != nil {
		t.Fatal(err)
	}
	role := e.role(t, "shared", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+other.ID+`:root"},"Action":"sts:AssumeRole"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::`+e.bucket+`/*"}]}`, 0)
	carol := e.stsAs(k.AccessKeyID, secret, "")
	assume := func() (*sts.AssumeRoleOutput, error) {
		return carol.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(role.ARN), RoleSessionName: aws.String("visit")})
	}
	_, err = assume()
	wantCode(t, "cross-account AssumeRole without carol's own policy", err, "AccessDenied", 403)
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + role.ARN + `"}]}`
	if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: other.ID, Kind: iam.EntityUser, Name: "carol"}, "assume", allow); err != nil {
		t.Fatal(err)
	}
	out, err := assume()
	if err != nil {
		t.Fatalf("cross-account AssumeRole with both sides allowing: %v", err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/shared/visit" {
		t.Errorf("AssumedRoleUser.Arn = %s, want the role's account", got)
	}
	if err := e.putAs(t, e.s3As(out.Credentials), "from-tenant"); err != nil {
		t.Errorf("PutObject in the role's account as the role: %v", err)
	}
}
