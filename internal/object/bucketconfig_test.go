package object

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/cors"
)

func TestBucketTagging(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")

	_, err := e.s.GetBucketTagging(ctx, "bkt")
	checkErr(t, "GetBucketTagging(untagged)", err, ErrNoSuchTagSet)
	_, err = e.s.GetBucketTagging(ctx, "nobkt")
	checkErr(t, "GetBucketTagging(no bucket)", err, ErrNoSuchBucket)
	checkErr(t, "PutBucketTagging(no bucket)", e.s.PutBucketTagging(ctx, "nobkt", []Tag{{"a", "1"}}), ErrNoSuchBucket)

	want := []Tag{{"z", "1"}, {"a", ""}, {"ключ", "値"}}
	checkErr(t, "PutBucketTagging", e.s.PutBucketTagging(ctx, "bkt", want), nil)
	got, err := e.s.GetBucketTagging(ctx, "bkt")
	checkErr(t, "GetBucketTagging", err, nil)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("GetBucketTagging (-want +got):\n%s", diff)
	}

	// Bad sets change nothing.
	fifty := make([]Tag, 51)
	for i := range fifty {
		fifty[i] = Tag{Key: keyN(i)}
	}
	checkErr(t, "PutBucketTagging(50)", e.s.PutBucketTagging(ctx, "bkt", fifty[:50]), nil)
	checkErr(t, "PutBucketTagging(51)", e.s.PutBucketTagging(ctx, "bkt", fifty), ErrTooManyBucketTags)
	for name, bad := range map[string][]Tag{
		"awsPrefix":  {{"aws:x", "v"}},
		"duplicate":  {{"k", "1"}, {"k", "2"}},
		"longKey":    {{strings.Repeat("k", 129), "v"}},
		"longValue":  {{"k", strings.Repeat("v", 257)}},
		"emptyKey":   {{"", "v"}},
		"badCharKey": {{"k*", "v"}},
	} {
		checkErr(t, "PutBucketTagging("+name+")", e.s.PutBucketTagging(ctx, "bkt", bad), ErrInvalidTag)
	}
	got, _ = e.s.GetBucketTagging(ctx, "bkt")
	if len(got) != 50 {
		t.Fatalf("after rejected puts, %d tags, want the 50 put before", len(got))
	}

	// An empty set removes the tags, like DeleteBucketTagging.
	checkErr(t, "PutBucketTagging(empty)", e.s.PutBucketTagging(ctx, "bkt", nil), nil)
	_, err = e.s.GetBucketTagging(ctx, "bkt")
	checkErr(t, "GetBucketTagging(after empty put)", err, ErrNoSuchTagSet)
	checkErr(t, "PutBucketTagging", e.s.PutBucketTagging(ctx, "bkt", want), nil)
	checkErr(t, "DeleteBucketTagging", e.s.DeleteBucketTagging(ctx, "bkt"), nil)
	checkErr(t, "DeleteBucketTagging(again)", e.s.DeleteBucketTagging(ctx, "bkt"), nil)
	_, err = e.s.GetBucketTagging(ctx, "bkt")
	checkErr(t, "GetBucketTagging(after delete)", err, ErrNoSuchTagSet)
	checkErr(t, "DeleteBucketTagging(no bucket)", e.s.DeleteBucketTagging(ctx, "nobkt"), ErrNoSuchBucket)
}

func TestBucketCORS(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	age := int32(3000)
	cfg := cors.Config{Rules: []cors.Rule{
		{ID: "site", AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "GET"},
			AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: &age},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}}

	_, err := e.s.GetBucketCORS(ctx, "bkt")
	checkErr(t, "GetBucketCORS(none)", err, ErrNoSuchCORSConfiguration)
	got, err := e.s.BucketCORS(ctx, "bkt")
	if err != nil || got != nil {
		t.Fatalf("BucketCORS(none) = %v, %v; want nil, nil", got, err)
	}
	_, err = e.s.BucketCORS(ctx, "nobkt")
	checkErr(t, "BucketCORS(no bucket)", err, ErrNoSuchBucket)
	checkErr(t, "PutBucketCORS(no bucket)", e.s.PutBucketCORS(ctx, "nobkt", cfg), ErrNoSuchBucket)

	checkErr(t, "PutBucketCORS", e.s.PutBucketCORS(ctx, "bkt", cfg), nil)
	read, err := e.s.GetBucketCORS(ctx, "bkt")
	checkErr(t, "GetBucketCORS", err, nil)
	if diff := cmp.Diff(cfg, read); diff != "" {
		t.Fatalf("GetBucketCORS (-want +got):\n%s", diff)
	}
	// Two reads of one stored configuration share the decoded rules.
	a, _ := e.s.BucketCORS(ctx, "bkt")
	b, _ := e.s.BucketCORS(ctx, "bkt")
	if a == nil || a != b {
		t.Fatalf("BucketCORS twice = %p, %p; want one cached configuration", a, b)
	}
	// GetBucketCORS hands out a copy the caller may change.
	read.Rules[0].AllowedOrigins[0] = "changed"
	if a.Rules[0].AllowedOrigins[0] != "https://*.example.com" {
		t.Fatal("changing GetBucketCORS's result changed the cached configuration")
	}

	bad := cors.Config{Rules: []cors.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}
	if err := e.s.PutBucketCORS(ctx, "bkt", bad); err == nil {
		t.Fatal("PutBucketCORS(PATCH) succeeded")
	}
	checkErr(t, "PutBucketCORS(no rules)", e.s.PutBucketCORS(ctx, "bkt", cors.Config{}), cors.ErrMalformed)
	if read, _ := e.s.GetBucketCORS(ctx, "bkt"); !cmp.Equal(cfg, read) {
		t.Fatal("a rejected PutBucketCORS changed the configuration")
	}

	checkErr(t, "DeleteBucketCORS", e.s.DeleteBucketCORS(ctx, "bkt"), nil)
	_, err = e.s.GetBucketCORS(ctx, "bkt")
	checkErr(t, "GetBucketCORS(after delete)", err, ErrNoSuchCORSConfiguration)
}

func TestDeleteBucket_dropsConfiguration(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	cfg := cors.Config{Rules: []cors.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}}}
	checkErr(t, "PutBucketCORS", e.s.PutBucketCORS(ctx, "bkt", cfg), nil)
	checkErr(t, "PutBucketTagging", e.s.PutBucketTagging(ctx, "bkt", []Tag{{"a", "1"}}), nil)
	checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "bkt"), nil)

	// A bucket created again under the name starts without them.
	e.bucket(t, "bkt")
	_, err := e.s.GetBucketTagging(ctx, "bkt")
	checkErr(t, "GetBucketTagging(recreated)", err, ErrNoSuchTagSet)
	got, err := e.s.BucketCORS(ctx, "bkt")
	if err != nil || got != nil {
		t.Fatalf("BucketCORS(recreated) = %v, %v; want nil, nil", got, err)
	}
}

func TestCORSRecord_decodesV1(t *testing.T) {
	// A record as the first version writes it; its encoding must keep
	// decoding.
	v := append([]byte{recordV1}, `{"r":[{"id":"a","ao":["*"],"am":["GET","PUT"],"ah":["x-amz-*"],"eh":["ETag"],"ma":60},{"ao":["https://x"],"am":["HEAD"]}]}`...)
	var c corsCache
	got, err := c.decode(v)
	if err != nil {
		t.Fatal(err)
	}
	age := int32(60)
	want := &cors.Config{Rules: []cors.Rule{
		{ID: "a", AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: &age},
		{AllowedOrigins: []string{"https://x"}, AllowedMethods: []string{"HEAD"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("decode (-want +got):\n%s", diff)
	}
	tags := append([]byte{recordV1}, `{"tg":[{"Key":"k","Value":"v"}]}`...)
	var rec bucketTagsRecord
	if err := decodeRecord(tags, &rec); err != nil || !cmp.Equal(rec.Tags, []Tag{{"k", "v"}}) {
		t.Fatalf("decode tagging record = %+v, %v", rec, err)
	}
}
