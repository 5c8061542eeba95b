package object

import (
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// This file keeps one key's version history in meta: the current version
// in 'O', the others in 'V' (keys.go states the invariants). Every function
// here runs inside the caller's transaction.

// located is a version found by findVersion.
type located struct {
	rec *objectRecord
	// current is true for the 'O' record, false for a 'V' record.
	current bool
}

// firstNoncurrent returns key's newest 'V' record, or nil if it has none.
func firstNoncurrent(r meta.Reader, bucket, key string) (*objectRecord, error) {
	p := versionKeyPrefix(bucket, key)
	it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
	defer it.Close()
	if !it.Next() {
		return nil, it.Err()
	}
	rec := &objectRecord{}
	if err := decodeObject(it.Value(), rec); err != nil {
		return nil, fmt.Errorf("version of %s/%s: %w", bucket, key, err)
	}
	return rec, nil
}

// getNoncurrent reads the 'V' record with seq, or returns ErrNoSuchVersion.
func getNoncurrent(r meta.Reader, bucket, key string, seq []byte) (*objectRecord, error) {
	v, err := r.Get(versionKey(bucket, key, seq))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, ErrNoSuchVersion
	}
	if err != nil {
		return nil, err
	}
	rec := &objectRecord{}
	if err := decodeObject(v, rec); err != nil {
		return nil, fmt.Errorf("version of %s/%s: %w", bucket, key, err)
	}
	return rec, nil
}

// nullSeq returns the seq of key's null version while it is a 'V' record,
// or nil.
func nullSeq(r meta.Reader, bucket, key string) ([]byte, error) {
	v, err := r.Get(nullKey(bucket, key))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(v) != 1+seqLen || v[0] != recordV1 {
		return nil, fmt.Errorf("null pointer of %s/%s: %w", bucket, key, errBadRecord)
	}
	return v[1:], nil
}

// putNoncurrent writes rec as a 'V' record of key.
func putNoncurrent(tx meta.Txn, bucket, key string, rec *objectRecord) error {
	seq := seqOf(rec)
	if err := tx.Set(versionKey(bucket, key, seq), encodeObject(rec)); err != nil {
		return err
	}
	if rec.VersionID == "" {
		return tx.Set(nullKey(bucket, key), append([]byte{recordV1}, seq...))
	}
	return nil
}

// dropNoncurrent deletes rec's 'V' record.
func dropNoncurrent(tx meta.Txn, bucket, key string, rec *objectRecord) error {
	if err := tx.Delete(versionKey(bucket, key, seqOf(rec))); err != nil {
		return err
	}
	if rec.VersionID == "" {
		return tx.Delete(nullKey(bucket, key))
	}
	return nil
}

// findVersion finds the version versionID names: "" is the latest version
// (which may be a delete marker), "null" the null version, anything else
// must be a well-formed id (ErrInvalidVersionID). A version that does not
// exist is ErrNoSuchKey for "" and ErrNoSuchVersion otherwise.
func findVersion(r meta.Reader, bucket, key, versionID string) (*located, error) {
	var seq []byte
	if versionID != "" && versionID != NullVersionID {
		var err error
		if seq, err = parseVersionID(versionID); err != nil {
			return nil, err
		}
	}
	cur, err := getObjectRecord(r, bucket, key)
	if err != nil && !errors.Is(err, ErrNoSuchKey) {
		return nil, err
	}
	switch {
	case versionID == "":
		if cur != nil {
			return &located{rec: cur, current: true}, nil
		}
		first, err := firstNoncurrent(r, bucket, key)
		if err != nil {
			return nil, err
		}
		if first == nil {
			return nil, ErrNoSuchKey
		}
		return &located{rec: first}, nil
	case versionID == NullVersionID:
		if cur != nil && cur.VersionID == "" {
			return &located{rec: cur, current: true}, nil
		}
		if seq, err = nullSeq(r, bucket, key); err != nil {
			return nil, err
		}
		if seq == nil {
			return nil, ErrNoSuchVersion
		}
	case cur != nil && cur.VersionID == versionID:
		return &located{rec: cur, current: true}, nil
	}
	rec, err := getNoncurrent(r, bucket, key, seq)
	if err != nil {
		return nil, err
	}
	if versionID != NullVersionID && rec.VersionID != versionID {
		return nil, ErrNoSuchVersion
	}
	return &located{rec: rec}, nil
}

// readVersion is findVersion for operations that need an object: a delete
// marker is ErrNoSuchKey when it is the latest version and no id was
// given, ErrMethodNotAllowed when named by its id (both as a
// *DeleteMarkerError carrying its headers).
func readVersion(r meta.Reader, bucket, key, versionID string) (*located, error) {
	loc, err := findVersion(r, bucket, key, versionID)
	if err != nil {
		return nil, err
	}
	if m := loc.rec; m.DeleteMarker {
		dm := &DeleteMarkerError{VersionID: displayVersion(m, true), LastModified: m.Modified, Err: ErrMethodNotAllowed}
		if versionID == "" {
			dm.Err = ErrNoSuchKey
		}
		return nil, dm
	}
	return loc, nil
}

// latestSeq returns the seq of key's newest version (nil if none): cur's,
// else the first 'V' record's, which only a versioned bucket has.
func latestSeq(r meta.Reader, b bucketRecord, bucket, key string, cur *objectRecord) ([]byte, error) {
	if cur != nil {
		return seqOf(cur), nil
	}
	if !b.versioned() {
		return nil, nil
	}
	first, err := firstNoncurrent(r, bucket, key)
	if err != nil || first == nil {
		return nil, err
	}
	return seqOf(first), nil
}

// removeNull permanently removes key's null version if it is a 'V' record
// (the 'O' one is the caller's), returning the blobs it used. A protected
// version is ErrObjectLocked (g).
func removeNull(tx meta.Txn, bucket, key string, g guard) ([]blob.ID, error) {
	seq, err := nullSeq(tx, bucket, key)
	if err != nil || seq == nil {
		return nil, err
	}
	rec, err := getNoncurrent(tx, bucket, key, seq)
	if err != nil {
		return nil, fmt.Errorf("null version of %s/%s: %w", bucket, key, err)
	}
	if err := g.check(rec); err != nil {
		return nil, err
	}
	if err := dropNoncurrent(tx, bucket, key, rec); err != nil {
		return nil, err
	}
	return removeData(tx, rec)
}

// makeRoom prepares key's history for rec, about to become the current
// version (the caller writes it to 'O'): it gives rec its seq and version
// id and moves or removes the version it replaces, as the bucket's
// versioning state says. cur is the current 'O' record or nil. It returns
// the blobs of removed versions. Removing a protected version is
// ErrObjectLocked (g).
func makeRoom(tx meta.Txn, b bucketRecord, bucket, key string, cur, rec *objectRecord, g guard) ([]blob.ID, error) {
	latest, err := latestSeq(tx, b, bucket, key, cur)
	if err != nil {
		return nil, err
	}
	rec.Seq = newSeq(rec.Modified, latest)
	rec.VersionID = ""
	switch b.Versioning {
	case VersioningEnabled:
		rec.VersionID = encodeVersionID(rec.Seq)
		if cur != nil {
			return nil, putNoncurrent(tx, bucket, key, cur)
		}
		return nil, nil
	case VersioningSuspended:
		// The new null version replaces the old one, wherever it is.
		if cur != nil && cur.VersionID != "" {
			if err := putNoncurrent(tx, bucket, key, cur); err != nil {
				return nil, err
			}
			return removeNull(tx, bucket, key, g)
		}
		garbage, err := removeNull(tx, bucket, key, g)
		if err != nil || cur == nil {
			return garbage, err
		}
		if err := g.check(cur); err != nil {
			return nil, err
		}
		more, err := removeData(tx, cur)
		return append(garbage, more...), err
	}
	if cur == nil {
		return nil, nil
	}
	if err := g.check(cur); err != nil {
		return nil, err
	}
	return removeData(tx, cur)
}

// addDeleteMarker makes a new delete marker key's latest version in a
// versioned bucket: the current version becomes noncurrent (or, while
// versioning is suspended, the null version is removed and the marker is
// the new null version). cur is the 'O' record or nil. Removing a
// protected null version is ErrObjectLocked (g); hiding a protected
// version behind a marker is allowed, as in S3.
func addDeleteMarker(tx meta.Txn, b bucketRecord, bucket, key string, cur *objectRecord, g guard, owner string) (*objectRecord, []blob.ID, error) {
	now := g.now
	marker := &objectRecord{DeleteMarker: true, Modified: now, Owner: owner}
	latest, err := latestSeq(tx, b, bucket, key, cur)
	if err != nil {
		return nil, nil, err
	}
	marker.Seq = newSeq(now, latest)
	var garbage []blob.ID
	if b.Versioning == VersioningEnabled {
		marker.VersionID = encodeVersionID(marker.Seq)
	} else if garbage, err = removeNull(tx, bucket, key, g); err != nil {
		return nil, nil, err
	}
	if cur != nil {
		suspendedNull := cur.VersionID == "" && b.Versioning == VersioningSuspended
		if suspendedNull {
			if err := g.check(cur); err != nil {
				return nil, nil, err
			}
		}
		if err := tx.Delete(objectKey(bucket, key)); err != nil {
			return nil, nil, err
		}
		if suspendedNull {
			more, err := removeData(tx, cur)
			if err != nil {
				return nil, nil, err
			}
			garbage = append(garbage, more...)
		} else if err := putNoncurrent(tx, bucket, key, cur); err != nil {
			return nil, nil, err
		}
	}
	return marker, garbage, putNoncurrent(tx, bucket, key, marker)
}

// removeVersion permanently removes a located version and, if it was the
// current one or the latest delete marker, makes the next version current
// when that is an object. It returns the blobs the version used. A
// protected version is ErrObjectLocked (g), checked before any change.
func removeVersion(tx meta.Txn, bucket, key string, loc *located, g guard) ([]blob.ID, error) {
	if err := g.check(loc.rec); err != nil {
		return nil, err
	}
	if loc.current {
		if err := tx.Delete(objectKey(bucket, key)); err != nil {
			return nil, err
		}
	} else if err := dropNoncurrent(tx, bucket, key, loc.rec); err != nil {
		return nil, err
	}
	garbage, err := removeData(tx, loc.rec)
	if err != nil {
		return nil, err
	}
	return garbage, promote(tx, bucket, key)
}

// promote restores the invariant that a key whose newest version is an
// object has it in 'O': if 'O' is empty and the newest 'V' record is not a
// delete marker, that record moves to 'O'.
func promote(tx meta.Txn, bucket, key string) error {
	if _, err := tx.Get(objectKey(bucket, key)); err == nil {
		return nil
	} else if !errors.Is(err, meta.ErrNotFound) {
		return err
	}
	first, err := firstNoncurrent(tx, bucket, key)
	if err != nil || first == nil || first.DeleteMarker {
		return err
	}
	if err := dropNoncurrent(tx, bucket, key, first); err != nil {
		return err
	}
	return tx.Set(objectKey(bucket, key), encodeObject(first))
}

// rewriteVersion stores a located version's changed record in place.
func rewriteVersion(tx meta.Txn, bucket, key string, loc *located) error {
	if loc.current {
		return tx.Set(objectKey(bucket, key), encodeObject(loc.rec))
	}
	return tx.Set(versionKey(bucket, key, seqOf(loc.rec)), encodeObject(loc.rec))
}
