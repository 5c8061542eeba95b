package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/google/go-cmp/cmp"
)

func (e *env) versioning(t testing.TB, bucket string, st VersioningStatus) {
	t.Helper()
	if err := e.s.PutBucketVersioning(context.Background(), bucket, st); err != nil {
		t.Fatalf("PutBucketVersioning(%s, %s): %v", bucket, st, err)
	}
}

func (e *env) readVersion(bucket, key, versionID string) (string, error) {
	out, err := e.s.GetObject(context.Background(), GetInput{Bucket: bucket, Key: key, VersionID: versionID})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func (e *env) del(t testing.TB, bucket, key, versionID string) DeleteOutput {
	t.Helper()
	out, err := e.s.DeleteObject(context.Background(), DeleteInput{Bucket: bucket, Key: key, VersionID: versionID})
	if err != nil {
		t.Fatalf("DeleteObject(%s/%s?versionId=%s): %v", bucket, key, versionID, err)
	}
	return out
}

// versionLine is a ListObjectVersions entry in a form tests compare.
type versionLine struct {
	Key, VersionID string
	Latest, Marker bool
	ETag           string
}

// allVersions lists every version of bucket, page by page (maxKeys per
// page), checking that the pages join up.
func (e *env) allVersions(t testing.TB, in ListVersionsInput) ([]versionLine, []string) {
	t.Helper()
	var (
		lines []versionLine
		cps   []string
	)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("ListObjectVersions does not end")
		}
		out, err := e.s.ListObjectVersions(context.Background(), in)
		if err != nil {
			t.Fatalf("ListObjectVersions(%+v): %v", in, err)
		}
		for _, v := range out.Versions {
			lines = append(lines, versionLine{v.Key, v.VersionID, v.IsLatest, v.DeleteMarker, v.ETag})
		}
		cps = append(cps, out.CommonPrefixes...)
		if !out.Truncated {
			return lines, cps
		}
		in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
	}
}

func TestVersioning_enabled(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", "pre") // before versioning: the null version
	e.versioning(t, "bkt", VersioningEnabled)
	v1 := e.put(t, "bkt", "k", "one")
	v2 := e.put(t, "bkt", "k", "two")
	if v1.VersionID == "" || v1.VersionID == v2.VersionID || v1.VersionID == NullVersionID {
		t.Fatalf("version ids %q, %q: want two distinct ids", v1.VersionID, v2.VersionID)
	}
	for _, tt := range []struct{ vid, want string }{{"", "two"}, {v2.VersionID, "two"}, {v1.VersionID, "one"}, {NullVersionID, "pre"}} {
		if got, err := e.readVersion("bkt", "k", tt.vid); err != nil || got != tt.want {
			t.Errorf("GetObject(versionId=%q) = %q, %v, want %q", tt.vid, got, err, tt.want)
		}
	}
	list, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10})
	if err != nil || len(list.Objects) != 1 || list.Objects[0].ETag != md5hex("two") {
		t.Fatalf("ListObjects = %+v, %v, want the current version only", list, err)
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1000})
	want := []versionLine{
		{"k", v2.VersionID, true, false, md5hex("two")},
		{"k", v1.VersionID, false, false, md5hex("one")},
		{"k", NullVersionID, false, false, md5hex("pre")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListObjectVersions (-want +got):\n%s", diff)
	}

	// A delete adds a marker; the data stays.
	blobs := e.countBlobs(t)
	del := e.del(t, "bkt", "k", "")
	if !del.DeleteMarker || del.VersionID == "" || del.VersionID == NullVersionID {
		t.Fatalf("DeleteObject = %+v, want a new delete marker", del)
	}
	var dm *DeleteMarkerError
	if _, err := e.readVersion("bkt", "k", ""); !errors.As(err, &dm) || !errors.Is(err, ErrNoSuchKey) || dm.VersionID != del.VersionID {
		t.Fatalf("GetObject after delete = %v, want a DeleteMarkerError(NoSuchKey) for %s", err, del.VersionID)
	}
	if _, err := e.readVersion("bkt", "k", del.VersionID); !errors.As(err, &dm) || !errors.Is(err, ErrMethodNotAllowed) {
		t.Fatalf("GetObject(marker's id) = %v, want MethodNotAllowed", err)
	}
	if _, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: del.VersionID}); !errors.Is(err, ErrMethodNotAllowed) {
		t.Fatalf("HeadObject(marker's id) = %v, want MethodNotAllowed", err)
	}
	if _, _, err := e.s.GetObjectTagging(ctx, "bkt", "k", del.VersionID); !errors.Is(err, ErrMethodNotAllowed) {
		t.Fatalf("GetObjectTagging(marker's id) = %v, want MethodNotAllowed", err)
	}
	if list, _ := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10}); len(list.Objects) != 0 {
		t.Fatalf("ListObjects after delete = %+v, want nothing", list.Objects)
	}
	if n := e.countBlobs(t); n != blobs {
		t.Fatalf("blobs after a versioned delete = %d, want %d", n, blobs)
	}
	if got, err := e.readVersion("bkt", "k", v2.VersionID); err != nil || got != "two" {
		t.Fatalf("GetObject(v2) after delete = %q, %v", got, err)
	}

	// Removing the marker makes v2 current again.
	if out := e.del(t, "bkt", "k", del.VersionID); !out.DeleteMarker || out.VersionID != del.VersionID {
		t.Fatalf("DeleteObject(marker) = %+v, want DeleteMarker with its id", out)
	}
	if got, err := e.readVersion("bkt", "k", ""); err != nil || got != "two" {
		t.Fatalf("GetObject after removing the marker = %q, %v, want two", got, err)
	}
	// Removing the current version makes the previous one current and
	// deletes its blob.
	e.del(t, "bkt", "k", v2.VersionID)
	if got, err := e.readVersion("bkt", "k", ""); err != nil || got != "one" {
		t.Fatalf("GetObject after removing v2 = %q, %v, want one", got, err)
	}
	if n := e.countBlobs(t); n != blobs-1 {
		t.Fatalf("blobs after removing a version = %d, want %d", n, blobs-1)
	}
	if _, err := e.readVersion("bkt", "k", v2.VersionID); !errors.Is(err, ErrNoSuchVersion) {
		t.Fatalf("GetObject(removed version) = %v, want NoSuchVersion", err)
	}
	// Removing a noncurrent version leaves the current one alone.
	e.del(t, "bkt", "k", NullVersionID)
	got, _ = e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1})
	want = []versionLine{{"k", v1.VersionID, true, false, md5hex("one")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListObjectVersions after removals (-want +got):\n%s", diff)
	}
	if err := e.s.DeleteBucket(ctx, "bkt"); !errors.Is(err, ErrBucketNotEmpty) {
		t.Fatalf("DeleteBucket with versions = %v, want BucketNotEmpty", err)
	}
	checkConsistency(t, e)
}

func TestVersioning_suspended(t *testing.T) {
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	v1 := e.put(t, "bkt", "k", "one")
	e.versioning(t, "bkt", VersioningSuspended)
	n1 := e.put(t, "bkt", "k", "null1")
	if n1.VersionID != NullVersionID {
		t.Fatalf("suspended PUT version id = %q, want null", n1.VersionID)
	}
	blobs := e.countBlobs(t)
	e.put(t, "bkt", "k", "null2") // replaces the null version
	if n := e.countBlobs(t); n != blobs {
		t.Fatalf("blobs after replacing the null version = %d, want %d", n, blobs)
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1000})
	want := []versionLine{
		{"k", NullVersionID, true, false, md5hex("null2")},
		{"k", v1.VersionID, false, false, md5hex("one")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after suspended PUTs (-want +got):\n%s", diff)
	}
	// A suspended delete removes the null version and leaves a null
	// marker; a second one leaves still one marker.
	for i := 0; i < 2; i++ {
		if out := e.del(t, "bkt", "k", ""); !out.DeleteMarker || out.VersionID != NullVersionID {
			t.Fatalf("suspended DeleteObject = %+v, want a null delete marker", out)
		}
	}
	got, _ = e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1})
	want = []versionLine{
		{"k", NullVersionID, true, true, ""},
		{"k", v1.VersionID, false, false, md5hex("one")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after suspended deletes (-want +got):\n%s", diff)
	}
	if n := e.countBlobs(t); n != blobs-1 {
		t.Fatalf("blobs after suspended delete = %d, want %d", n, blobs-1)
	}
	// A PUT over the null marker replaces it.
	e.put(t, "bkt", "k", "null3")
	got, _ = e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1000})
	want = []versionLine{
		{"k", NullVersionID, true, false, md5hex("null3")},
		{"k", v1.VersionID, false, false, md5hex("one")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after PUT over the null marker (-want +got):\n%s", diff)
	}
	// Enabled again: the null version becomes noncurrent and stays.
	e.versioning(t, "bkt", VersioningEnabled)
	v3 := e.put(t, "bkt", "k", "three")
	if got, err := e.readVersion("bkt", "k", NullVersionID); err != nil || got != "null3" {
		t.Fatalf("GetObject(null) = %q, %v, want null3", got, err)
	}
	e.del(t, "bkt", "k", v3.VersionID)
	if got, err := e.readVersion("bkt", "k", ""); err != nil || got != "null3" {
		t.Fatalf("GetObject after removing v3 = %q, %v, want null3", got, err)
	}
	checkConsistency(t, e)
}

func TestPutBucketVersioning(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	if st, err := e.s.GetBucketVersioning(ctx, "bkt"); err != nil || st != "" {
		t.Fatalf("GetBucketVersioning(new) = %q, %v, want unversioned", st, err)
	}
	tests := []struct {
		name string
		st   VersioningStatus
		want error
	}{
		{"enable", VersioningEnabled, nil},
		{"suspend", VersioningSuspended, nil},
		{"enableAgain", VersioningEnabled, nil},
		{"unversioned", "", ErrIllegalVersioningConfiguration},
		{"lowercase", "enabled", ErrIllegalVersioningConfiguration},
	}
	for _, tt := range tests {
		err := e.s.PutBucketVersioning(ctx, "bkt", tt.st)
		checkErr(t, "PutBucketVersioning("+tt.name+")", err, tt.want)
	}
	if st, err := e.s.GetBucketVersioning(ctx, "bkt"); err != nil || st != VersioningEnabled {
		t.Fatalf("GetBucketVersioning = %q, %v, want Enabled", st, err)
	}
	checkErr(t, "PutBucketVersioning(missing)", e.s.PutBucketVersioning(ctx, "nope", VersioningEnabled), ErrNoSuchBucket)
}

// TestBucketRecord_fixture decodes a bucket record written before
// versioning: it is an unversioned bucket without Object Lock.
func TestBucketRecord_fixture(t *testing.T) {
	const fixture = "\x01{\"r\":\"eu-west-1\",\"o\":\"alice\",\"c\":\"2026-03-01T12:00:00Z\"}"
	var rec bucketRecord
	if err := decodeRecord([]byte(fixture), &rec); err != nil {
		t.Fatalf("decodeRecord: %v", err)
	}
	want := bucketRecord{Region: "eu-west-1", Owner: "alice", Created: testEpoch}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("decoded bucket (-want +got):\n%s", diff)
	}
}

func TestVersioning_badVersionID(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	e.put(t, "bkt", "k", "x")
	const bad = "not-a-version"
	tests := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := e.readVersion("bkt", "k", bad); return err }},
		{"delete", func() error {
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: bad})
			return err
		}},
		{"deleteObjects", func() error {
			res, err := e.s.DeleteObjects(ctx, "bkt", []ObjectID{{Key: "k", VersionID: bad}})
			if err != nil {
				return err
			}
			return res[0].Err
		}},
		{"copy", func() error {
			_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", SrcVersionID: bad, DstBucket: "bkt", DstKey: "c"})
			return err
		}},
		{"tagging", func() error { _, err := e.s.PutObjectTagging(ctx, "bkt", "k", bad, nil); return err }},
		{"listMarker", func() error {
			_, err := e.s.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", KeyMarker: "k", VersionIDMarker: bad, MaxKeys: 1})
			return err
		}},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.call(), ErrInvalidVersionID)
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 10})
	if len(got) != 1 || !got[0].Latest {
		t.Fatalf("versions after bad requests = %+v, want the one version", got)
	}
	_, err := e.s.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", VersionIDMarker: NullVersionID, MaxKeys: 1})
	checkErr(t, "ListObjectVersions(version marker without key marker)", err, ErrInvalidArgument)
}

func TestVersioning_deleteObjects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	a := e.put(t, "bkt", "a", "a")
	e.put(t, "bkt", "b", "b")
	res, err := e.s.DeleteObjects(ctx, "bkt", []ObjectID{{Key: "a", VersionID: a.VersionID}, {Key: "b"}, {Key: "c", VersionID: missingVersion}})
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	if r := res[0]; r.Err != nil || r.DeleteMarker || r.VersionID != a.VersionID {
		t.Errorf("DeleteObjects[a] = %+v, want the version removed", r)
	}
	if r := res[1]; r.Err != nil || !r.DeleteMarker || r.DeleteMarkerVersionID == "" {
		t.Errorf("DeleteObjects[b] = %+v, want a delete marker", r)
	}
	if r := res[2]; r.Err != nil {
		t.Errorf("DeleteObjects[c] = %+v, want success", r)
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 10})
	if len(got) != 2 || got[0].Key != "b" || !got[0].Marker || !got[0].Latest || got[0].VersionID != res[1].DeleteMarkerVersionID {
		t.Fatalf("versions after DeleteObjects = %+v", got)
	}
}

// TestListObjectVersions_paging lists the same history with every page
// size, with and without a delimiter, and compares with one big page.
func TestListObjectVersions_paging(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a/1", "pre")
	e.versioning(t, "bkt", VersioningEnabled)
	keys := []string{"a/1", "a/2", "b", "c/x/1", "d"}
	for round := 0; round < 3; round++ {
		for _, k := range keys {
			e.put(t, "bkt", k, fmt.Sprint(k, round))
		}
	}
	e.del(t, "bkt", "b", "")
	e.del(t, "bkt", "d", "")
	e.del(t, "bkt", "d", "")
	full, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 1000})
	if len(full) != 3*len(keys)+1+3 {
		t.Fatalf("versions = %d, want %d", len(full), 3*len(keys)+4)
	}
	for i, v := range full {
		first := i == 0 || full[i-1].Key != v.Key
		if v.Latest != first {
			t.Errorf("version %d %+v: IsLatest %v, want %v", i, v, v.Latest, first)
		}
	}
	if d := full[len(full)-5:]; d[0].Key != "d" || !d[0].Marker || !d[1].Marker || d[2].Marker {
		t.Errorf("d's history = %+v, want two markers first", d)
	}
	for size := 1; size <= 7; size++ {
		got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: size})
		if diff := cmp.Diff(full, got); diff != "" {
			t.Errorf("pages of %d (-want +got):\n%s", size, diff)
		}
		got, cps := e.allVersions(t, ListVersionsInput{Bucket: "bkt", Delimiter: "/", MaxKeys: size})
		var wantTop []versionLine
		for _, v := range full {
			if v.Key == "b" || v.Key == "d" {
				wantTop = append(wantTop, v)
			}
		}
		if diff := cmp.Diff(wantTop, got); diff != "" {
			t.Errorf("delimiter, pages of %d (-want +got):\n%s", size, diff)
		}
		if diff := cmp.Diff([]string{"a/", "c/"}, cps); diff != "" {
			t.Errorf("delimiter, pages of %d, prefixes (-want +got):\n%s", size, diff)
		}
		got, cps = e.allVersions(t, ListVersionsInput{Bucket: "bkt", Prefix: "c/", Delimiter: "/", MaxKeys: size})
		if len(got) != 0 || !cmp.Equal(cps, []string{"c/x/"}) {
			t.Errorf("prefix c/, pages of %d = %+v, %v", size, got, cps)
		}
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", Prefix: "a/", MaxKeys: 2})
	if len(got) != 7 || got[3].VersionID != NullVersionID || got[4].Key != "a/2" {
		t.Errorf("prefix a/ = %+v, want a/1's 4 versions ending with the null one, then a/2's", got)
	}
}

// TestVersioning_oldRecords checks that objects written by the first
// record format join a versioned history.
func TestVersioning_oldRecords(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	fillObjects(t, e, "bkt", 1) // key d0000/f00, no seq
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		return tx.Set(inlineKey("x"), []byte{recordV1, 'x'})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.versioning(t, "bkt", VersioningEnabled)
	v := e.put(t, "bkt", "d0000/f00", "new")
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 10})
	want := []versionLine{{"d0000/f00", v.VersionID, true, false, md5hex("new")}, {"d0000/f00", NullVersionID, false, false, md5hex("x")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("versions (-want +got):\n%s", diff)
	}
	if body, err := e.readVersion("bkt", "d0000/f00", NullVersionID); err != nil || body != "x" {
		t.Fatalf("GetObject(null) = %q, %v", body, err)
	}
}

// TestVersioning_concurrentWrites writes and deletes one key from several
// goroutines: every write gets its own version, and the history lists each
// exactly once, newest first, with one latest entry.
func TestVersioning_concurrentWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	const writers, each = 4, 10
	ids := make(chan string, writers*each)
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				if i%3 == 2 {
					out, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"})
					if err != nil {
						errs <- err
						return
					}
					ids <- out.VersionID
					continue
				}
				body := fmt.Sprint(w, i)
				info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader([]byte(body)), Size: int64(len(body))})
				if err != nil {
					errs <- err
					return
				}
				ids <- info.VersionID
			}
			errs <- nil
		}()
	}
	for w := 0; w < writers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	written := map[string]bool{}
	for id := range ids {
		if written[id] {
			t.Fatalf("version id %s returned twice", id)
		}
		written[id] = true
	}
	got, _ := e.allVersions(t, ListVersionsInput{Bucket: "bkt", MaxKeys: 7})
	if len(got) != writers*each {
		t.Fatalf("listed %d versions, want %d", len(got), writers*each)
	}
	for i, v := range got {
		if !written[v.VersionID] || v.Latest != (i == 0) || (i > 0 && v.VersionID <= got[i-1].VersionID) {
			t.Fatalf("version %d = %+v: unknown, wrong IsLatest or out of order", i, v)
		}
	}
	checkConsistency(t, e)
}
