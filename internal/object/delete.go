package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// DeleteObject removes an object. Deleting a missing key succeeds, unless
// IfMatch is given: then a missing key is ErrNoSuchKey and a different ETag
// ErrPreconditionFailed. The object's blobs are deleted after the commit.
func (s *Service) DeleteObject(ctx context.Context, in DeleteInput) (DeleteOutput, error) {
	out, err := s.deleteObject(ctx, in)
	if err != nil {
		return DeleteOutput{}, fmt.Errorf("delete %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, nil
}

func (s *Service) deleteObject(ctx context.Context, in DeleteInput) (DeleteOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return DeleteOutput{}, err
	}
	if err := validKey(in.Key); err != nil {
		return DeleteOutput{}, err
	}
	var garbage []blob.ID
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		garbage = nil
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		rec, err := getVersion(tx, in.Bucket, in.Key, in.VersionID)
		switch {
		case errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion):
			if in.IfMatch != "" {
				return ErrNoSuchKey
			}
			return nil // deleting what is not there succeeds
		case err != nil:
			return err
		}
		if in.IfMatch != "" && !etagMatches(in.IfMatch, rec.ETag) {
			return ErrPreconditionFailed
		}
		if garbage, err = removeData(tx, rec); err != nil {
			return err
		}
		return tx.Delete(objectKey(in.Bucket, in.Key))
	})
	if err != nil {
		return DeleteOutput{}, err
	}
	s.deleteBlobs(ctx, garbage)
	return DeleteOutput{VersionID: in.VersionID}, nil
}

// deleteBatch is how many keys DeleteObjects removes per transaction: large
// enough to save most commits (each is a sync), small enough to keep a
// transaction short.
const deleteBatch = 250

// DeleteObjects deletes several keys of one bucket and reports each
// outcome; deleting a missing key succeeds. A missing bucket fails the
// whole call. Keys are deleted in batches, one transaction per batch.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, ids []ObjectID) ([]DeleteResult, error) {
	results, err := s.deleteObjects(ctx, bucket, ids)
	if err != nil {
		return nil, fmt.Errorf("delete objects in %s: %w", bucket, err)
	}
	return results, nil
}

func (s *Service) deleteObjects(ctx context.Context, bucket string, ids []ObjectID) ([]DeleteResult, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return nil, err
	}
	results := make([]DeleteResult, len(ids))
	var valid []int
	for i, id := range ids {
		results[i].ObjectID = id
		if err := validKey(id.Key); err != nil {
			results[i].Err = err
			continue
		}
		valid = append(valid, i)
	}
	for len(valid) > 0 {
		batch := valid[:min(deleteBatch, len(valid))]
		valid = valid[len(batch):]
		var garbage []blob.ID
		err := s.meta.Update(ctx, func(tx meta.Txn) error {
			garbage = nil
			if _, err := getBucket(tx, bucket); err != nil {
				return err
			}
			for _, i := range batch {
				rec, err := getVersion(tx, bucket, ids[i].Key, ids[i].VersionID)
				switch {
				case errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion):
					continue
				case err != nil:
					return err
				}
				blobs, err := removeData(tx, rec)
				if err != nil {
					return err
				}
				garbage = append(garbage, blobs...)
				if err := tx.Delete(objectKey(bucket, ids[i].Key)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		s.deleteBlobs(ctx, garbage)
	}
	return results, nil
}
