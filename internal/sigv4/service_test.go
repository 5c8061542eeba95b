package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signFor signs a form POST the way aws-sdk-go-v2 signs query-protocol
// requests: the body's hash in the string to sign, no
// x-amz-content-sha256 header.
func signFor(t *testing.T, service, region, body string, now time.Time) *http.Request {
	t.Helper()
	r := newReq(t, http.MethodPost, "/", "127.0.0.1:9000", body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, region, now); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestVerifyService pins that a Verifier accepts only its own service's
// scope, and that a query-protocol form post is verified against its body.
func TestVerifyService(t *testing.T) {
	const body = "Action=GetCallerIdentity&Version=2011-06-15"
	tests := []struct {
		name     string
		verifier string // the Verifier's service
		signed   string // the service the request is signed for
		region   string
		body     string // body sent, when it differs from the signed one
		want     error
	}{
		{name: "iam signed for iam", verifier: "iam", signed: "iam", region: "us-east-1"},
		{name: "sts signed in the configured region", verifier: "sts", signed: "sts", region: "eu-west-3"},
		{name: "s3 scope sent to iam", verifier: "iam", signed: "s3", region: "us-east-1", want: ErrMalformedAuthorization},
		{name: "iam scope sent to s3", verifier: "s3", signed: "iam", region: "us-east-1", want: ErrMalformedAuthorization},
		{name: "sts scope sent to iam", verifier: "iam", signed: "sts", region: "us-east-1", want: ErrMalformedAuthorization},
		{name: "region neither configured nor extra", verifier: "iam", signed: "iam", region: "ap-south-1", want: ErrMalformedAuthorization},
		{name: "body changed after signing", verifier: "sts", signed: "sts", region: "us-east-1",
			body: "Action=GetCallerIdentity&Version=2011-06-16", want: ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := fixedClock(exampleTime)
			v := New(Options{Credentials: exampleCreds(), Region: "eu-west-3", ExtraRegions: []string{"us-east-1"},
				Service: tt.verifier, Clock: clk})
			r := signFor(t, tt.signed, tt.region, body, exampleTime)
			if tt.body != "" {
				r.Body = newReq(t, http.MethodPost, "/", "h", tt.body).Body
			}
			res, err := v.Verify(r)
			wantErr(t, "Verify", err, tt.want)
			if err != nil {
				if se, ok := errors.AsType[*ScopeError](err); tt.signed != tt.verifier &&
					(!ok || se.Service != tt.signed || se.WantService != tt.verifier) {
					t.Errorf("Verify error %v is not a ScopeError naming %s and %s", err, tt.signed, tt.verifier)
				}
				return
			}
			got, err := readAll(t, res)
			if err != nil || string(got) != body {
				t.Errorf("Result.Body = %q, %v; want the signed body replayed", got, err)
			}
		})
	}
}

// TestVerifyServicePresigned pins a presigned GET for a query-protocol
// service: the canonical request carries the empty body's hash.
func TestVerifyServicePresigned(t *testing.T) {
	r := newReq(t, http.MethodGet, "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=900", "127.0.0.1:9000", "")
	creds := aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecretKey}
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, emptySHA256, "sts", "us-east-1", exampleTime)
	if err != nil {
		t.Fatal(err)
	}
	target := u[strings.Index(u, "/?"):]
	for _, svc := range []string{"sts", "s3"} {
		v := New(Options{Credentials: exampleCreds(), Service: svc, Clock: fixedClock(exampleTime)})
		_, err := v.Verify(newReq(t, http.MethodGet, target, "127.0.0.1:9000", ""))
		var want error
		if svc == "s3" {
			want = ErrMalformedPresigned
		}
		wantErr(t, "Verify presigned for "+svc, err, want)
	}
}

func TestOptionsValidateService(t *testing.T) {
	if err := (Options{Service: "IAM"}).Validate(); err == nil {
		t.Error(`Options{Service: "IAM"}.Validate() = nil, want an error`)
	}
	if err := (Options{ExtraRegions: []string{"us east"}}).Validate(); err == nil {
		t.Error(`Options{ExtraRegions: {"us east"}}.Validate() = nil, want an error`)
	}
}
