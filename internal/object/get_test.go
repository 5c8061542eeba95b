package object

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGetObject_range(t *testing.T) {
	ctx := context.Background()
	body := "0123456789"
	tests := []struct {
		name        string
		rg          Range
		start, size int64
		want        string
		wantErr     bool
	}{
		{"firstBytes", Range{0, 3}, 0, 4, "0123", false},
		{"middle", Range{3, 5}, 3, 3, "345", false},
		{"single", Range{9, 9}, 9, 1, "9", false},
		{"clipped", Range{5, 100}, 5, 5, "56789", false},
		{"openEnded", Range{7, -1}, 7, 3, "789", false},
		{"suffix", Range{-1, 3}, 7, 3, "789", false},
		{"suffixLongerThanObject", Range{-1, 50}, 0, 10, body, false},
		{"startAtEnd", Range{10, 12}, 0, 0, "", true},
		{"startPastEnd", Range{20, -1}, 0, 0, "", true},
	}
	for _, mode := range storageModes {
		e := newEnv(t, mode.mod)
		e.bucket(t, "bkt")
		e.put(t, "bkt", "k", body)
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				rg := tt.rg
				out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", Range: &rg})
				if tt.wantErr {
					var re *RangeError
					if !errors.As(err, &re) || re.Size != 10 {
						t.Fatalf("GetObject(%+v) = %v, want RangeError{10}", tt.rg, err)
					}
					return
				}
				checkErr(t, "GetObject", err, nil)
				defer out.Body.Close()
				got, err := io.ReadAll(out.Body)
				checkErr(t, "ReadAll", err, nil)
				if string(got) != tt.want || out.Start != tt.start || out.Length != tt.size || !out.Partial {
					t.Errorf("GetObject(%+v) = %q start %d length %d partial %v; want %q %d %d true",
						tt.rg, got, out.Start, out.Length, out.Partial, tt.want, tt.start, tt.size)
				}
			})
		}
	}
}

func TestGetObject_rangeOnEmptyObject(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "empty", "")
	for _, rg := range []Range{{0, -1}, {0, 0}, {-1, 5}} {
		_, err := e.s.GetObject(context.Background(), GetInput{Bucket: "bkt", Key: "empty", Range: &rg})
		var re *RangeError
		if !errors.As(err, &re) || re.Size != 0 {
			t.Errorf("GetObject(empty, %+v) = %v, want RangeError{0}", rg, err)
		}
	}
}

func TestGetObject_partNumberSinglePart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", "whole")
	out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: 1})
	checkErr(t, "GetObject(part 1)", err, nil)
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "whole" || !out.Partial || out.Info.PartsCount != 0 {
		t.Errorf("GetObject(part 1) = %q partial %v parts %d", got, out.Partial, out.Info.PartsCount)
	}
	_, err = e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: 2})
	checkErr(t, "GetObject(part 2)", err, ErrInvalidPartNumber)
	_, err = e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: 1, Range: &Range{0, 1}})
	checkErr(t, "GetObject(part and range)", err, ErrInvalidRequest)
}

func TestGetObject_conditions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.clock.Set(testEpoch.Add(500 * time.Millisecond)) // sub-second part must not matter
	etag := e.put(t, "bkt", "k", "body").ETag
	before := testEpoch.Add(-time.Hour)
	same := testEpoch
	after := testEpoch.Add(time.Hour)
	notModified := &NotModifiedError{}
	tests := []struct {
		name string
		cond Conditions
		want error // nil, ErrPreconditionFailed or notModified
	}{
		{"none", Conditions{}, nil},
		{"ifMatchTrue", Conditions{IfMatch: `"` + etag + `"`}, nil},
		{"ifMatchStar", Conditions{IfMatch: "*"}, nil},
		{"ifMatchList", Conditions{IfMatch: `"x", "` + etag + `"`}, nil},
		{"ifMatchFalse", Conditions{IfMatch: `"nope"`}, ErrPreconditionFailed},
		{"ifNoneMatchTrue", Conditions{IfNoneMatch: `"nope"`}, nil},
		{"ifNoneMatchFalse", Conditions{IfNoneMatch: `"` + etag + `"`}, notModified},
		{"ifNoneMatchStar", Conditions{IfNoneMatch: "*"}, notModified},
		{"ifModifiedSinceBefore", Conditions{IfModifiedSince: &before}, nil},
		{"ifModifiedSinceSameSecond", Conditions{IfModifiedSince: &same}, notModified},
		{"ifModifiedSinceAfter", Conditions{IfModifiedSince: &after}, notModified},
		{"ifUnmodifiedSinceAfter", Conditions{IfUnmodifiedSince: &after}, nil},
		{"ifUnmodifiedSinceSameSecond", Conditions{IfUnmodifiedSince: &same}, nil},
		{"ifUnmodifiedSinceBefore", Conditions{IfUnmodifiedSince: &before}, ErrPreconditionFailed},
		// AWS: If-Match true overrides If-Unmodified-Since false.
		{"ifMatchTrueUnmodifiedSinceFalse", Conditions{IfMatch: etag, IfUnmodifiedSince: &before}, nil},
		{"ifMatchFalseUnmodifiedSinceTrue", Conditions{IfMatch: "nope", IfUnmodifiedSince: &after}, ErrPreconditionFailed},
		// AWS: If-None-Match false (etag matches) + If-Modified-Since true → 304.
		{"ifNoneMatchFalseModifiedSinceTrue", Conditions{IfNoneMatch: etag, IfModifiedSince: &before}, notModified},
		// If-None-Match true decides alone: a not-modified date is ignored.
		{"ifNoneMatchTrueModifiedSinceFalse", Conditions{IfNoneMatch: "nope", IfModifiedSince: &after}, nil},
		{"ifMatchFalseNoneMatchFalse", Conditions{IfMatch: "nope", IfNoneMatch: etag}, ErrPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, op := range []struct {
				name string
				fn   func(context.Context, GetInput) (*GetOutput, error)
			}{{"GetObject", e.s.GetObject}, {"HeadObject", e.s.HeadObject}} {
				out, err := op.fn(ctx, GetInput{Bucket: "bkt", Key: "k", Cond: tt.cond})
				if out != nil && out.Body != nil {
					out.Body.Close()
				}
				switch tt.want {
				case notModified:
					var nm *NotModifiedError
					if !errors.As(err, &nm) {
						t.Fatalf("%s(%+v) = %v, want NotModifiedError", op.name, tt.cond, err)
					}
					want := NotModifiedError{ETag: etag, LastModified: testEpoch.Add(500 * time.Millisecond)}
					if diff := cmp.Diff(want, *nm); diff != "" {
						t.Errorf("NotModifiedError (-want +got):\n%s", diff)
					}
				default:
					checkErr(t, op.name, err, tt.want)
				}
			}
		})
	}
}

func TestGetObject_missing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", "x")
	tests := []struct {
		name string
		in   GetInput
		want error
	}{
		{"noSuchBucket", GetInput{Bucket: "nothere", Key: "k"}, ErrNoSuchBucket},
		{"noSuchKey", GetInput{Bucket: "bkt", Key: "other"}, ErrNoSuchKey},
		{"nullVersion", GetInput{Bucket: "bkt", Key: "k", VersionID: "null"}, nil},
		{"noSuchVersion", GetInput{Bucket: "bkt", Key: "k", VersionID: missingVersion}, ErrNoSuchVersion},
		{"badVersion", GetInput{Bucket: "bkt", Key: "k", VersionID: "v1"}, ErrInvalidVersionID},
		{"partNumberOutOfRange", GetInput{Bucket: "bkt", Key: "k", PartNumber: 10001}, ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.s.GetObject(ctx, tt.in)
			checkErr(t, "GetObject", err, tt.want)
			if out != nil {
				out.Body.Close()
			}
		})
	}
}

func TestDeleteObject(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		exists  bool
		ifMatch string
		want    error
	}{
		{"existing", true, "", nil},
		{"missing", false, "", nil},
		{"ifMatchSame", true, `"` + md5hex("body") + `"`, nil},
		{"ifMatchDifferent", true, `"abc"`, ErrPreconditionFailed},
		{"ifMatchMissing", false, `"abc"`, ErrNoSuchKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, noInline)
			e.bucket(t, "bkt")
			if tt.exists {
				e.put(t, "bkt", "k", "body")
			}
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", IfMatch: tt.ifMatch})
			checkErr(t, "DeleteObject", err, tt.want)
			_, rerr := e.read("bkt", "k")
			if tt.want == nil {
				checkErr(t, "GetObject after delete", rerr, ErrNoSuchKey)
				if n := e.countBlobs(t); n != 0 {
					t.Errorf("blobs after delete = %d", n)
				}
			} else if tt.exists {
				checkErr(t, "GetObject after failed delete", rerr, nil)
			}
		})
	}
	t.Run("noSuchBucket", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "nothere", Key: "k"})
		checkErr(t, "DeleteObject", err, ErrNoSuchBucket)
	})
}

func TestDeleteObjects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a", "1")
	e.put(t, "bkt", "b", "2")
	res, err := e.s.DeleteObjects(ctx, "bkt", []ObjectID{{Key: "a"}, {Key: "missing"}, {Key: ""}, {Key: "b"}})
	checkErr(t, "DeleteObjects", err, nil)
	wantErrs := []error{nil, nil, ErrInvalidKey, nil}
	for i, r := range res {
		checkErr(t, "DeleteObjects["+r.Key+"]", r.Err, wantErrs[i])
	}
	for _, k := range []string{"a", "b"} {
		if _, err := e.read("bkt", k); !errors.Is(err, ErrNoSuchKey) {
			t.Errorf("GetObject(%s) after DeleteObjects = %v", k, err)
		}
	}
	_, err = e.s.DeleteObjects(ctx, "nothere", []ObjectID{{Key: "a"}})
	checkErr(t, "DeleteObjects(missing bucket)", err, ErrNoSuchBucket)
}

func TestDeleteObjects_manyBatches(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	var ids []ObjectID
	for i := 0; i < 2*deleteBatch+7; i++ {
		e.put(t, "bkt", keyN(i), "x")
		ids = append(ids, ObjectID{Key: keyN(i)})
	}
	ids = append(ids, ObjectID{Key: keyN(100)}) // a duplicate is a second, successful delete
	res, err := e.s.DeleteObjects(ctx, "bkt", ids)
	checkErr(t, "DeleteObjects", err, nil)
	if len(res) != len(ids) {
		t.Fatalf("DeleteObjects returned %d results for %d keys", len(res), len(ids))
	}
	for i, r := range res {
		if r.Err != nil || r.Key != ids[i].Key {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	out, _ := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10})
	if len(out.Objects) != 0 || e.countBlobs(t) != 0 {
		t.Errorf("after DeleteObjects: %d objects listed, %d blobs", len(out.Objects), e.countBlobs(t))
	}
}
