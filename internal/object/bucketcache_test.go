package object

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBucketCache_decode(t *testing.T) {
	plain := bucketRecord{Owner: "alice", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	locked := bucketRecord{Owner: "bob", Created: plain.Created, Versioning: VersioningEnabled, ObjectLock: true,
		Retention: &DefaultRetention{Mode: LockMode("GOVERNANCE"), Days: 3}}
	tests := []struct {
		name string
		rec  bucketRecord
	}{
		{"plain", plain},
		{"withRetention", locked},
	}
	var c bucketCache
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := encodeRecord(&tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 { // a miss, then a hit
				var got bucketRecord
				if err := c.decode(v, &got); err != nil {
					t.Fatalf("decode #%d: %v", i, err)
				}
				if diff := cmp.Diff(tt.rec, got); diff != "" {
					t.Fatalf("decode #%d (-want +got):\n%s", i, diff)
				}
				// A caller changing its copy must not change the cache's.
				got.Versioning = VersioningSuspended
				if got.Retention != nil {
					got.Retention.Days = 99
				}
			}
		})
	}
}

func TestBucketCache_badRecordNotCached(t *testing.T) {
	var c bucketCache
	bad := []byte{recordV1, '{'}
	for i := range 2 {
		var got bucketRecord
		if err := c.decode(bad, &got); !errors.Is(err, errBadRecord) {
			t.Fatalf("decode #%d = %v, want %v", i, err, errBadRecord)
		}
	}
	if len(c.m) != 0 {
		t.Errorf("cache holds %d entries after bad records, want 0", len(c.m))
	}
}

func TestBucketCache_bounded(t *testing.T) {
	var c bucketCache
	for i := range bucketCacheSize + 10 {
		v, err := encodeRecord(&bucketRecord{Owner: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		var got bucketRecord
		if err := c.decode(v, &got); err != nil {
			t.Fatal(err)
		}
		if got.Owner != fmt.Sprint(i) {
			t.Fatalf("decode(%d).Owner = %q", i, got.Owner)
		}
	}
	if len(c.m) > bucketCacheSize {
		t.Errorf("cache holds %d entries, limit %d", len(c.m), bucketCacheSize)
	}
}
