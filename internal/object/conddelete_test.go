package object

import (
	"context"
	"errors"
	"testing"
)

// TestDeleteObject_conditionalVersioned pins conditional deletes in a
// versioned bucket: the condition is judged on the key's current version
// only, and a delete marker as the latest version is "no object".
func TestDeleteObject_conditionalVersioned(t *testing.T) {
	ctx := context.Background()
	etag := `"` + md5hex("v2") + `"`
	tests := []struct {
		name      string
		marker    bool   // a delete marker hides v2
		versioned string // "old" names v1 by its id, "" the current version
		ifMatch   string
		want      error
		wantGone  bool // the current object (v2) is no longer readable
	}{
		{name: "current etag", ifMatch: etag, wantGone: true},
		{name: "current star", ifMatch: "*", wantGone: true},
		{name: "current other etag", ifMatch: `"` + md5hex("v1") + `"`, want: ErrPreconditionFailed},
		{name: "marker etag of hidden version", marker: true, ifMatch: etag, want: ErrNoSuchKey},
		{name: "marker star", marker: true, ifMatch: "*", want: ErrNoSuchKey},
		{name: "old version, current matches", versioned: "old", ifMatch: etag},
		{name: "old version, its own etag", versioned: "old", ifMatch: `"` + md5hex("v1") + `"`, want: ErrPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.bucket(t, "bkt")
			e.versioning(t, "bkt", VersioningEnabled)
			v1 := e.put(t, "bkt", "k", "v1")
			e.put(t, "bkt", "k", "v2")
			if tt.marker {
				e.del(t, "bkt", "k", "")
			}
			in := DeleteInput{Bucket: "bkt", Key: "k", IfMatch: tt.ifMatch}
			if tt.versioned == "old" {
				in.VersionID = v1.VersionID
			}
			before := len(e.versionsOf(t, "bkt"))
			_, err := e.s.DeleteObject(ctx, in)
			checkErr(t, "DeleteObject", err, tt.want)
			after := len(e.versionsOf(t, "bkt"))
			if tt.want != nil && after != before {
				t.Errorf("failed conditional delete changed the versions: %d, then %d", before, after)
			}
			_, rerr := e.read("bkt", "k")
			if gone := rerr != nil; gone != (tt.wantGone || tt.marker) {
				t.Errorf("current object readable after delete: err %v, want gone=%v", rerr, tt.wantGone || tt.marker)
			}
			if tt.versioned == "old" && tt.want == nil {
				if _, err := e.readVersion("bkt", "k", v1.VersionID); err == nil {
					t.Error("version v1 still readable after its conditional delete")
				}
			}
		})
	}
}

// TestDeleteObjects_conditional pins per-entry conditions of a batch: a
// failed one is that entry's error, and the others go ahead.
func TestDeleteObjects_conditional(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "match", "a")
	e.put(t, "bkt", "other", "b")
	e.put(t, "bkt", "star", "c")
	res, err := e.s.DeleteObjects(ctx, "bkt", []ObjectID{
		{Key: "match", IfMatch: md5hex("a")},
		{Key: "other", IfMatch: md5hex("zzz")},
		{Key: "missing", IfMatch: "*"},
		{Key: "star", IfMatch: "*"},
		{Key: "missing2"},
	})
	checkErr(t, "DeleteObjects", err, nil)
	want := []error{nil, ErrPreconditionFailed, ErrNoSuchKey, nil, nil}
	for i, r := range res {
		checkErr(t, "DeleteObjects["+r.Key+"]", r.Err, want[i])
	}
	if _, err := e.read("bkt", "other"); err != nil {
		t.Errorf("object whose condition failed: GetObject = %v", err)
	}
	for _, k := range []string{"match", "star"} {
		if _, err := e.read("bkt", k); err == nil {
			t.Errorf("object %s still readable after its conditional delete", k)
		}
	}
}

// versionsOf lists every version and delete marker of bucket.
func (e *env) versionsOf(t testing.TB, bucket string) []versionLine {
	t.Helper()
	lines, _ := e.allVersions(t, ListVersionsInput{Bucket: bucket, MaxKeys: 1000})
	return lines
}

// Concurrent conditional deletes of one version: exactly one wins, the
// others find no current object (or lose the race, 409), never a second
// delete marker.
func TestDeleteObject_conditionalRace(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	v := e.put(t, "bkt", "k", "body")
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", IfMatch: v.ETag})
			errs <- err
		}()
	}
	wins := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			wins++
		case errors.Is(err, ErrNoSuchKey), errors.Is(err, ErrConditionalConflict):
		default:
			t.Errorf("DeleteObject = %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d conditional deletes of one version succeeded, want 1", wins)
	}
	if got := len(e.versionsOf(t, "bkt")); got != 2 {
		t.Errorf("versions after the race = %d, want the object and one delete marker", got)
	}
}
