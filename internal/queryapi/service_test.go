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
	"github.com/coffer-s3/coffer/internal/sigv4"
)

type oneKey struct{}

func (oneKey) Lookup(_ context.Context, ak string) (sigv4.Credential, error) {
	if ak != "AKIDEXAMPLE" {
		return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
	}
	return sigv4.Credential{AccessKey: ak, SecretKey: "secret", Principal: sigv4.Principal{
		AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/Bob", UserID: "AIDAEXAMPLE"}}, nil
}

// TestServiceDispatch runs signed calls through a Service whose
// authorizer denies everything: public actions still run, others answer
// AccessDenied with IAM's text, unimplemented ones NotImplemented.
func TestServiceDispatch(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ran := ""
	handle := func(name string) func(context.Context, *Call) (any, error) {
		return func(context.Context, *Call) (any, error) { ran = name; return nil, nil }
	}
	s, err := New(Options{Namespace: NamespaceIAM, Version: "2010-05-08", Authorizer: denyAll{},
		Verifier: sigv4.New(sigv4.Options{Credentials: oneKey{}, Service: "iam", Clock: clock.NewFake(now)}),
		Actions: map[string]Action{
			"GetUser":    {IAMAction: "iam:GetUser", Handle: handle("GetUser")},
			"WhoAmI":     {IAMAction: "iam:WhoAmI", Public: true, Handle: handle("WhoAmI")},
			"CrashyCall": {IAMAction: "iam:CrashyCall", Public: true, Handle: func(context.Context, *Call) (any, error) { return nil, context.Canceled }},
		},
		Unimplemented: []string{"ListUsers"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		action  string
		status  int
		ran     string
		wantXML string
	}{
		{"WhoAmI", 200, "WhoAmI", `<WhoAmIResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>`},
		{"GetUser", 403, "", `<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: iam:GetUser because no identity-based policy allows the iam:GetUser action</Message>`},
		{"ListUsers", 501, "", `<Code>NotImplemented</Code><Message>ListUsers is not implemented yet</Message>`},
		{"CrashyCall", 500, "", `<Type>Receiver</Type><Code>InternalFailure</Code>`},
	}
	for _, tt := range tests {
		ran = ""
		body := "Action=" + tt.action + "&Version=2010-05-08"
		r, _ := http.NewRequest("POST", "http://127.0.0.1/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "iam", "us-east-1", now); err != nil {
			t.Fatal(err)
		}
		w := &recorder{h: http.Header{}}
		s.ServeHTTP(w, r)
		if w.status != tt.status || ran != tt.ran || !strings.Contains(string(w.body), tt.wantXML) {
			t.Errorf("%s = %d %s (ran %q), want %d containing %s (ran %q)", tt.action, w.status, w.body, ran, tt.status, tt.wantXML, tt.ran)
		}
	}
}
