package object

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// VersionState is what a caller saw of a version when it judged it (the
// lifecycle engine, from a listing): TransitionVersion acts only on a
// version still in that state.
type VersionState struct {
	// ETag and LastModified tell one write from another, also for a null
	// version overwritten in place.
	ETag         string
	LastModified time.Time
	// StorageClass is the class the caller saw ("" or "STANDARD" for
	// STANDARD).
	StorageClass string
}

// TransitionVersion changes the storage class of one version (versionID
// "" for the latest, "null" for the null version) to class, and moves its
// bytes to class's tier (Options.Tiers), or to the main store for a class
// without one. The stored stream is copied as it is: encrypted bytes stay
// encrypted under the same keys. The version must still be in the state
// expect describes, else ErrVersionChanged and nothing changes.
//
// It is idempotent: a version already of class with its bytes in place
// returns nil. The record changes in one transaction, after the copy, and
// only if the version is unchanged; the old blobs are deleted after it.
// A crash between copy and commit leaves blobs in the tier that no record
// references, which CollectGarbage removes. Inline versions have no blob
// and change only their class.
func (s *Service) TransitionVersion(ctx context.Context, bucket, key, versionID string, expect VersionState, class string) error {
	if err := s.transition(ctx, bucket, key, versionID, expect, class); err != nil {
		return fmt.Errorf("transition %s/%s version %q to %s: %w", bucket, key, versionID, class, err)
	}
	return nil
}

func (s *Service) transition(ctx context.Context, bucket, key, versionID string, expect VersionState, class string) error {
	target, err := canonicalStorageClass(class)
	if err != nil {
		return err
	}
	want, err := canonicalStorageClass(expect.StorageClass)
	if err != nil {
		return err
	}
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	rec, segs, err := s.viewForTransition(ctx, bucket, key, versionID)
	if err != nil {
		return err
	}
	if rec.ETag != expect.ETag || !rec.Modified.Equal(expect.LastModified) {
		return ErrVersionChanged
	}
	tier := s.tierClass(target)
	ids := dataBlobs(rec, segs)
	if rec.StorageClass == target && !slices.ContainsFunc(ids, func(b dataBlob) bool { c, _ := splitLocated(b.id); return c != tier }) {
		return nil // done already
	}
	if rec.StorageClass != want {
		return ErrVersionChanged
	}
	moved, err := s.copyToTier(ctx, ids, tier)
	if err != nil {
		s.deleteBlobs(ctx, slices.Collect(maps.Values(moved)))
		if errors.Is(err, blob.ErrNotFound) {
			// A blob the record named is gone: the version was moved
			// (another transition) or replaced since it was read.
			err = fmt.Errorf("%w: %w", ErrVersionChanged, err)
		}
		return err
	}
	if s.transitionHook != nil {
		s.transitionHook()
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		return commitTransition(tx, bucket, key, versionID, rec, target, tier, moved)
	})
	if err != nil {
		// Nothing references the copies; a crash before this line leaves
		// them to CollectGarbage.
		s.deleteBlobs(ctx, slices.Collect(maps.Values(moved)))
		if errors.Is(err, meta.ErrConflict) {
			err = fmt.Errorf("%w: %w", ErrVersionChanged, err)
		}
		return err
	}
	s.deleteBlobs(ctx, slices.Collect(maps.Keys(moved)))
	return nil
}

// viewForTransition reads the version and, for a multipart one, its
// segments.
func (s *Service) viewForTransition(ctx context.Context, bucket, key, versionID string) (*objectRecord, []segmentRecord, error) {
	var (
		rec  *objectRecord
		segs []segmentRecord
	)
	err := s.meta.View(ctx, func(r meta.Reader) error {
		loc, err := readVersion(r, bucket, key, versionID)
		if err != nil {
			return err
		}
		rec = loc.rec
		if !rec.Inline && rec.PartsCount > 0 {
			segs, err = readSegments(r, rec.DataID)
		}
		return err
	})
	return rec, segs, err
}

// dataBlob is one blob of a version, and whether its payload is an sse
// stream (which the copy's flags must say, whatever the source store
// records).
type dataBlob struct {
	id        blob.ID
	encrypted bool
}

// dataBlobs lists the blobs of a version: its own or its segments'.
func dataBlobs(rec *objectRecord, segs []segmentRecord) []dataBlob {
	switch {
	case rec.Inline:
		return nil
	case rec.PartsCount == 0:
		return []dataBlob{{rec.Blob, rec.SSE != nil}}
	}
	ids := make([]dataBlob, len(segs))
	for i := range segs {
		ids[i] = dataBlob{segs[i].Blob, segs[i].SSE != nil}
	}
	return ids
}

// copyToTier copies every blob of ids not yet in tier into it, byte for
// byte with its flags, and returns the new located ids by old id. On
// error it returns the copies made so far, for the caller to delete.
func (s *Service) copyToTier(ctx context.Context, ids []dataBlob, tier string) (map[blob.ID]blob.ID, error) {
	moved := make(map[blob.ID]blob.ID, len(ids))
	for _, b := range ids {
		if c, _ := splitLocated(b.id); c == tier {
			continue
		}
		nid, err := s.copyBlob(ctx, b, tier)
		if err != nil {
			return moved, fmt.Errorf("copy blob %s: %w", b.id, err)
		}
		moved[b.id] = nid
	}
	return moved, nil
}

// copyBlob copies one blob into tier and returns the copy's located id.
func (s *Service) copyBlob(ctx context.Context, b dataBlob, tier string) (blob.ID, error) {
	src, err := s.openBlob(ctx, b.id)
	if err != nil {
		return "", err
	}
	defer src.Close()
	var flags blob.Flags
	if b.encrypted {
		flags = blob.FlagEncrypted
	}
	w, err := s.createIn(ctx, tier, flags)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(w, io.NewSectionReader(src, 0, src.Size())); err != nil {
		w.Abort()
		return "", err
	}
	nid, err := w.Commit(ctx)
	if err != nil {
		w.Abort()
		return "", err
	}
	return locatedID(tier, nid), nil
}

// commitTransition records a transition: the version must still be the
// one copied (same data, class and blobs); it gets class target, its
// moved blobs their new ids and references, and loses any restore.
func commitTransition(tx meta.Txn, bucket, key, versionID string, was *objectRecord, target, tier string, moved map[blob.ID]blob.ID) error {
	loc, err := readVersion(tx, bucket, key, versionID)
	if err != nil {
		return err
	}
	rec := loc.rec
	if rec.DataID != was.DataID || rec.StorageClass != was.StorageClass || rec.Blob != was.Blob {
		return ErrVersionChanged
	}
	ref := refRecord{Bucket: bucket, Key: key, DataID: rec.DataID}
	relink := func(id blob.ID) (blob.ID, error) {
		nid, ok := moved[id]
		if !ok {
			return id, nil
		}
		if err := tx.Delete(refKey(string(id))); err != nil {
			return "", err
		}
		return nid, setRef(tx, nid, ref)
	}
	switch {
	case rec.Inline:
	case rec.PartsCount == 0:
		if rec.Blob, err = relink(rec.Blob); err != nil {
			return err
		}
	default:
		segs, err := readSegments(tx, rec.DataID)
		if err != nil {
			return err
		}
		for i := range segs {
			// Every part must be one copied, or one already in place: a
			// concurrent transition may have moved the others.
			if _, ok := moved[segs[i].Blob]; !ok {
				if c, _ := splitLocated(segs[i].Blob); c != tier {
					return ErrVersionChanged
				}
			}
			if segs[i].Blob, err = relink(segs[i].Blob); err != nil {
				return err
			}
			sv, err := encodeRecord(&segs[i])
			if err != nil {
				return err
			}
			if err := tx.Set(segmentKey(rec.DataID, i+1), sv); err != nil {
				return err
			}
		}
	}
	rec.StorageClass = target
	rec.Restore = nil
	return rewriteVersion(tx, bucket, key, loc)
}
