package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestGetObjectAttributes(t *testing.T) {
	lm := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	composite := &object.AttributesOutput{
		Info: object.ObjectInfo{Bucket: "b", Key: "k", VersionID: "v1", ETag: "0123456789abcdef0123456789abcdef-3",
			Size: 26, LastModified: lm, PartsCount: 3, StorageClass: "STANDARD",
			Checksum: &object.Checksum{Algorithm: checksum.CRC32, Type: checksum.Composite, Value: []byte{1, 2, 3, 4}}},
		PartsListed: true, MaxParts: 2, Truncated: true, NextPartNumberMarker: 3,
		Parts: []object.Part{
			{PartNumber: 1, Size: 10, Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: []byte{5, 6, 7, 8}}},
			{PartNumber: 3, Size: 11, Checksum: &object.Checksum{Algorithm: checksum.CRC32, Value: []byte{9, 10, 11, 12}}},
		},
	}
	fullObject := &object.AttributesOutput{
		Info: object.ObjectInfo{Bucket: "b", Key: "k", ETag: "0123456789abcdef0123456789abcdef-3", Size: 26,
			LastModified: lm, PartsCount: 3, StorageClass: "STANDARD",
			Checksum: &object.Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject, Value: []byte{1, 2, 3, 4, 5, 6, 7, 8}}},
	}
	single := &object.AttributesOutput{Info: object.ObjectInfo{Bucket: "b", Key: "k", ETag: "d41d8cd98f00b204e9800998ecf8427e",
		LastModified: lm, StorageClass: "STANDARD"}}
	all := map[string]string{"X-Amz-Object-Attributes": "ETag,Checksum,ObjectParts,StorageClass,ObjectSize"}
	runHandlerCases(t, []handlerCase{
		{name: "composite, every attribute", method: "GET", target: "/b/k?attributes&versionId=v1",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag, Checksum,ObjectParts", "X-Amz-Max-Parts": "2",
				"X-Amz-Part-Number-Marker": "0"},
			setup:  func(env *testEnv) { env.obj.attrs = composite },
			status: 200, hdr: map[string]string{"X-Amz-Version-Id": "v1", "Last-Modified": "Tue, 04 Mar 2025 05:06:07 GMT"},
			call:   object.AttributesInput{Bucket: "b", Key: "k", VersionID: "v1", MaxParts: 2},
			golden: "attributes-composite.xml"},
		{name: "full object checksum: parts counted only", method: "GET", target: "/b/k?attributes", header: all,
			setup:  func(env *testEnv) { env.obj.attrs = fullObject },
			status: 200, hdr: map[string]string{"X-Amz-Version-Id": ""},
			call:   object.AttributesInput{Bucket: "b", Key: "k", MaxParts: 1000},
			golden: "attributes-full-object.xml"},
		{name: "single part, size zero", method: "GET", target: "/b/k?attributes", header: all,
			setup:  func(env *testEnv) { env.obj.attrs = single },
			status: 200, golden: "attributes-single.xml"},
		{name: "one attribute", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "StorageClass"},
			setup:  func(env *testEnv) { env.obj.attrs = single },
			status: 200, golden: "attributes-storage-class.xml"},
		{name: "missing header", method: "GET", target: "/b/k?attributes", status: 400, code: "InvalidArgument"},
		{name: "unknown attribute", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag,Owner"}, status: 400, code: "InvalidArgument"},
		{name: "lower-case attribute", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "etag"}, status: 400, code: "InvalidArgument"},
		{name: "bad max-parts", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag", "X-Amz-Max-Parts": "x"}, status: 400, code: "InvalidArgument"},
		{name: "bad part-number-marker", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag", "X-Amz-Part-Number-Marker": "-1"}, status: 400, code: "InvalidArgument"},
		{name: "empty version id", method: "GET", target: "/b/k?attributes&versionId=", header: all, status: 400, code: "InvalidArgument"},
		{name: "delete marker", method: "GET", target: "/b/k?attributes", header: all,
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm1", LastModified: lm, Err: object.ErrNoSuchKey}
			},
			status: 404, code: "NoSuchKey", hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "dm1"}},
		{name: "delete marker named", method: "GET", target: "/b/k?attributes&versionId=dm1", header: all,
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm1", LastModified: lm, Err: object.ErrMethodNotAllowed}
			},
			status: 405, code: "MethodNotAllowed", hdr: map[string]string{"X-Amz-Delete-Marker": "true"}},
		{name: "no such key", method: "GET", target: "/b/k?attributes", header: all,
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchKey }, status: 404, code: "NoSuchKey"},
		// s3:GetObjectAttributes, and s3:GetObjectVersionAttributes for a version.
		{name: "denied", method: "GET", target: "/b/k?attributes", header: all,
			setup:  func(env *testEnv) { env.authz.deny = map[string]bool{"s3:GetObjectAttributes b/k": true} },
			status: 403, code: "AccessDenied"},
		{name: "version denied", method: "GET", target: "/b/k?attributes&versionId=v1", header: all,
			setup:  func(env *testEnv) { env.authz.deny = map[string]bool{"s3:GetObjectVersionAttributes b/k": true} },
			status: 403, code: "AccessDenied"},
	})
}
