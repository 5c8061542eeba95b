package object

import (
	"context"
	"testing"
	"time"
)

// TestExpire_conditions: each lifecycle action happens only to the version
// judged, in the place it was judged; otherwise nothing changes.
func TestExpire_conditions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	if err := e.s.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	v1 := e.put(t, "bkt", "k", "one")
	e.clock.Advance(time.Second)
	v2 := e.put(t, "bkt", "k", "two")
	expire := func(v ObjectInfo, a ExpireAction, modified time.Time) ExpireOutput {
		t.Helper()
		out, err := e.s.Expire(ctx, ExpireInput{Bucket: "bkt", Key: "k", VersionID: v.VersionID, Modified: modified, Action: a})
		if err != nil {
			t.Fatalf("Expire(%s, %d): %v", v.VersionID, a, err)
		}
		return out
	}
	// Stale judgements change nothing.
	if out := expire(v1, ExpireCurrent, v1.LastModified); out.Done {
		t.Errorf("ExpireCurrent of a noncurrent version: %+v", out)
	}
	if out := expire(v2, ExpireNoncurrent, v2.LastModified); out.Done {
		t.Errorf("ExpireNoncurrent of the current version: %+v", out)
	}
	if out := expire(v1, ExpireNoncurrent, v1.LastModified.Add(time.Nanosecond)); out.Done {
		t.Errorf("ExpireNoncurrent with another modification time: %+v", out)
	}
	if out := expire(v2, ExpireDeleteMarker, v2.LastModified); out.Done {
		t.Errorf("ExpireDeleteMarker of an object: %+v", out)
	}
	// Expiring the current version adds one marker, and only once.
	out := expire(v2, ExpireCurrent, v2.LastModified)
	if !out.Done || !out.MarkerAdded || out.MarkerVersionID == "" {
		t.Fatalf("ExpireCurrent: %+v", out)
	}
	if again := expire(v2, ExpireCurrent, v2.LastModified); again.Done {
		t.Errorf("second ExpireCurrent: %+v", again)
	}
	// The marker is not alone: ExpireDeleteMarker leaves it.
	marker := ObjectInfo{VersionID: out.MarkerVersionID}
	m, err := e.s.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", MaxKeys: 10})
	if err != nil || len(m.Versions) != 3 || !m.Versions[0].DeleteMarker {
		t.Fatalf("versions = %+v, %v", m, err)
	}
	if o := expire(marker, ExpireDeleteMarker, m.Versions[0].LastModified); o.Done {
		t.Errorf("ExpireDeleteMarker with versions behind it: %+v", o)
	}
	// Removing the noncurrent versions, then the marker left alone.
	if o := expire(v1, ExpireNoncurrent, v1.LastModified); !o.Done || o.Size != 3 {
		t.Errorf("ExpireNoncurrent(v1): %+v", o)
	}
	if o := expire(v2, ExpireNoncurrent, v2.LastModified); !o.Done {
		t.Errorf("ExpireNoncurrent(v2): %+v", o)
	}
	if o := expire(marker, ExpireDeleteMarker, m.Versions[0].LastModified); !o.Done {
		t.Errorf("ExpireDeleteMarker alone: %+v", o)
	}
	if m, _ := e.s.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", MaxKeys: 10}); len(m.Versions) != 0 {
		t.Errorf("left: %+v", m.Versions)
	}
}

// TestExpire_mfaDelete: lifecycle never removes a version of a bucket with
// MFA Delete, but may hide the current one behind a marker.
func TestExpire_mfaDelete(t *testing.T) {
	ctx := context.Background()
	e, _ := newMFAEnv(t, true)
	v1 := e.put(t, "bkt", "k", "one")
	e.put(t, "bkt", "k", "two")
	_, err := e.s.Expire(ctx, ExpireInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID, Modified: v1.LastModified, Action: ExpireNoncurrent})
	checkErr(t, "Expire(noncurrent) with MFA Delete", err, ErrMFARequired)
	if _, err := e.readVersion("bkt", "k", v1.VersionID); err != nil {
		t.Errorf("the version is gone: %v", err)
	}
	cur, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.s.Expire(ctx, ExpireInput{Bucket: "bkt", Key: "k", VersionID: cur.Info.VersionID, Modified: cur.Info.LastModified, Action: ExpireCurrent})
	if err != nil || !out.MarkerAdded {
		t.Errorf("Expire(current) with MFA Delete = %+v, %v; want a marker", out, err)
	}
}
