package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
)

func TestBucketVersioning(t *testing.T) {
	enable := `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`
	mfaOff := `<VersioningConfiguration><Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`
	mfaOn := `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`
	mfaBad := `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>On</MfaDelete></VersioningConfiguration>`
	md5 := func(s string) map[string]string { return map[string]string{"Content-Md5": md5b64(s)} }
	withMFA := object.MFA{Account: "000000000000", Root: true, Serial: "arn:aws:iam::000000000000:mfa/root-device", Code: "123456"}
	mfaHdr := func(s, v string) map[string]string {
		return map[string]string{"Content-Md5": md5b64(s), "X-Amz-Mfa": v}
	}
	runHandlerCases(t, []handlerCase{
		{name: "enable", method: "PUT", target: "/b?versioning", body: enable, header: md5(enable),
			status: 200, call: object.VersioningInput{Bucket: "b", Status: object.VersioningEnabled}},
		{name: "suspend with MfaDelete Disabled", method: "PUT", target: "/b?versioning", body: mfaOff,
			header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(mfaOff)},
			status: 200, call: object.VersioningInput{Bucket: "b", Status: object.VersioningSuspended, MFADelete: object.MFADeleteDisabled}},
		{name: "enable MFA Delete", method: "PUT", target: "/b?versioning", body: mfaOn, tls: true,
			header: mfaHdr(mfaOn, "arn:aws:iam::000000000000:mfa/root-device 123456"),
			status: 200, call: object.VersioningInput{Bucket: "b", Status: object.VersioningEnabled, MFADelete: object.MFADeleteEnabled, MFA: withMFA}},
		{name: "x-amz-mfa over HTTP", method: "PUT", target: "/b?versioning", body: mfaOn,
			header: mfaHdr(mfaOn, "arn:aws:iam::000000000000:mfa/root-device 123456"),
			status: 400, code: "InvalidRequest"},
		{name: "x-amz-mfa without a code", method: "PUT", target: "/b?versioning", body: mfaOn, tls: true,
			header: mfaHdr(mfaOn, "arn:aws:iam::000000000000:mfa/root-device"),
			status: 400, code: "InvalidArgument"},
		{name: "MFA required from the service", method: "PUT", target: "/b?versioning", body: mfaOn, header: md5(mfaOn),
			setup:  func(env *testEnv) { env.obj.err = object.ErrMFARequired },
			status: 403, code: "AccessDenied"},
		{name: "bad MfaDelete", method: "PUT", target: "/b?versioning", body: mfaBad, header: md5(mfaBad),
			status: 400, code: "IllegalVersioningConfigurationException"},
		{name: "bad status from the service", method: "PUT", target: "/b?versioning", body: enable, header: md5(enable),
			setup:  func(env *testEnv) { env.obj.err = object.ErrIllegalVersioningConfiguration },
			status: 400, code: "IllegalVersioningConfigurationException"},
		{name: "object lock bucket", method: "PUT", target: "/b?versioning", body: mfaOff, header: md5(mfaOff),
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidBucketState },
			status: 409, code: "InvalidBucketState"},
		{name: "missing md5", method: "PUT", target: "/b?versioning", body: enable, status: 400, code: "InvalidRequest"},
		{name: "malformed", method: "PUT", target: "/b?versioning", body: "<Versioning", header: md5("<Versioning"),
			status: 400, code: "MalformedXML"},
		{name: "get", method: "GET", target: "/b?versioning",
			setup:  func(env *testEnv) { env.obj.versioning = object.VersioningConfig{Status: object.VersioningSuspended} },
			status: 200, call: versioningCall{Bucket: "b"},
			golden: "versioning-suspended.xml"},
		{name: "get with MFA Delete", method: "GET", target: "/b?versioning",
			setup: func(env *testEnv) {
				env.obj.versioning = object.VersioningConfig{Status: object.VersioningEnabled, MFADelete: object.MFADeleteEnabled}
			},
			status: 200, call: versioningCall{Bucket: "b"},
			golden: "versioning-mfa-delete.xml"},
		{name: "get unversioned", method: "GET", target: "/b?versioning",
			status: 200, call: versioningCall{Bucket: "b"}, golden: "versioning-none.xml"},
	})
}

func TestListObjectVersions(t *testing.T) {
	lm := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	out := &object.ListVersionsOutput{
		Versions: []object.ObjectInfo{
			{Key: "a b", VersionID: "dm1", IsLatest: true, DeleteMarker: true, LastModified: lm, Owner: "o"},
			{Key: "a b", VersionID: "v2", ETag: "e2", Size: 2, LastModified: lm, Owner: "o"},
			{Key: "a b", VersionID: "null", ETag: "e1", Size: 1, LastModified: lm, Owner: "o"},
			{Key: "c", VersionID: "v3", IsLatest: true, ETag: "e3", Size: 3, LastModified: lm, Owner: "o"},
		},
		CommonPrefixes: []string{"d/"},
		Truncated:      true, NextKeyMarker: "d/", NextVersionIDMarker: "",
	}
	runHandlerCases(t, []handlerCase{
		{name: "page", method: "GET", target: "/b?versions&delimiter=/&max-keys=5&encoding-type=url&key-marker=%20&version-id-marker=null",
			setup:  func(env *testEnv) { env.obj.versions = out },
			status: 200,
			call:   object.ListVersionsInput{Bucket: "b", Delimiter: "/", KeyMarker: " ", VersionIDMarker: "null", MaxKeys: 5},
			golden: "list-versions.xml"},
		{name: "version marker without key marker", method: "GET", target: "/b?versions&version-id-marker=v1",
			status: 400, code: "InvalidArgument"},
		{name: "bad encoding", method: "GET", target: "/b?versions&encoding-type=base64", status: 400, code: "InvalidArgument"},
		{name: "bad version marker", method: "GET", target: "/b?versions&key-marker=k&version-id-marker=x",
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidVersionID },
			status: 400, code: "InvalidArgument"},
	})
}

func TestDeleteMarkerResponses(t *testing.T) {
	lm := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	runHandlerCases(t, []handlerCase{
		{name: "get current marker", method: "GET", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm", LastModified: lm, Err: object.ErrNoSuchKey}
			},
			status: 404, code: "NoSuchKey",
			hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "dm", "Allow": ""}},
		{name: "get marker by id", method: "GET", target: "/b/k?versionId=dm",
			setup: func(env *testEnv) {
				env.obj.err = &object.DeleteMarkerError{VersionID: "dm", LastModified: lm, Err: object.ErrMethodNotAllowed}
			},
			status: 405, code: "MethodNotAllowed",
			hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "dm", "Allow": "DELETE"}},
		{name: "delete adds marker", method: "DELETE", target: "/b/k",
			setup:  func(env *testEnv) { env.obj.del = object.DeleteOutput{VersionID: "dm", DeleteMarker: true} },
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k"},
			hdr: map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "dm"}},
		{name: "bad version id", method: "DELETE", target: "/b/k?versionId=zz",
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidVersionID },
			status: 400, code: "InvalidArgument"},
	})
}
