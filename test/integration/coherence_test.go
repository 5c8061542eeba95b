package integration_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/cachesync"
)

// coherenceSamples is how many times each change is made and timed:
// $COFFER_COHERENCE_SAMPLES, else 40.
func coherenceSamples(t *testing.T) int {
	n := 40
	if v := os.Getenv("COFFER_COHERENCE_SAMPLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("COFFER_COHERENCE_SAMPLES=%q: want a positive number", v)
		}
	}
	return n
}

// TestNodes_coherenceBound measures, on two coffers sharing one
// PostgreSQL at the default --cache-sync-interval, how long after node A
// answered a change node B keeps serving what the change forbids: a
// deactivated access key, and a Deny statement added to the bucket
// policy. With LISTEN/NOTIFY, B drops its caches as soon as A's commit is
// delivered; the poll every interval stays the worst-case bound, which
// every sample must meet (with slack for a loaded machine). The median
// must sit far below the interval: with polling alone it would be half
// of it.
func TestNodes_coherenceBound(t *testing.T) {
	a, b := startNodes(t)
	ctx := t.Context()
	const bucket = "coherence"
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
	if _, err := a.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	aliceOnB := b.S3(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	})
	// waitFor polls B as alice until a GET answers want ("" for
	// success) and returns how long that took from start.
	waitFor := func(want string, start time.Time) time.Duration {
		t.Helper()
		for {
			out, err := aliceOnB.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
			if err == nil {
				out.Body.Close()
			}
			if code(err) == want && (want != "" || err == nil) {
				return time.Since(start)
			}
			if time.Since(start) > 30*time.Second {
				t.Fatalf("GetObject on B still answers %v after 30 s, want %q", err, want)
			}
		}
	}
	waitFor("", time.Now()) // B serves alice: its caches are warm

	setKey := func(status iamtypes.StatusType) {
		if _, err := a.IAM().UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"),
			AccessKeyId: key.AccessKey.AccessKeyId, Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
	var revoke, denied []time.Duration
	for range coherenceSamples(t) {
		setKey(iamtypes.StatusTypeInactive)
		revoke = append(revoke, waitFor("InvalidAccessKeyId", time.Now()))
		setKey(iamtypes.StatusTypeActive)
		waitFor("", time.Now())

		if _, err := a.S3().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(deny)}); err != nil {
			t.Fatal(err)
		}
		denied = append(denied, waitFor("AccessDenied", time.Now()))
		if _, err := a.S3().DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		waitFor("", time.Now())
	}
	interval := cachesync.DefaultInterval
	for _, m := range []struct {
		what    string
		samples []time.Duration
	}{{"key deactivated on A, refused by B", revoke}, {"bucket policy Deny put on A, enforced by B", denied}} {
		med, p99, most := quantiles(m.samples)
		t.Logf("%s: median %v, p99 %v, max %v over %d samples (sync interval %v)", m.what,
			med.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), most.Round(100*time.Microsecond), len(m.samples), interval)
		if limit := interval + 2*time.Second; most > limit {
			t.Errorf("%s: took up to %v, want at most one sync interval plus slack, %v", m.what, most, limit)
		}
		if limit := interval / 4; med > limit {
			t.Errorf("%s: median %v, want under %v: change notifications are not reaching B", m.what, med, limit)
		}
	}
}

// quantiles returns the median, the 99th percentile (nearest rank) and the
// maximum of d.
func quantiles(d []time.Duration) (med, p99, most time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return rank(0.5), rank(0.99), s[len(s)-1]
}
