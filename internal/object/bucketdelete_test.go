package object

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// countKeys counts the meta records of table t (of bucket, for the tables
// keyed by bucket; all of them for the others).
func (e *env) countKeys(t testing.TB, table byte, bucket string) int {
	t.Helper()
	start, end := []byte{table}, []byte{table + 1}
	if bucket != "" {
		start, end = bucketPrefix(table, bucket), bucketEnd(table, bucket)
	}
	n := 0
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		it := r.Scan(start, end, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			n++
		}
		return it.Err()
	})
	if err != nil {
		t.Fatalf("scan table %c: %v", table, err)
	}
	return n
}

// uploadsWithParts starts n uploads in bucket, each with parts parts.
func (e *env) uploadsWithParts(t testing.TB, bucket string, n, parts int) []Upload {
	t.Helper()
	var ups []Upload
	for i := 0; i < n; i++ {
		bodies := make([]string, parts)
		for j := range bodies {
			bodies[j] = fmt.Sprintf("part%d-%d", i, j)
		}
		up, _ := e.startUpload(t, CreateUploadInput{Bucket: bucket, Key: keyN(i % 3)}, bodies...)
		ups = append(ups, up)
	}
	return ups
}

// TestDeleteBucket_discardsUploads: incomplete uploads do not keep a
// bucket (S3 deletes it once no version or delete marker remains); their
// records and blobs go with it, batch after batch, and a neighbour's
// upload is untouched.
func TestDeleteBucket_discardsUploads(t *testing.T) {
	ctx := context.Background()
	for _, batch := range []int{bucketDeleteBatch, 1, 4} {
		t.Run(fmt.Sprintf("batch%d", batch), func(t *testing.T) {
			e := newEnv(t, noInline)
			e.s.bucketDeleteBatch = batch
			e.bucket(t, "doomed")
			e.bucket(t, "doomed.z") // its keys sort right after
			e.uploadsWithParts(t, "doomed", 7, 3)
			e.startUpload(t, CreateUploadInput{Bucket: "doomed", Key: "empty"})
			keep, keepParts := e.startUpload(t, CreateUploadInput{Bucket: "doomed.z", Key: "k"}, "aaaaa", "b")

			checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "doomed"), nil)
			_, err := e.s.HeadBucket(ctx, "doomed")
			checkErr(t, "HeadBucket", err, ErrNoSuchBucket)
			if n := e.countKeys(t, tableUpload, "doomed"); n != 0 {
				t.Errorf("%d upload records left", n)
			}
			if n := e.countKeys(t, tablePart, ""); n != 2 {
				t.Errorf("%d part records left, want the neighbour's 2", n)
			}
			if n := e.countBlobs(t); n != 2 {
				t.Errorf("%d blobs left, want the neighbour's 2", n)
			}
			checkConsistency(t, e)

			// A new bucket of the same name starts with no uploads.
			e.bucket(t, "doomed")
			out, err := e.s.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "doomed"})
			checkErr(t, "ListMultipartUploads", err, nil)
			if len(out.Uploads) != 0 {
				t.Errorf("recreated bucket lists %d uploads, want 0", len(out.Uploads))
			}
			_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "doomed.z", Key: "k", UploadID: keep.UploadID, Parts: keepParts})
			checkErr(t, "CompleteMultipartUpload(neighbour)", err, nil)
			if got, err := e.read("doomed.z", "k"); err != nil || got != "aaaaab" {
				t.Errorf("neighbour object = %q, %v", got, err)
			}
		})
	}
}

// TestDeleteBucket_notEmptyKeepsUploads: a bucket with an object is not
// deleted, and its uploads stay as they were.
func TestDeleteBucket_notEmptyKeepsUploads(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, noInline)
	e.s.bucketDeleteBatch = 1
	e.bucket(t, "full")
	ups := e.uploadsWithParts(t, "full", 3, 2)
	e.put(t, "full", "obj", "x")
	checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "full"), ErrBucketNotEmpty)
	for _, up := range ups {
		lp, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "full", Key: up.Key, UploadID: up.UploadID})
		checkErr(t, "ListParts", err, nil)
		if len(lp.Parts) != 2 {
			t.Errorf("upload %s has %d parts after refused delete, want 2", up.UploadID, len(lp.Parts))
		}
	}
	if n := e.countBlobs(t); n != 7 {
		t.Errorf("%d blobs after refused delete, want 7", n)
	}
}

// TestDeleteBucket_crash: a crash before the commit changes nothing; a
// crash after it, before the parts' blobs are deleted, leaves only
// unreferenced blobs, which CollectGarbage removes.
func TestDeleteBucket_crash(t *testing.T) {
	ctx := context.Background()
	for _, b := range allBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, afterMeta := range []bool{false, true} {
				e := newEnvOn(t, b, noInline)
				e.bucket(t, "bkt")
				e.uploadsWithParts(t, "bkt", 3, 2)
				var m meta.Store = crashingMeta{e.meta}
				if afterMeta {
					m = e.meta
				}
				crashed, err := New(Options{Meta: m, Blob: undeletableBlob{e.blob}, Clock: e.clock, InlineLimit: -1})
				checkErr(t, "New", err, nil)
				crashed.bucketDeleteBatch = 2
				err = crashed.DeleteBucket(ctx, "bkt")
				if n := e.countBlobs(t); n != 6 {
					t.Fatalf("afterMeta=%v: %d blobs after the crash, want 6", afterMeta, n)
				}
				checkErr(t, "CollectGarbage", e.s.CollectGarbage(ctx, gcHorizon()), nil)
				checkConsistency(t, e)
				_, herr := e.s.HeadBucket(ctx, "bkt")
				if !afterMeta {
					checkErr(t, "DeleteBucket during crash", err, errCrash)
					checkErr(t, "HeadBucket", herr, nil)
					if n := e.countBlobs(t); n != 6 {
						t.Errorf("%d blobs after GC, want the 6 parts kept", n)
					}
					continue
				}
				checkErr(t, "DeleteBucket", err, nil)
				checkErr(t, "HeadBucket", herr, ErrNoSuchBucket)
				if n := e.countBlobs(t); n != 0 {
					t.Errorf("%d blobs after GC, want 0", n)
				}
			}
		})
	}
}

// TestDeleteBucket_concurrentMultipart races DeleteBucket (in small
// batches) against part uploads, new uploads and a completion. Whatever
// the interleaving, nothing is recorded for a deleted bucket: no upload,
// part or blob survives it, and a completion that succeeded made the
// delete fail.
func TestDeleteBucket_concurrentMultipart(t *testing.T) {
	ctx := context.Background()
	allowed := func(err error, also ...error) bool {
		if err == nil || errors.Is(err, ErrNoSuchBucket) || errors.Is(err, ErrNoSuchUpload) {
			return true
		}
		for _, a := range also {
			if errors.Is(err, a) {
				return true
			}
		}
		return false
	}
	for round := 0; round < 15; round++ {
		e := newEnv(t, noInline)
		e.s.bucketDeleteBatch = 2
		e.bucket(t, "race")
		ups := e.uploadsWithParts(t, "race", 4, 1)
		completer, done := e.startUpload(t, CreateUploadInput{Bucket: "race", Key: "done"}, "aaaaa", "b")

		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i, up := range ups {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 2; n <= 4; n++ {
					body := strings.Repeat("p", 5+i)
					_, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "race", Key: up.Key, UploadID: up.UploadID,
						PartNumber: n, Body: strings.NewReader(body), Size: int64(len(body))})
					if !allowed(err) {
						errs <- fmt.Errorf("UploadPart: %w", err)
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "race", Key: "late"})
			if err != nil {
				if !allowed(err) {
					errs <- fmt.Errorf("CreateMultipartUpload: %w", err)
				}
				return
			}
			_, err = e.s.UploadPart(ctx, UploadPartInput{Bucket: "race", Key: "late", UploadID: up.UploadID,
				PartNumber: 1, Body: strings.NewReader("late!"), Size: 5})
			if !allowed(err) {
				errs <- fmt.Errorf("UploadPart(late): %w", err)
			}
		}()
		completeOK := false
		if round%2 == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "race", Key: "done", UploadID: completer.UploadID, Parts: done})
				completeOK = err == nil
				if !allowed(err) {
					errs <- fmt.Errorf("CompleteMultipartUpload: %w", err)
				}
			}()
		}
		var delErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			delErr = e.s.DeleteBucket(ctx, "race")
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		switch {
		case delErr != nil && !errors.Is(delErr, ErrBucketNotEmpty):
			t.Fatalf("round %d: DeleteBucket = %v", round, delErr)
		case delErr != nil && !completeOK:
			t.Fatalf("round %d: DeleteBucket = %v with no object written", round, delErr)
		case delErr == nil && completeOK:
			t.Fatalf("round %d: bucket deleted although a completion succeeded", round)
		}
		checkConsistency(t, e)
		if delErr != nil {
			continue
		}
		for _, table := range []byte{tableUpload, tablePart, tableRef} {
			if n := e.countKeys(t, table, ""); n != 0 {
				t.Fatalf("round %d: %d records of table %c left after the bucket was deleted", round, n, table)
			}
		}
		if n := e.countBlobs(t); n != 0 {
			t.Fatalf("round %d: %d blobs left after the bucket was deleted", round, n)
		}
	}
}
