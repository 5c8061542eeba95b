package iam

import (
	"testing"
	"time"
)

// TestRecordV1Fixtures decodes records in recordV1 as this version writes
// them. The encodings must never change: if this test fails, a field was
// renamed or retyped, and records already on disk would no longer decode.
func TestRecordV1Fixtures(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	v1 := func(json string) []byte { return append([]byte{recordV1}, json...) }

	var a accountRecord
	must(t, decodeRecord(v1(`{"id":"000000000000","n":"coffer","c":"ab","t":"2026-03-01T12:00:00Z","k":"AKIAROOT","ks":["AKIAMORE"]}`), &a))
	if a.ID != "000000000000" || a.Name != "coffer" || a.CanonicalID != "ab" || !a.Created.Equal(at) || a.RootKey != "AKIAROOT" || len(a.RootKeys) != 1 || a.RootKeys[0] != "AKIAMORE" {
		t.Errorf("accountRecord = %+v", a)
	}
	var k keyRecord
	must(t, decodeRecord(v1(`{"a":"000000000000","u":"alice","s":"AQID","on":true,"t":"2026-03-01T12:00:00Z","lu":"2026-03-01T12:00:00Z","ls":"s3","lr":"us-east-1"}`), &k))
	if k.Account != "000000000000" || k.User != "alice" || string(k.Secret) != "\x01\x02\x03" || !k.Active || !k.LastUsed.Equal(at) || k.LastUsedService != "s3" || k.LastUsedRegion != "us-east-1" {
		t.Errorf("keyRecord = %+v", k)
	}
	var u userRecord
	must(t, decodeRecord(v1(`{"n":"Alice","p":"/eng/","id":"AIDAX","t":"2026-03-01T12:00:00Z","tg":[{"k":"team","v":"s"}],"b":"arn:b","i":{"p":"{}"},"at":["arn:p"]}`), &u))
	if u.Name != "Alice" || u.Path != "/eng/" || u.ID != "AIDAX" || len(u.Tags) != 1 || u.Boundary != "arn:b" || u.Inline["p"] != "{}" || u.Attached[0] != "arn:p" {
		t.Errorf("userRecord = %+v", u)
	}
	var r roleRecord
	must(t, decodeRecord(v1(`{"n":"R","p":"/","id":"AROAX","t":"2026-03-01T12:00:00Z","tr":"{}","d":"desc","ms":7200}`), &r))
	if r.Name != "R" || r.Trust != "{}" || r.Description != "desc" || r.MaxSession != 7200 {
		t.Errorf("roleRecord = %+v", r)
	}
	var p policyRecord
	must(t, decodeRecord(v1(`{"n":"P","p":"/","id":"ANPAX","t":"2026-03-01T12:00:00Z","ut":"2026-03-01T12:00:00Z","dv":"v2","nv":3,"v":[{"id":"v2","doc":"{}","t":"2026-03-01T12:00:00Z"}]}`), &p))
	if p.Name != "P" || p.Default != "v2" || p.NextVersion != 3 || len(p.Versions) != 1 || p.Versions[0].Document != "{}" {
		t.Errorf("policyRecord = %+v", p)
	}
	var m mfaRecord
	must(t, decodeRecord(v1(`{"n":"phone","p":"/eng/","s":"AQID","t":"2026-03-01T12:00:00Z","tg":[{"k":"a","v":"b"}],"e":"2026-03-01T12:00:00Z","u":"alice","d":-2,"l":59000000}`), &m))
	if m.Name != "phone" || m.Path != "/eng/" || string(m.Seed) != "\x01\x02\x03" || !m.Created.Equal(at) || len(m.Tags) != 1 ||
		!m.Enabled.Equal(at) || m.User != "alice" || m.Drift != -2 || m.LastStep != 59000000 {
		t.Errorf("mfaRecord = %+v", m)
	}
	if err := decodeRecord([]byte{9, '{', '}'}, &p); err == nil {
		t.Error("an unknown format version decoded")
	}
}

func FuzzParsePolicyARN(f *testing.F) {
	// Seeds: ARNs from the IAM identifiers page, and broken ones.
	for _, s := range []string{
		"arn:aws:iam::123456789012:policy/UsersManageOwnCredentials",
		"arn:aws:iam::123456789012:policy/division_abc/subdivision_xyz/UsersManageOwnCredentials",
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::123456789012:policy/", "arn:aws:iam::1:policy/x", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		account, path, name, ok := parsePolicyARN(arn)
		if !ok {
			return
		}
		if got := PolicyARN(account, path, name); got != arn {
			t.Errorf("PolicyARN(parsePolicyARN(%q)) = %q", arn, got)
		}
	})
}
