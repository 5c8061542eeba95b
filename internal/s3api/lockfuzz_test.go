package s3api

import (
	"net/http"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

// checkXMLError fails unless err maps to a client error: a malformed body
// is never an internal error.
func checkXMLError(t *testing.T, what string, err error) {
	t.Helper()
	ae, known := lookupError(err)
	if !known || ae.Status >= http.StatusInternalServerError && ae.Status != http.StatusNotImplemented {
		t.Fatalf("%s error %v maps to %s %d, want a client error", what, err, ae.Code, ae.Status)
	}
}

func FuzzVersioningXML(f *testing.F) {
	// Seeds from the PutBucketVersioning reference.
	f.Add(`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`)
	f.Add(`<VersioningConfiguration><MfaDelete>Disabled</MfaDelete><Status>Suspended</Status></VersioningConfiguration>`)
	f.Add(`<VersioningConfiguration><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`)
	f.Add(`<VersioningConfiguration>`)
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := parseVersioningXML([]byte(s)); err != nil {
			checkXMLError(t, "parseVersioningXML", err)
		}
	})
}

func FuzzObjectLockXML(f *testing.F) {
	// Seeds from the PutObjectLockConfiguration, PutObjectRetention and
	// PutObjectLegalHold references.
	f.Add(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`)
	f.Add(`<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate></Retention>`)
	f.Add(`<LegalHold><Status>ON</Status></LegalHold>`)
	f.Add(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>0</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`)
	f.Add(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>tomorrow</RetainUntilDate></Retention>`)
	f.Add(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>0001-01-01T00:00:00Z</RetainUntilDate></Retention>`)
	f.Fuzz(func(t *testing.T, s string) {
		if cfg, err := parseLockConfigXML([]byte(s)); err != nil {
			checkXMLError(t, "parseLockConfigXML", err)
		} else if d := cfg.Retention; !cfg.Enabled || d != nil && d.Days != 0 && d.Years != 0 {
			t.Fatalf("parseLockConfigXML accepted %+v", cfg)
		}
		if l, err := parseRetentionXML([]byte(s)); err != nil {
			checkXMLError(t, "parseRetentionXML", err)
		} else if (l.Mode == "") != l.RetainUntil.IsZero() || l.Mode != "" && l.Mode != object.LockGovernance && l.Mode != object.LockCompliance {
			t.Fatalf("parseRetentionXML accepted %+v", l)
		}
		if _, err := parseLegalHoldXML([]byte(s)); err != nil {
			checkXMLError(t, "parseLegalHoldXML", err)
		}
	})
}
