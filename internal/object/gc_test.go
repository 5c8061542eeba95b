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
