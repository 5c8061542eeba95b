package integration_test

import (
	"fmt"
	"testing"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// TestSecureTransport_realConnection checks that aws:SecureTransport and
// s3:TlsVersion come from the connection the request arrived on, with an
// identity policy (no bucket policy): the user may write "secure/" only
// over TLS 1.2 or later, and "plain/" only without TLS.
func TestSecureTransport_realConnection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []coffertest.Option
		secure bool
	}{
		{"plain HTTP", nil, false},
		{"TLS", []coffertest.Option{coffertest.WithTLS()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/secure/*",
 "Condition":{"Bool":{"aws:SecureTransport":"true"},"NumericGreaterThanEquals":{"s3:TlsVersion":"1.2"}}},
{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/plain/*",
 "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, e.bucket)
			store := e.srv.Identity
			if _, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: "transport"}); err != nil {
				t.Fatal(err)
			}
			if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: "transport"}, "tls", doc); err != nil {
				t.Fatal(err)
			}
			k, secret, err := store.CreateAccessKey(ctx(t), iam.RootAccountID, "transport")
			if err != nil {
				t.Fatal(err)
			}
			user := e.asKey(k.AccessKeyID, secret)
			allowed, denied := "secure/a", "plain/a"
			if !tc.secure {
				allowed, denied = denied, allowed
			}
			if err := e.putAs(t, user, allowed); err != nil {
				t.Errorf("PutObject %s: %v", allowed, err)
			}
			wantCode(t, "PutObject "+denied, e.putAs(t, user, denied), "AccessDenied", 403)
		})
	}
}
