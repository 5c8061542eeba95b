package s3api

import (
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

func TestDeleteObject_conditions(t *testing.T) {
	etagDenied := func(env *testEnv) { env.authz.deny = map[string]bool{"s3:GetObject b/k": true} }
	runHandlerCases(t, []handlerCase{
		{name: "if-match etag", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": `"abc"`},
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k", IfMatch: `"abc"`}},
		{name: "if-match star", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": "*"},
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k", IfMatch: "*"}},
		// AWS: an ETag condition needs s3:GetObject besides s3:DeleteObject;
		// "*" does not.
		{name: "if-match etag without GetObject", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": `"abc"`},
			setup: etagDenied, status: 403, code: "AccessDenied"},
		{name: "if-match star without GetObject", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": "*"},
			setup: etagDenied, status: 204},
		{name: "precondition failed", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": `"abc"`},
			setup: func(env *testEnv) { env.obj.err = object.ErrPreconditionFailed }, status: 412, code: "PreconditionFailed"},
		{name: "no such key", method: "DELETE", target: "/b/k", header: map[string]string{"If-Match": "*"},
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchKey }, status: 404, code: "NoSuchKey"},
		// General purpose buckets refuse the directory-bucket conditions
		// and If-Match on a version, rather than ignore them.
		{name: "if-match-size", method: "DELETE", target: "/b/k", header: map[string]string{"X-Amz-If-Match-Size": "5"},
			status: 501, code: "NotImplemented"},
		{name: "if-match-last-modified-time", method: "DELETE", target: "/b/k",
			header: map[string]string{"X-Amz-If-Match-Last-Modified-Time": "Wed, 01 Jan 2025 00:00:00 GMT"},
			status: 501, code: "NotImplemented"},
		{name: "if-match with version", method: "DELETE", target: "/b/k?versionId=null", header: map[string]string{"If-Match": "*"},
			status: 501, code: "NotImplemented"},
	})
}

func TestDeleteObjects_conditions(t *testing.T) {
	doc := `<Delete><Object><Key>etag</Key><ETag>"abc"</ETag></Object>` +
		`<Object><Key>size</Key><Size>5</Size></Object>` +
		`<Object><Key>lmt</Key><LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime></Object>` +
		`<Object><Key>versioned</Key><VersionId>null</VersionId><ETag>*</ETag></Object>` +
		`<Object><Key>star</Key><ETag>*</ETag></Object>` +
		`<Object><Key>denied</Key><ETag>abc</ETag></Object></Delete>`
	runHandlerCases(t, []handlerCase{
		{name: "entries", method: "POST", target: "/b?delete", body: doc,
			header: map[string]string{"Content-Md5": md5b64(doc)},
			setup: func(env *testEnv) {
				env.authz.deny = map[string]bool{"s3:GetObject b/denied": true}
				env.obj.delResults = []object.DeleteResult{
					{ObjectID: object.ObjectID{Key: "etag", IfMatch: `"abc"`}, Err: object.ErrPreconditionFailed},
					{ObjectID: object.ObjectID{Key: "star", IfMatch: "*"}, Err: object.ErrNoSuchKey},
				}
			},
			status: 200,
			call:   []object.ObjectID{{Key: "etag", IfMatch: `"abc"`}, {Key: "star", IfMatch: "*"}},
			golden: "delete-conditions.xml"},
	})
}

// The Delete body's conditions reach the wire types; a fuzzed body never
// panics (FuzzDeleteXML covers the parser).
func TestParseDeleteXML_conditions(t *testing.T) {
	doc, err := parseDeleteXML([]byte(`<Delete><Object><Key>k</Key><ETag>"e"</ETag><Size>1</Size><LastModifiedTime>x</LastModifiedTime></Object></Delete>`))
	if err != nil {
		t.Fatal(err)
	}
	o := doc.Objects[0]
	if o.ETag != `"e"` || o.Size == nil || *o.Size != "1" || o.LastModifiedTime == nil || !strings.Contains(*o.LastModifiedTime, "x") {
		t.Errorf("parseDeleteXML object = %+v", o)
	}
}
