package object

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Damage is a stored object version that the scrubber found damaged.
type Damage struct {
	Bucket, Key, VersionID string
	DataID                 string
	// Blob is the damaged blob ("" for inline data or the version as a
	// whole) and Problem what failed; neither holds key material.
	Blob    string
	Problem string
	// Found is when the damage was first recorded.
	Found time.Time
}

// damageRecord is the value under a damage key (recordV1 JSON). It lives
// beside the object record, keyed by the version's DataID, so the object
// record format is untouched and the mark leaves with the data
// (removeData deletes it).
type damageRecord struct {
	Bucket    string    `json:"bk"`
	Key       string    `json:"k"`
	VersionID string    `json:"v"`
	Blob      string    `json:"b,omitempty"`
	Problem   string    `json:"p"`
	Found     time.Time `json:"f"`
}

// errDamaged is why a read of a version marked damaged fails: the whole
// version is refused, ranges the damage does not touch included, since
// a version that failed its checks cannot be trusted anywhere.
var errDamaged = fmt.Errorf("%w: the version is marked damaged by the scrubber", errDataCorrupt)

// isDamaged reports whether a damage record exists for dataID.
func isDamaged(r meta.Reader, dataID string) (bool, error) {
	_, err := r.Get(damageKey(dataID))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, meta.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("damage record of %s: %w", dataID, err)
}

// damageHintTTL bounds how long a node trusts that the meta store holds
// no damage mark: marks made through this Service are seen at once, marks
// made through another node sharing the store within this.
const damageHintTTL = time.Second

// damageHint remembers that the meta store held no damage mark at all,
// the common case, so that reads skip looking up their version's mark
// (a meta read per GET otherwise). It works as accessCache does: a mark
// made here invalidates it after its commit, and a scan stores what it
// found only if no invalidation happened since it took the generation.
type damageHint struct {
	mu      sync.Mutex
	gen     uint64
	none    bool      // no mark was stored...
	checked time.Time // ...when this scan ran
}

// get reports whether a scan since notBefore found no mark, whether one
// ran since notBefore at all, and the generation to store a new one with.
func (h *damageHint) get(notBefore time.Time) (none, fresh bool, gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.checked.After(notBefore) {
		return h.none, true, h.gen
	}
	return false, false, h.gen
}

func (h *damageHint) put(none bool, gen uint64, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gen == gen {
		h.none, h.checked = none, now
	}
}

func (h *damageHint) invalidate() {
	h.mu.Lock()
	h.gen++
	h.none, h.checked = false, time.Time{}
	h.mu.Unlock()
}

// damageMayExist reports whether reads must look up damage marks: false
// only when the store held none within damageHintTTL. It scans for one
// at most once per damageHintTTL; if the scan fails, reads look.
func (s *Service) damageMayExist(ctx context.Context) bool {
	now := s.clock.Now()
	none, fresh, gen := s.damage.get(now.Add(-damageHintTTL))
	if fresh {
		return !none
	}
	found := true
	err := s.meta.View(ctx, func(r meta.Reader) error {
		it := r.Scan([]byte{tableDamage}, []byte{tableDamage + 1}, meta.ScanOptions{})
		defer it.Close()
		found = it.Next()
		return it.Err()
	})
	if err != nil {
		return true
	}
	s.damage.put(!found, gen, now)
	return found
}

// MarkDamaged records f against v, so reads of v fail and ListDamaged
// shows it. It records nothing and returns false when v is no longer
// stored (overwritten or deleted since it was walked: the check then saw
// its bytes vanish, which is no damage). An existing mark keeps its
// first Found time.
func (s *Service) MarkDamaged(ctx context.Context, v *ScrubVersion, f Finding) (bool, error) {
	stored := false
	// After the commit, whatever its outcome: reads must look for marks
	// from now on (damageHint).
	defer s.damage.invalidate()
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		var err error
		if stored, err = stillStored(tx, v); err != nil || !stored {
			return err
		}
		found := s.clock.Now().UTC()
		if old, err := tx.Get(damageKey(v.DataID)); err == nil {
			var d damageRecord
			if decodeRecord(old, &d) == nil {
				found = d.Found
			}
		}
		b, err := encodeRecord(&damageRecord{Bucket: v.Bucket, Key: v.Key, VersionID: v.VersionID,
			Blob: f.Blob, Problem: f.Problem, Found: found})
		if err != nil {
			return err
		}
		return tx.Set(damageKey(v.DataID), b)
	})
	if err != nil {
		return false, fmt.Errorf("mark %s/%s damaged: %w", v.Bucket, v.Key, err)
	}
	return stored, nil
}

// ClearDamaged removes v's damage mark: a later check found it intact
// (its blobs were restored from a copy).
func (s *Service) ClearDamaged(ctx context.Context, v *ScrubVersion) error {
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		return tx.Delete(damageKey(v.DataID))
	})
}

// stillStored reports whether the version v names still holds v's data.
func stillStored(r meta.Reader, v *ScrubVersion) (bool, error) {
	loc, err := findVersion(r, v.Bucket, v.Key, v.VersionID)
	var dm *DeleteMarkerError
	switch {
	case errors.Is(err, ErrNoSuchKey), errors.Is(err, ErrNoSuchVersion), errors.As(err, &dm):
		return false, nil
	case err != nil:
		return false, err
	}
	return loc.rec.DataID == v.DataID && !loc.rec.DeleteMarker, nil
}

// maxDamageList bounds ListDamaged: damage is rare, and a store with
// more damaged versions than this needs its operator, not a longer list.
const maxDamageList = 10000

// ListDamaged returns the versions marked damaged that are still stored,
// up to maxDamageList, in DataID order. Marks of versions since removed
// are skipped.
func (s *Service) ListDamaged(ctx context.Context) ([]Damage, error) {
	var out []Damage
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out = nil
		it := r.Scan([]byte{tableDamage}, []byte{tableDamage + 1}, meta.ScanOptions{})
		defer it.Close()
		for it.Next() && len(out) < maxDamageList {
			var d damageRecord
			if err := decodeRecord(it.Value(), &d); err != nil {
				return fmt.Errorf("damage record %q: %w", it.Key(), err)
			}
			dataID := string(it.Key()[1:])
			ok, err := stillStored(r, &ScrubVersion{Bucket: d.Bucket, Key: d.Key, VersionID: d.VersionID, DataID: dataID})
			if err != nil {
				return err
			}
			if ok {
				out = append(out, Damage{Bucket: d.Bucket, Key: d.Key, VersionID: d.VersionID, DataID: dataID,
					Blob: d.Blob, Problem: d.Problem, Found: d.Found})
			}
		}
		return it.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list damaged versions: %w", err)
	}
	return out, nil
}
