package object

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// ExpireAction is what Expire does to the version it names.
type ExpireAction uint8

// The actions of the lifecycle engine.
const (
	// ExpireCurrent expires the current version: removed in a bucket that
	// never had versioning, hidden behind a delete marker otherwise (a
	// null marker, replacing the null version, while versioning is
	// suspended).
	ExpireCurrent ExpireAction = iota + 1
	// ExpireNoncurrent permanently removes a noncurrent version or
	// delete marker.
	ExpireNoncurrent
	// ExpireDeleteMarker permanently removes a delete marker that is the
	// latest and only version of its key.
	ExpireDeleteMarker
)

// ExpireInput names the version a lifecycle rule judged and what to do to
// it. The action happens only if the version is still the one judged:
// VersionID (as listed: "" in a bucket that never had versioning) names a
// version whose LastModified is Modified, and it is still in the place
// the action needs (current; noncurrent; the only version). So a repeated
// or stale action changes nothing.
type ExpireInput struct {
	Bucket, Key string
	VersionID   string
	Modified    time.Time
	Action      ExpireAction
}

// ExpireOutput reports what Expire did. Done is false when the version
// was no longer the one judged (nothing changed). MarkerVersionID is the
// delete marker ExpireCurrent added ("" when it removed the object), Size
// the bytes of the version removed for good (0 for a marker or when the
// version was only hidden).
type ExpireOutput struct {
	Done            bool
	MarkerAdded     bool
	MarkerVersionID string
	Size            int64
}

// Expire performs one lifecycle action under its conditions, in one
// transaction. Object Lock wins: removing a protected version is
// ErrObjectLocked, with nothing changed (adding a delete marker in front
// of one is allowed, as in S3). A bucket with MFA Delete never loses a
// version this way: removing one is ErrMFARequired, as lifecycle cannot
// present a code.
func (s *Service) Expire(ctx context.Context, in ExpireInput) (ExpireOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return ExpireOutput{}, err
	}
	if err := checkVersionID(in.VersionID); err != nil {
		return ExpireOutput{}, err
	}
	var (
		out     ExpireOutput
		garbage []blob.ID
	)
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		out, garbage = ExpireOutput{}, nil
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		loc, err := findVersion(tx, in.Bucket, in.Key, in.VersionID)
		if errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion) {
			return nil
		}
		if err != nil {
			return err
		}
		ok, err := stillJudged(tx, in, loc)
		if err != nil || !ok {
			return err
		}
		g := guard{now: s.clock.Now().UTC()}
		if in.Action == ExpireCurrent && b.versioned() {
			marker, blobs, err := addDeleteMarker(tx, b, in.Bucket, in.Key, loc.rec, g, b.Owner)
			if err != nil {
				return err
			}
			garbage = blobs
			out = ExpireOutput{Done: true, MarkerAdded: true, MarkerVersionID: displayVersion(marker, true)}
			return nil
		}
		if err := mfaAllows(b, true, false); err != nil {
			return err
		}
		if garbage, err = removeVersion(tx, in.Bucket, in.Key, loc, g); err != nil {
			return err
		}
		out = ExpireOutput{Done: true, Size: loc.rec.Size}
		if loc.rec.DeleteMarker {
			out.Size = 0
		}
		return nil
	})
	if err != nil {
		return ExpireOutput{}, fmt.Errorf("expire %s/%s version %q: %w", in.Bucket, in.Key, in.VersionID, err)
	}
	s.deleteBlobs(ctx, garbage)
	return out, nil
}

// stillJudged reports whether loc is still the version in judged, in the
// place its action needs.
func stillJudged(r meta.Reader, in ExpireInput, loc *located) (bool, error) {
	if !loc.rec.Modified.Equal(in.Modified) {
		return false, nil
	}
	switch in.Action {
	case ExpireCurrent:
		return loc.current && !loc.rec.DeleteMarker, nil
	case ExpireNoncurrent:
		if loc.current {
			return false, nil
		}
		// The latest version lives in 'V' only when it is a delete
		// marker, and then it is the first 'V' record.
		if _, err := getObjectRecord(r, in.Bucket, in.Key); err == nil {
			return true, nil
		} else if !errors.Is(err, ErrNoSuchKey) {
			return false, err
		}
		first, err := firstNoncurrent(r, in.Bucket, in.Key)
		if err != nil || first == nil {
			return false, err
		}
		return seqString(first) != seqString(loc.rec), nil
	case ExpireDeleteMarker:
		if loc.current || !loc.rec.DeleteMarker {
			return false, nil
		}
		return onlyVersion(r, in.Bucket, in.Key)
	}
	return false, fmt.Errorf("object: unknown expire action %d", in.Action)
}

func seqString(rec *objectRecord) string { return string(seqOf(rec)) }

// onlyVersion reports whether key has exactly one version, which is a
// 'V' record (so no 'O' record).
func onlyVersion(r meta.Reader, bucket, key string) (bool, error) {
	if _, err := getObjectRecord(r, bucket, key); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrNoSuchKey) {
		return false, err
	}
	p := versionKeyPrefix(bucket, key)
	it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
	defer it.Close()
	n := 0
	for it.Next() {
		if n++; n > 1 {
			return false, nil
		}
	}
	return n == 1, it.Err()
}
