package object

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/google/go-cmp/cmp"
)

// startUpload creates an upload and uploads parts (numbered from 1).
func (e *env) startUpload(t testing.TB, in CreateUploadInput, parts ...string) (Upload, []CompletedPart) {
	t.Helper()
	ctx := context.Background()
	up, err := e.s.CreateMultipartUpload(ctx, in)
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	var done []CompletedPart
	for i, p := range parts {
		part, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: in.Bucket, Key: in.Key, UploadID: up.UploadID,
			PartNumber: i + 1, Body: strings.NewReader(p), Size: int64(len(p))})
		if err != nil {
			t.Fatalf("UploadPart(%d): %v", i+1, err)
		}
		done = append(done, CompletedPart{PartNumber: i + 1, ETag: `"` + part.ETag + `"`})
	}
	return up, done
}

func (e *env) readPart(t testing.TB, bucket, key string, in GetInput) (string, *GetOutput) {
	t.Helper()
	in.Bucket, in.Key = bucket, key
	out, err := e.s.GetObject(context.Background(), in)
	if err != nil {
		t.Fatalf("GetObject(%+v): %v", in, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b), out
}

func TestMultipart_roundTrip(t *testing.T) {
	ctx := context.Background()
	parts := []string{"aaaaaa", "bbbbb", "ccc"}
	whole := strings.Join(parts, "")
	for _, b := range allBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			e := newEnvOn(t, b)
			e.bucket(t, "bkt")
			up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "big", Owner: "alice",
				Headers: Headers{ContentType: "video/mp4"}, UserMeta: map[string]string{"m": "1"}, Tags: []Tag{{"t", "1"}}}, parts...)
			// An extra part that is not listed must be dropped.
			_, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "big", UploadID: up.UploadID, PartNumber: 9,
				Body: strings.NewReader("zzz"), Size: 3})
			checkErr(t, "UploadPart(9)", err, nil)

			info, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "big", UploadID: up.UploadID, Parts: done})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			wantETag := multipartETag([][]byte{md5raw(parts[0]), md5raw(parts[1]), md5raw(parts[2])})
			if info.ETag != wantETag || info.Size != int64(len(whole)) || info.PartsCount != 3 {
				t.Errorf("Complete = etag %s size %d parts %d; want %s %d 3", info.ETag, info.Size, info.PartsCount, wantETag, len(whole))
			}
			if !strings.HasSuffix(info.ETag, "-3") {
				t.Errorf("ETag %q lacks -3", info.ETag)
			}
			wantCk := &Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject, Value: sumOf(checksum.CRC64NVME, whole)}
			if diff := cmp.Diff(wantCk, info.Checksum); diff != "" {
				t.Errorf("checksum (-want +got):\n%s", diff)
			}
			if info.Headers.ContentType != "video/mp4" || info.UserMeta["m"] != "1" || info.TagCount != 1 || info.Owner != "alice" {
				t.Errorf("Complete info lost upload metadata: %+v", info)
			}
			if got, _ := e.read("bkt", "big"); got != whole {
				t.Errorf("GetObject = %q, want %q", got, whole)
			}
			if n := e.countBlobs(t); n != 3 {
				t.Errorf("blobs = %d, want 3 (unlisted part deleted)", n)
			}
			tests := []struct {
				name    string
				in      GetInput
				want    string
				start   int64
				partial bool
			}{
				{"part1", GetInput{PartNumber: 1}, "aaaaaa", 0, true},
				{"part2", GetInput{PartNumber: 2}, "bbbbb", 6, true},
				{"part3", GetInput{PartNumber: 3}, "ccc", 11, true},
				{"rangeAcrossParts", GetInput{Range: &Range{4, 12}}, "aabbbbbcc", 4, true},
				{"rangeInLastPart", GetInput{Range: &Range{-1, 2}}, "cc", 12, true},
				{"whole", GetInput{}, whole, 0, false},
			}
			for _, tt := range tests {
				got, out := e.readPart(t, "bkt", "big", tt.in)
				if got != tt.want || out.Start != tt.start || out.Partial != tt.partial || out.Info.PartsCount != 3 {
					t.Errorf("%s: GetObject = %q start %d partial %v parts %d; want %q %d %v 3",
						tt.name, got, out.Start, out.Partial, out.Info.PartsCount, tt.want, tt.start, tt.partial)
				}
			}
			head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "big", PartNumber: 2})
			checkErr(t, "HeadObject(part 2)", err, nil)
			if head.Length != 5 || head.Start != 6 {
				t.Errorf("HeadObject(part 2) = start %d length %d, want 6 5", head.Start, head.Length)
			}
			_, err = e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "big", PartNumber: 4})
			checkErr(t, "GetObject(part 4)", err, ErrInvalidPartNumber)

			// The upload is gone; overwriting deletes the parts' blobs.
			_, err = e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "big", UploadID: up.UploadID})
			checkErr(t, "ListParts after complete", err, ErrNoSuchUpload)
			e.put(t, "bkt", "big", "small")
			if n := e.countBlobs(t); n != 0 {
				t.Errorf("blobs after overwrite = %d, want 0", n)
			}
		})
	}
}

func TestCreateMultipartUpload_checksumType(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	tests := []struct {
		alg     checksum.Algorithm
		typ     checksum.Type
		want    checksum.Type
		wantErr error
	}{
		{"", "", "", nil},
		{"", checksum.Composite, "", ErrInvalidRequest},
		{checksum.CRC64NVME, "", checksum.FullObject, nil},
		{checksum.CRC64NVME, checksum.FullObject, checksum.FullObject, nil},
		{checksum.CRC64NVME, checksum.Composite, "", ErrInvalidRequest},
		{checksum.SHA1, "", checksum.Composite, nil},
		{checksum.SHA256, checksum.FullObject, "", ErrInvalidRequest},
		{checksum.CRC32, "", checksum.Composite, nil},
		{checksum.CRC32, checksum.FullObject, checksum.FullObject, nil},
		{checksum.CRC32C, checksum.Composite, checksum.Composite, nil},
		{"MD4", "", "", ErrInvalidChecksumAlgorithm},
		{checksum.CRC32, "PARTIAL", "", ErrInvalidRequest},
		{checksum.CRC32, "full_object", checksum.FullObject, nil},
	}
	for _, tt := range tests {
		up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: tt.alg, ChecksumType: tt.typ})
		checkErr(t, "CreateMultipartUpload("+string(tt.alg)+","+string(tt.typ)+")", err, tt.wantErr)
		if err == nil && up.ChecksumType != tt.want {
			t.Errorf("CreateMultipartUpload(%s, %s).ChecksumType = %q, want %q", tt.alg, tt.typ, up.ChecksumType, tt.want)
		}
	}
	_, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "nothere", Key: "k"})
	checkErr(t, "CreateMultipartUpload(missing bucket)", err, ErrNoSuchBucket)
}

func TestMultipart_checksums(t *testing.T) {
	ctx := context.Background()
	parts := []string{"first part", "second part", "3"}
	whole := strings.Join(parts, "")
	sums := func(a checksum.Algorithm) [][]byte {
		var out [][]byte
		for _, p := range parts {
			out = append(out, sumOf(a, p))
		}
		return out
	}
	tests := []struct {
		name string
		alg  checksum.Algorithm
		typ  checksum.Type
		want []byte
	}{
		{"crc32Composite", checksum.CRC32, "", checksum.CompositeSum(checksum.CRC32, sums(checksum.CRC32))},
		{"crc32cFullObject", checksum.CRC32C, checksum.FullObject, sumOf(checksum.CRC32C, whole)},
		{"crc64nvme", checksum.CRC64NVME, "", sumOf(checksum.CRC64NVME, whole)},
		{"sha256Composite", checksum.SHA256, "", checksum.CompositeSum(checksum.SHA256, sums(checksum.SHA256))},
		{"none", "", "", sumOf(checksum.CRC64NVME, whole)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.bucket(t, "bkt")
			up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: tt.alg, ChecksumType: tt.typ}, parts...)
			lp, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID})
			checkErr(t, "ListParts", err, nil)
			for i, p := range lp.Parts {
				if tt.alg == "" {
					if p.Checksum != nil {
						t.Errorf("part %d checksum = %+v, want none", i+1, p.Checksum)
					}
					continue
				}
				if p.Checksum == nil || p.Checksum.Algorithm != tt.alg || string(p.Checksum.Value) != string(sumOf(tt.alg, parts[i])) {
					t.Errorf("part %d checksum = %+v", i+1, p.Checksum)
				}
				// Echo the part checksum back, as SDKs do.
				done[i].Checksum = p.Checksum
			}
			info, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			wantType := up.ChecksumType
			wantAlg := tt.alg
			if tt.alg == "" {
				wantType, wantAlg = checksum.FullObject, checksum.CRC64NVME
			}
			want := &Checksum{Algorithm: wantAlg, Type: wantType, Value: tt.want}
			if diff := cmp.Diff(want, info.Checksum); diff != "" {
				t.Errorf("object checksum (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompleteMultipartUpload_errors(t *testing.T) {
	ctx := context.Background()
	parts := []string{"aaaaa", "bbbbb", "cc"}
	tests := []struct {
		name   string
		exists bool // an object exists at the key before completion
		edit   func(up Upload, done []CompletedPart) CompleteInput
		want   error
	}{
		{"ok", false, func(up Upload, d []CompletedPart) CompleteInput { return CompleteInput{Parts: d} }, nil},
		{"unquotedETags", false, func(up Upload, d []CompletedPart) CompleteInput {
			for i := range d {
				d[i].ETag = trimETag(d[i].ETag)
			}
			return CompleteInput{Parts: d}
		}, nil},
		{"subset", false, func(up Upload, d []CompletedPart) CompleteInput { return CompleteInput{Parts: d[:2]} }, nil},
		{"noParts", false, func(up Upload, d []CompletedPart) CompleteInput { return CompleteInput{} }, ErrInvalidRequest},
		{"invalidPartOrder", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: []CompletedPart{d[1], d[0], d[2]}}
		}, ErrInvalidPartOrder},
		{"duplicatePart", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: []CompletedPart{d[0], d[0]}}
		}, ErrInvalidPartOrder},
		{"missingPart", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: append(d, CompletedPart{PartNumber: 7, ETag: d[0].ETag})}
		}, ErrInvalidPart},
		{"wrongETag", false, func(up Upload, d []CompletedPart) CompleteInput {
			d[1].ETag = d[0].ETag
			return CompleteInput{Parts: d}
		}, ErrInvalidPart},
		{"wrongPartChecksum", false, func(up Upload, d []CompletedPart) CompleteInput {
			d[0].Checksum = &Checksum{Algorithm: checksum.CRC32, Value: []byte{1, 2, 3, 4}}
			return CompleteInput{Parts: d}
		}, ErrInvalidPart},
		{"noSuchUpload", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{UploadID: newUploadID(1), Parts: d}
		}, ErrNoSuchUpload},
		{"malformedUploadID", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{UploadID: "../x", Parts: d}
		}, ErrNoSuchUpload},
		{"wrongKey", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Key: "other", Parts: d}
		}, ErrNoSuchUpload},
		{"ifNoneMatchMissing", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Cond: WriteConditions{IfNoneMatch: "*"}}
		}, nil},
		{"ifNoneMatchExisting", true, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Cond: WriteConditions{IfNoneMatch: "*"}}
		}, ErrPreconditionFailed},
		{"ifMatchSame", true, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Cond: WriteConditions{IfMatch: md5hex("old")}}
		}, nil},
		{"ifMatchDifferent", true, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Cond: WriteConditions{IfMatch: md5hex("other")}}
		}, ErrPreconditionFailed},
		{"ifMatchMissing", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Cond: WriteConditions{IfMatch: md5hex("old")}}
		}, ErrNoSuchKey},
		{"expectedChecksum", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Checksum: &Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject,
				Value: sumOf(checksum.CRC64NVME, strings.Join(parts, ""))}}
		}, nil},
		{"expectedChecksumMismatch", false, func(up Upload, d []CompletedPart) CompleteInput {
			return CompleteInput{Parts: d, Checksum: &Checksum{Algorithm: checksum.CRC64NVME, Value: sumOf(checksum.CRC64NVME, "x")}}
		}, ErrChecksumMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, noInline)
			e.bucket(t, "bkt")
			if tt.exists {
				e.put(t, "bkt", "k", "old")
			}
			up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, parts...)
			in := tt.edit(up, done)
			in.Bucket = "bkt"
			if in.Key == "" {
				in.Key = "k"
			}
			if in.UploadID == "" {
				in.UploadID = up.UploadID
			}
			_, err := e.s.CompleteMultipartUpload(ctx, in)
			checkErr(t, "CompleteMultipartUpload", err, tt.want)
			_, lerr := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID})
			if tt.want == nil {
				checkErr(t, "ListParts after complete", lerr, ErrNoSuchUpload)
				if n, want := e.countBlobs(t), len(in.Parts); n != want {
					t.Errorf("blobs = %d, want %d", n, want)
				}
			} else {
				checkErr(t, "ListParts after failed complete", lerr, nil)
				if n, want := e.countBlobs(t), len(parts)+btoi(tt.exists); n != want {
					t.Errorf("blobs after failed complete = %d, want %d", n, want)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestCompleteMultipartUpload_compositeNeedsPartChecksums(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		alg  checksum.Algorithm
		typ  checksum.Type
		want error
	}{
		{"composite", checksum.CRC32, checksum.Composite, ErrInvalidRequest},
		{"sha256", checksum.SHA256, "", ErrInvalidRequest},
		{"fullObject", checksum.CRC32C, checksum.FullObject, nil},
		{"none", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.bucket(t, "bkt")
			up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: tt.alg, ChecksumType: tt.typ}, "aaaaa", "b")
			_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
			checkErr(t, "CompleteMultipartUpload without part checksums", err, tt.want)
		})
	}
}

func TestCompleteMultipartUpload_entityTooSmall(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(o *Options) { o.MinPartSize = 10 })
	e.bucket(t, "bkt")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, "0123456789", "short", "last")
	_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
	checkErr(t, "CompleteMultipartUpload", err, ErrEntityTooSmall)
	// Only the last part may be small.
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done[:2]})
	checkErr(t, "CompleteMultipartUpload(small last part)", err, nil)
}

// TestCompleteMultipartUpload_concurrent completes one upload from several
// goroutines: one completes it and, as S3 does for retries, the others get
// the same result instead of NoSuchUpload.
func TestCompleteMultipartUpload_concurrent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, "aaaaa", "bb")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		checkErr(t, "CompleteMultipartUpload", err, nil)
	}
	if got, _ := e.read("bkt", "k"); got != "aaaaabb" {
		t.Errorf("object = %q", got)
	}
	checkConsistency(t, e)
}

func TestCompleteMultipartUpload_retry(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, "aaaaa", "bb")
	in := CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done, Cond: WriteConditions{IfNoneMatch: "*"}}
	first, err := e.s.CompleteMultipartUpload(ctx, in)
	checkErr(t, "CompleteMultipartUpload", err, nil)
	e.clock.Advance(time.Minute)
	again, err := e.s.CompleteMultipartUpload(ctx, in)
	checkErr(t, "CompleteMultipartUpload retried", err, nil)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("retried completion (-first +retry):\n%s", diff)
	}
	other := in
	other.Parts = done[:1]
	_, err = e.s.CompleteMultipartUpload(ctx, other)
	checkErr(t, "CompleteMultipartUpload with other parts", err, ErrNoSuchUpload)
	e.put(t, "bkt", "k", "overwritten")
	_, err = e.s.CompleteMultipartUpload(ctx, in)
	checkErr(t, "CompleteMultipartUpload after overwrite", err, ErrNoSuchUpload)
	checkConsistency(t, e)
}

func TestUploadPart_errors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: checksum.CRC32})
	tests := []struct {
		name string
		in   UploadPartInput
		want error
	}{
		{"ok", UploadPartInput{PartNumber: 1}, nil},
		{"partZero", UploadPartInput{PartNumber: 0}, ErrInvalidPartNumber},
		{"part10001", UploadPartInput{PartNumber: 10001}, ErrInvalidPartNumber},
		{"part10000", UploadPartInput{PartNumber: 10000}, nil},
		{"noSuchUpload", UploadPartInput{PartNumber: 1, UploadID: newUploadID(5)}, ErrNoSuchUpload},
		{"malformedUploadID", UploadPartInput{PartNumber: 1, UploadID: "zz"}, ErrNoSuchUpload},
		{"otherKey", UploadPartInput{PartNumber: 1, Key: "other"}, ErrNoSuchUpload},
		{"noSuchBucket", UploadPartInput{PartNumber: 1, Bucket: "nothere"}, ErrNoSuchBucket},
		{"checksumAlgorithmMismatch", UploadPartInput{PartNumber: 1,
			Checksum: &ExpectedChecksum{Algorithm: checksum.SHA1, Value: sumOf(checksum.SHA1, "data")}}, ErrInvalidRequest},
		{"checksumMismatch", UploadPartInput{PartNumber: 1,
			Checksum: &ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, "other")}}, ErrChecksumMismatch},
		{"badDigest", UploadPartInput{PartNumber: 1, ContentMD5: md5raw("other")}, ErrBadDigest},
		{"tooLarge", UploadPartInput{PartNumber: 1, Size: MaxObjectSize + 1}, ErrEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Bucket == "" {
				in.Bucket = "bkt"
			}
			if in.Key == "" {
				in.Key = "k"
			}
			if in.UploadID == "" {
				in.UploadID = up.UploadID
			}
			in.Body = strings.NewReader("data")
			if in.Size == 0 {
				in.Size = 4
			}
			_, err := e.s.UploadPart(ctx, in)
			checkErr(t, "UploadPart", err, tt.want)
		})
	}
}

func TestUploadPart_replace(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, "first")
	p, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, PartNumber: 1,
		Body: strings.NewReader("second"), Size: 6})
	checkErr(t, "UploadPart again", err, nil)
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("blobs = %d, want 1", n)
	}
	lp, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID})
	checkErr(t, "ListParts", err, nil)
	if len(lp.Parts) != 1 || lp.Parts[0].ETag != md5hex("second") || lp.Parts[0].Size != 6 || p.ETag != md5hex("second") {
		t.Errorf("ListParts = %+v", lp.Parts)
	}
}

func TestAbortMultipartUpload(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, "aaaaa", "bbbbb")
	checkErr(t, "AbortMultipartUpload", e.s.AbortMultipartUpload(ctx, "bkt", "k", up.UploadID), nil)
	if n := e.countBlobs(t); n != 0 {
		t.Errorf("blobs after abort = %d", n)
	}
	checkErr(t, "AbortMultipartUpload again", e.s.AbortMultipartUpload(ctx, "bkt", "k", up.UploadID), ErrNoSuchUpload)
	_, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, PartNumber: 1, Body: strings.NewReader(""), Size: 0})
	checkErr(t, "UploadPart after abort", err, ErrNoSuchUpload)
	checkErr(t, "DeleteBucket after abort", e.s.DeleteBucket(ctx, "bkt"), nil)
}

func TestListParts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k", Owner: "alice"}, "1", "22", "333", "4444", "55555")
	numbers := func(ps []Part) []int {
		var ns []int
		for _, p := range ps {
			ns = append(ns, p.PartNumber)
		}
		return ns
	}
	tests := []struct {
		marker, max int
		want        []int
		truncated   bool
		next        int
	}{
		{0, 0, []int{1, 2, 3, 4, 5}, false, 0},
		{0, 2, []int{1, 2}, true, 2},
		{2, 2, []int{3, 4}, true, 4},
		{4, 2, []int{5}, false, 0},
		{3, 2, []int{4, 5}, false, 0},
		{5, 2, nil, false, 0},
		{20000, 2, nil, false, 0},
	}
	for _, tt := range tests {
		out, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, PartNumberMarker: tt.marker, MaxParts: tt.max})
		checkErr(t, "ListParts", err, nil)
		if diff := cmp.Diff(tt.want, numbers(out.Parts)); diff != "" || out.Truncated != tt.truncated || out.NextPartNumberMarker != tt.next {
			t.Errorf("ListParts(marker %d, max %d) = %v truncated %v next %d; want %v %v %d",
				tt.marker, tt.max, numbers(out.Parts), out.Truncated, out.NextPartNumberMarker, tt.want, tt.truncated, tt.next)
		}
		if out.Upload.UploadID != up.UploadID || out.Upload.Owner != "alice" {
			t.Errorf("ListParts upload = %+v", out.Upload)
		}
	}
	out, _ := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, MaxParts: 1, PartNumberMarker: 2})
	if p := out.Parts[0]; p.Size != 3 || p.ETag != md5hex("333") || !p.LastModified.Equal(testEpoch) {
		t.Errorf("part 3 = %+v", p)
	}
}

func TestListMultipartUploads(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	type entry struct{ Key, ID string }
	var ups []entry
	for _, k := range []string{"a", "b/1", "a", "b/2", "c", "a\x00x", "a"} {
		e.clock.Advance(1e9)
		up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: k})
		ups = append(ups, entry{k, up.UploadID})
	}
	// By key, then initiation time.
	a1, a2, a3 := ups[0], ups[2], ups[6]
	b1, b2, c, anul := ups[1], ups[3], ups[4], ups[5]
	type page struct {
		Uploads               []entry
		Prefixes              []string
		Truncated             bool
		NextKey, NextUploadID string
	}
	tests := []struct {
		name string
		in   ListUploadsInput
		want page
	}{
		{"all", ListUploadsInput{}, page{Uploads: []entry{a1, a2, a3, anul, b1, b2, c}}},
		{"max2", ListUploadsInput{MaxUploads: 2}, page{Uploads: []entry{a1, a2}, Truncated: true, NextKey: "a", NextUploadID: a2.ID}},
		{"uploadIDMarker", ListUploadsInput{MaxUploads: 2, KeyMarker: "a", UploadIDMarker: a2.ID}, page{
			Uploads: []entry{a3, anul}, Truncated: true, NextKey: anul.Key, NextUploadID: anul.ID}},
		{"keyMarkerOnly", ListUploadsInput{KeyMarker: "a"}, page{Uploads: []entry{anul, b1, b2, c}}},
		{"prefix", ListUploadsInput{Prefix: "b/"}, page{Uploads: []entry{b1, b2}}},
		{"delimiter", ListUploadsInput{Delimiter: "/"}, page{Uploads: []entry{a1, a2, a3, anul, c}, Prefixes: []string{"b/"}}},
		{"delimiterPaged", ListUploadsInput{Delimiter: "/", MaxUploads: 5}, page{
			Uploads: []entry{a1, a2, a3, anul}, Prefixes: []string{"b/"}, Truncated: true, NextKey: "b/"}},
		{"delimiterAfterPrefix", ListUploadsInput{Delimiter: "/", KeyMarker: "b/"}, page{Uploads: []entry{c}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Bucket = "bkt"
			out, err := e.s.ListMultipartUploads(ctx, tt.in)
			checkErr(t, "ListMultipartUploads", err, nil)
			got := page{Prefixes: out.CommonPrefixes, Truncated: out.Truncated, NextKey: out.NextKeyMarker, NextUploadID: out.NextUploadIDMarker}
			for _, u := range out.Uploads {
				got.Uploads = append(got.Uploads, entry{u.Key, u.UploadID})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ListMultipartUploads(%+v) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestMultipart_manyParts reads an object with more parts than a read opens
// up front, whole and from an offset deep inside.
func TestMultipart_manyParts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	n := eagerPieces + 9
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.Repeat(string(rune('a'+i%26)), 5)
	}
	whole := strings.Join(parts, "")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "k"}, parts...)
	_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID, Parts: done})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	if got, _ := e.read("bkt", "k"); got != whole {
		t.Errorf("GetObject = %q, want %q", got, whole)
	}
	got, _ := e.readPart(t, "bkt", "k", GetInput{Range: &Range{int64(len(whole) - 23), -1}})
	if got != whole[len(whole)-23:] {
		t.Errorf("GetObject(range) = %q", got)
	}

	// An overwrite deletes the parts; blobs opened lazily afterwards are
	// gone, and the stream must fail rather than return other bytes.
	out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k"})
	checkErr(t, "GetObject", err, nil)
	defer out.Body.Close()
	e.put(t, "bkt", "k", "replaced")
	b, err := io.ReadAll(out.Body)
	if err == nil {
		t.Fatalf("read of a replaced %d-part object succeeded with %d bytes", n, len(b))
	}
	if !strings.HasPrefix(whole, string(b)) || len(b) != eagerPieces*5 {
		t.Errorf("read %d bytes before failing, want the %d bytes of the opened parts", len(b), eagerPieces*5)
	}
}
