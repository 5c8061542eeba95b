package object

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// listPage is the comparable part of a ListOutput.
type listPage struct {
	Keys      []string
	Prefixes  []string
	Truncated bool
	Next      string
}

func pageOf(out *ListOutput) listPage {
	p := listPage{Prefixes: out.CommonPrefixes, Truncated: out.Truncated, Next: out.Next}
	for _, o := range out.Objects {
		p.Keys = append(p.Keys, o.Key)
	}
	return p
}

func TestListObjects(t *testing.T) {
	ctx := context.Background()
	keys := []string{
		"a", "a/1", "a/2", "a/b/1", "b", "b/1", "c/1", "c/2", "c/3", "d", "d0", "e/", "e//x", "photos/2024/jan", "photos/2024/feb", "photos/2025/mar", "z\x00nul",
	}
	for _, b := range allBackends(t) {
		e := newEnvOn(t, b)
		e.bucket(t, "bkt")
		e.bucket(t, "bkt.x") // a neighbour bucket whose keys must not leak in
		e.put(t, "bkt.x", "a", "x")
		for _, k := range keys {
			e.put(t, "bkt", k, "x")
		}
		tests := []struct {
			name string
			in   ListInput
			want listPage
		}{
			{"all", ListInput{MaxKeys: 1000}, listPage{Keys: keys[:0:0], Truncated: false}},
			{"maxKeysZero", ListInput{MaxKeys: 0}, listPage{}},
			{"page1", ListInput{MaxKeys: 3}, listPage{Keys: []string{"a", "a/1", "a/2"}, Truncated: true, Next: "a/2"}},
			{"page2", ListInput{MaxKeys: 3, After: "a/2"}, listPage{Keys: []string{"a/b/1", "b", "b/1"}, Truncated: true, Next: "b/1"}},
			{"exactEnd", ListInput{MaxKeys: 2, After: "photos/2025/mar"}, listPage{Keys: []string{"z\x00nul"}}},
			{"prefix", ListInput{Prefix: "c/", MaxKeys: 1000}, listPage{Keys: []string{"c/1", "c/2", "c/3"}}},
			{"prefixNoMatch", ListInput{Prefix: "q", MaxKeys: 1000}, listPage{}},
			{"delimiter", ListInput{Delimiter: "/", MaxKeys: 1000}, listPage{
				Keys:     []string{"a", "b", "d", "d0", "z\x00nul"},
				Prefixes: []string{"a/", "b/", "c/", "e/", "photos/"}}},
			{"delimiterPaged", ListInput{Delimiter: "/", MaxKeys: 3}, listPage{
				Keys: []string{"a", "b"}, Prefixes: []string{"a/"}, Truncated: true, Next: "b"}},
			{"delimiterPaged2", ListInput{Delimiter: "/", MaxKeys: 3, After: "b"}, listPage{
				Prefixes: []string{"b/", "c/"}, Keys: []string{"d"}, Truncated: true, Next: "d"}},
			{"afterCommonPrefix", ListInput{Delimiter: "/", MaxKeys: 2, After: "c/"}, listPage{
				Keys: []string{"d", "d0"}, Truncated: true, Next: "d0"}},
			{"prefixAndDelimiter", ListInput{Prefix: "photos/", Delimiter: "/", MaxKeys: 1000}, listPage{
				Prefixes: []string{"photos/2024/", "photos/2025/"}}},
			{"prefixAndDelimiterPaged", ListInput{Prefix: "photos/", Delimiter: "/", MaxKeys: 1}, listPage{
				Prefixes: []string{"photos/2024/"}, Truncated: true, Next: "photos/2024/"}},
			{"prefixAndDelimiterPaged2", ListInput{Prefix: "photos/", Delimiter: "/", MaxKeys: 1, After: "photos/2024/"}, listPage{
				Prefixes: []string{"photos/2025/"}}},
			{"emptySegment", ListInput{Prefix: "e/", Delimiter: "/", MaxKeys: 1000}, listPage{
				Keys: []string{"e/"}, Prefixes: []string{"e//"}}},
			{"multiCharDelimiter", ListInput{Prefix: "photos", Delimiter: "/20", MaxKeys: 1000}, listPage{
				Prefixes: []string{"photos/20"}}},
			{"afterBeforePrefix", ListInput{Prefix: "c/", After: "a", MaxKeys: 1000}, listPage{Keys: []string{"c/1", "c/2", "c/3"}}},
			{"afterInsidePrefix", ListInput{Prefix: "c/", After: "c/1", MaxKeys: 1000}, listPage{Keys: []string{"c/2", "c/3"}}},
			{"afterPastPrefix", ListInput{Prefix: "c/", After: "d", MaxKeys: 1000}, listPage{}},
			{"capped", ListInput{MaxKeys: 5000, Prefix: "a"}, listPage{Keys: []string{"a", "a/1", "a/2", "a/b/1"}}},
		}
		for _, tt := range tests {
			t.Run(b.name+"/"+tt.name, func(t *testing.T) {
				tt.in.Bucket = "bkt"
				out, err := e.s.ListObjects(ctx, tt.in)
				checkErr(t, "ListObjects", err, nil)
				want := tt.want
				if tt.name == "all" {
					want.Keys = sortedCopy(keys)
				}
				if diff := cmp.Diff(want, pageOf(out)); diff != "" {
					t.Errorf("ListObjects(%+v) (-want +got):\n%s", tt.in, diff)
				}
			})
		}
	}
}

func TestListObjects_errors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	_, err := e.s.ListObjects(ctx, ListInput{Bucket: "nothere", MaxKeys: 10})
	checkErr(t, "ListObjects(missing bucket)", err, ErrNoSuchBucket)
	_, err = e.s.ListObjects(ctx, ListInput{Bucket: "nothere", MaxKeys: 0})
	checkErr(t, "ListObjects(missing bucket, max 0)", err, ErrNoSuchBucket)
	_, err = e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: -1})
	checkErr(t, "ListObjects(max -1)", err, ErrInvalidArgument)
}

func TestListObjects_info(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	put := e.put(t, "bkt", "k", "hello")
	out, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10})
	checkErr(t, "ListObjects", err, nil)
	if len(out.Objects) != 1 {
		t.Fatalf("ListObjects = %d objects, want 1", len(out.Objects))
	}
	if diff := cmp.Diff(put, out.Objects[0]); diff != "" {
		t.Errorf("listed info (-put +listed):\n%s", diff)
	}
}

// TestListObjects_pagesCoverAll pages through a listing with every page
// size and checks that the pages concatenate to the full listing.
func TestListObjects_pagesCoverAll(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	var keys []string
	for _, d := range []string{"x/", "y/", ""} {
		for i := 0; i < 7; i++ {
			k := d + keyN(i)
			keys = append(keys, k)
			e.put(t, "bkt", k, "")
		}
	}
	for _, delim := range []string{"", "/"} {
		full, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", Delimiter: delim, MaxKeys: 1000})
		checkErr(t, "ListObjects", err, nil)
		for size := 1; size <= 10; size++ {
			var got listPage
			after := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatalf("too many pages")
				}
				out, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", Delimiter: delim, MaxKeys: size, After: after})
				checkErr(t, "ListObjects", err, nil)
				if n := len(out.Objects) + len(out.CommonPrefixes); n > size {
					t.Fatalf("page of %d entries, max %d", n, size)
				}
				p := pageOf(out)
				got.Keys = append(got.Keys, p.Keys...)
				got.Prefixes = append(got.Prefixes, p.Prefixes...)
				if !out.Truncated {
					break
				}
				after = out.Next
			}
			want := pageOf(full)
			if diff := cmp.Diff(want.Keys, got.Keys); diff != "" {
				t.Errorf("delimiter %q page size %d keys (-want +got):\n%s", delim, size, diff)
			}
			if diff := cmp.Diff(want.Prefixes, got.Prefixes); diff != "" {
				t.Errorf("delimiter %q page size %d prefixes (-want +got):\n%s", delim, size, diff)
			}
		}
	}
}
