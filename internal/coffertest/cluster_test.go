package coffertest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// errorCode returns the S3 or IAM error code of err, or "" for success.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestCluster_changesReachTheOtherNode runs two coffers sharing one
// metadata store and one blob directory, with real clients: a key
// deactivated and a bucket policy deny put through node A are enforced by
// node B within its cache sync interval.
func TestCluster_changesReachTheOtherNode(t *testing.T) {
	const interval = 200 * time.Millisecond
	withInterval := coffertest.WithConfig(func(c *config.Config) { c.CacheSyncInterval = interval })
	a := coffertest.Start(t, withInterval)
	b := coffertest.Start(t, withInterval, coffertest.WithSharedStores(a))
	ctx := t.Context()

	if _, err := a.IAM().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.IAM().PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := a.IAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	}
	if _, err := a.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	put := func() error {
		_, err := b.S3(alice).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"),
			Body: strings.NewReader("x")})
		return err
	}
	// waitFor polls b until put answers code, and returns how long that took.
	waitFor := func(code string) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			err := put()
			if errorCode(err) == code {
				return time.Since(start)
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("PutObject on b still answers %q after 10 s, want %q", errorCode(err), code)
			}
			time.Sleep(10 * time.Millisecond) // polling another node's state
		}
	}
	waitFor("") // b serves alice (its caches warm)

	if _, err := a.S3().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::shared/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	took := waitFor("AccessDenied")
	t.Logf("a bucket policy deny put through A was enforced by B after %v (interval %v)", took.Round(time.Millisecond), interval)
	if took > interval+2*time.Second {
		t.Errorf("the deny took %v to reach the other node, want at most %v", took, interval+2*time.Second)
	}

	if _, err := a.IAM().UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"),
		AccessKeyId: key.AccessKey.AccessKeyId, Status: "Inactive"}); err != nil {
		t.Fatal(err)
	}
	took = waitFor("InvalidAccessKeyId")
	t.Logf("a key deactivated through A was refused by B after %v (interval %v)", took.Round(time.Millisecond), interval)
	if took > interval+2*time.Second {
		t.Errorf("the deactivation took %v to reach the other node, want at most %v", took, interval+2*time.Second)
	}
}
