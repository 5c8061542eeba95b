package object

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

var errCrash = errors.New("simulated crash")

// crashingMeta fails every Update, as if the process died before the
// transaction committed.
type crashingMeta struct{ meta.Store }

func (crashingMeta) Update(ctx context.Context, fn func(meta.Txn) error) error { return errCrash }

// undeletableBlob ignores Delete, as if the process died before cleaning up.
type undeletableBlob struct{ blob.Store }

func (undeletableBlob) Delete(ctx context.Context, id blob.ID) error { return nil }

// setSize rewrites the size in an object's record.
func setSize(t *testing.T, e *env, bucket, key string, size int64) {
	t.Helper()
	err := e.meta.Update(context.Background(), func(tx meta.Txn) error {
		rec, err := getObjectRecord(tx, bucket, key)
		if err != nil {
			return err
		}
		rec.Size = size
		return tx.Set(objectKey(bucket, key), encodeObject(rec))
	})
	if err != nil {
		t.Fatalf("setSize: %v", err)
	}
}

// gcHorizon is an olderThan that covers every blob committed by a test,
// whatever clock the blob store stamps commits with.
func gcHorizon() time.Time { return time.Now().Add(24 * time.Hour) }

// TestCrash_beforeMetaCommit: the blob of a PUT is committed, then the
// process dies before the meta transaction. After a restart the object is
// invisible and CollectGarbage removes the blob.
func TestCrash_beforeMetaCommit(t *testing.T) {
	ctx := context.Background()
	for _, b := range allBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnvOn(t, b, noInline)
			e.bucket(t, "bkt")
			crashed, err := New(Options{Meta: crashingMeta{e.meta}, Blob: undeletableBlob{e.blob}, Clock: e.clock, InlineLimit: -1})
			checkErr(t, "New", err, nil)
			_, err = crashed.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("lost"), Size: 4})
			checkErr(t, "PutObject during crash", err, errCrash)

			// "Restart": a fresh Service over the same stores.
			if _, err := e.read("bkt", "k"); !errors.Is(err, ErrNoSuchKey) {
				t.Fatalf("GetObject after crash = %v, want ErrNoSuchKey", err)
			}
			if n := e.countBlobs(t); n != 1 {
				t.Fatalf("blobs after crash = %d, want 1 orphan", n)
			}
			// A horizon before the orphan was committed keeps it (it could
			// be a write in flight).
			checkErr(t, "CollectGarbage(past)", e.s.CollectGarbage(ctx, time.Unix(0, 0)), nil)
			if n := e.countBlobs(t); n != 1 {
				t.Fatalf("blobs after early GC = %d, want 1", n)
			}
			checkErr(t, "CollectGarbage", e.s.CollectGarbage(ctx, gcHorizon()), nil)
			if n := e.countBlobs(t); n != 0 {
				t.Fatalf("blobs after GC = %d, want 0", n)
			}
		})
	}
}

// TestCrash_afterMetaCommit: an overwrite commits, then the process dies
// before deleting the replaced blob. The new object is served and
// CollectGarbage removes only the old blob.
func TestCrash_afterMetaCommit(t *testing.T) {
	ctx := context.Background()
	for _, b := range allBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnvOn(t, b, noInline)
			e.bucket(t, "bkt")
			e.put(t, "bkt", "k", "old")
			crashed, err := New(Options{Meta: e.meta, Blob: undeletableBlob{e.blob}, Clock: e.clock, InlineLimit: -1})
			checkErr(t, "New", err, nil)
			_, err = crashed.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("new"), Size: 3})
			checkErr(t, "PutObject", err, nil)
			if n := e.countBlobs(t); n != 2 {
				t.Fatalf("blobs = %d, want 2", n)
			}
			checkErr(t, "CollectGarbage", e.s.CollectGarbage(ctx, gcHorizon()), nil)
			if n := e.countBlobs(t); n != 1 {
				t.Fatalf("blobs after GC = %d, want 1", n)
			}
			if got, err := e.read("bkt", "k"); err != nil || got != "new" {
				t.Fatalf("GetObject after GC = %q, %v", got, err)
			}
		})
	}
}

// TestCollectGarbage_keepsReferenced: objects, multipart objects and parts
// of in-progress uploads all keep their blobs.
func TestCollectGarbage_keepsReferenced(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "plain", "x")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "mp"}, "aaaaa", "b")
	_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: done})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "pending"}, "ccccc")
	before := e.countBlobs(t)
	checkErr(t, "CollectGarbage", e.s.CollectGarbage(ctx, gcHorizon()), nil)
	if n := e.countBlobs(t); n != before || n != 4 {
		t.Fatalf("blobs after GC = %d, want %d (4)", n, before)
	}
	for k, want := range map[string]string{"plain": "x", "mp": "aaaaab"} {
		if got, err := e.read("bkt", k); err != nil || got != want {
			t.Errorf("GetObject(%s) = %q, %v", k, got, err)
		}
	}
}

// TestCrash_everyWrite interrupts each kind of write at both dangerous
// instants — after its blob commit but before its meta commit, and after its
// meta commit but before its blob deletes — and checks that the store stays
// consistent once CollectGarbage ran: what the last committed transaction
// says is readable, and every blob left is referenced.
func TestCrash_everyWrite(t *testing.T) {
	ctx := context.Background()
	type step func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error
	tests := []struct {
		name string
		op   step
		// want is the body of key "k" after the crash ("" means absent).
		wantBeforeMeta, wantAfterMeta string
	}{
		{"PutObject", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			_, err := s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("new"), Size: 3})
			return err
		}, "old", "new"},
		{"CopyObject", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			_, err := s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "k"})
			return err
		}, "old", "source"},
		{"DeleteObject", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			_, err := s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"})
			return err
		}, "old", ""},
		{"UploadPart", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			_, err := s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, PartNumber: 1,
				Body: strings.NewReader("again"), Size: 5})
			return err
		}, "old", "old"},
		{"CompleteMultipartUpload", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			// Part 3 is not listed: its blob must go.
			_, err := s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done[:2]})
			return err
		}, "old", "aaaaab"},
		{"AbortMultipartUpload", func(t *testing.T, s *Service, e *env, up Upload, done []CompletedPart) error {
			return s.AbortMultipartUpload(ctx, "bkt", up.Key, up.UploadID)
		}, "old", "old"},
	}
	for _, tt := range tests {
		for _, afterMeta := range []bool{false, true} {
			name := tt.name + "/beforeMetaCommit"
			if afterMeta {
				name = tt.name + "/afterMetaCommit"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, noInline)
				e.bucket(t, "bkt")
				e.put(t, "bkt", "k", "old")
				e.put(t, "bkt", "src", "source")
				upKey := "k"
				if tt.name == "UploadPart" {
					upKey = "mp"
				}
				up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: upKey}, "aaaaa", "b", "ccccc")
				var m meta.Store = crashingMeta{e.meta}
				if afterMeta {
					m = e.meta
				}
				crashed, err := New(Options{Meta: m, Blob: undeletableBlob{e.blob}, Clock: e.clock, InlineLimit: -1, MinPartSize: 5})
				checkErr(t, "New", err, nil)
				err = tt.op(t, crashed, e, up, done)
				if afterMeta {
					checkErr(t, tt.name, err, nil)
				} else {
					checkErr(t, tt.name, err, errCrash)
				}
				checkErr(t, "CollectGarbage", e.s.CollectGarbage(ctx, gcHorizon()), nil)
				checkConsistency(t, e)
				want := tt.wantBeforeMeta
				if afterMeta {
					want = tt.wantAfterMeta
				}
				got, err := e.read("bkt", "k")
				switch {
				case want == "" && !errors.Is(err, ErrNoSuchKey):
					t.Errorf("GetObject = %q, %v; want ErrNoSuchKey", got, err)
				case want != "" && (err != nil || got != want):
					t.Errorf("GetObject = %q, %v; want %q", got, err, want)
				}
			})
		}
	}
}
