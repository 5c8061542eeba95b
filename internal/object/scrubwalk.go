package object

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// ScrubVersion is one stored object version as the scrubber walks it:
// what names it, and where its bytes are, read in one snapshot.
type ScrubVersion struct {
	Bucket, Key string
	// VersionID is the version's id ("null" for a null version).
	VersionID string
	// DataID names the version's bytes; damage records are keyed by it.
	DataID string
	// Size is the object's size in bytes.
	Size int64
	// Pos is the version's place in the walk: pass it as ScrubBatch's
	// cursor to continue after it.
	Pos []byte
	// Marked: a damage record exists for DataID (an earlier pass found
	// it damaged).
	Marked bool

	rec    *objectRecord
	segs   []segmentRecord
	inline []byte
	sealed bool
	// inlineErr, segsErr and recErr are why the inline record, the part
	// records or the object record itself could not be read: damage the
	// check reports, not walk errors.
	inlineErr, segsErr, recErr error
}

// Unreadable reports that v's object record itself could not be decoded:
// v then names only its bucket and key, and cannot be marked (reads of
// it fail already).
func (v ScrubVersion) Unreadable() bool { return v.recErr != nil }

// scrubTables are the tables the scrubber walks, in key order: current
// versions, then noncurrent versions (delete markers are skipped: they
// have no bytes).
var scrubTables = []byte{tableObject, tableVersion}

// ScrubBatch reads up to n object versions whose meta key comes after
// cursor (nil: from the first), in key order: every current version, then
// every noncurrent one. It returns the cursor to pass next, and done when
// the walk reached the end. Each call is one short read-only snapshot, so
// a walk never holds a long transaction; versions written or removed
// between calls may be seen or missed, as in any listing.
func (s *Service) ScrubBatch(ctx context.Context, cursor []byte, n int) (vs []ScrubVersion, next []byte, done bool, err error) {
	err = s.meta.View(ctx, func(r meta.Reader) error {
		vs, next, done = nil, cursor, false
		for _, t := range scrubTables {
			start, end := []byte{t}, []byte{t + 1}
			if len(cursor) > 0 && cursor[0] > t {
				continue
			}
			if len(cursor) > 0 && cursor[0] == t {
				start = append(append([]byte(nil), cursor...), 0)
			}
			more, err := scrubScan(r, start, end, n-len(vs), &vs, &next)
			if err != nil || more {
				return err
			}
		}
		done = true
		return nil
	})
	if err != nil {
		return nil, nil, false, fmt.Errorf("scrub walk: %w", err)
	}
	return vs, next, done, nil
}

// scrubScan appends up to n versions of [start, end) to vs and moves next
// past each; more reports that the range holds more than n.
func scrubScan(r meta.Reader, start, end []byte, n int, vs *[]ScrubVersion, next *[]byte) (more bool, err error) {
	it := r.Scan(start, end, meta.ScanOptions{})
	defer it.Close()
	for it.Next() {
		if n == 0 {
			return true, nil
		}
		k := it.Key()
		*next = append([]byte(nil), k...)
		v, err := scrubVersionAt(r, k, it.Value())
		if err != nil {
			return false, err
		}
		if v != nil {
			v.Pos = *next
			*vs = append(*vs, *v)
			n--
		}
	}
	return false, it.Err()
}

// scrubVersionAt decodes the version record under key k (nil for a
// delete marker) and reads where its bytes are.
func scrubVersionAt(r meta.Reader, k, val []byte) (*ScrubVersion, error) {
	bucket, key, ok := versionName(k)
	if !ok {
		return nil, fmt.Errorf("%w: version key %q", errBadRecord, k)
	}
	rec := &objectRecord{}
	if err := decodeObject(val, rec); err != nil {
		// Damaged metadata: reported, never a reason to stop the walk.
		return &ScrubVersion{Bucket: bucket, Key: key, recErr: err}, nil
	}
	if rec.DeleteMarker {
		return nil, nil
	}
	v := &ScrubVersion{Bucket: bucket, Key: key, VersionID: displayVersion(rec, true), DataID: rec.DataID, Size: rec.Size, rec: rec}
	marked, err := isDamaged(r, rec.DataID)
	if err != nil {
		return nil, err
	}
	v.Marked = marked
	switch {
	case rec.Inline:
		v.inline, v.sealed, v.inlineErr = readInline(r, rec.DataID)
	case rec.PartsCount > 0:
		v.segs, v.segsErr = readSegments(r, rec.DataID)
	}
	return v, nil
}

// versionName decodes the bucket and key of an 'O' or 'V' key.
func versionName(k []byte) (bucket, key string, ok bool) {
	if len(k) < 2 {
		return "", "", false
	}
	i := 1
	for i < len(k) && k[i] != 0 {
		i++
	}
	if i == len(k) {
		return "", "", false
	}
	bucket, rest := string(k[1:i]), k[i+1:]
	if k[0] == tableObject {
		return bucket, string(rest), true
	}
	if key, _, ok = unescapeKey(rest); !ok {
		return "", "", false
	}
	return bucket, key, true
}

// Blobs lists the blobs v's bytes live in (none for inline data).
func (v ScrubVersion) Blobs() []string {
	if v.rec == nil {
		return nil
	}
	if v.rec.Blob != "" {
		return []string{string(v.rec.Blob)}
	}
	ids := make([]string, 0, len(v.segs))
	for _, sg := range v.segs {
		ids = append(ids, string(sg.Blob))
	}
	return ids
}
