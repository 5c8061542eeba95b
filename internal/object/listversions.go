package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// ListObjectVersions lists every version and delete marker of a bucket:
// keys in order, and within a key newest first. It merges two ordered
// scans, the current versions ('O') and the others ('V'), each starting at
// the marker, so a page costs O(MaxKeys) records read however many
// versions the bucket or one key holds. Common prefixes are skipped with
// one seek per scan, as in ListObjects.
func (s *Service) ListObjectVersions(ctx context.Context, in ListVersionsInput) (*ListVersionsOutput, error) {
	out, err := s.listVersions(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list versions %s: %w", in.Bucket, err)
	}
	return out, nil
}

// versionScan is the state of one ListObjectVersions page.
type versionScan struct {
	in     ListVersionsInput
	bucket string
	oBase  []byte // start of the bucket's 'O' range
	vBase  []byte // start of the bucket's 'V' range
	o, v   *cursor
	oOK    bool
	vOK    bool
	// prevKey is the key of the last version seen; a 'V' record of the
	// same key is not the latest version.
	prevKey  string
	havePrev bool
	// now is the listing's time, against which restores are shown.
	now time.Time
}

func (s *Service) listVersions(ctx context.Context, in ListVersionsInput) (*ListVersionsOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	if in.MaxKeys < 0 {
		return nil, fmt.Errorf("%w: negative max-keys %d", ErrInvalidArgument, in.MaxKeys)
	}
	if in.VersionIDMarker != "" && in.KeyMarker == "" {
		return nil, fmt.Errorf("%w: a version-id marker cannot be specified without a key marker", ErrInvalidArgument)
	}
	if err := checkVersionID(in.VersionIDMarker); err != nil {
		return nil, err
	}
	limit := min(in.MaxKeys, maxListKeys)
	var out *ListVersionsOutput
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out = &ListVersionsOutput{}
		if _, err := getBucket(r, in.Bucket); err != nil {
			return err
		}
		if limit == 0 {
			return nil
		}
		sc, err := newVersionScan(r, in)
		if err != nil {
			return err
		}
		defer sc.close()
		sc.now = s.clock.Now()
		if err := sc.page(out, limit); err != nil {
			return err
		}
		return sc.close()
	})
	if err != nil {
		return nil, err
	}
	if !out.Truncated {
		out.NextKeyMarker, out.NextVersionIDMarker = "", ""
	}
	return out, nil
}

// newVersionScan opens both scans at the first entry after the markers.
func newVersionScan(r meta.Reader, in ListVersionsInput) (*versionScan, error) {
	sc := &versionScan{in: in, bucket: in.Bucket,
		oBase: bucketPrefix(tableObject, in.Bucket), vBase: bucketPrefix(tableVersion, in.Bucket)}
	oStart := objectKey(in.Bucket, in.Prefix)
	oEnd := prefixEnd(oStart)
	vStart := escapeKey(bytes.Clone(sc.vBase), in.Prefix)
	vEnd := prefixEnd(vStart)
	if km := in.KeyMarker; km != "" {
		oAfter := append(objectKey(in.Bucket, km), 0)
		vAfter := prefixEnd(versionKeyPrefix(in.Bucket, km)) // after every version of km
		if in.VersionIDMarker != "" {
			seq, err := markerSeq(r, in.Bucket, km, in.VersionIDMarker)
			if err != nil {
				return nil, err
			}
			if seq != nil {
				vAfter = append(versionKey(in.Bucket, km, seq), 0)
				sc.prevKey, sc.havePrev = km, true
			}
		}
		if bytes.Compare(oAfter, oStart) > 0 {
			oStart = oAfter
		}
		if bytes.Compare(vAfter, vStart) > 0 {
			vStart = vAfter
		}
	}
	sc.o, sc.v = newCursor(r, oStart, oEnd), newCursor(r, vStart, vEnd)
	sc.oOK, sc.vOK = sc.o.next(), sc.v.next()
	return sc, nil
}

// markerSeq returns the seq of the version a version-id marker names, or
// nil when that null version no longer exists (the listing then resumes
// after the key). A non-null id carries its seq, so a marker whose version
// was deleted meanwhile still resumes at the right place.
func markerSeq(r meta.Reader, bucket, key, versionID string) ([]byte, error) {
	if versionID != NullVersionID {
		return parseVersionID(versionID)
	}
	cur, err := getObjectRecord(r, bucket, key)
	switch {
	case err == nil && cur.VersionID == "":
		return seqOf(cur), nil
	case err != nil && !errors.Is(err, ErrNoSuchKey):
		return nil, err
	}
	return nullSeq(r, bucket, key)
}

func (sc *versionScan) close() error {
	err1, err2 := sc.o.close(), sc.v.close()
	if err1 != nil {
		return err1
	}
	return err2
}

// keys returns the keys the two scans are on ("" for an exhausted one).
func (sc *versionScan) keys() (oKey, vKey string, err error) {
	if sc.oOK {
		oKey = string(sc.o.it.Key()[len(sc.oBase):])
	}
	if sc.vOK {
		k, _, ok := unescapeKey(sc.v.it.Key()[len(sc.vBase):])
		if !ok {
			return "", "", fmt.Errorf("version key %q: %w", sc.v.it.Key(), errBadRecord)
		}
		vKey = k
	}
	return oKey, vKey, nil
}

// page fills out with up to limit versions and common prefixes.
func (sc *versionScan) page(out *ListVersionsOutput, limit int) error {
	in := sc.in
	count := 0
	for sc.oOK || sc.vOK {
		oKey, vKey, err := sc.keys()
		if err != nil {
			return err
		}
		fromO := sc.oOK && (!sc.vOK || oKey <= vKey)
		key := vKey
		if fromO {
			key = oKey
		}
		if in.Delimiter != "" {
			if i := strings.Index(key[len(in.Prefix):], in.Delimiter); i >= 0 {
				cp := key[:len(in.Prefix)+i+len(in.Delimiter)]
				if cp > in.KeyMarker {
					if count == limit {
						out.Truncated = true
						return nil
					}
					out.CommonPrefixes = append(out.CommonPrefixes, cp)
					out.NextKeyMarker, out.NextVersionIDMarker = cp, ""
					count++
				}
				if err := sc.skip(cp); err != nil {
					return err
				}
				continue
			}
		}
		if count == limit {
			out.Truncated = true
			return nil
		}
		var rec objectRecord
		cur := sc.v
		if fromO {
			cur = sc.o
		}
		if err := decodeObject(cur.it.Value(), &rec); err != nil {
			return fmt.Errorf("version of %s: %w", key, err)
		}
		info := rec.infoIn(sc.bucket, key, true)
		info.Restore = rec.Restore.statusAt(sc.now)
		info.IsLatest = fromO || !(sc.havePrev && sc.prevKey == key)
		sc.prevKey, sc.havePrev = key, true
		out.Versions = append(out.Versions, info)
		out.NextKeyMarker, out.NextVersionIDMarker = key, info.VersionID
		count++
		if fromO {
			sc.oOK = sc.o.next()
		} else {
			sc.vOK = sc.v.next()
		}
	}
	return nil
}

// skip moves both scans past every key that starts with the common prefix
// cp; a scan not inside cp stays where it is.
func (sc *versionScan) skip(cp string) error {
	if sc.oOK && bytes.HasPrefix(sc.o.it.Key(), objectKey(sc.bucket, cp)) {
		if err := sc.o.skipPrefix(objectKey(sc.bucket, cp)); err != nil {
			return err
		}
		sc.oOK = sc.o.next()
	}
	vp := escapeKey(bytes.Clone(sc.vBase), cp)
	if sc.vOK && bytes.HasPrefix(sc.v.it.Key(), vp) {
		if err := sc.v.skipPrefix(vp); err != nil {
			return err
		}
		sc.vOK = sc.v.next()
	}
	return nil
}
