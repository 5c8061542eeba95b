package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
)

// The bodies are the RestoreObject API Reference's examples.
const (
	restoreStandard = `<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>2</Days>` +
		`<GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters></RestoreRequest>`
	restoreDaysOnly = `<RestoreRequest><Days>5</Days></RestoreRequest>`
)

func TestRestoreObject(t *testing.T) {
	runHandlerCases(t, []handlerCase{
		{name: "started", method: "POST", target: "/b/k?restore", body: restoreStandard,
			setup:  func(env *testEnv) { env.obj.restore = object.RestoreOutput{Started: true} },
			status: 202, call: object.RestoreInput{Bucket: "b", Key: "k", Days: 2, Tier: "Standard"}},
		{name: "bulk", method: "POST", target: "/b/k?restore",
			body:   `<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>`,
			status: 200, call: object.RestoreInput{Bucket: "b", Key: "k", Days: 1, Tier: "Bulk"}},
		{name: "top-level tier", method: "POST", target: "/b/k?restore",
			body:   `<RestoreRequest><Days>1</Days><Tier>Expedited</Tier></RestoreRequest>`,
			status: 200, call: object.RestoreInput{Bucket: "b", Key: "k", Days: 1, Tier: "Expedited"}},
		{name: "expedited from DEEP_ARCHIVE", method: "POST", target: "/b/k?restore",
			body:   `<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Expedited</Tier></GlacierJobParameters></RestoreRequest>`,
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidArgument },
			status: 400, code: "InvalidArgument"},
		{name: "extended, with a version", method: "POST", target: "/b/k?restore&versionId=v1", body: restoreDaysOnly,
			status: 200, call: object.RestoreInput{Bucket: "b", Key: "k", VersionID: "v1", Days: 5}},
		{name: "in progress", method: "POST", target: "/b/k?restore", body: restoreDaysOnly,
			setup:  func(env *testEnv) { env.obj.err = object.ErrRestoreInProgress },
			status: 409, code: "RestoreAlreadyInProgress"},
		{name: "not archived", method: "POST", target: "/b/k?restore", body: restoreDaysOnly,
			setup:  func(env *testEnv) { env.obj.err = object.ErrInvalidObjectState },
			status: 403, code: "InvalidObjectState"},
		{name: "no days", method: "POST", target: "/b/k?restore", body: `<RestoreRequest/>`, status: 400, code: "InvalidArgument"},
		{name: "zero days", method: "POST", target: "/b/k?restore", body: `<RestoreRequest><Days>0</Days></RestoreRequest>`,
			status: 400, code: "InvalidArgument"},
		{name: "bad tier", method: "POST", target: "/b/k?restore",
			body:   `<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters></RestoreRequest>`,
			status: 400, code: "MalformedXML"},
		{name: "select", method: "POST", target: "/b/k?restore",
			body: `<RestoreRequest><Type>SELECT</Type></RestoreRequest>`, status: 501, code: "NotImplemented"},
		{name: "not xml", method: "POST", target: "/b/k?restore", body: `days=1`, status: 400, code: "MalformedXML"},
	})
}

func TestHeadObject_restoreHeader(t *testing.T) {
	expiry := time.Date(2012, 12, 21, 0, 0, 0, 0, time.UTC)
	runHandlerCases(t, []handlerCase{
		{name: "ongoing", method: "HEAD", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.get = &object.GetOutput{Info: object.ObjectInfo{Key: "k", StorageClass: "GLACIER", Restore: &object.RestoreStatus{Ongoing: true}}}
			},
			status: 200, hdr: map[string]string{"X-Amz-Restore": `ongoing-request="true"`, "X-Amz-Storage-Class": "GLACIER"}},
		{name: "restored", method: "HEAD", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.get = &object.GetOutput{Info: object.ObjectInfo{Key: "k", StorageClass: "DEEP_ARCHIVE", Restore: &object.RestoreStatus{Expiry: expiry}}}
			},
			status: 200, hdr: map[string]string{"X-Amz-Restore": `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`}},
		{name: "never restored", method: "HEAD", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.get = &object.GetOutput{Info: object.ObjectInfo{Key: "k", StorageClass: "GLACIER"}}
			},
			status: 200, hdr: map[string]string{"X-Amz-Restore": ""}},
	})
}

func FuzzParseRestoreRequest(f *testing.F) {
	f.Add([]byte(restoreStandard))
	f.Add([]byte(restoreDaysOnly))
	f.Add([]byte(`<RestoreRequest><Days>-1</Days><Tier>Bulk</Tier></RestoreRequest>`))
	f.Add([]byte(`<RestoreRequest><Type>SELECT</Type><OutputLocation/></RestoreRequest>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rr, err := parseRestoreRequest(data)
		if err != nil {
			return
		}
		if rr.days < 1 || rr.days > object.MaxRestoreDays {
			t.Fatalf("parseRestoreRequest(%q) = %d days without an error", data, rr.days)
		}
		switch rr.tier {
		case "", object.RestoreExpedited, object.RestoreStandard, object.RestoreBulk:
		default:
			t.Fatalf("parseRestoreRequest(%q) = tier %q without an error", data, rr.tier)
		}
	})
}
