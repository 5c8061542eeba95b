package object

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// checkConsistency verifies the invariant that garbage collection relies
// on, for a store no crash has touched: every committed blob has exactly
// one reference record and every reference names a committed blob.
func checkConsistency(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	blobs := map[blob.ID]bool{}
	err := e.blob.Walk(ctx, func(id blob.ID, _ time.Time) error { blobs[id] = true; return nil })
	checkErr(t, "Walk", err, nil)
	refs := map[blob.ID]bool{}
	err = e.meta.View(ctx, func(r meta.Reader) error {
		p := []byte{tableRef}
		it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			refs[blob.ID(it.Key()[1:])] = true
		}
		return it.Err()
	})
	checkErr(t, "scan references", err, nil)
	for id := range blobs {
		if !refs[id] {
			t.Errorf("blob %s has no reference (leaked)", id)
		}
	}
	for id := range refs {
		if !blobs[id] {
			t.Errorf("reference to missing blob %s", id)
		}
	}
}

// TestConcurrentMultipart races part uploads, re-uploads, completions,
// aborts and overwrites of the same key, then checks that no blob leaked
// and no reference dangles.
func TestConcurrentMultipart(t *testing.T) {
	for _, b := range allBackends(t) {
		t.Run(b.name, func(t *testing.T) { testConcurrentMultipart(t, b) })
	}
}

func testConcurrentMultipart(t *testing.T, b backend) {
	ctx := context.Background()
	e := newEnvOn(t, b, noInline)
	e.bucket(t, "bkt")
	var uploads []Upload
	for i := 0; i < 4; i++ {
		up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"})
		uploads = append(uploads, up)
	}
	var wg sync.WaitGroup
	for i, up := range uploads {
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 1; n <= 4; n++ {
					body := strings.Repeat("x", 5+w)
					_, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID,
						PartNumber: n, Body: strings.NewReader(body), Size: int64(len(body))})
					if err != nil && !errors.Is(err, ErrNoSuchUpload) {
						t.Errorf("UploadPart: %v", err)
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				err := e.s.AbortMultipartUpload(ctx, "bkt", "k", up.UploadID)
				if err != nil && !errors.Is(err, ErrNoSuchUpload) {
					t.Errorf("AbortMultipartUpload: %v", err)
				}
				return
			}
			lp, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID})
			if err != nil {
				t.Errorf("ListParts: %v", err)
				return
			}
			var done []CompletedPart
			for _, p := range lp.Parts {
				done = append(done, CompletedPart{PartNumber: p.PartNumber, ETag: p.ETag})
			}
			if len(done) == 0 {
				return
			}
			_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
			if err != nil && !errors.Is(err, ErrInvalidPart) && !errors.Is(err, ErrNoSuchUpload) {
				t.Errorf("CompleteMultipartUpload: %v", err)
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 3; n++ {
				e.put(t, "bkt", "k", strings.Repeat("p", n+1))
			}
		}()
	}
	wg.Wait()
	checkConsistency(t, e)
	out, err := e.s.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt"})
	checkErr(t, "ListMultipartUploads", err, nil)
	for _, up := range out.Uploads {
		checkErr(t, "AbortMultipartUpload", e.s.AbortMultipartUpload(ctx, "bkt", up.Key, up.UploadID), nil)
	}
	_, err = e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"})
	checkErr(t, "DeleteObject", err, nil)
	checkConsistency(t, e)
	if n := e.countBlobs(t); n != 0 {
		t.Errorf("%d blobs left after deleting everything", n)
	}
	checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "bkt"), nil)
}
