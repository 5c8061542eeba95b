package integration_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
)

func (e *env) putLifecycle(t *testing.T, rules ...types.LifecycleRule) error {
	t.Helper()
	_, err := e.s3.PutBucketLifecycleConfiguration(ctx(t), &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String(e.bucket), LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
	return err
}

var lifecycleCmp = cmpopts.IgnoreUnexported(types.LifecycleRule{}, types.LifecycleRuleFilter{}, types.LifecycleExpiration{},
	types.NoncurrentVersionExpiration{}, types.AbortIncompleteMultipartUpload{}, types.Transition{}, types.LifecycleRuleAndOperator{}, types.Tag{})

func TestLifecycle_putGetDelete(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketLifecycleConfiguration(none)", err, "NoSuchLifecycleConfiguration", 404)

	want := []types.LifecycleRule{
		{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration:  &types.LifecycleExpiration{Days: aws.Int32(30)},
			Transitions: []types.Transition{{Days: aws.Int32(10), StorageClass: types.TransitionStorageClassGlacier}}},
		{ID: aws.String("versions"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
			NoncurrentVersionExpiration:    &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(30), NewerNoncurrentVersions: aws.Int32(3)},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}},
		{ID: aws.String("tagged"), Status: types.ExpirationStatusDisabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{
			Prefix: aws.String("tmp/"), Tags: []types.Tag{{Key: aws.String("class"), Value: aws.String("scratch")}}}},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
	}
	if err := e.putLifecycle(t, want...); err != nil {
		t.Fatalf("PutBucketLifecycleConfiguration: %v", err)
	}
	out, err := e.s3.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatalf("GetBucketLifecycleConfiguration: %v", err)
	}
	if diff := cmp.Diff(want, out.Rules, lifecycleCmp); diff != "" {
		t.Errorf("rules (-put +got):\n%s", diff)
	}
	if out.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Errorf("TransitionDefaultMinimumObjectSize = %q, want the 128K default", out.TransitionDefaultMinimumObjectSize)
	}

	// Refused configurations change nothing.
	err = e.putLifecycle(t, types.LifecycleRule{ID: aws.String("no action"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{}})
	wantCode(t, "PutBucketLifecycleConfiguration(no action)", err, "InvalidRequest", 400)
	err = e.putLifecycle(t, types.LifecycleRule{ID: aws.String("zero"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
		Expiration: &types.LifecycleExpiration{Days: aws.Int32(0)}})
	wantCode(t, "PutBucketLifecycleConfiguration(zero days)", err, "InvalidArgument", 400)
	out, err = e.s3.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	if err != nil || len(out.Rules) != 3 {
		t.Fatalf("after refused puts: %v, %d rules", err, len(out.Rules))
	}

	if _, err := e.s3.DeleteBucketLifecycle(ctx(t), &s3.DeleteBucketLifecycleInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucketLifecycle: %v", err)
	}
	_, err = e.s3.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketLifecycleConfiguration(deleted)", err, "NoSuchLifecycleConfiguration", 404)
}

// TestLifecycle_headers: x-amz-expiration on PUT and HEAD, and the abort
// date on CreateMultipartUpload and ListParts, counted from creation and
// rounded up to the next midnight UTC.
func TestLifecycle_headers(t *testing.T) {
	now := time.Now().UTC()
	e := newEnv(t, coffertest.WithClock(clock.NewFake(now)))
	if err := e.putLifecycle(t,
		types.LifecycleRule{ID: aws.String("logs-rule"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(3)}},
		types.LifecycleRule{ID: aws.String("abort-rule"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}},
	); err != nil {
		t.Fatal(err)
	}
	midnightAfter := func(days int) time.Time {
		return now.Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
	}
	wantExp := fmt.Sprintf(`expiry-date="%s", rule-id="logs-rule"`, midnightAfter(3).Format(http.TimeFormat))
	put := e.put(t, "logs/today", []byte("x"))
	if got := aws.ToString(put.Expiration); got != wantExp {
		t.Errorf("PutObject x-amz-expiration = %q, want %q", got, wantExp)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("logs/today")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(head.Expiration); got != wantExp {
		t.Errorf("HeadObject x-amz-expiration = %q, want %q", got, wantExp)
	}
	if other := e.put(t, "data/keep", []byte("x")); other.Expiration != nil {
		t.Errorf("PutObject outside the prefix: x-amz-expiration = %q", *other.Expiration)
	}
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToTime(up.AbortDate); !got.Equal(midnightAfter(7)) || aws.ToString(up.AbortRuleId) != "abort-rule" {
		t.Errorf("CreateMultipartUpload abort = %v %q, want %v abort-rule", got, aws.ToString(up.AbortRuleId), midnightAfter(7))
	}
	parts, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("big"), UploadId: up.UploadId})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToTime(parts.AbortDate); !got.Equal(midnightAfter(7)) || aws.ToString(parts.AbortRuleId) != "abort-rule" {
		t.Errorf("ListParts abort = %v %q", got, aws.ToString(parts.AbortRuleId))
	}
}

// TestLifecycle_engineThroughTheAPI: rules put through S3 expire objects
// once their day has come; what is left is what a client sees.
func TestLifecycle_engineThroughTheAPI(t *testing.T) {
	now := time.Now().UTC()
	fake := clock.NewFake(now)
	e := newEnv(t, coffertest.WithClock(fake))
	if err := e.putLifecycle(t, types.LifecycleRule{ID: aws.String("tmp"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}
	e.put(t, "tmp/a", []byte("a"))
	e.put(t, "keep/b", []byte("b"))
	// Run the engine two days on; then come back, so that the client's
	// signatures are within the allowed skew again.
	fake.Set(now.Add(48 * time.Hour))
	st, err := e.srv.Lifecycle.RunPass(ctx(t))
	fake.Set(now)
	if err != nil || st.Expired != 1 {
		t.Fatalf("RunPass = %+v, %v; want one expiration", st, err)
	}
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tmp/a")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject(tmp/a) after expiration: %v, want NotFound", err)
	}
	if got := string(e.getBody(t, "keep/b")); got != "b" {
		t.Errorf("keep/b = %q", got)
	}
	body, err := scrapeMetrics(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "coffer_lifecycle_objects_expired_total 1") {
		t.Errorf("metrics do not count the expiration")
	}
}

// scrapeMetrics renders the server's registry as Prometheus text.
func scrapeMetrics(e *env) (string, error) {
	mfs, err := e.srv.Registry.Gather()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil {
				fmt.Fprintf(&b, "%s %g\n", mf.GetName(), c.GetValue())
			}
		}
	}
	return b.String(), nil
}
