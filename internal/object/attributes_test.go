package object

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/google/go-cmp/cmp"
)

// completeSparse uploads parts numbered 1, 3 and 5 with alg and completes
// them, returning the object.
func (e *env) completeSparse(t *testing.T, key string, alg checksum.Algorithm, typ checksum.Type, parts []string) ObjectInfo {
	t.Helper()
	ctx := context.Background()
	up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key, ChecksumAlgorithm: alg, ChecksumType: typ})
	if err != nil {
		t.Fatal(err)
	}
	var done []CompletedPart
	for i, p := range parts {
		n := 2*i + 1
		part, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID,
			PartNumber: n, Body: strings.NewReader(p), Size: int64(len(p))})
		if err != nil {
			t.Fatalf("UploadPart(%d): %v", n, err)
		}
		done = append(done, CompletedPart{PartNumber: n, ETag: part.ETag, Checksum: part.Checksum})
	}
	info, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: done})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	return info
}

func TestGetObjectAttributes_parts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	parts := []string{"first part", "second part", "3"}
	e.completeSparse(t, "composite", checksum.CRC32, checksum.Composite, parts)
	e.completeSparse(t, "full", checksum.CRC32, checksum.FullObject, parts)
	e.put(t, "bkt", "single", "one")

	part := func(n int, body string) Part {
		return Part{PartNumber: n, Size: int64(len(body)),
			Checksum: &Checksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, body)}}
	}
	all := []Part{part(1, parts[0]), part(3, parts[1]), part(5, parts[2])}
	tests := []struct {
		name          string
		key           string
		marker, max   int
		wantListed    bool
		wantParts     []Part
		wantTruncated bool
		wantNext      int
		wantCount     int
	}{
		{name: "composite, all", key: "composite", wantListed: true, wantParts: all, wantNext: 5, wantCount: 3},
		{name: "composite, first page", key: "composite", max: 2, wantListed: true, wantParts: all[:2], wantTruncated: true, wantNext: 3, wantCount: 3},
		{name: "composite, after a gap", key: "composite", marker: 2, max: 1, wantListed: true, wantParts: all[1:2], wantTruncated: true, wantNext: 3, wantCount: 3},
		{name: "composite, last page", key: "composite", marker: 3, max: 1, wantListed: true, wantParts: all[2:], wantNext: 5, wantCount: 3},
		{name: "composite, past the end", key: "composite", marker: 5, wantListed: true, wantCount: 3},
		// S3 gives only the count for a full-object checksum.
		{name: "full object", key: "full", wantCount: 3},
		{name: "single part", key: "single"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.s.GetObjectAttributes(ctx, AttributesInput{Bucket: "bkt", Key: tt.key, PartNumberMarker: tt.marker, MaxParts: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			if out.PartsListed != tt.wantListed || out.Truncated != tt.wantTruncated || out.NextPartNumberMarker != tt.wantNext || out.Info.PartsCount != tt.wantCount {
				t.Errorf("GetObjectAttributes = listed %v, truncated %v, next %d, count %d; want %v, %v, %d, %d",
					out.PartsListed, out.Truncated, out.NextPartNumberMarker, out.Info.PartsCount,
					tt.wantListed, tt.wantTruncated, tt.wantNext, tt.wantCount)
			}
			if diff := cmp.Diff(tt.wantParts, out.Parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetObjectAttributes_versions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioning(t, "bkt", VersioningEnabled)
	v1 := e.put(t, "bkt", "k", "v1")
	marker := e.del(t, "bkt", "k", "")

	out, err := e.s.GetObjectAttributes(ctx, AttributesInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID})
	if err != nil {
		t.Fatal(err)
	}
	if out.Info.VersionID != v1.VersionID || out.Info.ETag != v1.ETag || out.Info.Size != 2 || out.Info.StorageClass != "STANDARD" {
		t.Errorf("GetObjectAttributes(v1).Info = %+v", out.Info)
	}
	tests := []struct {
		name, versionID string
		want            error
	}{
		{"current is a delete marker", "", ErrNoSuchKey},
		{"the delete marker named", marker.VersionID, ErrMethodNotAllowed},
		{"no such version", "null", ErrNoSuchVersion},
		{"malformed version", "!!", ErrInvalidVersionID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.GetObjectAttributes(ctx, AttributesInput{Bucket: "bkt", Key: "k", VersionID: tt.versionID})
			checkErr(t, "GetObjectAttributes", err, tt.want)
			var dm *DeleteMarkerError
			if isMarker := errors.As(err, &dm); isMarker != (tt.want == ErrNoSuchKey || tt.want == ErrMethodNotAllowed) {
				t.Errorf("error %v is a DeleteMarkerError: %v", err, isMarker)
			}
		})
	}
}

// A segment record written before part numbers were kept decodes with
// its index as its part number.
func TestSegmentRecord_oldEncoding(t *testing.T) {
	old := []byte("\x01" + `{"b":"blob1","off":0,"s":5,"md5":"AAAAAAAAAAAAAAAAAAAAAA==","ck":{"a":"CRC32","t":"COMPOSITE","v":"AAAAAA=="}}`)
	var sg segmentRecord
	if err := decodeRecord(old, &sg); err != nil {
		t.Fatal(err)
	}
	if sg.PartNumber != 0 || sg.number(4) != 4 || sg.Size != 5 {
		t.Errorf("old segment = %+v, number(4) = %d", sg, sg.number(4))
	}
	b, err := encodeRecord(&segmentRecord{Size: 5, PartNumber: 7})
	if err != nil {
		t.Fatal(err)
	}
	var back segmentRecord
	if err := decodeRecord(b, &back); err != nil || back.number(1) != 7 {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}
