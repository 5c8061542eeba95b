package queryapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// recordingAuthorizer allows everything and keeps the last request.
type recordingAuthorizer struct{ last iam.Request }

func (a *recordingAuthorizer) Authorize(_ context.Context, req iam.Request) iam.Decision {
	a.last = req
	return iam.Decision{Allowed: true}
}

// TestServiceResource pins that an action's Resource, computed from the
// call's parameters and principal, is what Authorize is asked about, and
// that actions without one leave it empty.
func TestServiceResource(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	auth := &recordingAuthorizer{}
	s, err := New(Options{Namespace: NamespaceIAM, Version: "2010-05-08", Authorizer: auth,
		Verifier: sigv4.New(sigv4.Options{Credentials: oneKey{}, Service: "iam", Clock: clock.NewFake(now)}),
		Actions: map[string]Action{
			"GetRole": {IAMAction: "iam:GetRole", Handle: func(context.Context, *Call) (any, error) { return nil, nil },
				Resource: func(_ context.Context, c *Call) string {
					name, _ := c.Params.Get("RoleName")
					return "arn:aws:iam::" + c.Principal.AccountID + ":role/" + name
				}},
			"ListRoles": {IAMAction: "iam:ListRoles", Handle: func(context.Context, *Call) (any, error) { return nil, nil }},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ body, want string }{
		{"Action=GetRole&Version=2010-05-08&RoleName=app", "arn:aws:iam::123456789012:role/app"},
		{"Action=ListRoles&Version=2010-05-08", ""},
	} {
		r, _ := http.NewRequest("POST", "http://127.0.0.1/", strings.NewReader(tt.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(tt.body))
		creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "iam", "us-east-1", now); err != nil {
			t.Fatal(err)
		}
		w := &recorder{h: http.Header{}}
		s.ServeHTTP(w, r)
		if w.status != http.StatusOK || auth.last.Resource != tt.want {
			t.Errorf("%s: status %d, Authorize Resource = %q, want %q", tt.body, w.status, auth.last.Resource, tt.want)
		}
	}
}

func TestAccessDeniedText(t *testing.T) {
	bob := sigv4.Principal{ARN: "arn:aws:iam::123456789012:user/Bob"}
	tests := []struct {
		resource string
		d        policy.Decision
		want     string
	}{
		{"", policy.Decision{}, "User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: iam:GetRole because no identity-based policy allows the iam:GetRole action"},
		{"arn:aws:iam::123456789012:role/app", policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Action: "iam:GetRole"},
			"User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: iam:GetRole on resource: arn:aws:iam::123456789012:role/app because no identity-based policy allows the iam:GetRole action"},
		{"arn:aws:iam::123456789012:role/app", policy.Decision{Outcome: policy.ExplicitDeny, Type: policy.IdentityBased, Action: "iam:GetRole"},
			"User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: iam:GetRole on resource: arn:aws:iam::123456789012:role/app with an explicit deny in an identity-based policy"},
	}
	for _, tt := range tests {
		if got := accessDenied(bob, "iam:GetRole", tt.resource, tt.d); got.Message != tt.want || got.Code != "AccessDenied" || got.Status != http.StatusForbidden {
			t.Errorf("accessDenied(%q, %v) = %+v, want %q", tt.resource, tt.d, got, tt.want)
		}
	}
}
