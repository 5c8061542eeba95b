package s3api

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

func TestObjectTagging(t *testing.T) {
	doc := `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>`
	runHandlerCases(t, []handlerCase{
		{name: "get", method: "GET", target: "/b/k?tagging&versionId=v1",
			setup: func(env *testEnv) {
				env.obj.tags = []object.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "<&>"}}
				env.obj.version = "v1"
			},
			status: 200, hdr: map[string]string{"X-Amz-Version-Id": "v1"},
			call: []string{"get", "b", "k", "v1"}, golden: "tagging.xml"},
		{name: "get empty", method: "GET", target: "/b/k?tagging", status: 200, golden: "tagging-empty.xml"},
		{name: "put with md5", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)}, status: 200,
			call: []object.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: ""}}},
		{name: "put with crc32", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(doc)}, status: 200},
		{name: "put with trailer", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"X-Amz-Trailer": "x-amz-checksum-crc32"},
			setup: func(env *testEnv) {
				env.ver.trailers = map[string][]string{"X-Amz-Checksum-Crc32": {crc32b64(doc)}}
			},
			status: 200},
		{name: "put without checksum", method: "PUT", target: "/b/k?tagging", body: doc, status: 400, code: "InvalidRequest"},
		{name: "put md5 mismatch", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"Content-Md5": md5b64("x")}, status: 400, code: "BadDigest"},
		{name: "put crc mismatch", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64("x")}, status: 400, code: "BadDigest"},
		{name: "put malformed", method: "PUT", target: "/b/k?tagging", body: "<Tagging>",
			header: map[string]string{"Content-Md5": md5b64("<Tagging>")}, status: 400, code: "MalformedXML"},
		{name: "put duplicate key", method: "PUT", target: "/b/k?tagging",
			body:   `<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`,
			header: map[string]string{"Content-Md5": md5b64(`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`)},
			status: 400, code: "InvalidTag"},
		{name: "put invalid tag", method: "PUT", target: "/b/k?tagging", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)},
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidTag }, status: 400, code: "InvalidTag"},
		{name: "delete", method: "DELETE", target: "/b/k?tagging", status: 204, call: []string{"delete", "b", "k", ""}},
		{name: "delete missing", method: "DELETE", target: "/b/k?tagging",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchKey }, status: 404, code: "NoSuchKey"},
	})
}
