package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestMultipart(t *testing.T) {
	lm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	complete := `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag><ChecksumCRC32>AAAAAQ==</ChecksumCRC32></Part>
  <Part><PartNumber>2</PartNumber><ETag>0c78aef83f66abc1fa1e8477f296d394</ETag><ChecksumCRC32>AAAAAg==</ChecksumCRC32></Part>
</CompleteMultipartUpload>`
	runHandlerCases(t, []handlerCase{
		{name: "create", method: "POST", target: "/b/dir/k?uploads",
			header: map[string]string{"Content-Type": "video/mp4", "X-Amz-Meta-A": "1", "X-Amz-Tagging": "t=1",
				"X-Amz-Checksum-Algorithm": "CRC32", "X-Amz-Checksum-Type": "COMPOSITE"},
			setup: func(env *testEnv) {
				env.obj.upload = object.Upload{UploadID: "up1", ChecksumAlgorithm: checksum.CRC32, ChecksumType: checksum.Composite}
			},
			status: 200, hdr: map[string]string{"X-Amz-Checksum-Algorithm": "CRC32", "X-Amz-Checksum-Type": "COMPOSITE"},
			call: object.CreateUploadInput{Bucket: "b", Key: "dir/k", Headers: object.Headers{ContentType: "video/mp4"},
				UserMeta: map[string]string{"a": "1"}, Tags: []object.Tag{{Key: "t", Value: "1"}}, Owner: "000000000000",
				ChecksumAlgorithm: checksum.CRC32, ChecksumType: checksum.Composite},
			golden: "initiate.xml"},
		{name: "create bad algorithm", method: "POST", target: "/b/k?uploads",
			header: map[string]string{"X-Amz-Checksum-Algorithm": "MD4"}, status: 400, code: "InvalidRequest"},
		{name: "create bad type", method: "POST", target: "/b/k?uploads",
			header: map[string]string{"X-Amz-Checksum-Type": "PARTIAL"}, status: 400, code: "InvalidRequest"},
		{name: "upload part", method: "PUT", target: "/b/k?partNumber=3&uploadId=up1", body: "hello",
			header: map[string]string{"Content-Md5": md5b64("hello"), "X-Amz-Checksum-Crc32": crc32b64("hello")},
			setup: func(env *testEnv) {
				env.obj.part = object.Part{PartNumber: 3, ETag: "pe", Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: crc32raw("hello")}}
			},
			status: 200, hdr: map[string]string{"ETag": `"pe"`, "X-Amz-Checksum-Crc32": crc32b64("hello")},
			call: object.UploadPartInput{Bucket: "b", Key: "k", UploadID: "up1", PartNumber: 3, Size: 5,
				ContentMD5: md5sum("hello"), Checksum: &object.ExpectedChecksum{Algorithm: checksum.CRC32, Value: crc32raw("hello")}}},
		{name: "upload part 0", method: "PUT", target: "/b/k?partNumber=0&uploadId=up1", body: "x", status: 400, code: "InvalidArgument"},
		{name: "upload part junk", method: "PUT", target: "/b/k?partNumber=x&uploadId=up1", body: "x", status: 400, code: "InvalidArgument"},
		{name: "upload part no upload", method: "PUT", target: "/b/k?partNumber=1&uploadId=nope", body: "x",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchUpload }, status: 404, code: "NoSuchUpload"},
		{name: "complete", method: "POST", target: "/b/dir/k?uploadId=up1", body: complete,
			header: map[string]string{"If-None-Match": "*", "X-Amz-Checksum-Crc32": "AAAAAw==-2", "X-Amz-Checksum-Type": "COMPOSITE"},
			setup: func(env *testEnv) {
				env.obj.info = object.ObjectInfo{ETag: "3858f62230ac3c915f300c664312c11f-2", VersionID: "v9", PartsCount: 2,
					Checksum: &object.Checksum{Algorithm: checksum.CRC32, Type: checksum.Composite, Value: []byte{0, 0, 0, 3}}}
			},
			status: 200, hdr: map[string]string{"X-Amz-Version-Id": "v9"},
			call: object.CompleteInput{Bucket: "b", Key: "dir/k", UploadID: "up1",
				Parts: []object.CompletedPart{
					{PartNumber: 1, ETag: `"a54357aff0632cce46d942af68356b38"`, Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: []byte{0, 0, 0, 1}}},
					{PartNumber: 2, ETag: "0c78aef83f66abc1fa1e8477f296d394", Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: []byte{0, 0, 0, 2}}},
				},
				Cond:     object.WriteConditions{IfNoneMatch: "*"},
				Checksum: &object.Checksum{Algorithm: checksum.CRC32, Type: checksum.Composite, Value: []byte{0, 0, 0, 3}}},
			golden: "complete.xml"},
		{name: "complete virtual host", method: "POST", target: "/k?uploadId=up1", host: "b.s3.local", body: complete,
			setup:  func(env *testEnv) { env.obj.info = object.ObjectInfo{ETag: "x-2"} },
			status: 200, golden: "complete-vhost.xml"},
		{name: "complete malformed", method: "POST", target: "/b/k?uploadId=up1", body: "<CompleteMultipartUpload><Part>",
			status: 400, code: "MalformedXML"},
		{name: "complete no parts", method: "POST", target: "/b/k?uploadId=up1", body: "<CompleteMultipartUpload></CompleteMultipartUpload>",
			status: 400, code: "MalformedXML"},
		{name: "complete two checksums in a part", method: "POST", target: "/b/k?uploadId=up1",
			body:   "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><ChecksumCRC32>AAAAAQ==</ChecksumCRC32><ChecksumSHA1>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</ChecksumSHA1></Part></CompleteMultipartUpload>",
			status: 400, code: "MalformedXML"},
		{name: "complete bad part number", method: "POST", target: "/b/k?uploadId=up1",
			body:   "<CompleteMultipartUpload><Part><PartNumber>0</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
			status: 400, code: "InvalidArgument"},
		{name: "complete if-none-match etag", method: "POST", target: "/b/k?uploadId=up1", body: complete,
			header: map[string]string{"If-None-Match": `"e"`}, status: 501, code: "NotImplemented"},
		{name: "complete invalid part", method: "POST", target: "/b/k?uploadId=up1", body: complete,
			setup: func(env *testEnv) { env.obj.err = object.ErrInvalidPart }, status: 400, code: "InvalidPart"},
		{name: "complete order", method: "POST", target: "/b/k?uploadId=up1", body: complete,
			setup: func(env *testEnv) { env.obj.err = object.ErrInvalidPartOrder }, status: 400, code: "InvalidPartOrder"},
		{name: "complete small", method: "POST", target: "/b/k?uploadId=up1", body: complete,
			setup: func(env *testEnv) { env.obj.err = object.ErrEntityTooSmall }, status: 400, code: "EntityTooSmall"},
		{name: "abort", method: "DELETE", target: "/b/k?uploadId=up1", status: 204, call: []string{"b", "k", "up1"}},
		{name: "abort missing", method: "DELETE", target: "/b/k?uploadId=up1",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchUpload }, status: 404, code: "NoSuchUpload"},
		{name: "list parts", method: "GET", target: "/b/k?uploadId=up1&max-parts=2&part-number-marker=1",
			setup: func(env *testEnv) {
				env.obj.parts = &object.ListPartsOutput{
					Upload: object.Upload{Bucket: "b", Key: "k", UploadID: "up1", Owner: "000000000000", ChecksumAlgorithm: checksum.CRC32, ChecksumType: checksum.Composite},
					Parts: []object.Part{
						{PartNumber: 2, ETag: "p2", Size: 5 << 20, LastModified: lm, Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: []byte{0, 0, 0, 2}}},
						{PartNumber: 3, ETag: "p3", Size: 7, LastModified: lm},
					},
					Truncated: true, NextPartNumberMarker: 3,
				}
			},
			status: 200,
			call:   object.ListPartsInput{Bucket: "b", Key: "k", UploadID: "up1", PartNumberMarker: 1, MaxParts: 2},
			golden: "list-parts.xml"},
		{name: "list parts bad marker", method: "GET", target: "/b/k?uploadId=up1&part-number-marker=x", status: 400, code: "InvalidArgument"},
		{name: "list uploads", method: "GET", target: "/b?uploads&max-uploads=3&prefix=p&delimiter=/&key-marker=k0&upload-id-marker=u0",
			setup: func(env *testEnv) {
				env.obj.uploads = &object.ListUploadsOutput{
					Uploads: []object.Upload{
						{Key: "p1", UploadID: "u1", Initiated: lm, Owner: "000000000000"},
						{Key: "p2", UploadID: "u2", Initiated: lm, Owner: "000000000000", ChecksumAlgorithm: checksum.SHA256, ChecksumType: checksum.Composite},
					},
					CommonPrefixes: []string{"p/"},
					Truncated:      true, NextKeyMarker: "p2", NextUploadIDMarker: "u2",
				}
			},
			status: 200,
			call: object.ListUploadsInput{Bucket: "b", Prefix: "p", Delimiter: "/", KeyMarker: "k0", UploadIDMarker: "u0",
				MaxUploads: 3},
			golden: "list-uploads.xml"},
		{name: "list uploads bad max", method: "GET", target: "/b?uploads&max-uploads=-3", status: 400, code: "InvalidArgument"},
	})
}
