package iam

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

const (
	readOnlySession = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/public/*"}]}`
	trustAlice      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}}]}`
)

func TestSession_assumeRoleNarrowedAndEnded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Buckets = owners{"data": RootAccountID} })
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	alice, err := e.s.Lookup(ctx, ak)
	must(t, err)
	role, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "Reader", AssumeRolePolicyDocument: trustAlice, Tags: []Tag{{"team", "a"}}})
	must(t, err)
	must(t, e.s.AttachPolicy(ctx, Entity{Account: RootAccountID, Kind: EntityRole, Name: "Reader"}, "arn:aws:iam::aws:policy/AmazonS3FullAccess"))

	// The trust policy decides.
	for _, tt := range []struct {
		ext     string
		allowed bool
	}{{"x-123", true}, {"wrong", false}} {
		_, d, err := e.s.AuthorizeRole(ctx, alice.Principal, "sts:AssumeRole", role.ARN, map[string][]string{"sts:ExternalId": {tt.ext}})
		must(t, err)
		if d.Allowed != tt.allowed {
			t.Errorf("AuthorizeRole(ExternalId %s) = %v (%s), want %v", tt.ext, d.Allowed, d.Policy, tt.allowed)
		}
	}
	root, err := e.s.Lookup(ctx, testRootKey)
	must(t, err)
	if _, d, _ := e.s.AuthorizeRole(ctx, root.Principal, "sts:AssumeRole", role.ARN, nil); d.Allowed {
		t.Error("the trust policy names only alice, yet root may assume the role")
	}
	_, _, err = e.s.AuthorizeRole(ctx, alice.Principal, "sts:AssumeRole", "arn:aws:iam::000000000000:role/Nope", nil)
	wantErr(t, "AuthorizeRole(missing role)", err, ErrNoSuchEntity)

	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "Reader", SessionName: "job-1",
		Duration: time.Hour, Policy: readOnlySession, Tags: []Tag{{"team", "b"}}})
	must(t, err)
	if sess.ARN != "arn:aws:sts::000000000000:assumed-role/Reader/job-1" || sess.AccessKeyID[:4] != "ASIA" || sess.AssumedRoleID != role.ID+":job-1" {
		t.Errorf("CreateSession = %+v", sess)
	}
	c, err := e.s.Lookup(ctx, sess.AccessKeyID)
	must(t, err)
	want := sigv4.Principal{AccessKey: sess.AccessKeyID, AccountID: RootAccountID, Name: "job-1", ARN: sess.ARN,
		UserID: sess.AssumedRoleID, RoleARN: role.ARN, TokenIssued: testEpoch}
	if c.SecretKey != sess.SecretAccessKey || c.SessionToken != sess.SessionToken || c.Principal != want {
		t.Errorf("Lookup(session) = %+v, want %+v", c.Principal, want)
	}
	get := func(key string) Decision {
		return e.s.Authorize(ctx, Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "data", Key: key})
	}
	if d := get("public/a"); !d.Allowed {
		t.Errorf("session GetObject inside the session policy: %s", d.Reason)
	}
	if d := get("private/a"); d.Allowed {
		t.Error("the session policy does not narrow the role's policies")
	}
	// Session tags override the role's.
	if id, err := e.s.identity(ctx, c.Principal); err != nil || len(id.tags) != 1 || id.tags[0].Value != "b" {
		t.Errorf("session tags = %+v, %v", id, err)
	}

	// Expiry uses the injected clock.
	e.clock.Advance(time.Hour)
	if _, err := e.s.Lookup(ctx, sess.AccessKeyID); !errors.Is(err, ErrExpiredToken) {
		t.Errorf("Lookup after expiry = %v, want ErrExpiredToken", err)
	}

	// Deleting the role ends its sessions.
	sess2, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "Reader", SessionName: "job-2", Duration: time.Hour})
	must(t, err)
	_, err = e.s.Lookup(ctx, sess2.AccessKeyID)
	must(t, err)
	must(t, e.s.DetachPolicy(ctx, Entity{Account: RootAccountID, Kind: EntityRole, Name: "Reader"}, "arn:aws:iam::aws:policy/AmazonS3FullAccess"))
	must(t, e.s.DeleteRole(ctx, RootAccountID, "Reader"))
	if _, err := e.s.Lookup(ctx, sess2.AccessKeyID); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("Lookup after DeleteRole = %v, want ErrUnknownAccessKey", err)
	}
}

func TestSession_limits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	_, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "r", AssumeRolePolicyDocument: trustAccount})
	must(t, err)
	tests := []struct {
		name string
		in   SessionInput
		want error
	}{
		{"too short", SessionInput{Account: RootAccountID, RoleName: "r", SessionName: "s", Duration: 899 * time.Second}, ErrValidation},
		{"over the role's maximum", SessionInput{Account: RootAccountID, RoleName: "r", SessionName: "s", Duration: 3601 * time.Second}, ErrValidation},
		{"role and user", SessionInput{Account: RootAccountID, RoleName: "r", UserName: "alice", Duration: time.Hour}, ErrInvalidInput},
		{"bad session policy", SessionInput{Account: RootAccountID, RoleName: "r", SessionName: "s", Duration: time.Hour, Policy: "{"}, ErrMalformedPolicyDocument},
		{"session policy with a bad date", SessionInput{Account: RootAccountID, RoleName: "r", SessionName: "s", Duration: time.Hour,
			Policy: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}}`}, ErrMalformedPolicyDocument},
		{"missing role", SessionInput{Account: RootAccountID, RoleName: "nope", SessionName: "s", Duration: time.Hour}, ErrNoSuchEntity},
		{"user session", SessionInput{Account: RootAccountID, UserName: "alice", Duration: 36 * time.Hour, MFA: true}, nil},
		{"user session too long", SessionInput{Account: RootAccountID, UserName: "alice", Duration: 37 * time.Hour}, ErrValidation},
	}
	for _, tt := range tests {
		_, err := e.s.CreateSession(ctx, tt.in)
		wantErr(t, "CreateSession "+tt.name, err, tt.want)
	}
}

func TestSession_userMFACondition(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	must(t, e.s.PutInlinePolicy(ctx, Entity{Account: RootAccountID, Kind: EntityUser, Name: "alice"}, "mfa",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"600"}}}]}`))
	decide := func(key string) bool {
		c, err := e.s.Lookup(ctx, key)
		must(t, err)
		return e.s.Authorize(ctx, Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "b", Key: "k"}).Allowed
	}
	if decide(ak) {
		t.Error("a long-term key passes an MFA condition")
	}
	sess, err := e.s.CreateSession(ctx, SessionInput{Account: RootAccountID, UserName: "alice", Duration: time.Hour, MFA: true})
	must(t, err)
	if !decide(sess.AccessKeyID) {
		t.Error("an MFA session of the user is denied")
	}
	e.clock.Advance(11 * time.Minute)
	if decide(sess.AccessKeyID) {
		t.Error("aws:MultiFactorAuthAge does not grow with the clock")
	}
}
