package integration_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// asKey returns a client signing with another key pair.
func (e *env) asKey(ak, secret string) *s3.Client {
	return e.srv.S3(func(o *s3.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(ak, secret, "")
	})
}

// TestAuth_iamUserPrefixPolicy pins what a user whose only policy allows
// one prefix of one bucket can do, and that deactivating its key stops it
// on the next request.
func TestAuth_iamUserPrefixPolicy(t *testing.T) {
	e := newEnv(t)
	store := e.srv.Identity
	_, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::` + e.bucket + `/team/*"}]}`
	if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: "alice"}, "team", doc); err != nil {
		t.Fatal(err)
	}
	k, secret, err := store.CreateAccessKey(ctx(t), iam.RootAccountID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	alice := e.asKey(k.AccessKeyID, secret)
	put := func(key string) error {
		_, err := alice.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}
	if err := put("team/a.txt"); err != nil {
		t.Fatalf("PutObject(team/a.txt) as alice: %v", err)
	}
	if _, err := alice.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("team/a.txt")}); err != nil {
		t.Errorf("GetObject(team/a.txt) as alice: %v", err)
	}
	wantCode(t, "PutObject(other/a.txt) as alice", put("other/a.txt"), "AccessDenied", 403)
	_, err = alice.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("team/a.txt")})
	wantCode(t, "DeleteObject as alice", err, "AccessDenied", 403)
	_, err = alice.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets as alice", err, "AccessDenied", 403)

	if err := store.UpdateAccessKey(ctx(t), iam.RootAccountID, "alice", k.AccessKeyID, iam.StatusInactive); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "PutObject with an inactive key", put("team/b.txt"), "InvalidAccessKeyId", 403)
}

// TestAuth_otherAccount checks that a second account's root works in its
// own account and is denied on the first account's bucket.
func TestAuth_otherAccount(t *testing.T) {
	e := newEnv(t)
	acct, ak, secret, err := e.srv.Identity.CreateAccount(ctx(t), "tenant")
	if err != nil {
		t.Fatal(err)
	}
	other := e.asKey(ak, secret)
	_, err = other.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject on another account's bucket", err, "AccessDenied", 403)
	_, err = other.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject on another account's bucket", err, "AccessDenied", 403)
	own := e.bucket + "-tenant"
	if _, err := other.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(own)}); err != nil {
		t.Fatalf("CreateBucket as the other account: %v", err)
	}
	out, err := other.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != own || aws.ToString(out.Owner.ID) != acct.CanonicalID ||
		aws.ToString(out.Owner.DisplayName) != acct.Name {
		// S3 names owners by canonical user id and display name.
		t.Errorf("ListBuckets as the other account = %d buckets, owner %s/%s; want only %s owned by %s/%s", len(out.Buckets),
			aws.ToString(out.Owner.ID), aws.ToString(out.Owner.DisplayName), own, acct.CanonicalID, acct.Name)
	}
	_, err = e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(own), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, "first account's root on the tenant's bucket", err, "AccessDenied", 403)
}

// TestAuth_roleSessionCredentials uses temporary credentials of a role
// session: the session policy narrows the role's, the token is required,
// and the session expires with the server's clock.
func TestAuth_roleSessionCredentials(t *testing.T) {
	// The server's clock starts 10 minutes behind the client's, so that
	// the shortest session (15 minutes) ends while the clocks stay within
	// SigV4's allowed skew.
	fake := clock.NewFake(time.Now().Add(-10 * time.Minute))
	e := newEnv(t, coffertest.WithClock(fake))
	store := e.srv.Identity
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}]}`
	if _, err := store.CreateRole(ctx(t), iam.CreateRoleInput{Account: iam.RootAccountID, Name: "writer", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if err := store.AttachPolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityRole, Name: "writer"}, "arn:aws:iam::aws:policy/AmazonS3FullAccess"); err != nil {
		t.Fatal(err)
	}
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/in/*"}]}`
	sess, err := store.CreateSession(ctx(t), iam.SessionInput{Account: iam.RootAccountID, RoleName: "writer", SessionName: "ci", Duration: 15 * time.Minute, Policy: narrow})
	if err != nil {
		t.Fatal(err)
	}
	client := func(token string) *s3.Client {
		return e.srv.S3(func(o *s3.Options) {
			o.Credentials = awscreds.NewStaticCredentialsProvider(sess.AccessKeyID, sess.SecretAccessKey, token)
		})
	}
	put := func(c *s3.Client, key string) error {
		_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}
	if err := put(client(sess.SessionToken), "in/a"); err != nil {
		t.Fatalf("PutObject inside the session policy: %v", err)
	}
	wantCode(t, "PutObject outside the session policy", put(client(sess.SessionToken), "out/a"), "AccessDenied", 403)
	wantCode(t, "PutObject with a wrong token", put(client(sess.SessionToken+"x"), "in/b"), "InvalidToken", 400)
	fake.Advance(15 * time.Minute)
	wantCode(t, "PutObject after expiry", put(client(sess.SessionToken), "in/c"), "ExpiredToken", 400)
}
