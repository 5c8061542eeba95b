package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestParseCopySource(t *testing.T) {
	tests := []struct {
		in   string
		want copySource
		code string
	}{
		{"/bucket/key", copySource{bucket: "bucket", key: "key"}, ""},
		{"bucket/dir/key", copySource{bucket: "bucket", key: "dir/key"}, ""},
		{"bucket/a%20b%3Fc", copySource{bucket: "bucket", key: "a b?c"}, ""},
		{"/bucket/key?versionId=3/L4kqtJlcpXroDTDmpUMLUo", copySource{bucket: "bucket", key: "key", versionID: "3/L4kqtJlcpXroDTDmpUMLUo"}, ""},
		{"bucket", copySource{}, "InvalidArgument"},
		{"/bucket/", copySource{}, "InvalidArgument"},
		{"//key", copySource{}, "InvalidArgument"},
		{"bucket/%zz", copySource{}, "InvalidArgument"},
		{"bucket/key?versionId=", copySource{}, "InvalidArgument"},
	}
	for _, tc := range tests {
		got, err := parseCopySource(tc.in)
		code := ""
		if err != nil {
			ae, _ := lookupError(err)
			code = ae.Code
		} else if got != tc.want {
			t.Errorf("parseCopySource(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if code != tc.code {
			t.Errorf("parseCopySource(%q) error code = %q, want %q", tc.in, code, tc.code)
		}
	}
}

func TestCopyObject(t *testing.T) {
	lm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	since := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	out := &object.CopyOutput{SrcVersionID: "sv", Info: object.ObjectInfo{ETag: "abc", LastModified: lm, VersionID: "dv",
		Checksum: &object.Checksum{Algorithm: checksum.CRC32, Type: checksum.FullObject, Value: []byte{1, 2, 3, 4}}}}
	base := func(env *testEnv) { env.obj.copyOut = out }
	runHandlerCases(t, []handlerCase{
		{name: "copy", method: "PUT", target: "/dst/k2", setup: base, status: 200,
			header: map[string]string{"X-Amz-Copy-Source": "/src/k%201?versionId=v1",
				"X-Amz-Copy-Source-If-Match": `"abc"`, "X-Amz-Copy-Source-If-Modified-Since": "Thu, 02 Jan 2025 03:04:05 GMT"},
			hdr: map[string]string{"X-Amz-Copy-Source-Version-Id": "sv", "X-Amz-Version-Id": "dv"},
			call: object.CopyInput{SrcBucket: "src", SrcKey: "k 1", SrcVersionID: "v1", DstBucket: "dst", DstKey: "k2",
				SrcCond: object.Conditions{IfMatch: `"abc"`, IfModifiedSince: &since}, Owner: "000000000000"},
			golden: "copy-object.xml"},
		{name: "replace", method: "PUT", target: "/dst/k2", setup: base, status: 200,
			header: map[string]string{"X-Amz-Copy-Source": "src/k", "X-Amz-Metadata-Directive": "REPLACE",
				"Content-Type": "text/plain", "X-Amz-Meta-A": "1", "X-Amz-Tagging-Directive": "REPLACE", "X-Amz-Tagging": "t=v",
				"X-Amz-Checksum-Algorithm": "crc32c", "If-None-Match": "*"},
			call: object.CopyInput{SrcBucket: "src", SrcKey: "k", DstBucket: "dst", DstKey: "k2", Owner: "000000000000",
				ReplaceMetadata: true, Headers: object.Headers{ContentType: "text/plain"}, UserMeta: map[string]string{"a": "1"},
				ReplaceTags: true, Tags: []object.Tag{{Key: "t", Value: "v"}}, ChecksumAlgorithm: checksum.CRC32C,
				Cond: object.WriteConditions{IfNoneMatch: "*"}}},
		{name: "copy ignores metadata without replace", method: "PUT", target: "/dst/k2", setup: base, status: 200,
			header: map[string]string{"X-Amz-Copy-Source": "src/k", "X-Amz-Meta-A": "1", "X-Amz-Tagging": "t=v"},
			call:   object.CopyInput{SrcBucket: "src", SrcKey: "k", DstBucket: "dst", DstKey: "k2", Owner: "000000000000"}},
		{name: "bad directive", method: "PUT", target: "/dst/k2", setup: base,
			header: map[string]string{"X-Amz-Copy-Source": "src/k", "X-Amz-Metadata-Directive": "MERGE"},
			status: 400, code: "InvalidArgument"},
		{name: "bad tagging directive", method: "PUT", target: "/dst/k2", setup: base,
			header: map[string]string{"X-Amz-Copy-Source": "src/k", "X-Amz-Tagging-Directive": "copy"},
			status: 400, code: "InvalidArgument"},
		{name: "bad source", method: "PUT", target: "/dst/k2", setup: base,
			header: map[string]string{"X-Amz-Copy-Source": "nokey"}, status: 400, code: "InvalidArgument"},
		{name: "onto itself", method: "PUT", target: "/b/k",
			header: map[string]string{"X-Amz-Copy-Source": "b/k"},
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidCopyRequest },
			status: 400, code: "InvalidRequest"},
		{name: "source missing", method: "PUT", target: "/b/k",
			header: map[string]string{"X-Amz-Copy-Source": "b/x"},
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchKey },
			status: 404, code: "NoSuchKey"},
		{name: "source too large", method: "PUT", target: "/b/k",
			header: map[string]string{"X-Amz-Copy-Source": "b/x"},
			setup:  func(env *testEnv) { env.obj.err = object.ErrCopySourceTooLarge },
			status: 400, code: "InvalidRequest"},
		{name: "upload part copy", method: "PUT", target: "/dst/k?partNumber=2&uploadId=u1",
			header: map[string]string{"X-Amz-Copy-Source": "/src/k", "X-Amz-Copy-Source-Range": "bytes=500-6291456"},
			setup: func(env *testEnv) {
				env.obj.part = object.Part{PartNumber: 2, ETag: "p2", LastModified: lm}
				env.obj.version = "sv"
			},
			status: 200, hdr: map[string]string{"X-Amz-Copy-Source-Version-Id": "sv"},
			call: object.UploadPartCopyInput{Bucket: "dst", Key: "k", UploadID: "u1", PartNumber: 2,
				SrcBucket: "src", SrcKey: "k", SrcRange: &object.Range{Start: 500, End: 6291456}},
			golden: "copy-part.xml"},
		{name: "upload part copy bad range", method: "PUT", target: "/dst/k?partNumber=2&uploadId=u1",
			header: map[string]string{"X-Amz-Copy-Source": "/src/k", "X-Amz-Copy-Source-Range": "bytes=-5"},
			status: 400, code: "InvalidArgument"},
		{name: "upload part copy bad part", method: "PUT", target: "/dst/k?partNumber=10001&uploadId=u1",
			header: map[string]string{"X-Amz-Copy-Source": "/src/k"}, status: 400, code: "InvalidArgument"},
	})
}
