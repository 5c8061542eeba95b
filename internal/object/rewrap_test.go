package object

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// rewrapFixture writes, under master key version 1, an inline object, a
// single-blob object, a noncurrent version, a completed multipart object
// (two segments) and an upload in progress (one part), then rotates kr.
func rewrapFixture(t *testing.T) (*env, *sse.Keyring, map[string]string, CompleteInput) {
	t.Helper()
	kr := testKeyring(t)
	e := newEnv(t, encryptAtRest(t, kr))
	ctx := context.Background()
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	big := strings.Repeat("b", 2*DefaultInlineLimit)
	want := map[string]string{"inline": "small", "single": big, "versioned": "v2"}
	for k, body := range want {
		e.put(t, "bkt", k, body)
	}
	e.put(t, "bkt", "versioned", "v1")
	e.put(t, "bkt", "versioned", "v2")
	up, parts := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "multi"}, "part-one", "part-two")
	if _, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "multi", UploadID: up.UploadID, Parts: parts}); err != nil {
		t.Fatal(err)
	}
	want["multi"] = "part-onepart-two"
	pending, pendingParts := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "pending"}, "pending-part")
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	return e, kr, want, CompleteInput{Bucket: "bkt", Key: "pending", UploadID: pending.UploadID, Parts: pendingParts}
}

func countKeys(t *testing.T, e *env) map[uint32]int64 {
	t.Helper()
	counts := map[uint32]int64{}
	if err := e.s.CountWrappedKeys(context.Background(), counts); err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestRewrapKeys: after a rotation the walk moves every data key (object
// records current and noncurrent, segments, parts) to version 2, in
// batches of one, and everything still reads once version 1 is gone.
func TestRewrapKeys(t *testing.T) {
	e, kr, want, pending := rewrapFixture(t)
	ctx := context.Background()
	// inline, single, versioned ×3 (v1, v2, and the first put's), 2
	// segments, 1 part.
	before := countKeys(t, e)
	if diff := cmp.Diff(map[uint32]int64{1: 8}, before); diff != "" {
		t.Fatalf("CountWrappedKeys before (-want +got):\n%s", diff)
	}
	// Written after the rotation: already under version 2.
	e.put(t, "bkt", "after", "new")
	want["after"] = "new"

	var cursor []byte
	total, calls := 0, 0
	for {
		next, n, failed, err := e.s.RewrapKeys(ctx, cursor, 1)
		if err != nil || failed != 0 {
			t.Fatalf("RewrapKeys(%q) = %d, %d, %v", cursor, n, failed, err)
		}
		total += n
		calls++
		if next == nil {
			break
		}
		cursor = next
	}
	if total != 8 || calls < 8 {
		t.Errorf("RewrapKeys moved %d keys in %d calls, want 8 in at least 8", total, calls)
	}
	if diff := cmp.Diff(map[uint32]int64{2: 9}, countKeys(t, e)); diff != "" {
		t.Errorf("CountWrappedKeys after (-want +got):\n%s", diff)
	}
	if err := kr.Remove(1); err != nil {
		t.Fatal(err)
	}
	for k, body := range want {
		if got, err := e.read("bkt", k); err != nil || got != body {
			t.Errorf("read %s after retiring version 1 = %.20q, %v; want %.20q", k, got, err, body)
		}
	}
	old, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "versioned", VersionID: firstVersion(t, e)})
	if err != nil {
		t.Fatalf("GetObject of the noncurrent version: %v", err)
	}
	old.Body.Close()
	// The upload in progress completes with its re-wrapped part.
	if _, err := e.s.CompleteMultipartUpload(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if got, err := e.read("bkt", "pending"); err != nil || got != "pending-part" {
		t.Errorf("read pending = %q, %v", got, err)
	}
}

// firstVersion returns the id of the oldest version of bkt/versioned.
func firstVersion(t *testing.T, e *env) string {
	t.Helper()
	out, err := e.s.ListObjectVersions(context.Background(), ListVersionsInput{Bucket: "bkt", Prefix: "versioned", MaxKeys: 100})
	if err != nil {
		t.Fatal(err)
	}
	return out.Versions[len(out.Versions)-1].VersionID
}

// TestRewrapKeys_concurrentChange: a record changed between the scan
// and the rewrite is re-wrapped as it is now; the change survives.
func TestRewrapKeys_concurrentChange(t *testing.T) {
	e, _, _, _ := rewrapFixture(t)
	ctx := context.Background()
	// Tag every current object, then walk: the tags must stay.
	for _, k := range []string{"inline", "single"} {
		if _, err := e.s.PutObjectTagging(ctx, "bkt", k, "", []Tag{{Key: "t", Value: k}}); err != nil {
			t.Fatal(err)
		}
	}
	var cursor []byte
	for {
		next, _, _, err := e.s.RewrapKeys(ctx, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		if next == nil {
			break
		}
		cursor = next
	}
	for _, k := range []string{"inline", "single"} {
		tags, _, err := e.s.GetObjectTagging(ctx, "bkt", k, "")
		if err != nil || len(tags) != 1 || tags[0].Value != k {
			t.Errorf("tags of %s after the walk = %v, %v", k, tags, err)
		}
	}
	if got := countKeys(t, e); got[1] != 0 {
		t.Errorf("keys still under version 1: %v", got)
	}
}

// TestRewrapKeys_undecodable: a key that does not unwrap is reported as
// failed, left alone, and counted.
func TestRewrapKeys_undecodable(t *testing.T) {
	e, _, _, _ := rewrapFixture(t)
	ctx := context.Background()
	// Flip a bit of the GCM tag of the wrapped key of "inline".
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		rec, err := getObjectRecord(tx, "bkt", "inline")
		if err != nil {
			return err
		}
		rec.SSE.Key[len(rec.SSE.Key)-1] ^= 1
		return tx.Set(objectKey("bkt", "inline"), encodeObject(rec))
	})
	if err != nil {
		t.Fatal(err)
	}
	failedTotal := 0
	var cursor []byte
	for {
		next, _, failed, err := e.s.RewrapKeys(ctx, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		failedTotal += failed
		if next == nil {
			break
		}
		cursor = next
	}
	got := countKeys(t, e)
	if failedTotal != 1 || got[1] != 1 {
		t.Errorf("failed = %d, counts = %v; want 1 failure left under version 1", failedTotal, got)
	}
}

// rotatingReader rotates kr (and retires version 1 when retire is set)
// at its first Read: a rotation while a request's data is arriving, after
// its data key was wrapped.
type rotatingReader struct {
	r       io.Reader
	kr      *sse.Keyring
	retire  bool
	rotated bool
}

func (r *rotatingReader) Read(p []byte) (int, error) {
	if !r.rotated {
		r.rotated = true
		if _, err := r.kr.Rotate(); err != nil {
			return 0, err
		}
		if r.retire {
			if err := r.kr.Remove(1); err != nil {
				return 0, err
			}
		}
	}
	return r.r.Read(p)
}

// TestCommit_rotationDuringUpload: a key wrapped before a rotation and
// committed after it is committed under the new version; if the old
// version was retired meanwhile, the write fails rather than store a
// key nothing unwraps.
func TestCommit_rotationDuringUpload(t *testing.T) {
	for _, retire := range []bool{false, true} {
		t.Run(fmt.Sprintf("retire=%v", retire), func(t *testing.T) {
			kr := testKeyring(t)
			e := newEnv(t, encryptAtRest(t, kr))
			ctx := context.Background()
			e.bucket(t, "bkt")
			body := "rotated while arriving"
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Size: int64(len(body)),
				Body: &rotatingReader{r: strings.NewReader(body), kr: kr, retire: retire}})
			up, uerr := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "m"})
			if uerr != nil {
				t.Fatal(uerr)
			}
			_, perr := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m", UploadID: up.UploadID, PartNumber: 1,
				Size: int64(len(body)), Body: &rotatingReader{r: strings.NewReader(body), kr: kr}})
			if perr != nil {
				t.Fatalf("UploadPart: %v", perr)
			}
			if retire {
				if err == nil {
					t.Fatal("PutObject whose key version was retired during the upload succeeded")
				}
				if _, rerr := e.read("bkt", "k"); rerr == nil {
					t.Error("the failed PutObject left an object")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := countKeys(t, e); got[1] != 0 {
				t.Errorf("keys under version 1 after commits that followed rotations: %v", got)
			}
			if got, err := e.read("bkt", "k"); err != nil || got != body {
				t.Errorf("read = %q, %v", got, err)
			}
		})
	}
}
