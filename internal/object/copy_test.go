package object

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/google/go-cmp/cmp"
)

func TestCopyObject(t *testing.T) {
	ctx := context.Background()
	srcHeaders := Headers{ContentType: "text/plain"}
	srcMeta := map[string]string{"a": "1"}
	srcTags := []Tag{{"t", "1"}}
	newHeaders := Headers{ContentType: "application/json"}
	newMeta := map[string]string{"b": "2"}
	newTags := []Tag{{"u", "2"}}
	tests := []struct {
		name        string
		in          CopyInput
		wantHeaders Headers
		wantMeta    map[string]string
		wantTags    []Tag
		wantAlg     checksum.Algorithm
		want        error
	}{
		{"copyDirectives", CopyInput{DstKey: "dst", Headers: newHeaders, UserMeta: newMeta, Tags: newTags},
			srcHeaders, srcMeta, srcTags, checksum.SHA256, nil},
		{"replaceMetadata", CopyInput{DstKey: "dst", ReplaceMetadata: true, Headers: newHeaders, UserMeta: newMeta},
			newHeaders, newMeta, srcTags, checksum.SHA256, nil},
		{"replaceTags", CopyInput{DstKey: "dst", ReplaceTags: true, Tags: newTags},
			srcHeaders, srcMeta, newTags, checksum.SHA256, nil},
		{"replaceTagsEmpty", CopyInput{DstKey: "dst", ReplaceTags: true},
			srcHeaders, srcMeta, nil, checksum.SHA256, nil},
		{"newAlgorithm", CopyInput{DstKey: "dst", ChecksumAlgorithm: checksum.CRC32},
			srcHeaders, srcMeta, srcTags, checksum.CRC32, nil},
		{"ontoItselfUnchanged", CopyInput{DstKey: "src"}, Headers{}, nil, nil, "", ErrInvalidCopyRequest},
		{"ontoItselfSameAlgorithm", CopyInput{DstKey: "src", ChecksumAlgorithm: checksum.SHA256}, Headers{}, nil, nil, "", ErrInvalidCopyRequest},
		{"ontoItselfReplaceTagsOnly", CopyInput{DstKey: "src", ReplaceTags: true}, Headers{}, nil, nil, "", ErrInvalidCopyRequest},
		{"ontoItselfReplace", CopyInput{DstKey: "src", ReplaceMetadata: true, Headers: newHeaders},
			newHeaders, nil, srcTags, checksum.SHA256, nil},
		{"ontoItselfNewAlgorithm", CopyInput{DstKey: "src", ChecksumAlgorithm: checksum.CRC32C},
			srcHeaders, srcMeta, srcTags, checksum.CRC32C, nil},
		{"otherBucket", CopyInput{DstBucket: "other", DstKey: "src"}, srcHeaders, srcMeta, srcTags, checksum.SHA256, nil},
		{"noSuchSourceKey", CopyInput{SrcKey: "missing", DstKey: "dst"}, Headers{}, nil, nil, "", ErrNoSuchKey},
		{"noSuchSourceBucket", CopyInput{SrcBucket: "nothere", DstKey: "dst"}, Headers{}, nil, nil, "", ErrNoSuchBucket},
		{"noSuchDestBucket", CopyInput{DstBucket: "nothere", DstKey: "dst"}, Headers{}, nil, nil, "", ErrNoSuchBucket},
		{"invalidTag", CopyInput{DstKey: "dst", ReplaceTags: true, Tags: []Tag{{"", "x"}}}, Headers{}, nil, nil, "", ErrInvalidTag},
		{"metadataTooLarge", CopyInput{DstKey: "dst", ReplaceMetadata: true, UserMeta: map[string]string{"x": strings.Repeat("y", 3000)}},
			Headers{}, nil, nil, "", ErrMetadataTooLarge},
		{"dstIfNoneMatchExisting", CopyInput{DstKey: "src", ReplaceMetadata: true, Cond: WriteConditions{IfNoneMatch: "*"}},
			Headers{}, nil, nil, "", ErrPreconditionFailed},
		{"dstIfNoneMatchMissing", CopyInput{DstKey: "dst", Cond: WriteConditions{IfNoneMatch: "*"}},
			srcHeaders, srcMeta, srcTags, checksum.SHA256, nil},
	}
	for _, mode := range storageModes {
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				e := newEnv(t, mode.mod)
				e.bucket(t, "bkt")
				e.bucket(t, "other")
				body := "copy me"
				_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "src", Body: strings.NewReader(body), Size: int64(len(body)),
					Headers: srcHeaders, UserMeta: srcMeta, Tags: srcTags, ChecksumAlgorithm: checksum.SHA256})
				checkErr(t, "PutObject", err, nil)
				e.clock.Advance(time.Minute)
				in := tt.in
				if in.SrcBucket == "" {
					in.SrcBucket = "bkt"
				}
				if in.SrcKey == "" {
					in.SrcKey = "src"
				}
				if in.DstBucket == "" {
					in.DstBucket = "bkt"
				}
				out, err := e.s.CopyObject(ctx, in)
				checkErr(t, "CopyObject", err, tt.want)
				if err != nil {
					return
				}
				info := out.Info
				if info.ETag != md5hex(body) || info.Size != int64(len(body)) || !info.LastModified.Equal(testEpoch.Add(time.Minute)) {
					t.Errorf("CopyObject info = %+v", info)
				}
				if diff := cmp.Diff(tt.wantHeaders, info.Headers); diff != "" {
					t.Errorf("headers (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantMeta, info.UserMeta); diff != "" {
					t.Errorf("user metadata (-want +got):\n%s", diff)
				}
				tags, _, err := e.s.GetObjectTagging(ctx, in.DstBucket, in.DstKey, "")
				checkErr(t, "GetObjectTagging", err, nil)
				if diff := cmp.Diff(tt.wantTags, tags, cmpEmptyTags); diff != "" {
					t.Errorf("tags (-want +got):\n%s", diff)
				}
				want := &Checksum{Algorithm: tt.wantAlg, Type: checksum.FullObject, Value: sumOf(tt.wantAlg, body)}
				if diff := cmp.Diff(want, info.Checksum); diff != "" {
					t.Errorf("checksum (-want +got):\n%s", diff)
				}
				if got, err := e.read(in.DstBucket, in.DstKey); err != nil || got != body {
					t.Errorf("GetObject(copy) = %q, %v", got, err)
				}
			})
		}
	}
}

// cmpEmptyTags treats nil and empty tag sets as equal.
var cmpEmptyTags = cmp.FilterValues(func(a, b []Tag) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestCopyObject_sourceConditions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	etag := e.put(t, "bkt", "src", "body").ETag
	before, after := testEpoch.Add(-time.Hour), testEpoch.Add(time.Hour)
	tests := []struct {
		name string
		cond Conditions
		want error
	}{
		{"ifMatchTrue", Conditions{IfMatch: etag}, nil},
		{"ifMatchFalse", Conditions{IfMatch: "nope"}, ErrPreconditionFailed},
		{"ifNoneMatchTrue", Conditions{IfNoneMatch: "nope"}, nil},
		{"ifNoneMatchFalse", Conditions{IfNoneMatch: etag}, ErrPreconditionFailed},
		{"ifModifiedSinceTrue", Conditions{IfModifiedSince: &before}, nil},
		{"ifModifiedSinceFalse", Conditions{IfModifiedSince: &after}, ErrPreconditionFailed},
		{"ifUnmodifiedSinceTrue", Conditions{IfUnmodifiedSince: &after}, nil},
		{"ifUnmodifiedSinceFalse", Conditions{IfUnmodifiedSince: &before}, ErrPreconditionFailed},
		{"ifMatchTrueUnmodifiedSinceFalse", Conditions{IfMatch: etag, IfUnmodifiedSince: &before}, nil},
		{"ifNoneMatchFalseModifiedSinceTrue", Conditions{IfNoneMatch: etag, IfModifiedSince: &before}, ErrPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", SrcCond: tt.cond, DstBucket: "bkt", DstKey: "dst"})
			checkErr(t, "CopyObject", err, tt.want)
			var nm *NotModifiedError
			if errors.As(err, &nm) {
				t.Errorf("CopyObject returned NotModifiedError; copy sources answer 412")
			}
		})
	}
}

func TestCopyObject_sourceTooLarge(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "src", "x")
	// Make the stored record claim more than 5 GiB; no bytes are read
	// before the size check.
	setSize(t, e, "bkt", "src", MaxObjectSize+1)
	_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "dst"})
	checkErr(t, "CopyObject", err, ErrCopySourceTooLarge)
}

func TestCopyObject_multipartSource(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	up, done := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "mp"}, "aaaaa", "bbbbb", "c")
	_, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: done})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	out, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "mp", DstBucket: "bkt", DstKey: "copy"})
	checkErr(t, "CopyObject", err, nil)
	if out.Info.ETag != md5hex("aaaaabbbbbc") || out.Info.PartsCount != 0 {
		t.Errorf("copy of multipart object = etag %s parts %d", out.Info.ETag, out.Info.PartsCount)
	}
	if got, _ := e.read("bkt", "copy"); got != "aaaaabbbbbc" {
		t.Errorf("copy body = %q", got)
	}
}

func TestUploadPartCopy(t *testing.T) {
	ctx := context.Background()
	body := "0123456789"
	tests := []struct {
		name string
		rg   *Range
		want string
		err  error
	}{
		{"whole", nil, body, nil},
		{"range", &Range{2, 5}, "2345", nil},
		{"lastByte", &Range{9, 9}, "9", nil},
		{"pastEnd", &Range{5, 10}, "", &RangeError{}},
		{"startPastEnd", &Range{10, 12}, "", &RangeError{}},
		{"suffixForm", &Range{-1, 3}, "", ErrInvalidArgument},
		{"openForm", &Range{3, -1}, "", ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.bucket(t, "bkt")
			e.put(t, "bkt", "src", body)
			up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "dst", ChecksumAlgorithm: checksum.CRC32})
			p, vid, err := e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID, PartNumber: 1,
				SrcBucket: "bkt", SrcKey: "src", SrcRange: tt.rg})
			if re, ok := tt.err.(*RangeError); ok {
				if !errors.As(err, &re) || re.Size != 10 {
					t.Fatalf("UploadPartCopy = %v, want RangeError{10}", err)
				}
				return
			}
			checkErr(t, "UploadPartCopy", err, tt.err)
			if err != nil {
				return
			}
			if p.ETag != md5hex(tt.want) || p.Size != int64(len(tt.want)) || vid != "" {
				t.Errorf("UploadPartCopy = %+v, %q", p, vid)
			}
			if p.Checksum == nil || string(p.Checksum.Value) != string(sumOf(checksum.CRC32, tt.want)) {
				t.Errorf("part checksum = %+v", p.Checksum)
			}
			_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID,
				Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag, Checksum: p.Checksum}}})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			if got, _ := e.read("bkt", "dst"); got != tt.want {
				t.Errorf("object = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("sourceConditionFails", func(t *testing.T) {
		e := newEnv(t)
		e.bucket(t, "bkt")
		e.put(t, "bkt", "src", body)
		up, _ := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "dst"})
		_, _, err := e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID, PartNumber: 1,
			SrcBucket: "bkt", SrcKey: "src", SrcCond: Conditions{IfMatch: "nope"}})
		checkErr(t, "UploadPartCopy", err, ErrPreconditionFailed)
		_, _, err = e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: newUploadID(3), PartNumber: 1,
			SrcBucket: "bkt", SrcKey: "src"})
		checkErr(t, "UploadPartCopy(no upload)", err, ErrNoSuchUpload)
	})
}
