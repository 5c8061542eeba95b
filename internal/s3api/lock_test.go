package s3api

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/google/go-cmp/cmp"
)

func TestParseLockHeaders(t *testing.T) {
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		hdr  map[string]string
		want *object.Lock
		ok   bool
	}{
		{"none", nil, nil, true},
		{"governance", map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05Z"},
			&object.Lock{Mode: object.LockGovernance, RetainUntil: until}, true},
		{"compliance millis and hold", map[string]string{"X-Amz-Object-Lock-Mode": "COMPLIANCE",
			"X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05.000Z", "X-Amz-Object-Lock-Legal-Hold": "ON"},
			&object.Lock{Mode: object.LockCompliance, RetainUntil: until, LegalHold: true}, true},
		{"hold off", map[string]string{"X-Amz-Object-Lock-Legal-Hold": "OFF"}, &object.Lock{}, true},
		{"mode without date", map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE"}, nil, false},
		{"date without mode", map[string]string{"X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05Z"}, nil, false},
		{"unknown mode", map[string]string{"X-Amz-Object-Lock-Mode": "governance", "X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05Z"}, nil, false},
		{"bad date", map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": "tomorrow"}, nil, false},
		{"bad hold", map[string]string{"X-Amz-Object-Lock-Legal-Hold": "yes"}, nil, false},
	}
	for _, tt := range tests {
		r := newReq("PUT", "/b/k", nil)
		for k, v := range tt.hdr {
			r.Header.Set(k, v)
		}
		got, err := parseLockHeaders(r.Header)
		if (err == nil) != tt.ok {
			t.Errorf("parseLockHeaders(%s) = %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseLockHeaders(%s) (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestObjectLockHandlers(t *testing.T) {
	cfg := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>3</Days></DefaultRetention></Rule></ObjectLockConfiguration>`
	cfgBoth := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>3</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`
	cfgNone := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>`
	cfgZero := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>`
	cfgMode := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>FOREVER</Mode><Days>3</Days></DefaultRetention></Rule></ObjectLockConfiguration>`
	ret := `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-02T03:04:05.000Z</RetainUntilDate></Retention>`
	retBad := `<Retention><Mode>KEEP</Mode><RetainUntilDate>2030-01-02T03:04:05.000Z</RetainUntilDate></Retention>`
	hold := `<LegalHold><Status>ON</Status></LegalHold>`
	holdBad := `<LegalHold><Status>on</Status></LegalHold>`
	md5 := func(s string) map[string]string { return map[string]string{"Content-Md5": md5b64(s)} }
	bypass := func(s string) map[string]string {
		return map[string]string{"Content-Md5": md5b64(s), "X-Amz-Bypass-Governance-Retention": "true"}
	}
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	runHandlerCases(t, []handlerCase{
		{name: "put config", method: "PUT", target: "/b?object-lock", body: cfg, header: md5(cfg), status: 200,
			call: object.ObjectLockConfig{Enabled: true, Retention: &object.DefaultRetention{Mode: object.LockGovernance, Days: 3}}},
		// s3-tests' test_object_lock_put_obj_lock_with_days_and_years
		// (checked against S3) expects MalformedXML for both periods.
		{name: "put config both periods", method: "PUT", target: "/b?object-lock", body: cfgBoth, header: md5(cfgBoth), status: 400, code: "MalformedXML"},
		{name: "put config no period", method: "PUT", target: "/b?object-lock", body: cfgNone, header: md5(cfgNone), status: 400, code: "MalformedXML"},
		{name: "put config zero days", method: "PUT", target: "/b?object-lock", body: cfgZero, header: md5(cfgZero), status: 200,
			call: object.ObjectLockConfig{Enabled: true, Retention: &object.DefaultRetention{Mode: object.LockGovernance}}},
		{name: "put config invalid period", method: "PUT", target: "/b?object-lock", body: cfgZero, header: md5(cfgZero),
			setup: func(env *testEnv) { env.obj.err = object.ErrInvalidRetentionPeriod }, status: 400, code: "InvalidRetentionPeriod"},
		{name: "put config bad mode", method: "PUT", target: "/b?object-lock", body: cfgMode, header: md5(cfgMode), status: 400, code: "MalformedXML"},
		{name: "put config without md5", method: "PUT", target: "/b?object-lock", body: cfg, status: 400, code: "InvalidRequest"},
		{name: "put config on unversioned bucket", method: "PUT", target: "/b?object-lock", body: cfg, header: md5(cfg),
			setup: func(env *testEnv) { env.obj.err = object.ErrInvalidBucketState }, status: 409, code: "InvalidBucketState"},
		{name: "get config", method: "GET", target: "/b?object-lock",
			setup: func(env *testEnv) {
				env.obj.lockConfig = object.ObjectLockConfig{Enabled: true, Retention: &object.DefaultRetention{Mode: object.LockCompliance, Years: 2}}
			},
			status: 200, golden: "object-lock-config.xml"},
		{name: "get config missing", method: "GET", target: "/b?object-lock",
			setup:  func(env *testEnv) { env.obj.err = object.ErrObjectLockConfigurationNotFound },
			status: 404, code: "ObjectLockConfigurationNotFoundError"},
		{name: "put retention", method: "PUT", target: "/b/k?retention&versionId=v1", body: ret, header: md5(ret), status: 200,
			call: object.PutRetentionInput{Bucket: "b", Key: "k", VersionID: "v1", Mode: object.LockCompliance, RetainUntil: until}},
		{name: "put retention with allowed bypass", method: "PUT", target: "/b/k?retention", body: ret, header: bypass(ret), status: 200,
			call: object.PutRetentionInput{Bucket: "b", Key: "k", Mode: object.LockCompliance, RetainUntil: until, BypassGovernance: true}},
		{name: "put retention with denied bypass", method: "PUT", target: "/b/k?retention", body: ret, header: bypass(ret),
			setup:  func(env *testEnv) { env.authz.deny = map[string]bool{"s3:BypassGovernanceRetention b/k": true} },
			status: 200, call: object.PutRetentionInput{Bucket: "b", Key: "k", Mode: object.LockCompliance, RetainUntil: until}},
		{name: "put retention bad mode", method: "PUT", target: "/b/k?retention", body: retBad, header: md5(retBad), status: 400, code: "MalformedXML"},
		{name: "put retention locked", method: "PUT", target: "/b/k?retention", body: ret, header: md5(ret),
			setup: func(env *testEnv) { env.obj.err = object.ErrObjectLocked }, status: 403, code: "AccessDenied"},
		{name: "put retention without lock", method: "PUT", target: "/b/k?retention", body: ret, header: md5(ret),
			setup: func(env *testEnv) { env.obj.err = object.ErrNoObjectLock }, status: 400, code: "InvalidRequest"},
		{name: "get retention", method: "GET", target: "/b/k?retention",
			setup:  func(env *testEnv) { env.obj.lock = object.Lock{Mode: object.LockGovernance, RetainUntil: until} },
			status: 200, golden: "retention.xml"},
		{name: "get retention none", method: "GET", target: "/b/k?retention",
			setup:  func(env *testEnv) { env.obj.err = object.ErrNoSuchObjectLockConfiguration },
			status: 404, code: "NoSuchObjectLockConfiguration"},
		{name: "put legal hold", method: "PUT", target: "/b/k?legal-hold", body: hold, header: md5(hold), status: 200,
			call: legalHoldCall{object.ObjectID{Key: "k"}, true}},
		{name: "put legal hold bad status", method: "PUT", target: "/b/k?legal-hold", body: holdBad, header: md5(holdBad), status: 400, code: "MalformedXML"},
		{name: "delete with allowed bypass", method: "DELETE", target: "/b/k?versionId=v1",
			header: map[string]string{"X-Amz-Bypass-Governance-Retention": "true"},
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k", VersionID: "v1", BypassGovernance: true}},
		{name: "delete with denied bypass", method: "DELETE", target: "/b/k?versionId=v1",
			header: map[string]string{"X-Amz-Bypass-Governance-Retention": "true"},
			setup:  func(env *testEnv) { env.authz.deny = map[string]bool{"s3:BypassGovernanceRetention b/k": true} },
			status: 204, call: object.DeleteInput{Bucket: "b", Key: "k", VersionID: "v1"}},
		{name: "put with lock headers", method: "PUT", target: "/b/k", body: "x",
			header: map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05Z"},
			status: 400, code: "InvalidRequest"},
		{name: "get shows lock", method: "HEAD", target: "/b/k",
			setup: func(env *testEnv) {
				env.obj.get = &object.GetOutput{Info: object.ObjectInfo{ETag: "e", LockMode: object.LockCompliance, RetainUntil: until, LegalHold: true}}
			},
			status: 200, hdr: map[string]string{"X-Amz-Object-Lock-Mode": "COMPLIANCE",
				"X-Amz-Object-Lock-Retain-Until-Date": "2030-01-02T03:04:05.000Z", "X-Amz-Object-Lock-Legal-Hold": "ON"}},
	})
}

// TestVersionActions checks that a request naming a version is authorized
// as AWS's version action.
func TestVersionActions(t *testing.T) {
	tests := []struct {
		method, target, copySource string
		want                       []string
	}{
		{"GET", "/b/k?versionId=v1", "", []string{"s3:GetObjectVersion b/k"}},
		{"HEAD", "/b/k?versionId=v1", "", []string{"s3:GetObjectVersion b/k"}},
		{"GET", "/b/k", "", []string{"s3:GetObject b/k"}},
		{"DELETE", "/b/k?versionId=v1", "", []string{"s3:DeleteObjectVersion b/k"}},
		{"DELETE", "/b/k", "", []string{"s3:DeleteObject b/k"}},
		{"GET", "/b/k?tagging&versionId=v1", "", []string{"s3:GetObjectVersionTagging b/k"}},
		{"DELETE", "/b/k?tagging&versionId=v1", "", []string{"s3:DeleteObjectVersionTagging b/k"}},
		{"PUT", "/b/k", "/src/a?versionId=v1", []string{"s3:PutObject b/k", "s3:GetObjectVersion src/a"}},
	}
	for _, tt := range tests {
		env := newTestEnv(t, &fakeObjects{get: &object.GetOutput{}, copyOut: &object.CopyOutput{}})
		env.authz.deny = map[string]bool{}
		r := newReq(tt.method, tt.target, nil)
		if tt.copySource != "" {
			r = newReq(tt.method, tt.target, []byte{})
			r.Header.Set("X-Amz-Copy-Source", tt.copySource)
		}
		env.do(r)
		var got []string
		for _, q := range env.authz.reqs {
			got = append(got, q.Action+" "+q.Bucket+"/"+q.Key)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %s: authorized (-want +got):\n%s", tt.method, tt.target, diff)
		}
	}
}
