package s3api

import (
	"crypto/tls"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// mfaRequest is a request from the test root principal carrying header
// as its x-amz-mfa.
func mfaRequest(header string, secure bool) *request {
	r := httptest.NewRequest("DELETE", "/b/k?versionId=v", nil)
	r.Header.Set(headerMFA, header)
	if secure {
		r.TLS = &tls.ConnectionState{}
	}
	return &request{r: r, auth: &sigv4.Result{Principal: rootPrincipal}}
}

func TestRequestMFA(t *testing.T) {
	serial := "arn:aws:iam::000000000000:mfa/root-device"
	tests := []struct {
		header string
		want   object.MFA
		bad    bool
	}{
		{header: "", want: object.MFA{}},
		// The S3 User Guide's example: a hardware device's serial.
		{header: "20899872 301749", want: object.MFA{Account: "000000000000", Root: true, Serial: "20899872", Code: "301749"}},
		{header: serial + " 123456", want: object.MFA{Account: "000000000000", Root: true, Serial: serial, Code: "123456"}},
		{header: "  " + serial + "   123456 ", want: object.MFA{Account: "000000000000", Root: true, Serial: serial, Code: "123456"}},
		{header: serial, bad: true},
		{header: serial + " 123 456", bad: true},
		{header: " 123456", want: object.MFA{}, bad: true},
	}
	for _, tc := range tests {
		got, err := mfaRequest(tc.header, true).mfa()
		if tc.bad {
			if !errors.Is(err, errInvalidArgument) {
				t.Errorf("mfa(%q) = %+v, %v; want InvalidArgument", tc.header, got, err)
			}
			continue
		}
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("mfa(%q) = %+v, %v; want %+v", tc.header, got, err, tc.want)
		}
	}
}

func TestCheckMFATransport(t *testing.T) {
	if err := checkMFATransport(mfaRequest("s 123456", false)); !errors.Is(err, errInvalidRequest) {
		t.Errorf("x-amz-mfa over HTTP = %v, want InvalidRequest", err)
	}
	if err := checkMFATransport(mfaRequest("s 123456", true)); err != nil {
		t.Errorf("x-amz-mfa over TLS = %v", err)
	}
	r := mfaRequest("", false)
	r.r.Header.Del(headerMFA)
	if err := checkMFATransport(r); err != nil {
		t.Errorf("no x-amz-mfa over HTTP = %v", err)
	}
}

// FuzzRequestMFA checks that any x-amz-mfa either parses into a serial
// and a code without blanks, or is InvalidArgument.
func FuzzRequestMFA(f *testing.F) {
	for _, s := range []string{"20899872 301749", "arn:aws:iam::000000000000:mfa/root-device 123456", "x", " ", "a  b", "a b c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n\x00") {
			return // not a header value net/http would deliver
		}
		m, err := mfaRequest(s, true).mfa()
		switch {
		case err != nil:
			if !errors.Is(err, errInvalidArgument) {
				t.Fatalf("mfa(%q) error %v, want InvalidArgument", s, err)
			}
		case m.Serial == "":
			if m.Code != "" || strings.TrimSpace(s) != "" {
				t.Fatalf("mfa(%q) = %+v without a serial", s, m)
			}
		case m.Code == "" || strings.ContainsAny(m.Serial+m.Code, " \t\v\f"):
			t.Fatalf("mfa(%q) = %+v", s, m)
		}
	})
}
