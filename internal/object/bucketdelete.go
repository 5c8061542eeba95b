package object

import (
	"bytes"
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// bucketDeleteBatch bounds the records (upload records, part records and
// the parts' blob references) that one DeleteBucket transaction removes,
// so that a bucket left with many incomplete uploads is emptied in several
// bounded commits rather than one of any size. An upload is never split
// between transactions: the largest (MaxParts parts) makes one of about
// 2*MaxParts deletes, the size of its own AbortMultipartUpload.
const bucketDeleteBatch = 1000

// DeleteBucket deletes a bucket that holds no object version and no delete
// marker; otherwise it returns ErrBucketNotEmpty and changes nothing.
// Incomplete multipart uploads do not keep a bucket: as in S3, they are
// discarded with it. Their parts' blobs are deleted after the commit that
// drops their references, so a crash in between leaves only unreferenced
// blobs, which CollectGarbage removes.
//
// Uploads are discarded in bounded transactions (bucketDeleteBatch); the
// bucket record goes in the transaction that discards the last of them,
// which checks once more that no object appeared. Every write into a bucket
// reads the bucket record, and every part and completion its upload record,
// in its own transaction, so a racing write either lands first (an object
// then blocks the delete, a part is discarded with its upload) or fails
// with ErrNoSuchBucket or ErrNoSuchUpload: nothing is recorded for a
// deleted bucket. Only an object written while a bucket with more than one
// batch of uploads is being emptied can fail the delete after some uploads
// were discarded.
func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	for {
		done, err := s.deleteBucketBatch(ctx, name)
		if err != nil {
			return fmt.Errorf("delete bucket %s: %w", name, err)
		}
		if done {
			return nil
		}
	}
}

// deleteBucketBatch discards one batch of a bucket's uploads and, when
// none remain, the bucket; it reports whether the bucket is gone.
func (s *Service) deleteBucketBatch(ctx context.Context, name string) (bool, error) {
	var (
		garbage []blob.ID
		done    bool
	)
	err := s.updateAccess(ctx, func(tx meta.Txn) error {
		garbage, done = nil, false
		if _, err := getBucket(tx, name); err != nil {
			return err
		}
		for _, t := range []byte{tableObject, tableVersion} {
			nonEmpty, err := anyKey(tx, bucketPrefix(t, name), bucketEnd(t, name))
			if err != nil {
				return err
			}
			if nonEmpty {
				return ErrBucketNotEmpty
			}
		}
		blobs, more, err := dropUploads(tx, name, s.bucketDeleteBatch)
		if err != nil || more {
			garbage = blobs
			return err
		}
		garbage, done = blobs, true
		if err := deleteBucketConfigs(tx, name); err != nil {
			return err
		}
		return tx.Delete(bucketKey(name))
	})
	if err != nil {
		return false, err
	}
	s.deleteBlobs(ctx, garbage)
	return done, nil
}

// doomedUpload is an upload that dropUploads removes.
type doomedUpload struct {
	key   []byte
	id    string
	parts []numberedPart
}

// dropUploads removes whole uploads of bucket, in key order, with their
// part records and the references of the parts' blobs, until at least
// limit records are gone. It returns the blobs to delete after the commit
// and whether uploads remain.
func dropUploads(tx meta.Txn, bucket string, limit int) ([]blob.ID, bool, error) {
	doomed, more, err := readUploads(tx, bucket, limit)
	if err != nil {
		return nil, false, err
	}
	var garbage []blob.ID
	for _, u := range doomed {
		if err := dropParts(tx, u.id, u.parts, nil); err != nil {
			return nil, false, err
		}
		if err := tx.Delete(u.key); err != nil {
			return nil, false, err
		}
		for _, p := range u.parts {
			garbage = append(garbage, p.Blob)
		}
	}
	return garbage, more, nil
}

// readUploads reads the first uploads of bucket with their parts, until
// they hold at least limit records, and reports whether more follow. It
// writes nothing, so that no write happens while its scan is open.
func readUploads(r meta.Reader, bucket string, limit int) ([]doomedUpload, bool, error) {
	it := r.Scan(bucketPrefix(tableUpload, bucket), bucketEnd(tableUpload, bucket), meta.ScanOptions{})
	defer it.Close()
	var (
		doomed  []doomedUpload
		records int
	)
	for it.Next() {
		if records >= limit {
			return doomed, true, nil
		}
		k := bytes.Clone(it.Key())
		if len(k) < uploadIDLen || !validUploadID(string(k[len(k)-uploadIDLen:])) {
			return nil, false, fmt.Errorf("upload key %q: %w", k, errBadRecord)
		}
		id := string(k[len(k)-uploadIDLen:])
		parts, err := readParts(r, id)
		if err != nil {
			return nil, false, err
		}
		doomed = append(doomed, doomedUpload{key: k, id: id, parts: parts})
		records += 1 + 2*len(parts)
	}
	return doomed, false, it.Err()
}
