package integration_test

import (
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// listKeys is a small tree: two top-level files, a directory with a nested
// directory, and a sibling directory.
var listKeys = []string{"a.txt", "b.txt", "photos/2024/jan.jpg", "photos/2024/feb.jpg", "photos/cover.jpg", "videos/x.mp4"}

func (e *env) putAll(t *testing.T, keys []string) {
	t.Helper()
	for _, k := range keys {
		e.put(t, k, []byte(k))
	}
}

func keysOf(objs []types.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, aws.ToString(o.Key))
	}
	return out
}

func prefixesOf(cps []types.CommonPrefix) []string {
	var out []string
	for _, p := range cps {
		out = append(out, aws.ToString(p.Prefix))
	}
	return out
}

func TestListObjectsV2_prefixDelimiter(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, listKeys)
	tests := []struct {
		name         string
		prefix, del  string
		wantKeys     []string
		wantPrefixes []string
	}{
		{"all", "", "", []string{"a.txt", "b.txt", "photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/cover.jpg", "videos/x.mp4"}, nil},
		{"top level", "", "/", []string{"a.txt", "b.txt"}, []string{"photos/", "videos/"}},
		{"in photos", "photos/", "/", []string{"photos/cover.jpg"}, []string{"photos/2024/"}},
		{"prefix only", "photos/2", "", []string{"photos/2024/feb.jpg", "photos/2024/jan.jpg"}, nil},
		{"no match", "zzz", "/", nil, nil},
		{"delimiter not slash", "", ".", nil, []string{"a.", "b.", "photos/2024/feb.", "photos/2024/jan.", "photos/cover.", "videos/x."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)}
			if tt.prefix != "" {
				in.Prefix = aws.String(tt.prefix)
			}
			if tt.del != "" {
				in.Delimiter = aws.String(tt.del)
			}
			out, err := e.s3.ListObjectsV2(ctx(t), in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantKeys, keysOf(out.Contents), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPrefixes, prefixesOf(out.CommonPrefixes), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("common prefixes (-want +got):\n%s", diff)
			}
			if got, want := aws.ToInt32(out.KeyCount), int32(len(tt.wantKeys)+len(tt.wantPrefixes)); got != want {
				t.Errorf("KeyCount = %d, want %d", got, want)
			}
			if aws.ToBool(out.IsTruncated) {
				t.Error("IsTruncated = true, want false")
			}
		})
	}
}

func TestListObjectsV2_paging(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, listKeys)
	var got []string
	var token *string
	pages := 0
	for {
		out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Delimiter: aws.String("/"),
			MaxKeys: aws.Int32(1), ContinuationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, keysOf(out.Contents)...)
		got = append(got, prefixesOf(out.CommonPrefixes)...)
		if n := len(out.Contents) + len(out.CommonPrefixes); n > 1 {
			t.Errorf("page %d has %d entries, want at most max-keys 1", pages, n)
		}
		if !aws.ToBool(out.IsTruncated) {
			if out.NextContinuationToken != nil {
				t.Errorf("last page has NextContinuationToken %q", aws.ToString(out.NextContinuationToken))
			}
			break
		}
		if out.NextContinuationToken == nil {
			t.Fatal("truncated page without NextContinuationToken")
		}
		token = out.NextContinuationToken
		if pages > 10 {
			t.Fatal("listing does not end")
		}
	}
	if diff := cmp.Diff([]string{"a.txt", "b.txt", "photos/", "videos/"}, got); diff != "" {
		t.Errorf("paged listing (-want +got):\n%s", diff)
	}
}

func TestListObjectsV2_startAfter(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, listKeys)
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), StartAfter: aws.String("photos/cover.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"videos/x.mp4"}, keysOf(out.Contents)); diff != "" {
		t.Errorf("start-after listing (-want +got):\n%s", diff)
	}
	if got := aws.ToString(out.StartAfter); got != "photos/cover.jpg" {
		t.Errorf("StartAfter echoed = %q", got)
	}
}

func TestListObjectsV2_maxKeysZero(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, listKeys[:2])
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 0 || aws.ToBool(out.IsTruncated) {
		t.Errorf("max-keys=0 returned %d keys, truncated %v; want 0, false", len(out.Contents), aws.ToBool(out.IsTruncated))
	}
}

func TestListObjectsV2_invalidToken(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), ContinuationToken: aws.String("%%%not-a-token")})
	wantCode(t, "ListObjectsV2(bad token)", err, "InvalidArgument", 400)
}

func TestListObjectsV2_fetchOwner(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("x"))
	for _, fetch := range []bool{false, true} {
		out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), FetchOwner: aws.Bool(fetch)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Contents) != 1 {
			t.Fatalf("got %d objects, want 1", len(out.Contents))
		}
		hasOwner := out.Contents[0].Owner != nil && aws.ToString(out.Contents[0].Owner.ID) != ""
		if hasOwner != fetch {
			t.Errorf("fetch-owner=%v: Owner present = %v", fetch, hasOwner)
		}
	}
}

func TestListObjectsV2_encodingTypeURL(t *testing.T) {
	e := newEnv(t)
	key := "dir with space/ü&x=1+y"
	e.put(t, key, []byte("x"))
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl,
		Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if out.EncodingType != types.EncodingTypeUrl {
		t.Errorf("EncodingType echoed = %q, want url", out.EncodingType)
	}
	if len(out.CommonPrefixes) != 1 {
		t.Fatalf("got %d common prefixes, want 1", len(out.CommonPrefixes))
	}
	raw := aws.ToString(out.CommonPrefixes[0].Prefix)
	if raw == "dir with space/" {
		t.Errorf("common prefix %q is not URL-encoded", raw)
	}
	if dec, err := url.QueryUnescape(raw); err != nil || dec != "dir with space/" {
		t.Errorf("common prefix %q decodes to %q (%v), want %q", raw, dec, err, "dir with space/")
	}
	out, err = e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 {
		t.Fatalf("got %d keys, want 1", len(out.Contents))
	}
	if dec, err := url.QueryUnescape(aws.ToString(out.Contents[0].Key)); err != nil || dec != key {
		t.Errorf("key %q decodes to %q (%v), want %q", aws.ToString(out.Contents[0].Key), dec, err, key)
	}
}

func TestListObjects_v1Marker(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, listKeys)
	var got []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := e.s3.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(e.bucket), Delimiter: aws.String("/"),
			MaxKeys: aws.Int32(1), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, keysOf(out.Contents)...)
		got = append(got, prefixesOf(out.CommonPrefixes)...)
		for _, o := range out.Contents {
			if o.Owner == nil || aws.ToString(o.Owner.ID) == "" {
				t.Errorf("v1 listing entry %s has no Owner", aws.ToString(o.Key))
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		// With a delimiter, v1 returns NextMarker.
		if out.NextMarker == nil {
			t.Fatal("truncated v1 page with a delimiter has no NextMarker")
		}
		marker = out.NextMarker
		if pages > 10 {
			t.Fatal("listing does not end")
		}
	}
	if diff := cmp.Diff([]string{"a.txt", "b.txt", "photos/", "videos/"}, got); diff != "" {
		t.Errorf("v1 paged listing (-want +got):\n%s", diff)
	}
	out, err := e.s3.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(e.bucket), Marker: aws.String("b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/cover.jpg", "videos/x.mp4"}, keysOf(out.Contents)); diff != "" {
		t.Errorf("v1 marker listing (-want +got):\n%s", diff)
	}
}

func TestListObjects_noSuchBucket(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket")})
	wantCode(t, "ListObjectsV2(missing bucket)", err, "NoSuchBucket", 404)
}

// TestListObjectsV2_paginator2500 walks 2,500 keys (more than the 1,000 a
// page holds) with the SDK's paginator and checks each key is seen once.
func TestListObjectsV2_paginator2500(t *testing.T) {
	e := newEnv(t)
	const n = 2500
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("k/%05d", i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan string)
	for range 8 {
		wg.Go(func() {
			for k := range work {
				if _, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(k)}); err != nil {
					errs <- fmt.Errorf("PutObject(%s): %w", k, err)
				}
			}
		})
	}
	for _, k := range want {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	seen := map[string]int{}
	var order []string
	pages := 0
	p := s3.NewListObjectsV2Paginator(e.s3, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.Contents) > 1000 {
			t.Errorf("page %d has %d keys, want at most 1000", pages, len(out.Contents))
		}
		for _, o := range out.Contents {
			seen[aws.ToString(o.Key)]++
			order = append(order, aws.ToString(o.Key))
		}
	}
	if pages != 3 {
		t.Errorf("paginator took %d pages, want 3", pages)
	}
	for _, k := range want {
		if seen[k] != 1 {
			t.Errorf("key %s seen %d times, want 1", k, seen[k])
		}
	}
	if len(order) != n || !slices.IsSorted(order) {
		t.Errorf("listing has %d keys (sorted %v), want %d in order", len(order), slices.IsSorted(order), n)
	}
}
