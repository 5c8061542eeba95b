package queryapi

import (
	"context"
	"encoding/xml"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

type testUser struct {
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

// TestEnvelopes pins the documents against AWS's API reference examples
// (GetUser, GetCallerIdentity, DeleteUser, and the Common Errors shape).
func TestEnvelopes(t *testing.T) {
	getUser := struct {
		User testUser `xml:"User"`
	}{testUser{UserID: "123456789012", Arn: "arn:aws:iam::123456789012:root",
		CreateDate: time.Date(2013, 12, 27, 12, 1, 18, 0, time.UTC).Format(TimeFormat)}}
	tests := []struct {
		name string
		doc  func() ([]byte, error)
	}{
		{"iam-getuser.xml", func() ([]byte, error) {
			return AppendResult(nil, NamespaceIAM, "GetUser", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", getUser)
		}},
		{"iam-deleteuser.xml", func() ([]byte, error) {
			return AppendResult(nil, NamespaceIAM, "DeleteUser", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", nil)
		}},
		{"sts-getcalleridentity.xml", func() ([]byte, error) {
			return AppendResult(nil, NamespaceSTS, "GetCallerIdentity", "01234567-89ab-cdef-0123-456789abcdef",
				struct {
					Arn     string `xml:"Arn"`
					UserID  string `xml:"UserId"`
					Account string `xml:"Account"`
				}{"arn:aws:iam::123456789012:user/Alice", "AKIAI44QH8DHBEXAMPLE", "123456789012"})
		}},
		{"iam-error-validation.xml", func() ([]byte, error) {
			return AppendError(nil, NamespaceIAM, Validation("a b<", "userName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"), "req-1"), nil
		}},
		{"sts-error-internal.xml", func() ([]byte, error) {
			return AppendError(nil, NamespaceSTS, errInternal, "req-2"), nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.doc()
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(got, new(struct{})); err != nil {
				t.Errorf("%s is not well-formed XML: %v", tt.name, err)
			}
			golden(t, tt.name, got)
		})
	}
}

// denyAll denies everything, to show which actions skip Authorize.
type denyAll struct{}

func (denyAll) Authorize(context.Context, iam.Request) iam.Decision {
	return iam.Decision{Reason: "test"}
}

type creds struct{}

func (creds) Lookup(_ context.Context, ak string) (sigv4.Credential, error) {
	return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
}

// TestServiceAnonymous pins that an unsigned request never reaches an
// action: MissingAuthenticationToken, as IAM answers.
func TestServiceAnonymous(t *testing.T) {
	s, err := New(Options{Namespace: NamespaceIAM, Version: "2010-05-08", Authorizer: denyAll{},
		Verifier: sigv4.New(sigv4.Options{Credentials: creds{}, Service: "iam", Clock: clock.Real{}}),
		Actions: map[string]Action{"GetUser": {Public: true, Handle: func(context.Context, *Call) (any, error) {
			t.Error("an anonymous call reached the action")
			return nil, nil
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "/?Action=GetUser&Version=2010-05-08", nil)
	w := &recorder{h: http.Header{}}
	s.ServeHTTP(w, r)
	if w.status != 403 || w.h.Get("x-amzn-RequestId") == "" {
		t.Errorf("anonymous GetUser = %d (request id %q), want 403 with a request id", w.status, w.h.Get("x-amzn-RequestId"))
	}
}

// TestServiceUnsigned pins that an unsigned request may name only the
// Unsigned actions: unimplemented ones answer NotImplemented, implemented
// ones run without Authorize, anything else MissingAuthenticationToken.
func TestServiceUnsigned(t *testing.T) {
	ran := false
	s, err := New(Options{Namespace: NamespaceSTS, Version: "2011-06-15", Authorizer: denyAll{},
		Verifier: sigv4.New(sigv4.Options{Credentials: creds{}, Service: "sts", Clock: clock.Real{}}),
		Actions: map[string]Action{
			"AssumeRoleWithSAML": {Handle: func(_ context.Context, c *Call) (any, error) { ran = c.Principal.Anonymous; return nil, nil }},
			"GetCallerIdentity":  {Public: true, Handle: func(context.Context, *Call) (any, error) { t.Error("GetCallerIdentity ran unsigned"); return nil, nil }},
		},
		Unimplemented: []string{"AssumeRoleWithWebIdentity", "GetSessionToken"},
		Unsigned:      []string{"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		body   string
		status int
		want   string
	}{
		{"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=x", 501, "<Code>NotImplemented</Code><Message>AssumeRoleWithWebIdentity is not implemented yet</Message>"},
		{"Action=AssumeRoleWithWebIdentity&Version=2010-05-08", 400, "<Code>InvalidAction</Code>"},
		{"Action=AssumeRoleWithSAML&Version=2011-06-15", 200, "<AssumeRoleWithSAMLResponse"},
		{"Action=GetCallerIdentity&Version=2011-06-15", 403, "<Code>MissingAuthenticationToken</Code>"},
		{"Action=GetSessionToken&Version=2011-06-15", 403, "<Code>MissingAuthenticationToken</Code>"},
		{"Action=%zz", 403, "<Code>MissingAuthenticationToken</Code>"},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest("POST", "/", strings.NewReader(tt.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := &recorder{h: http.Header{}}
		s.ServeHTTP(w, r)
		if w.status != tt.status || !strings.Contains(string(w.body), tt.want) {
			t.Errorf("unsigned %s = %d %s, want %d with %s", tt.body, w.status, w.body, tt.status, tt.want)
		}
	}
	if !ran {
		t.Error("the unsigned implemented action did not run as anonymous")
	}
}

func TestNewRejectsOverlap(t *testing.T) {
	_, err := New(Options{Namespace: NamespaceIAM, Version: "2010-05-08", Authorizer: denyAll{},
		Verifier: sigv4.New(sigv4.Options{Service: "iam"}),
		Actions:  map[string]Action{"GetUser": {}}, Unimplemented: []string{"GetUser"}})
	if err == nil {
		t.Error("New with GetUser both implemented and unimplemented = nil error")
	}
}

type recorder struct {
	h      http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) WriteHeader(s int)           { r.status = s }
func (r *recorder) Write(b []byte) (int, error) { r.body = append(r.body, b...); return len(b), nil }
