package iam

import (
	"context"
	"testing"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// owners maps buckets to their owner accounts.
type owners map[string]string

func (o owners) BucketAccess(_ context.Context, bucket string) (*access.Bucket, error) {
	a, ok := o[bucket]
	return &access.Bucket{Exists: ok, Owner: a}, nil
}

const (
	teamPrefixPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"OwnPrefix","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/team/*"}]}`
	denyDelete       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`
	homePolicy       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/home/${aws:username}/*"}]}`
	tagPolicy        = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"storage"}}}]}`
	secureOnly       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
)

func TestAuthorize(t *testing.T) {
	buckets := owners{"data": RootAccountID}
	e := newEnv(t, func(o *Options) { o.Buckets = buckets })
	ctx := context.Background()
	s := e.s
	principal := func(ak string) sigv4.Principal {
		c, err := s.Lookup(ctx, ak)
		must(t, err)
		return c.Principal
	}
	user := func(name string, setup func(Entity)) sigv4.Principal {
		ak, _ := e.newUser(t, RootAccountID, name)
		if setup != nil {
			setup(Entity{Account: RootAccountID, Kind: EntityUser, Name: name})
		}
		return principal(ak)
	}
	inline := func(doc string) func(Entity) {
		return func(en Entity) { must(t, s.PutInlinePolicy(ctx, en, "p", doc)) }
	}
	root := principal(testRootKey)
	none := user("nobody", nil)
	prefixed := user("prefixed", inline(teamPrefixPolicy))
	denier := user("denier", inline(denyDelete))
	home := user("carol", inline(homePolicy))
	grouped := user("grouped", func(en Entity) {
		_, err := s.CreateGroup(ctx, RootAccountID, "readers", "")
		must(t, err)
		must(t, s.AttachPolicy(ctx, Entity{Account: RootAccountID, Kind: EntityGroup, Name: "readers"}, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))
		must(t, s.AddUserToGroup(ctx, RootAccountID, "readers", en.Name))
	})
	bounded := user("bounded", func(en Entity) {
		must(t, s.AttachPolicy(ctx, en, "arn:aws:iam::aws:policy/AdministratorAccess"))
		must(t, s.PutUserPermissionsBoundary(ctx, RootAccountID, en.Name, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))
	})
	tagged := user("tagged", func(en Entity) {
		must(t, s.TagUser(ctx, RootAccountID, en.Name, []Tag{{"team", "storage"}}))
		must(t, s.PutInlinePolicy(ctx, en, "p", tagPolicy))
	})
	secure := user("secure", inline(secureOnly))
	other, _, _, err := s.CreateAccount(ctx, "other")
	must(t, err)
	buckets["theirs"] = other.ID
	_, err = s.CreateUser(ctx, CreateUserInput{Account: other.ID, Name: "admin"})
	must(t, err)
	must(t, s.AttachPolicy(ctx, Entity{Account: other.ID, Kind: EntityUser, Name: "admin"}, "arn:aws:iam::aws:policy/AdministratorAccess"))
	k, _, err := s.CreateAccessKey(ctx, other.ID, "admin")
	must(t, err)
	otherAdmin := principal(k.AccessKeyID)
	otherRoot := principal(other.RootAccessKey)

	tests := []struct {
		name      string
		p         sigv4.Principal
		action    string
		bucket    string
		key       string
		cond      map[string][]string
		allowed   bool
		outcome   policy.Outcome
		ptype     policy.PolicyType
		sid       string
		wantAWSMs string
	}{
		{name: "root in own account", p: root, action: "s3:DeleteBucket", bucket: "data", allowed: true, outcome: policy.Allowed, ptype: policy.AccountRoot},
		{name: "user without policy", p: none, action: "s3:GetObject", bucket: "data", key: "k", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased,
			wantAWSMs: "User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::data/k because no identity-based policy allows the s3:GetObject action"},
		{name: "prefix policy inside", p: prefixed, action: "s3:PutObject", bucket: "data", key: "team/a.txt", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased, sid: "OwnPrefix"},
		{name: "prefix policy outside", p: prefixed, action: "s3:GetObject", bucket: "data", key: "other/a.txt", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased},
		{name: "prefix policy other action", p: prefixed, action: "s3:DeleteObject", bucket: "data", key: "team/a.txt", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased},
		{name: "explicit deny", p: denier, action: "s3:DeleteObject", bucket: "data", key: "x", outcome: policy.ExplicitDeny, ptype: policy.IdentityBased, sid: "NoDelete",
			wantAWSMs: "User: arn:aws:iam::000000000000:user/denier is not authorized to perform: s3:DeleteObject on resource: arn:aws:s3:::data/x with an explicit deny in an identity-based policy"},
		{name: "allowed beside the deny", p: denier, action: "s3:PutObject", bucket: "data", key: "x", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "username variable own home", p: home, action: "s3:PutObject", bucket: "data", key: "home/carol/f", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "username variable other home", p: home, action: "s3:PutObject", bucket: "data", key: "home/dave/f", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased},
		{name: "group managed policy", p: grouped, action: "s3:GetObject", bucket: "data", key: "x", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "group policy does not write", p: grouped, action: "s3:PutObject", bucket: "data", key: "x", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased},
		{name: "boundary allows read", p: bounded, action: "s3:GetObject", bucket: "data", key: "x", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "boundary stops write", p: bounded, action: "s3:PutObject", bucket: "data", key: "x", outcome: policy.ImplicitDeny, ptype: policy.PermissionsBoundary},
		{name: "principal tag condition", p: tagged, action: "s3:GetObject", bucket: "data", key: "x", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "request condition missing", p: secure, action: "s3:GetObject", bucket: "data", key: "x", outcome: policy.ImplicitDeny, ptype: policy.IdentityBased},
		{name: "request condition set", p: secure, action: "s3:GetObject", bucket: "data", key: "x", cond: map[string][]string{"aws:SecureTransport": {"true"}}, allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "other account admin on our bucket", p: otherAdmin, action: "s3:GetObject", bucket: "data", key: "x", outcome: policy.ImplicitDeny, ptype: policy.ResourceBased},
		{name: "other account admin on own bucket", p: otherAdmin, action: "s3:GetObject", bucket: "theirs", key: "x", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
		{name: "other account root on our bucket", p: otherRoot, action: "s3:ListBucket", bucket: "data", outcome: policy.ImplicitDeny, ptype: policy.ResourceBased},
		{name: "root on another account's bucket", p: root, action: "s3:GetObject", bucket: "theirs", key: "x", outcome: policy.ImplicitDeny, ptype: policy.ResourceBased},
		{name: "anonymous", p: sigv4.Principal{Anonymous: true}, action: "s3:GetObject", bucket: "data", key: "x", outcome: policy.ImplicitDeny, ptype: policy.ResourceBased, wantAWSMs: "Access Denied"},
		{name: "account-level action by user", p: grouped, action: "s3:ListAllMyBuckets", allowed: true, outcome: policy.Allowed, ptype: policy.IdentityBased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Principal: tt.p, Action: tt.action, Bucket: tt.bucket, Key: tt.key, Conditions: tt.cond}
			d := s.Authorize(ctx, req)
			if d.Allowed != tt.allowed || d.Policy.Outcome != tt.outcome || d.Policy.Type != tt.ptype {
				t.Errorf("Authorize = %v (%s), want allowed %v, %v by %v", d.Allowed, d.Policy, tt.allowed, tt.outcome, tt.ptype)
			}
			if tt.sid != "" && d.Policy.Sid != tt.sid {
				t.Errorf("deciding Sid = %q, want %q", d.Policy.Sid, tt.sid)
			}
			if !d.Allowed && d.Reason == "" {
				t.Error("a denial without a Reason")
			}
			if tt.wantAWSMs != "" {
				if got := deniedText(d, req); got != tt.wantAWSMs {
					t.Errorf("denial =\n %s\nwant\n %s", got, tt.wantAWSMs)
				}
			}
		})
	}
}

// TestAuthorize_seesChangesAtOnce checks that policy changes reach the
// cached identity on the next request.
func TestAuthorize_seesChangesAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	c, err := e.s.Lookup(ctx, ak)
	must(t, err)
	req := Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "b", Key: "k"}
	alice := Entity{Account: RootAccountID, Kind: EntityUser, Name: "alice"}
	steps := []struct {
		name    string
		do      func() error
		allowed bool
	}{
		{"nothing attached", func() error { return nil }, false},
		{"attach read-only", func() error { return e.s.AttachPolicy(ctx, alice, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess") }, true},
		{"add inline deny", func() error {
			return e.s.PutInlinePolicy(ctx, alice, "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`)
		}, false},
		{"remove inline deny", func() error { return e.s.DeleteInlinePolicy(ctx, alice, "deny") }, true},
		{"detach", func() error { return e.s.DetachPolicy(ctx, alice, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess") }, false},
	}
	for _, st := range steps {
		must(t, st.do())
		if d := e.s.Authorize(ctx, req); d.Allowed != st.allowed {
			t.Errorf("after %s: allowed %v (%s), want %v", st.name, d.Allowed, d.Policy, st.allowed)
		}
	}
}

// deniedText is the AccessDenied text the S3 wire words from d (its
// rendering, with the resource quoted, is tested in s3api): "Access Denied"
// unless the caller may be told why.
func deniedText(d Decision, req Request) string {
	if !d.Explain {
		return "Access Denied"
	}
	return "User: " + req.Principal.ARN + " is not authorized to perform: " + req.Action + " on resource: " + req.resource() + " " + d.Policy.Reason()
}
