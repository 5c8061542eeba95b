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

// DeleteObjects deletes several keys of one bucket and reports each
// outcome. A missing bucket fails the whole call.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, ids []ObjectID) ([]DeleteResult, error) {
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return nil, fmt.Errorf("delete objects: %w", err)
	}
	results := make([]DeleteResult, len(ids))
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, err := s.DeleteObject(ctx, DeleteInput{Bucket: bucket, Key: id.Key, VersionID: id.VersionID})
		results[i] = DeleteResult{ObjectID: id, DeleteMarker: out.DeleteMarker, Err: err}
		if out.DeleteMarker {
			results[i].DeleteMarkerVersionID = out.VersionID
		}
	}
	return results, nil
}
