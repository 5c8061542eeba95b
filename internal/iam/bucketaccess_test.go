package iam

import (
	"context"
	"testing"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// fixedBuckets serves fixed access states.
type fixedBuckets map[string]*access.Bucket

func (f fixedBuckets) BucketAccess(_ context.Context, bucket string) (*access.Bucket, error) {
	if b, ok := f[bucket]; ok {
		return b, nil
	}
	return &access.Bucket{}, nil
}

func bucketWith(t *testing.T, owner, doc string, block *access.PublicAccessBlock) *access.Bucket {
	t.Helper()
	p, err := policy.Parse([]byte(doc), policy.Bucket)
	must(t, err)
	return &access.Bucket{Exists: true, Owner: owner, Policy: p, PolicyPublic: policy.IsPublic(p), Block: block}
}

// TestAuthorize_bucketPolicy checks identity and bucket policies
// together as AWS's evaluation logic does: within the owner's account
// either may allow; across accounts both must; anonymous callers only
// through a policy naming everyone; the owner's explicit deny binds its
// own root, except for the bucket policy operations; RestrictPublicBuckets
// keeps a public policy's grants to the owner's account.
func TestAuthorize_bucketPolicy(t *testing.T) {
	buckets := fixedBuckets{}
	e := newEnv(t, func(o *Options) { o.Buckets = buckets })
	ctx := context.Background()
	s := e.s
	principal := func(ak string) sigv4.Principal {
		c, err := s.Lookup(ctx, ak)
		must(t, err)
		return c.Principal
	}
	other, _, _, err := s.CreateAccount(ctx, "other")
	must(t, err)
	nobodyKey, _ := e.newUser(t, RootAccountID, "nobody")
	nobody := principal(nobodyKey)
	_, err = s.CreateUser(ctx, CreateUserInput{Account: other.ID, Name: "reader"})
	must(t, err)
	must(t, s.PutInlinePolicy(ctx, Entity{Account: other.ID, Kind: EntityUser, Name: "reader"}, "p",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`))
	k, _, err := s.CreateAccessKey(ctx, other.ID, "reader")
	must(t, err)
	otherUser := principal(k.AccessKeyID)
	_, err = s.CreateUser(ctx, CreateUserInput{Account: other.ID, Name: "bare"})
	must(t, err)
	k, _, err = s.CreateAccessKey(ctx, other.ID, "bare")
	must(t, err)
	otherBare := principal(k.AccessKeyID)
	root := principal(testRootKey)
	anon := sigv4.Principal{Anonymous: true}

	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}`
	buckets["pub"] = bucketWith(t, RootAccountID, public, nil)
	buckets["restricted"] = bucketWith(t, RootAccountID, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::restricted/*"}]}`,
		&access.PublicAccessBlock{RestrictPublicBuckets: true})
	buckets["shared"] = bucketWith(t, RootAccountID, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":["`+otherUser.ARN+`","`+otherBare.ARN+`","`+nobody.ARN+`"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`, nil)
	buckets["locked"] = bucketWith(t, RootAccountID, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]}`, nil)
	buckets["theirs"] = bucketWith(t, other.ID, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+RootAccountID+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}]}`, nil)

	tests := []struct {
		name        string
		p           sigv4.Principal
		action      string
		bucket, key string
		want        bool
	}{
		{"anonymous reads a public bucket", anon, "s3:GetObject", "pub", "k", true},
		{"anonymous cannot write it", anon, "s3:PutObject", "pub", "k", false},
		{"anonymous without policy", anon, "s3:GetObject", "shared", "k", false},
		{"another account needs its own allow even for a public bucket", otherBare, "s3:GetObject", "pub", "k", false},
		{"another account with its allow reads a public bucket", otherUser, "s3:GetObject", "pub", "k", true},
		{"restrict stops anonymous", anon, "s3:GetObject", "restricted", "k", false},
		{"restrict stops another account", otherUser, "s3:GetObject", "restricted", "k", false},
		{"restrict keeps the owner's account", nobody, "s3:GetObject", "restricted", "k", true},
		{"same account: bucket policy alone allows", nobody, "s3:GetObject", "shared", "k", true},
		{"cross account: both allow", otherUser, "s3:GetObject", "shared", "k", true},
		{"cross account: bucket policy alone is not enough", otherBare, "s3:GetObject", "shared", "k", false},
		{"cross account: identity alone is not enough", otherUser, "s3:PutObject", "shared", "k", false},
		{"owner's deny binds its root", root, "s3:GetObject", "locked", "k", false},
		{"owner's root still reads the policy", root, "s3:GetBucketPolicy", "locked", "", true},
		{"owner's root still replaces the policy", root, "s3:PutBucketPolicy", "locked", "", true},
		{"owner's root still deletes the policy", root, "s3:DeleteBucketPolicy", "locked", "", true},
		{"owner's users do not", nobody, "s3:DeleteBucketPolicy", "locked", "", false},
		{"root of another account granted by policy", root, "s3:GetObject", "theirs", "k", true},
		{"root of another account not granted", root, "s3:PutObject", "theirs", "k", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := s.Authorize(ctx, Request{Principal: tt.p, Action: tt.action, Bucket: tt.bucket, Key: tt.key})
			if d.Allowed != tt.want {
				t.Errorf("Authorize(%s %s %s/%s) = %v (%s), want %v", tt.p.ARN, tt.action, tt.bucket, tt.key, d.Allowed, d.Reason, tt.want)
			}
		})
	}
}
