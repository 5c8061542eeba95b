package s3api

import (
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

func TestDeleteObjects(t *testing.T) {
	doc := `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>sample1.txt</Key></Object><Object><Key>sample2.txt</Key><VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId></Object><Object><Key>secret</Key></Object></Delete>`
	quiet := `<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>`
	results := []object.DeleteResult{
		{ObjectID: object.ObjectID{Key: "sample1.txt"}, DeleteMarker: true, DeleteMarkerVersionID: "dm1"},
		{ObjectID: object.ObjectID{Key: "sample2.txt", VersionID: "OYcLXagmS.WaD..oyH4KRguB95_YhLs7"}},
	}
	runHandlerCases(t, []handlerCase{
		{name: "mixed", method: "POST", target: "/b?delete", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)},
			setup: func(env *testEnv) {
				env.obj.delResults = results
				env.authz.deny = map[string]bool{"s3:DeleteObject b/secret": true}
			},
			status: 200,
			call: []object.ObjectID{{Key: "sample1.txt"},
				{Key: "sample2.txt", VersionID: "OYcLXagmS.WaD..oyH4KRguB95_YhLs7"}},
			golden: "delete-result.xml"},
		{name: "quiet", method: "POST", target: "/b?delete", body: quiet,
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(quiet)},
			setup: func(env *testEnv) {
				env.obj.delResults = []object.DeleteResult{
					{ObjectID: object.ObjectID{Key: "a"}},
					{ObjectID: object.ObjectID{Key: "b"}, Err: object.ErrInvalidArgument},
				}
			},
			status: 200, golden: "delete-quiet.xml"},
		{name: "missing md5", method: "POST", target: "/b?delete", body: doc, status: 400, code: "InvalidRequest"},
		{name: "md5 mismatch", method: "POST", target: "/b?delete", body: doc,
			header: map[string]string{"Content-Md5": md5b64("x")}, status: 400, code: "BadDigest"},
		{name: "malformed", method: "POST", target: "/b?delete", body: "<Delete><Object>",
			header: map[string]string{"Content-Md5": md5b64("<Delete><Object>")}, status: 400, code: "MalformedXML"},
		{name: "empty", method: "POST", target: "/b?delete", body: "<Delete></Delete>",
			header: map[string]string{"Content-Md5": md5b64("<Delete></Delete>")}, status: 400, code: "MalformedXML"},
		{name: "too many", method: "POST", target: "/b?delete", body: manyDeletes(1001),
			header: map[string]string{"Content-Md5": md5b64(manyDeletes(1001))}, status: 400, code: "MalformedXML"},
		{name: "thousand", method: "POST", target: "/b?delete", body: manyDeletes(1000),
			header: map[string]string{"Content-Md5": md5b64(manyDeletes(1000))}, status: 200},
		{name: "no bucket", method: "POST", target: "/b?delete", body: quiet,
			header: map[string]string{"Content-Md5": md5b64(quiet)},
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket }, status: 404, code: "NoSuchBucket"},
	})
}

func manyDeletes(n int) string {
	var b strings.Builder
	b.WriteString("<Delete>")
	for range n {
		b.WriteString("<Object><Key>" + strings.Repeat("k", 1000) + "</Key></Object>")
	}
	b.WriteString("</Delete>")
	return b.String()
}
