package object

import (
	"context"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Archive classes: S3 keeps GLACIER and DEEP_ARCHIVE versions offline.
// Their bytes cannot be read (GetObject, CopyObject and UploadPartCopy
// from them are ErrInvalidObjectState) until a RestoreObject brings a
// temporary copy back for a number of days. coffer records the restore
// in the version's record (restoreRecord); the bytes are read from where
// they are kept (the class's tier or the main store) while the restore
// lasts, and RestoreObject copies nothing.

// isArchive reports whether class keeps its versions offline.
func isArchive(class string) bool {
	return class == StorageGlacier || class == StorageDeepArchive
}

// readable reports whether rec's bytes may be read at now: always, but
// for an archived version outside a completed, unexpired restore.
func readable(rec *objectRecord, now time.Time) bool {
	if !isArchive(rec.StorageClass) {
		return true
	}
	r := rec.Restore
	return r != nil && !now.Before(r.Ready) && now.Before(r.Expiry)
}

// status is the restore as stored, taking a restore as complete; reads
// that know the time use statusAt.
func (r *restoreRecord) status() *RestoreStatus {
	if r == nil {
		return nil
	}
	return &RestoreStatus{Expiry: r.Expiry}
}

// statusAt is the restore's state at now: nil once it expired.
func (r *restoreRecord) statusAt(now time.Time) *RestoreStatus {
	switch {
	case r == nil || !now.Before(r.Expiry):
		return nil
	case now.Before(r.Ready):
		return &RestoreStatus{Ongoing: true}
	}
	return &RestoreStatus{Expiry: r.Expiry}
}

// restoreExpiry is when a copy restored at t for days days expires: S3
// adds the days and rounds up to the next midnight UTC, as it does for
// lifecycle expiration dates.
func restoreExpiry(t time.Time, days int) time.Time {
	end := t.UTC().Add(time.Duration(days) * 24 * time.Hour)
	day := end.Truncate(24 * time.Hour)
	if day.Equal(end) {
		return day
	}
	return day.Add(24 * time.Hour)
}

// MaxRestoreDays bounds RestoreInput.Days; S3 documents no bound, and
// this keeps the expiry far from time.Time's range.
const MaxRestoreDays = 100000

// Retrieval tiers of a restore (RestoreInput.Tier).
const (
	RestoreExpedited = "Expedited"
	RestoreStandard  = "Standard"
	RestoreBulk      = "Bulk"
)

// restoreTime is how long a restore of a class's version at a retrieval
// tier takes in S3: the upper end of the time AWS documents, in 24-hour
// days. GLACIER: Expedited 1–5 minutes, Standard 3–5 hours, Bulk 5–12
// hours; DEEP_ARCHIVE: Standard within 12 hours, Bulk within 48 hours, and
// no Expedited (ErrInvalidArgument). "" is Standard, S3's default.
func restoreTime(class, tier string) (time.Duration, error) {
	deep := class == StorageDeepArchive
	switch tier {
	case RestoreExpedited:
		if deep {
			return 0, fmt.Errorf("%w: Expedited retrievals are not available for %s objects", ErrInvalidArgument, class)
		}
		return 5 * time.Minute, nil
	case RestoreStandard, "":
		if deep {
			return 12 * time.Hour, nil
		}
		return 5 * time.Hour, nil
	case RestoreBulk:
		if deep {
			return 48 * time.Hour, nil
		}
		return 12 * time.Hour, nil
	}
	return 0, fmt.Errorf("%w: restore tier %q", ErrInvalidArgument, tier)
}

// restoreDelay is how long a restore of class at tier takes on this
// server: restoreTime scaled by Options.RestoreDay.
func (s *Service) restoreDelay(class, tier string) (time.Duration, error) {
	d, err := restoreTime(class, tier)
	if err != nil || s.restoreDay == 0 {
		return 0, err
	}
	return time.Duration(float64(d) / float64(24*time.Hour) * float64(s.restoreDay)), nil
}

// RestoreInput is a RestoreObject request: restore a copy of an archived
// version for Days days, at retrieval tier Tier ("": Standard).
type RestoreInput struct {
	Bucket, Key, VersionID string
	Days                   int
	Tier                   string
}

// RestoreOutput says how RestoreObject went.
type RestoreOutput struct {
	// Started: this request started the restore (S3's 202 Accepted);
	// false when a completed restore was extended (200 OK).
	Started bool
	// VersionID is the version's id as the response shows it.
	VersionID string
}

// RestoreObject restores a temporary copy of a GLACIER or DEEP_ARCHIVE
// version for in.Days days, counted from the restore's completion (or,
// for a restored version, from now: a second request extends it), with
// the expiry rounded up to midnight UTC. A version of another class is
// ErrInvalidObjectState, a restore not yet complete ErrRestoreInProgress
// (whatever the tier: S3's speed upgrade of a restore in progress is not
// offered). The restore completes its tier's time after the request (see
// Options.RestoreDay); the copy expires by itself (ExpireRestores clears
// the state).
func (s *Service) RestoreObject(ctx context.Context, in RestoreInput) (RestoreOutput, error) {
	out, err := s.restore(ctx, in)
	if err != nil {
		return RestoreOutput{}, fmt.Errorf("restore %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, nil
}

func (s *Service) restore(ctx context.Context, in RestoreInput) (RestoreOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return RestoreOutput{}, err
	}
	if err := validKey(in.Key); err != nil {
		return RestoreOutput{}, err
	}
	if in.Days < 1 || in.Days > MaxRestoreDays {
		return RestoreOutput{}, fmt.Errorf("%w: restore days %d", ErrInvalidArgument, in.Days)
	}
	var out RestoreOutput
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		loc, err := readVersion(tx, in.Bucket, in.Key, in.VersionID)
		if err != nil {
			return err
		}
		rec := loc.rec
		if !isArchive(rec.StorageClass) {
			return ErrInvalidObjectState
		}
		now := s.clock.Now()
		out = RestoreOutput{VersionID: displayVersion(rec, b.versioned())}
		switch st := rec.Restore.statusAt(now); {
		case st == nil:
			delay, err := s.restoreDelay(rec.StorageClass, in.Tier)
			if err != nil {
				return err
			}
			ready := now.Add(delay)
			rec.Restore = &restoreRecord{Ready: ready.UTC(), Expiry: restoreExpiry(ready, in.Days)}
			out.Started = true
		case st.Ongoing:
			return ErrRestoreInProgress
		default:
			rec.Restore.Expiry = restoreExpiry(now, in.Days)
		}
		if err := putRestoreItem(tx, in.Bucket, in.Key, rec); err != nil {
			return err
		}
		return rewriteVersion(tx, in.Bucket, in.Key, loc)
	})
	return out, err
}
