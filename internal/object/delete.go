package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// DeleteObject removes an object. Deleting a missing key succeeds, unless
// IfMatch is given: it is checked against the key's current version in the
// transaction that deletes, so that no write can come between. A key with
// no current object is ErrNoSuchKey, a different ETag ErrPreconditionFailed.
// The object's blobs are deleted after the commit.
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
	if err := checkVersionID(in.VersionID); err != nil {
		return DeleteOutput{}, err
	}
	verified, err := s.deleteMFA(ctx, in.Bucket, in.MFA, in.VersionID != "")
	if err != nil {
		return DeleteOutput{}, err
	}
	var (
		garbage []blob.ID
		out     DeleteOutput
	)
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		out, garbage, err = deleteIn(tx, b, in.Bucket, in, guard{now: s.clock.Now().UTC(), bypass: in.BypassGovernance, mfa: verified})
		return err
	})
	if err != nil {
		if errors.Is(err, meta.ErrConflict) && in.IfMatch != "" {
			// S3 answers 409 ConditionalRequestConflict to a conditional
			// delete that lost a race with another write of the key.
			err = fmt.Errorf("%w: %w", ErrConditionalConflict, err)
		}
		return DeleteOutput{}, err
	}
	s.deleteBlobs(ctx, garbage)
	return out, nil
}

// checkVersionID rejects a malformed version id before any work.
func checkVersionID(id string) error {
	if id == "" || id == NullVersionID {
		return nil
	}
	_, err := parseVersionID(id)
	return err
}

// deleteIn performs one delete in tx. Without a version id, a versioned
// bucket gets a delete marker and an unversioned one loses the object;
// with one, that version is removed for good. Deleting what is not there
// succeeds, unless IfMatch is given (checkDeleteCondition: the key's
// current version must exist and match). A protected version is
// ErrObjectLocked (g), with nothing changed; so is a version of a bucket
// with MFA Delete without a verified code (ErrMFARequired).
func deleteIn(tx meta.Txn, b bucketRecord, bucket string, in DeleteInput, g guard) (DeleteOutput, []blob.ID, error) {
	out := DeleteOutput{VersionID: in.VersionID}
	if err := mfaAllows(b, in.VersionID != "", g.mfa); err != nil {
		return out, nil, err
	}
	if in.IfMatch != "" {
		if err := checkDeleteCondition(tx, bucket, in.Key, in.IfMatch); err != nil {
			return out, nil, err
		}
	}
	loc, err := findVersion(tx, bucket, in.Key, in.VersionID)
	switch {
	case errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion):
		loc = nil
	case err != nil:
		return out, nil, err
	}
	if in.VersionID != "" {
		if loc == nil {
			return out, nil, nil
		}
		garbage, err := removeVersion(tx, bucket, in.Key, loc, g)
		out.DeleteMarker = loc.rec.DeleteMarker
		return out, garbage, err
	}
	if !b.versioned() {
		if loc == nil {
			return out, nil, nil
		}
		garbage, err := removeVersion(tx, bucket, in.Key, loc, g)
		return out, garbage, err
	}
	var cur *objectRecord
	if loc != nil && loc.current {
		cur = loc.rec
	}
	marker, garbage, err := addDeleteMarker(tx, b, bucket, in.Key, cur, g, b.Owner)
	if err != nil {
		return out, nil, err
	}
	return DeleteOutput{VersionID: displayVersion(marker, true), DeleteMarker: true}, garbage, nil
}

// deleteBatch is how many keys DeleteObjects removes per transaction: large
// enough to save most commits (each is a sync), small enough to keep a
// transaction short.
const deleteBatch = 250

// DeleteObjects deletes several keys of one bucket and reports each
// outcome; deleting a missing key succeeds. An ObjectID with IfMatch is a
// conditional delete, checked as DeleteObject checks it; a failed
// condition is that entry's error and the other entries go ahead. A
// missing bucket fails the whole call. Keys are deleted in batches, one
// transaction per batch.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, ids []ObjectID) ([]DeleteResult, error) {
	return s.DeleteVersions(ctx, DeleteObjectsInput{Bucket: bucket, Objects: ids})
}

// DeleteVersions is DeleteObjects with the options of DeleteObjectsInput.
// A version protected by Object Lock is an ErrObjectLocked entry; the
// other entries go ahead.
func (s *Service) DeleteVersions(ctx context.Context, in DeleteObjectsInput) ([]DeleteResult, error) {
	results, err := s.deleteObjects(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("delete objects in %s: %w", in.Bucket, err)
	}
	return results, nil
}

func (s *Service) deleteObjects(ctx context.Context, in DeleteObjectsInput) ([]DeleteResult, error) {
	bucket, ids := in.Bucket, in.Objects
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	versioned := false
	for _, id := range ids {
		versioned = versioned || id.VersionID != ""
	}
	// S3 fails the whole request when MFA is missing for a version
	// delete or is invalid, before deleting any key.
	verified, err := s.deleteMFA(ctx, bucket, in.MFA, versioned)
	if err != nil {
		return nil, err
	}
	results := make([]DeleteResult, len(ids))
	var valid []int
	for i, id := range ids {
		results[i].ObjectID = id
		err := validKey(id.Key)
		if err == nil {
			err = checkVersionID(id.VersionID)
		}
		if err != nil {
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
			b, err := getBucket(tx, bucket)
			if err != nil {
				return err
			}
			now := s.clock.Now().UTC()
			for _, i := range batch {
				results[i].Err, results[i].DeleteMarker, results[i].DeleteMarkerVersionID = nil, false, ""
				id := ids[i]
				g := guard{now: now, bypass: in.BypassGovernance || id.BypassGovernance, mfa: verified}
				out, blobs, err := deleteIn(tx, b, bucket, DeleteInput{Key: id.Key, VersionID: id.VersionID, IfMatch: id.IfMatch}, g)
				if entryError(err) {
					results[i].Err = err // nothing was changed for this entry
					continue
				}
				if err != nil {
					return err
				}
				garbage = append(garbage, blobs...)
				res := &results[i]
				res.DeleteMarker = out.DeleteMarker
				if out.DeleteMarker {
					res.DeleteMarkerVersionID = out.VersionID
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

// entryError reports whether err fails only its own entry of a
// DeleteObjects batch: deleteIn returns these before changing anything.
func entryError(err error) bool {
	return errors.Is(err, ErrObjectLocked) || errors.Is(err, ErrPreconditionFailed) || errors.Is(err, ErrNoSuchKey) ||
		errors.Is(err, ErrMFARequired)
}
