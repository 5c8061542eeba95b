package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// version is a new object version ready to be recorded: its record and
// where its bytes are (inline bytes, the record's Blob, or segments).
type version struct {
	rec      objectRecord
	inline   []byte
	segments []segmentRecord
	// versioned is set by recordVersion: the bucket has or had versioning.
	versioned bool
	// lock is the lock the write asked for (nil: the bucket's default).
	lock *Lock
	// acl and ownerFull are the write's ACL and whether it was
	// bucket-owner-full-control (recordVersion applies them).
	acl       []acl.Grant
	ownerFull bool
}

// info describes the recorded version.
func (v *version) info(bucket, key string) ObjectInfo {
	return v.rec.infoIn(bucket, key, v.versioned)
}

// blobs lists the blobs a version's bytes live in.
func (v *version) blobs() []blob.ID {
	if v.rec.Blob != "" {
		return []blob.ID{v.rec.Blob}
	}
	ids := make([]blob.ID, 0, len(v.segments))
	for _, sg := range v.segments {
		ids = append(ids, sg.Blob)
	}
	return ids
}

// recordVersion makes v the current version of bucket/key in tx: it checks
// that the bucket exists and the write conditions hold against the current
// version, gives v its version id and moves or removes the version it
// replaces as the bucket's versioning state says (makeRoom), and writes
// v's records and references. It returns the blobs of removed versions,
// which the caller deletes once the transaction committed.
func recordVersion(tx meta.Txn, bucket, key string, v *version, cond WriteConditions) ([]blob.ID, error) {
	b, err := getBucket(tx, bucket)
	if err != nil {
		return nil, err
	}
	cur, err := getObjectRecord(tx, bucket, key)
	if err != nil && !errors.Is(err, ErrNoSuchKey) {
		return nil, err
	}
	if err := checkWriteConditions(cond, cur); err != nil {
		return nil, err
	}
	if err := applyLock(b, &v.rec, v.lock); err != nil {
		return nil, err
	}
	replaced, err := makeRoom(tx, b, bucket, key, cur, &v.rec, guard{now: v.rec.Modified})
	if err != nil {
		return nil, err
	}
	v.versioned = b.versioned()
	if b.Owner != "" {
		v.rec.Owner = b.ownership().ObjectOwner(b.Owner, v.rec.Owner, v.ownerFull)
	}
	if v.acl != nil && b.ownership().ACLsEnabled() {
		if err := setACL(tx, aclKey(v.rec.DataID), v.acl); err != nil {
			return nil, err
		}
	}
	if err := tx.Set(objectKey(bucket, key), encodeObject(&v.rec)); err != nil {
		return nil, err
	}
	if v.rec.Inline {
		format := recordV1
		if v.rec.SSE != nil {
			format = inlineSealedV1
		}
		if err := tx.Set(inlineKey(v.rec.DataID), append([]byte{format}, v.inline...)); err != nil {
			return nil, err
		}
	}
	for i := range v.segments {
		sv, err := encodeRecord(&v.segments[i])
		if err != nil {
			return nil, err
		}
		if err := tx.Set(segmentKey(v.rec.DataID, i+1), sv); err != nil {
			return nil, err
		}
	}
	ref := refRecord{Bucket: bucket, Key: key, DataID: v.rec.DataID}
	for _, id := range v.blobs() {
		if err := setRef(tx, id, ref); err != nil {
			return nil, err
		}
	}
	return replaced, nil
}

// removeData deletes the records holding an object version's bytes and the
// references to its blobs, and any damage mark, and returns those blobs.
func removeData(tx meta.Txn, rec *objectRecord) ([]blob.ID, error) {
	if err := tx.Delete(aclKey(rec.DataID)); err != nil {
		return nil, err
	}
	if err := tx.Delete(damageKey(rec.DataID)); err != nil {
		return nil, err
	}
	var ids []blob.ID
	switch {
	case rec.Inline:
		return nil, tx.Delete(inlineKey(rec.DataID))
	case rec.Blob != "":
		ids = append(ids, rec.Blob)
	case rec.PartsCount > 0:
		segs, err := readSegments(tx, rec.DataID)
		if err != nil {
			return nil, err
		}
		for i, sg := range segs {
			ids = append(ids, sg.Blob)
			if err := tx.Delete(segmentKey(rec.DataID, i+1)); err != nil {
				return nil, err
			}
		}
	}
	for _, id := range ids {
		if err := tx.Delete(refKey(string(id))); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// setRef records the owner of a blob.
func setRef(tx meta.Txn, id blob.ID, ref refRecord) error {
	v, err := encodeRecord(&ref)
	if err != nil {
		return err
	}
	return tx.Set(refKey(string(id)), v)
}

// getObjectRecord reads the current version of a key, or ErrNoSuchKey.
func getObjectRecord(r meta.Reader, bucket, key string) (*objectRecord, error) {
	v, err := r.Get(objectKey(bucket, key))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, ErrNoSuchKey
	}
	if err != nil {
		return nil, err
	}
	rec := &objectRecord{}
	if err := decodeObject(v, rec); err != nil {
		return nil, fmt.Errorf("object %s/%s: %w", bucket, key, err)
	}
	return rec, nil
}

// readSegments reads every segment record of a multipart object in order.
func readSegments(r meta.Reader, dataID string) ([]segmentRecord, error) {
	p := segmentPrefix(dataID)
	it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
	defer it.Close()
	var segs []segmentRecord
	for it.Next() {
		var sg segmentRecord
		if err := decodeRecord(it.Value(), &sg); err != nil {
			return nil, fmt.Errorf("segment of %s: %w", dataID, err)
		}
		segs = append(segs, sg)
	}
	return segs, it.Err()
}

// inlineSealedV1 starts an inline record whose bytes are an sse stream
// (the object record's SSE has the key); recordV1 starts one whose bytes
// are plaintext. The format byte and the object record must agree.
const inlineSealedV1 byte = 2

// readInline reads the bytes of an inline object and whether they are
// encrypted.
func readInline(r meta.Reader, dataID string) (data []byte, sealed bool, err error) {
	v, err := r.Get(inlineKey(dataID))
	if err != nil {
		return nil, false, fmt.Errorf("inline data %s: %w", dataID, err)
	}
	if len(v) == 0 || v[0] != recordV1 && v[0] != inlineSealedV1 {
		return nil, false, errBadRecord
	}
	return v[1:], v[0] == inlineSealedV1, nil
}

// commitVersion records v as the current version of bucket/key in one
// transaction and then deletes the blobs of the version it replaced.
func (s *Service) commitVersion(ctx context.Context, bucket, key string, v *version, cond WriteConditions) error {
	var garbage []blob.ID
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if err := s.currentWrap(v.rec.SSE, objectKeyContext(v.rec.DataID)); err != nil {
			return err
		}
		var err error
		garbage, err = recordVersion(tx, bucket, key, v, cond)
		return err
	})
	if err != nil {
		if errors.Is(err, meta.ErrConflict) && (cond != WriteConditions{}) {
			err = fmt.Errorf("%w: %w", ErrConditionalConflict, err)
		}
		return err
	}
	s.deleteBlobs(ctx, garbage)
	return nil
}

// checkBucketName maps a name that cannot be a bucket to ErrNoSuchBucket,
// which also keeps bytes such as 0x00 out of meta keys.
func checkBucketName(name string) error {
	if validBucketName(name) != nil {
		return ErrNoSuchBucket
	}
	return nil
}
