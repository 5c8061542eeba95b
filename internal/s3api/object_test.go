package s3api

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestPutObject(t *testing.T) {
	stored := object.ObjectInfo{ETag: "5d41402abc4b2a76b9719d911017c592", VersionID: "v1",
		Checksum: &object.Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject, Value: []byte{1, 2, 3, 4, 5, 6, 7, 8}}}
	base := func(env *testEnv) { env.obj.info = stored }
	runHandlerCases(t, []handlerCase{
		{name: "plain", method: "PUT", target: "/b/dir/k%20x", body: "hello", setup: base,
			header: map[string]string{
				"Content-Type": "text/plain", "Content-Md5": md5b64("hello"),
				"Cache-Control": "no-cache", "Content-Disposition": "inline", "Content-Language": "en",
				"Expires": "Thu, 01 Dec 1994 16:00:00 GMT", "X-Amz-Meta-Color": "blue", "X-Amz-Tagging": "a=1&b=x%20y",
			},
			status: 200,
			hdr: map[string]string{"ETag": `"5d41402abc4b2a76b9719d911017c592"`, "X-Amz-Version-Id": "v1",
				"X-Amz-Checksum-Crc64nvme": b64([]byte{1, 2, 3, 4, 5, 6, 7, 8}), "X-Amz-Checksum-Type": "FULL_OBJECT"},
			call: object.PutInput{Bucket: "b", Key: "dir/k x", Size: 5, ContentMD5: md5sum("hello"),
				Headers: object.Headers{ContentType: "text/plain", CacheControl: "no-cache", ContentDisposition: "inline",
					ContentLanguage: "en", Expires: "Thu, 01 Dec 1994 16:00:00 GMT"},
				UserMeta: map[string]string{"color": "blue"},
				Tags:     []object.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "x y"}},
				Owner:    "000000000000"}},
		{name: "checksum header", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64("hello"), "X-Amz-Sdk-Checksum-Algorithm": "CRC32"},
			status: 200,
			call: object.PutInput{Bucket: "b", Key: "k", Size: 5, Owner: "000000000000",
				Checksum:          &object.ExpectedChecksum{Algorithm: checksum.CRC32, Value: crc32raw("hello")},
				ChecksumAlgorithm: checksum.CRC32}},
		{name: "aws-chunked with trailer", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{
				"X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked,gzip",
				"X-Amz-Decoded-Content-Length": "5", "X-Amz-Trailer": "x-amz-checksum-crc32",
				"X-Amz-Sdk-Checksum-Algorithm": "CRC32",
			},
			setup: func(env *testEnv) {
				env.ver.trailers = map[string][]string{"X-Amz-Checksum-Crc32": {crc32b64("hello")}}
			},
			status: 200,
			call: object.PutInput{Bucket: "b", Key: "k", Size: 5, Owner: "000000000000",
				Headers:           object.Headers{ContentEncoding: "gzip"},
				Checksum:          &object.ExpectedChecksum{Algorithm: checksum.CRC32},
				ChecksumAlgorithm: checksum.CRC32}},
		{name: "trailer missing", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{
				"X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
				"X-Amz-Decoded-Content-Length": "5", "X-Amz-Trailer": "x-amz-checksum-crc32",
			},
			status: 400, code: "MalformedTrailerError"},
		{name: "aws-chunked without decoded length", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
			status: 411, code: "MissingContentLength"},
		{name: "two checksums", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64("hello"), "X-Amz-Checksum-Sha1": b64(make([]byte, 20))},
			status: 400, code: "InvalidRequest"},
		{name: "bad checksum value", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Checksum-Crc32": "!!"}, status: 400, code: "InvalidRequest"},
		{name: "sdk algorithm disagrees", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64("hello"), "X-Amz-Sdk-Checksum-Algorithm": "SHA256"},
			status: 400, code: "InvalidRequest"},
		{name: "unknown sdk algorithm", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"X-Amz-Sdk-Checksum-Algorithm": "MD4"}, status: 400, code: "InvalidRequest"},
		{name: "bad md5", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"Content-Md5": "AAAA"}, status: 400, code: "InvalidDigest"},
		{name: "md5 mismatch from service", method: "PUT", target: "/b/k", body: "hello",
			header: map[string]string{"Content-Md5": md5b64("other")},
			setup:  func(env *testEnv) { env.obj.err = object.ErrBadDigest },
			status: 400, code: "BadDigest"},
		{name: "too large", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Decoded-Content-Length": "5368709121"},
			status: 400, code: "EntityTooLarge"},
		{name: "metadata too large", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Meta-Big": strings.Repeat("v", 2100)}, status: 400, code: "MetadataTooLarge"},
		{name: "if-none-match star", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"If-None-Match": "*"}, status: 200,
			call: object.PutInput{Bucket: "b", Key: "k", Size: 1, Owner: "000000000000", Cond: object.WriteConditions{IfNoneMatch: "*"}}},
		{name: "if-none-match etag", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"If-None-Match": `"abc"`}, status: 501, code: "NotImplemented"},
		{name: "precondition failed", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"If-Match": `"abc"`},
			setup:  func(env *testEnv) { env.obj.err = object.ErrPreconditionFailed },
			status: 412, code: "PreconditionFailed"},
		{name: "conflict", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"If-None-Match": "*"},
			setup:  func(env *testEnv) { env.obj.err = object.ErrConditionalConflict },
			status: 409, code: "ConditionalRequestConflict"},
		{name: "duplicate tag", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Tagging": "a=1&a=2"}, status: 400, code: "InvalidTag"},
		{name: "bad tagging encoding", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Tagging": "a=%zz"}, status: 400, code: "InvalidArgument"},
		{name: "unknown storage class", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Storage-Class": "PLATINUM"}, status: 400, code: "InvalidStorageClass"},
		{name: "directory bucket storage class", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Storage-Class": "EXPRESS_ONEZONE"}, status: 400, code: "InvalidStorageClass"},
		{name: "lower-case storage class", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Storage-Class": "standard_ia"}, status: 400, code: "InvalidStorageClass"},
		{name: "no such bucket", method: "PUT", target: "/b/k", body: "x",
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket },
			status: 404, code: "NoSuchBucket"},
	})
}

func TestPutObjectTrailerReachesService(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{})
	env.ver.trailers = map[string][]string{"X-Amz-Checksum-Crc32": {crc32b64("hello")}}
	r := newReq("PUT", "/b/k", []byte("hello"))
	r.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	r.Header.Set("X-Amz-Decoded-Content-Length", "5")
	r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	if rec := env.do(r); rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got, want := b64(env.obj.trailerSeen), crc32b64("hello"); got != want {
		t.Errorf("trailer checksum seen by the service = %s, want %s", got, want)
	}
}

// TestMissingContentLength covers the framings S3 refuses on PUT and
// UploadPart, as net/http presents them to the handler: a chunked body
// (Transfer-Encoding chunked, ContentLength -1), an HTTP/2 body without a
// length (ContentLength -1), no length and no body (ContentLength 0, no
// header), and, over HTTP/2 only, a malformed Content-Length header
// (net/http's HTTP/1 server answers that itself).
func TestMissingContentLength(t *testing.T) {
	for _, tt := range []struct {
		name, target  string
		contentLength int64
		header        []string // Content-Length values; nil: none
		wantStatus    int
		wantCode      string
	}{
		{"chunked", "/b/k", -1, nil, 501, "NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message><Resource>/b/k</Resource><Header>Transfer-Encoding</Header>"},
		{"HTTP/2 without length", "/b/k", -1, nil, 411, "MissingContentLength"},
		{"no length no body", "/b/k", 0, nil, 411, "MissingContentLength"},
		{"part without length", "/b/k?partNumber=1&uploadId=u", 0, nil, 411, "MissingContentLength"},
		{"negative", "/b/k", 0, []string{"-1"}, 400, "BadRequest"},
		{"not a number", "/b/k", 0, []string{"5x"}, 400, "BadRequest"},
		{"empty", "/b/k", 0, []string{""}, 400, "BadRequest"},
		{"two different", "/b/k", 5, []string{"5", "6"}, 400, "BadRequest"},
		{"two alike", "/b/k", 5, []string{"5", "5"}, 200, ""},
		{"explicit zero", "/b/k", 0, []string{"0"}, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, &fakeObjects{})
			r := newReq("PUT", tt.target, []byte("hello"))
			r.ContentLength = tt.contentLength
			if tt.contentLength == 0 {
				r.Body = http.NoBody
			}
			r.Header.Del("Content-Length")
			if tt.name == "chunked" {
				r.TransferEncoding = []string{"chunked"}
			}
			for _, v := range tt.header {
				r.Header.Add("Content-Length", v)
			}
			rec := env.do(r)
			if rec.Code != tt.wantStatus || tt.wantCode != "" && !strings.Contains(rec.Body.String(), "<Code>"+tt.wantCode) {
				t.Errorf("status %d body %s, want %d %s", rec.Code, rec.Body, tt.wantStatus, tt.wantCode)
			}
			if tt.wantStatus != 200 && len(env.obj.calls) != 0 {
				t.Errorf("the object service was called: %v", env.obj.calls)
			}
		})
	}
}

func FuzzCheckContentLength(f *testing.F) {
	for _, s := range []string{"0", "5", "-1", "5x", "", " 5", "18446744073709551616"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := &http.Request{Header: http.Header{"Content-Length": {v}}}
		err := checkContentLength(r)
		_, perr := strconv.ParseUint(v, 10, 64)
		if digitsOnly := v != "" && strings.Trim(v, "0123456789") == ""; (err == nil) != digitsOnly {
			t.Errorf("checkContentLength(%q) = %v (ParseUint: %v)", v, err, perr)
		}
	})
}

func md5sum(s string) []byte {
	b, _ := decodeB64(md5b64(s))
	return b
}

func TestGetObject(t *testing.T) {
	lm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	since := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	info := object.ObjectInfo{
		Bucket: "b", Key: "k", Size: 11, ETag: "etag1", LastModified: lm, VersionID: "v7",
		Headers:  object.Headers{ContentEncoding: "gzip", CacheControl: "max-age=1"},
		UserMeta: map[string]string{"color": "blue", "size": "xl"}, TagCount: 2, PartsCount: 3,
		Checksum: &object.Checksum{Algorithm: checksum.CRC32C, Type: checksum.Composite, Value: []byte{0, 0, 0, 1}},
	}
	whole := func(env *testEnv) {
		env.obj.get = &object.GetOutput{Info: info, Length: 11}
		env.obj.getBody = "hello world"
	}
	ranged := func(env *testEnv) {
		env.obj.get = &object.GetOutput{Info: info, Start: 2, Length: 3, Partial: true}
		env.obj.getBody = "llo"
	}
	runHandlerCases(t, []handlerCase{
		{name: "whole", method: "GET", target: "/b/k", setup: whole, status: 200,
			hdr: map[string]string{
				"Content-Length": "11", "ETag": `"etag1"`, "Last-Modified": "Fri, 02 Jan 2026 03:04:05 GMT",
				"Content-Type": "binary/octet-stream", "Content-Encoding": "gzip", "Cache-Control": "max-age=1",
				"X-Amz-Version-Id": "v7", "X-Amz-Tagging-Count": "2",
				"Accept-Ranges": "bytes", "X-Amz-Checksum-Crc32c": "", "X-Amz-Mp-Parts-Count": "", "Content-Range": "",
			},
			call: object.GetInput{Bucket: "b", Key: "k"}},
		{name: "checksum mode", method: "GET", target: "/b/k", setup: whole, status: 200,
			header: map[string]string{"X-Amz-Checksum-Mode": "ENABLED"},
			hdr:    map[string]string{"X-Amz-Checksum-Crc32c": "AAAAAQ==-3", "X-Amz-Checksum-Type": "COMPOSITE"}},
		{name: "range", method: "GET", target: "/b/k", setup: ranged, status: 206,
			header: map[string]string{"Range": "bytes=2-4", "X-Amz-Checksum-Mode": "ENABLED"},
			hdr:    map[string]string{"Content-Range": "bytes 2-4/11", "Content-Length": "3", "X-Amz-Checksum-Crc32c": ""},
			call:   object.GetInput{Bucket: "b", Key: "k", Range: &object.Range{Start: 2, End: 4}}},
		{name: "suffix range", method: "GET", target: "/b/k", setup: ranged, status: 206,
			header: map[string]string{"Range": "bytes=-3"},
			call:   object.GetInput{Bucket: "b", Key: "k", Range: &object.Range{Start: -1, End: 3}}},
		{name: "invalid range ignored", method: "GET", target: "/b/k", setup: whole, status: 200,
			header: map[string]string{"Range": "bytes=9-2"},
			call:   object.GetInput{Bucket: "b", Key: "k"}},
		{name: "part", method: "GET", target: "/b/k?partNumber=2", setup: ranged, status: 206,
			header: map[string]string{"X-Amz-Checksum-Mode": "ENABLED"},
			hdr:    map[string]string{"X-Amz-Mp-Parts-Count": "3", "X-Amz-Checksum-Crc32c": ""},
			call:   object.GetInput{Bucket: "b", Key: "k", PartNumber: 2}},
		{name: "part and range", method: "GET", target: "/b/k?partNumber=2", setup: ranged,
			header: map[string]string{"Range": "bytes=0-1"}, status: 400, code: "InvalidRequest"},
		{name: "bad part number", method: "GET", target: "/b/k?partNumber=0", setup: whole, status: 400, code: "InvalidArgument"},
		{name: "part beyond", method: "GET", target: "/b/k?partNumber=9",
			setup: func(env *testEnv) { env.obj.err = object.ErrInvalidPartNumber }, status: 416, code: "InvalidPartNumber"},
		{name: "version and conditions", method: "GET", target: "/b/k?versionId=v7", setup: whole, status: 200,
			header: map[string]string{"If-Match": `"etag1"`, "If-None-Match": `"x"`,
				"If-Modified-Since": "Thursday, 02-Jan-25 03:04:05 GMT", "If-Unmodified-Since": "junk"},
			call: object.GetInput{Bucket: "b", Key: "k", VersionID: "v7",
				Cond: object.Conditions{IfMatch: `"etag1"`, IfNoneMatch: `"x"`, IfModifiedSince: &since}}},
		{name: "empty version id", method: "GET", target: "/b/k?versionId=", setup: whole, status: 400, code: "InvalidArgument"},
		{name: "response overrides", method: "GET", target: "/b/k?response-content-type=text/csv&response-content-disposition=attachment&response-cache-control=no-store&response-expires=never&response-content-language=fr&response-content-encoding=br",
			setup: whole, status: 200,
			hdr: map[string]string{"Content-Type": "text/csv", "Content-Disposition": "attachment", "Cache-Control": "no-store",
				"Expires": "never", "Content-Language": "fr", "Content-Encoding": "br"}},
		{name: "unsatisfiable", method: "GET", target: "/b/k", header: map[string]string{"Range": "bytes=100-"},
			setup:  func(env *testEnv) { env.obj.err = &object.RangeError{Size: 11} },
			status: 416, code: "InvalidRange", hdr: map[string]string{"Content-Range": "bytes */11"}},
		{name: "not modified", method: "GET", target: "/b/k", header: map[string]string{"If-None-Match": `"etag1"`},
			setup:  func(env *testEnv) { env.obj.err = &object.NotModifiedError{ETag: "etag1", LastModified: lm} },
			status: 304, hdr: map[string]string{"ETag": `"etag1"`, "Last-Modified": "Fri, 02 Jan 2026 03:04:05 GMT"}},
		{name: "delete marker", method: "GET", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm1", Err: object.ErrNoSuchKey}
			},
			status: 404, code: "NoSuchKey", hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "dm1"}},
		{name: "head", method: "HEAD", target: "/b/k", setup: whole, status: 200,
			hdr: map[string]string{"Content-Length": "11", "ETag": `"etag1"`}},
		{name: "head missing", method: "HEAD", target: "/b/k",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchKey }, status: 404, code: "NoSuchKey"},
		{name: "head delete marker version", method: "HEAD", target: "/b/k?versionId=dm1",
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm1", Err: object.ErrMethodNotAllowed}
			},
			status: 405, code: "MethodNotAllowed", hdr: map[string]string{"X-Amz-Delete-Marker": "true"}},
	})
}

// TestUserMetaHeaderCase checks that metadata goes out under lower-case
// names, as S3 sends them: botocore keeps the case it receives.
func TestUserMetaHeaderCase(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{get: &object.GetOutput{Info: object.ObjectInfo{
		UserMeta: map[string]string{"colour": "blue", "owner": "e2e"}}}})
	rec := env.do(newReq("HEAD", "/b/k", nil))
	for _, name := range []string{"x-amz-meta-colour", "x-amz-meta-owner"} {
		if _, ok := rec.Header()[name]; !ok {
			t.Errorf("response has no %q header: %v", name, rec.Header())
		}
	}
}

func TestGetObjectBody(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{get: &object.GetOutput{Length: 11}, getBody: "hello world"})
	rec := env.do(newReq("GET", "/b/k", nil))
	if rec.Body.String() != "hello world" {
		t.Errorf("body = %q", rec.Body)
	}
	rec = env.do(newReq("HEAD", "/b/k", nil))
	if rec.Body.Len() != 0 {
		t.Errorf("HEAD body = %q", rec.Body)
	}
}

// TestAnonymousGetRefusesOverrides: S3 serves response-* overrides to
// signed requests only.
func TestAnonymousGetRefusesOverrides(t *testing.T) {
	env := newTestEnv(t, &fakeObjects{get: &object.GetOutput{Length: 0}})
	// Anonymous access is allowed here only to reach the override rule.
	env.h.authz = allowAll{}
	r := newReq("GET", "/b/k?response-content-type=text/html", nil)
	r.Header.Set("Authorization", "anonymous")
	rec := env.do(r)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "<Code>InvalidRequest</Code>") {
		t.Errorf("anonymous override: %d %s, want 400 InvalidRequest", rec.Code, rec.Body)
	}
	r = newReq("GET", "/b/k", nil)
	r.Header.Set("Authorization", "anonymous")
	if rec := env.do(r); rec.Code != 200 {
		t.Errorf("anonymous GET without overrides: %d %s", rec.Code, rec.Body)
	}
}

func TestDeleteObject(t *testing.T) {
	runHandlerCases(t, []handlerCase{
		{name: "plain", method: "DELETE", target: "/b/k", status: 204, call: object.DeleteInput{Bucket: "b", Key: "k"}},
		{name: "version", method: "DELETE", target: "/b/k?versionId=v1",
			setup:  func(env *testEnv) { env.obj.del = object.DeleteOutput{VersionID: "v1", DeleteMarker: true} },
			status: 204, hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "v1"},
			call: object.DeleteInput{Bucket: "b", Key: "k", VersionID: "v1"}},
		{name: "no such bucket", method: "DELETE", target: "/b/k",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket }, status: 404, code: "NoSuchBucket"},
	})
}
