package object

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/fs"
)

// withDirTier gives class a blob/fs tier in a fresh directory, returned.
func withDirTier(t *testing.T, class string) (func(*Options), *fs.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := fs.Open(dir, fs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return func(o *Options) {
		if o.Tiers == nil {
			o.Tiers = map[string]blob.Store{}
		}
		o.Tiers[class] = st
	}, st, dir
}

func countIn(t *testing.T, st blob.Store) int {
	t.Helper()
	n := 0
	if err := st.Walk(context.Background(), func(blob.ID, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func stateOf(info ObjectInfo) VersionState {
	return VersionState{ETag: info.ETag, LastModified: info.LastModified, StorageClass: info.StorageClass}
}

// readRange reads n bytes at off of bucket/key.
func (e *env) readRange(t *testing.T, bucket, key string, off, n int64) string {
	t.Helper()
	out, err := e.s.GetObject(context.Background(), GetInput{Bucket: bucket, Key: key, Range: &Range{Start: off, End: off + n - 1}})
	if err != nil {
		t.Fatalf("GetObject(%s, range %d+%d): %v", key, off, n, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTransitionVersion_dirTier moves single-blob, multipart and inline
// versions, encrypted and not, to a directory tier and reads them back
// whole and by range; the main store loses their blobs and the tier's
// files hold no plaintext.
func TestTransitionVersion_dirTier(t *testing.T) {
	for _, encrypt := range []bool{false, true} {
		t.Run(map[bool]string{false: "plaintext", true: "encrypted"}[encrypt], func(t *testing.T) {
			tierOpt, tier, dir := withDirTier(t, StorageStandardIA)
			e := newEnv(t, tierOpt, func(o *Options) {
				o.InlineLimit = 64
				if encrypt {
					o.Keyring, o.EncryptAtRest = testKeyring(t), true
				}
			})
			ctx := context.Background()
			e.bucket(t, "bkt")
			body := strings.Repeat("coffer-tier-marker ", 20000) // 380 kB: several sse packages
			big := e.put(t, "bkt", "big", body)
			small := e.put(t, "bkt", "small", "tiny")
			mp := putMultipart(t, e, "bkt", "mp", []string{"part-one-", "part-two-", "three"})
			mainBefore := e.countBlobs(t)

			for _, v := range []struct {
				key  string
				info ObjectInfo
			}{{"big", big}, {"small", small}, {"mp", mp}} {
				if err := e.s.TransitionVersion(ctx, "bkt", v.key, "", stateOf(v.info), StorageStandardIA); err != nil {
					t.Fatalf("TransitionVersion(%s): %v", v.key, err)
				}
				// Idempotent: the same call again changes nothing.
				if err := e.s.TransitionVersion(ctx, "bkt", v.key, "", stateOf(v.info), StorageStandardIA); err != nil {
					t.Fatalf("TransitionVersion(%s) again: %v", v.key, err)
				}
				head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: v.key})
				checkErr(t, "HeadObject", err, nil)
				if head.Info.StorageClass != StorageStandardIA || head.Info.ETag != v.info.ETag {
					t.Errorf("HeadObject(%s) = class %q etag %q, want STANDARD_IA %q", v.key, head.Info.StorageClass, head.Info.ETag, v.info.ETag)
				}
			}
			if got, want := e.countBlobs(t), mainBefore-4; got != want {
				t.Errorf("main store has %d blobs after transition, want %d", got, want)
			}
			if got := countIn(t, tier); got != 4 {
				t.Errorf("tier has %d blobs, want 4 (one object, three parts)", got)
			}
			for key, want := range map[string]string{"big": body, "small": "tiny", "mp": "part-one-part-two-three"} {
				if got, err := e.read("bkt", key); err != nil || got != want {
					t.Errorf("GetObject(%s) = %d bytes, %v; want %d bytes", key, len(got), err, len(want))
				}
			}
			if got := e.readRange(t, "bkt", "big", 70000, 100); got != body[70000:70100] {
				t.Errorf("range of big = %q, want %q", got, body[70000:70100])
			}
			if got := e.readRange(t, "bkt", "mp", 6, 8); got != "ne-part-" {
				t.Errorf("range across parts = %q, want \"ne-part-\"", got)
			}
			if encrypt {
				assertNoMarker(t, dir, "coffer-tier-marker")
			}
			// Back to STANDARD: the bytes return to the main store.
			if err := e.s.TransitionVersion(ctx, "bkt", "big", "", VersionState{ETag: big.ETag, LastModified: big.LastModified, StorageClass: StorageStandardIA}, StorageStandard); err != nil {
				t.Fatalf("TransitionVersion(big, STANDARD): %v", err)
			}
			if got, err := e.read("bkt", "big"); err != nil || got != body {
				t.Errorf("GetObject(big) after return = %d bytes, %v", len(got), err)
			}
			if got := countIn(t, tier); got != 3 {
				t.Errorf("tier has %d blobs after big left, want 3", got)
			}
			// Deleting a tiered object deletes its tier blobs.
			if _, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "mp"}); err != nil {
				t.Fatal(err)
			}
			if got := countIn(t, tier); got != 0 {
				t.Errorf("tier has %d blobs after delete, want 0", got)
			}
		})
	}
}

// assertNoMarker fails if any file under dir contains marker.
func assertNoMarker(t *testing.T, dir, marker string) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("tier file %s holds plaintext", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A version changed since it was judged is left alone.
func TestTransitionVersion_changed(t *testing.T) {
	tierOpt, tier, _ := withDirTier(t, StorageGlacierIR)
	e := newEnv(t, tierOpt, noInline)
	ctx := context.Background()
	e.bucket(t, "bkt")
	old := e.put(t, "bkt", "k", "first")
	e.clock.Advance(time.Second)
	e.put(t, "bkt", "k", "second")
	err := e.s.TransitionVersion(ctx, "bkt", "k", "", stateOf(old), StorageGlacierIR)
	checkErr(t, "TransitionVersion(overwritten)", err, ErrVersionChanged)
	cur := e.put(t, "bkt", "k", "third")
	stale := stateOf(cur)
	stale.StorageClass = StorageOneZoneIA
	err = e.s.TransitionVersion(ctx, "bkt", "k", "", stale, StorageGlacierIR)
	checkErr(t, "TransitionVersion(other class)", err, ErrVersionChanged)
	err = e.s.TransitionVersion(ctx, "bkt", "k", "", stateOf(cur), "COLD")
	checkErr(t, "TransitionVersion(bad class)", err, ErrInvalidStorageClass)
	if n := countIn(t, tier); n != 0 {
		t.Errorf("tier has %d blobs, want 0", n)
	}
}

// TestTransitionVersion_crashBetweenCopyAndCommit stops a transition
// after its copy: the version still reads from the main store, the copy
// is an orphan of the tier, garbage collection removes it, and the
// transition can run again.
func TestTransitionVersion_crashBetweenCopyAndCommit(t *testing.T) {
	tierOpt, tier, _ := withDirTier(t, StorageStandardIA)
	e := newEnv(t, tierOpt, noInline)
	ctx := context.Background()
	e.bucket(t, "bkt")
	info := e.put(t, "bkt", "k", "bytes that move")
	e.s.transitionHook = func() { panic("crash") }
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("transition did not reach the hook")
			}
		}()
		e.s.TransitionVersion(ctx, "bkt", "k", "", stateOf(info), StorageStandardIA)
	}()
	e.s.transitionHook = nil
	if n := countIn(t, tier); n != 1 {
		t.Fatalf("tier has %d blobs after the crash, want the orphan copy", n)
	}
	if got, err := e.read("bkt", "k"); err != nil || got != "bytes that move" {
		t.Errorf("GetObject after crash = %q, %v", got, err)
	}
	if err := e.s.CollectGarbage(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := countIn(t, tier); n != 0 {
		t.Errorf("tier has %d blobs after garbage collection, want 0", n)
	}
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("main store has %d blobs, want the version's 1", n)
	}
	if err := e.s.TransitionVersion(ctx, "bkt", "k", "", stateOf(info), StorageStandardIA); err != nil {
		t.Fatal(err)
	}
	if got, err := e.read("bkt", "k"); err != nil || got != "bytes that move" {
		t.Errorf("GetObject after transition = %q, %v", got, err)
	}
}

// A record naming a tier that is no longer configured fails to read,
// never reads another store.
func TestTransitionVersion_tierRemoved(t *testing.T) {
	tierOpt, _, _ := withDirTier(t, StorageOneZoneIA)
	e := newEnv(t, tierOpt, noInline)
	ctx := context.Background()
	e.bucket(t, "bkt")
	info := e.put(t, "bkt", "k", "data")
	if err := e.s.TransitionVersion(ctx, "bkt", "k", "", stateOf(info), StorageOneZoneIA); err != nil {
		t.Fatal(err)
	}
	without, err := New(Options{Meta: e.meta, Blob: e.blob, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = without.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k"})
	checkErr(t, "GetObject without the tier", err, errNoTier)
}

func TestOptionsValidate_tiers(t *testing.T) {
	st := newMemBlob(time.Now)
	for _, class := range []string{"STANDARD", "", "standard_ia", "EXPRESS_ONEZONE"} {
		o := Options{Meta: newMemMeta(), Blob: st, Tiers: map[string]blob.Store{class: st}}
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(tier for %q) = nil, want an error", class)
		}
	}
}

// putMultipart completes a multipart upload of parts.
func putMultipart(t *testing.T, e *env, bucket, key string, parts []string) ObjectInfo {
	t.Helper()
	up, done := e.startUpload(t, CreateUploadInput{Bucket: bucket, Key: key}, parts...)
	info, err := e.s.CompleteMultipartUpload(context.Background(), CompleteInput{Bucket: bucket, Key: key, UploadID: up.UploadID, Parts: done})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	return info
}

// Writes that name a class with a tier store their bytes there at once:
// PutObject, CopyObject (also onto itself to change the class) and the
// parts of a multipart upload.
func TestTier_writesGoToTheClassTier(t *testing.T) {
	tierOpt, tier, _ := withDirTier(t, StorageOneZoneIA)
	e := newEnv(t, tierOpt, noInline)
	ctx := context.Background()
	e.bucket(t, "bkt")
	if _, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "put", Body: strings.NewReader("put body"), Size: 8,
		StorageClass: StorageOneZoneIA}); err != nil {
		t.Fatal(err)
	}
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "mp", StorageClass: StorageOneZoneIA}, "part1-", "part2")
	if n := countIn(t, tier); n != 3 {
		t.Errorf("tier has %d blobs after a put and two parts, want 3", n)
	}
	if _, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: done}); err != nil {
		t.Fatal(err)
	}
	e.put(t, "bkt", "std", "standard")
	mainBefore := e.countBlobs(t)
	if _, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "std", DstBucket: "bkt", DstKey: "std", StorageClass: StorageOneZoneIA}); err != nil {
		t.Fatal(err)
	}
	if n := countIn(t, tier); n != 4 {
		t.Errorf("tier has %d blobs after the copy, want 4", n)
	}
	if n := e.countBlobs(t); n != mainBefore-1 {
		t.Errorf("main store has %d blobs after the copy onto itself, want %d", n, mainBefore-1)
	}
	for key, want := range map[string]string{"put": "put body", "mp": "part1-part2", "std": "standard"} {
		if got, err := e.read("bkt", key); err != nil || got != want {
			t.Errorf("GetObject(%s) = %q, %v; want %q", key, got, err, want)
		}
	}
	if err := e.s.CollectGarbage(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := countIn(t, tier); n != 4 {
		t.Errorf("garbage collection left %d tier blobs, want the 4 referenced", n)
	}
}

// Concurrent transitions of one multipart version to two classes: each
// either commits or is ErrVersionChanged, the object reads whole, and once
// garbage is collected its parts exist exactly once across the stores.
func TestTransitionVersion_concurrent(t *testing.T) {
	optA, tierA, _ := withDirTier(t, StorageStandardIA)
	optB, tierB, _ := withDirTier(t, StorageGlacierIR)
	e := newEnv(t, optA, optB, noInline)
	ctx := context.Background()
	e.bucket(t, "bkt")
	putMultipart(t, e, "bkt", "mp", []string{"aaaaa-", "bbbbb-", "ccccc"})
	for round := 0; round < 5; round++ {
		cur, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "mp"})
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for _, class := range []string{StorageStandardIA, StorageGlacierIR} {
			go func() { errs <- e.s.TransitionVersion(ctx, "bkt", "mp", "", stateOf(cur.Info), class) }()
		}
		for range 2 {
			if err := <-errs; err != nil && !errors.Is(err, ErrVersionChanged) {
				t.Fatalf("round %d: TransitionVersion: %v", round, err)
			}
		}
		if got, err := e.read("bkt", "mp"); err != nil || got != "aaaaa-bbbbb-ccccc" {
			t.Fatalf("round %d: GetObject = %q, %v", round, got, err)
		}
	}
	if err := e.s.CollectGarbage(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := e.countBlobs(t) + countIn(t, tierA) + countIn(t, tierB); n != 3 {
		t.Errorf("%d blobs across the stores after garbage collection, want the 3 parts", n)
	}
}
