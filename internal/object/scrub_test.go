package object

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestScrubBatch_walksEveryVersionOnce: every stored version, current and
// noncurrent, with keys holding 0x00 and across bucket boundaries, is
// walked exactly once whatever the batch size; delete markers are not.
func TestScrubBatch_walksEveryVersionOnce(t *testing.T) {
	e := newEnv(t, noInline)
	ctx := context.Background()
	e.bucket(t, "aaa")
	e.bucket(t, "bbb")
	if err := e.s.PutBucketVersioning(ctx, "bbb", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	put := func(bucket, key string) string {
		info, err := e.s.PutObject(ctx, PutInput{Bucket: bucket, Key: key, Body: bytes.NewReader([]byte(key)), Size: int64(len(key))})
		checkErr(t, "PutObject", err, nil)
		return bucket + "/" + key + "@" + displayVersion(&objectRecord{VersionID: info.VersionID}, true)
	}
	want := []string{put("aaa", "x"), put("aaa", "x\x00y"), put("aaa", "z")}
	want = append(want, put("bbb", "k"), put("bbb", "k"), put("bbb", "k\x00"))
	_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bbb", Key: "k\x00"}) // a delete marker on top
	checkErr(t, "DeleteObject", err, nil)
	for _, n := range []int{1, 2, 5, 100} {
		var got []string
		var cur []byte
		for {
			vs, next, done, err := e.s.ScrubBatch(ctx, cur, n)
			checkErr(t, "ScrubBatch", err, nil)
			if len(vs) > n {
				t.Fatalf("batch of %d returned %d versions", n, len(vs))
			}
			for _, v := range vs {
				got = append(got, v.Bucket+"/"+v.Key+"@"+v.VersionID)
				if len(v.Blobs()) != 1 {
					t.Errorf("%s/%q: blobs %v, want one", v.Bucket, v.Key, v.Blobs())
				}
			}
			if done {
				break
			}
			cur = next
		}
		if diff := cmp.Diff(sortedCopy(want), sortedCopy(got)); diff != "" {
			t.Errorf("batch size %d: walked versions (-want +got):\n%s", n, diff)
		}
	}
}

func TestVersionName(t *testing.T) {
	tests := []struct {
		k           []byte
		bucket, key string
		ok          bool
	}{
		{objectKey("bkt", "a\x00b"), "bkt", "a\x00b", true},
		{versionKey("bkt", "a\x00b", []byte{1, 2}), "bkt", "a\x00b", true},
		{versionKey("bkt", "", []byte{1}), "bkt", "", true},
		{[]byte{tableObject}, "", "", false},
		{[]byte("Obkt"), "", "", false},
		{append(bucketPrefix(tableVersion, "bkt"), 'k'), "", "", false},
	}
	for _, tt := range tests {
		b, k, ok := versionName(tt.k)
		if b != tt.bucket || k != tt.key || ok != tt.ok {
			t.Errorf("versionName(%q) = %q, %q, %v; want %q, %q, %v", tt.k, b, k, ok, tt.bucket, tt.key, tt.ok)
		}
	}
}
