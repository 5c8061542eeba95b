package object

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

func TestRestoreExpiry(t *testing.T) {
	tests := []struct {
		at   time.Time
		days int
		want time.Time
	}{
		{time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), 1, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 2, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), 1, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 1, 1, 0, 0, 0, time.FixedZone("X", 3*3600)), 1, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := restoreExpiry(tt.at, tt.days); !got.Equal(tt.want) {
			t.Errorf("restoreExpiry(%v, %d) = %v, want %v", tt.at, tt.days, got, tt.want)
		}
	}
}

// TestRestoreTime: each retrieval tier takes the upper end of the time
// AWS documents for the class, scaled by the restore day, and Expedited
// is refused for DEEP_ARCHIVE.
func TestRestoreTime(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		class, tier string
		restoreDay  time.Duration
		want        time.Duration
		err         error
	}{
		{StorageGlacier, RestoreExpedited, day, 5 * time.Minute, nil},
		{StorageGlacier, RestoreStandard, day, 5 * time.Hour, nil},
		{StorageGlacier, "", day, 5 * time.Hour, nil},
		{StorageGlacier, RestoreBulk, day, 12 * time.Hour, nil},
		{StorageDeepArchive, RestoreStandard, day, 12 * time.Hour, nil},
		{StorageDeepArchive, "", day, 12 * time.Hour, nil},
		{StorageDeepArchive, RestoreBulk, day, 48 * time.Hour, nil},
		{StorageDeepArchive, RestoreExpedited, day, 0, ErrInvalidArgument},
		{StorageGlacier, "Fast", day, 0, ErrInvalidArgument},
		// A two-second lifecycle day: Bulk from GLACIER takes half a day.
		{StorageGlacier, RestoreBulk, 2 * time.Second, time.Second, nil},
		{StorageDeepArchive, RestoreBulk, 2 * time.Second, 4 * time.Second, nil},
		{StorageGlacier, RestoreExpedited, 2 * time.Second, 2 * time.Second * 5 / (24 * 60), nil},
		// No restore day: at once, but the tier is still checked.
		{StorageDeepArchive, RestoreBulk, 0, 0, nil},
		{StorageDeepArchive, RestoreExpedited, 0, 0, ErrInvalidArgument},
	}
	for _, tt := range tests {
		s := &Service{restoreDay: tt.restoreDay}
		got, err := s.restoreDelay(tt.class, tt.tier)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("restoreDelay(%s, %q) with a %v day = %v, %v; want %v, %v", tt.class, tt.tier, tt.restoreDay, got, err, tt.want, tt.err)
		}
	}
}

// TestRestoreObject_tiers: on a 24-hour day, a Bulk restore of a
// DEEP_ARCHIVE version is in progress (unreadable, x-amz-restore
// ongoing) until 48 hours after the request; an Expedited one is refused
// and starts nothing.
func TestRestoreObject_tiers(t *testing.T) {
	e := newEnv(t, noInline, func(o *Options) { o.RestoreDay = 24 * time.Hour })
	ctx := context.Background()
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "deep", Body: strings.NewReader("archived"), Size: 8, StorageClass: StorageDeepArchive})
	checkErr(t, "PutObject(DEEP_ARCHIVE)", err, nil)
	_, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "deep", Days: 1, Tier: RestoreExpedited})
	checkErr(t, "RestoreObject(Expedited)", err, ErrInvalidArgument)
	head, _ := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "deep"})
	if head.Info.Restore != nil {
		t.Errorf("HeadObject Restore = %+v after a refused restore, want none", head.Info.Restore)
	}
	start := e.clock.Now()
	out, err := e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "deep", Days: 1, Tier: RestoreBulk})
	checkErr(t, "RestoreObject(Bulk)", err, nil)
	if !out.Started {
		t.Error("RestoreObject(Bulk) Started = false")
	}
	e.clock.Set(start.Add(48*time.Hour - time.Second))
	head, _ = e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "deep"})
	if r := head.Info.Restore; r == nil || !r.Ongoing {
		t.Errorf("HeadObject Restore = %+v a second before 48 hours, want ongoing", r)
	}
	_, err = e.read("bkt", "deep")
	checkErr(t, "GetObject while ongoing", err, ErrInvalidObjectState)
	e.clock.Set(start.Add(48 * time.Hour))
	head, _ = e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "deep"})
	if r := head.Info.Restore; r == nil || r.Ongoing {
		t.Errorf("HeadObject Restore = %+v at 48 hours, want done", r)
	}
	if got, err := e.read("bkt", "deep"); err != nil || got != "archived" {
		t.Errorf("GetObject once restored = %q, %v", got, err)
	}
}

// TestRestoreObject_flow takes a GLACIER object through a restore with a
// delay: unreadable, in progress (409 on a second request), readable with
// its expiry, extended, then expired by the sweep and unreadable again.
func TestRestoreObject_flow(t *testing.T) {
	// A fifth of a day: a Standard restore of GLACIER (5 hours) takes 1.
	e := newEnv(t, noInline, func(o *Options) { o.RestoreDay = 24 * time.Hour / 5 })
	ctx := context.Background()
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "cold", Body: strings.NewReader("archived"), Size: 8, StorageClass: StorageGlacier})
	checkErr(t, "PutObject(GLACIER)", err, nil)
	e.put(t, "bkt", "warm", "online")

	_, err = e.read("bkt", "cold")
	checkErr(t, "GetObject before restore", err, ErrInvalidObjectState)
	_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "cold", DstBucket: "bkt", DstKey: "copy"})
	checkErr(t, "CopyObject before restore", err, ErrInvalidObjectState)
	head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "cold"})
	checkErr(t, "HeadObject before restore", err, nil)
	if head.Info.Restore != nil {
		t.Errorf("HeadObject Restore = %+v before any restore, want nil", head.Info.Restore)
	}
	_, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "warm", Days: 1})
	checkErr(t, "RestoreObject(STANDARD)", err, ErrInvalidObjectState)
	_, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "cold", Days: 0})
	checkErr(t, "RestoreObject(0 days)", err, ErrInvalidArgument)

	out, err := e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "cold", Days: 2})
	checkErr(t, "RestoreObject", err, nil)
	if !out.Started {
		t.Errorf("first RestoreObject Started = false, want true (202)")
	}
	_, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "cold", Days: 2})
	checkErr(t, "RestoreObject while ongoing", err, ErrRestoreInProgress)
	head, _ = e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "cold"})
	if head.Info.Restore == nil || !head.Info.Restore.Ongoing {
		t.Errorf("HeadObject Restore = %+v while ongoing, want ongoing", head.Info.Restore)
	}
	_, err = e.read("bkt", "cold")
	checkErr(t, "GetObject while ongoing", err, ErrInvalidObjectState)

	e.clock.Advance(time.Hour) // 13:00 on March 1st: done, expires 2 days later at midnight
	wantExpiry := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	head, _ = e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "cold"})
	if r := head.Info.Restore; r == nil || r.Ongoing || !r.Expiry.Equal(wantExpiry) {
		t.Errorf("HeadObject Restore = %+v once done, want expiry %v", r, wantExpiry)
	}
	if got, err := e.read("bkt", "cold"); err != nil || got != "archived" {
		t.Errorf("GetObject once restored = %q, %v", got, err)
	}

	// A second request extends the copy from now, and answers 200.
	e.clock.Advance(24 * time.Hour)
	out, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "cold", Days: 3})
	checkErr(t, "RestoreObject again", err, nil)
	if out.Started {
		t.Errorf("extending RestoreObject Started = true, want false (200)")
	}
	wantExpiry = time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
	head, _ = e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "cold"})
	if r := head.Info.Restore; r == nil || !r.Expiry.Equal(wantExpiry) {
		t.Errorf("HeadObject Restore = %+v after extension, want expiry %v", r, wantExpiry)
	}

	// The first expiry passes: the sweep finds the old item and keeps the
	// extended restore.
	e.clock.Set(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC))
	if n, err := e.s.ExpireRestores(ctx); err != nil || n != 0 {
		t.Errorf("ExpireRestores at the old expiry = %d, %v; want 0", n, err)
	}
	if _, err := e.read("bkt", "cold"); err != nil {
		t.Errorf("GetObject before the extended expiry: %v", err)
	}
	e.clock.Set(wantExpiry)
	_, err = e.read("bkt", "cold")
	checkErr(t, "GetObject at expiry", err, ErrInvalidObjectState)
	if n, err := e.s.ExpireRestores(ctx); err != nil || n != 1 {
		t.Errorf("ExpireRestores = %d, %v; want 1", n, err)
	}
	if n, err := e.s.ExpireRestores(ctx); err != nil || n != 0 {
		t.Errorf("ExpireRestores again = %d, %v; want 0", n, err)
	}
	loc := e.record(t, "bkt", "cold")
	if loc.Restore != nil {
		t.Errorf("record keeps its restore after the sweep: %+v", loc.Restore)
	}
	// And it can be restored again, at once with no delay left to wait.
	out, err = e.s.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "cold", Days: 1})
	if err != nil || !out.Started {
		t.Errorf("RestoreObject after expiry = %+v, %v; want started", out, err)
	}
}

// record reads the current record of bucket/key.
func (e *env) record(t *testing.T, bucket, key string) *objectRecord {
	t.Helper()
	var rec *objectRecord
	err := e.meta.View(context.Background(), func(r meta.Reader) (err error) {
		rec, err = getObjectRecord(r, bucket, key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
