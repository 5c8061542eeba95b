package integration_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

const rootARN = "arn:aws:iam::000000000000:root"

func TestGetCallerIdentity_root(t *testing.T) {
	srv := coffertest.Start(t)
	out, err := srv.STS().GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got := aws.ToString(out.Account); got != "000000000000" {
		t.Errorf("Account = %q, want 000000000000", got)
	}
	if got := aws.ToString(out.Arn); got != rootARN {
		t.Errorf("Arn = %q, want %s", got, rootARN)
	}
	if got := aws.ToString(out.UserId); got != "000000000000" {
		t.Errorf("UserId = %q, want the account id", got)
	}
}

func TestGetCallerIdentity_wrongSecret(t *testing.T) {
	srv := coffertest.Start(t)
	c := srv.STS(func(o *sts.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey+"x", "")
	})
	_, err := c.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, "GetCallerIdentity(wrong secret)", err, "SignatureDoesNotMatch", 403)
	c = srv.STS(func(o *sts.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider("AKIAUNKNOWNUNKNOWN00", srv.SecretKey, "")
	})
	_, err = c.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, "GetCallerIdentity(unknown key)", err, "InvalidClientTokenId", 403)
}

func TestGetUser_root(t *testing.T) {
	srv := coffertest.Start(t)
	out, err := srv.IAM().GetUser(ctx(t), &iam.GetUserInput{})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	u := out.User
	if aws.ToString(u.Arn) != rootARN || aws.ToString(u.UserId) != "000000000000" || u.UserName != nil || u.Path != nil {
		t.Errorf("GetUser = Arn %q UserId %q UserName %v Path %v; want the root user (no name, no path)",
			aws.ToString(u.Arn), aws.ToString(u.UserId), u.UserName, u.Path)
	}
	if u.CreateDate == nil || u.CreateDate.IsZero() {
		t.Errorf("GetUser CreateDate = %v, want the account's creation time", u.CreateDate)
	}
}

func TestGetUser_unknownName(t *testing.T) {
	srv := coffertest.Start(t)
	_, err := srv.IAM().GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("alice")})
	wantCode(t, "GetUser(alice)", err, "NoSuchEntity", 404)
	_, err = srv.IAM().GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String(strings.Repeat("a", 129))})
	wantCode(t, "GetUser(129 characters)", err, "ValidationError", 400)
	_, err = srv.IAM().GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("a b")})
	wantCode(t, "GetUser(a b)", err, "ValidationError", 400)
}

func TestIAM_unimplementedAction(t *testing.T) {
	srv := coffertest.Start(t)
	_, err := srv.IAM().ListServerCertificates(ctx(t), &iam.ListServerCertificatesInput{})
	wantCode(t, "ListServerCertificates", err, "NotImplemented", 501)

	status, body := signedForm(t, srv, "iam", "iam", "Action=ListServerCertificates&Version=2010-05-08")
	want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>` +
		`<Code>NotImplemented</Code><Message>ListServerCertificates is not implemented yet</Message></Error><RequestId>`
	if status != 501 || !strings.HasPrefix(body, want) {
		t.Errorf("ListServerCertificates = %d %s, want 501 %s…", status, body, want)
	}
}

func TestSTS_unknownAction(t *testing.T) {
	srv := coffertest.Start(t)
	tests := []struct {
		form, code string
		status     int
	}{
		{"Action=Bogus&Version=2011-06-15", "InvalidAction", 400},
		{"Action=GetCallerIdentity&Version=2010-05-08", "InvalidAction", 400},
		{"Version=2011-06-15", "MissingAction", 400},
		{"Action=GetFederationToken&Version=2011-06-15", "NotImplemented", 501},
		{"Action=AssumeRole&Version=2011-06-15", "MissingParameter", 400},
	}
	for _, tt := range tests {
		status, body := signedForm(t, srv, "sts", "sts", tt.form)
		if status != tt.status || !strings.Contains(body, "<Code>"+tt.code+"</Code>") ||
			!strings.HasPrefix(body, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) {
			t.Errorf("POST %s = %d %s, want %d %s in the STS envelope", tt.form, status, body, tt.status, tt.code)
		}
	}
}

// TestIAM_s3SignatureReplayed signs an IAM call for the s3 service and
// sends it with the scope rewritten to iam: the service is part of the
// signing key, so the signature must not verify.
func TestIAM_s3SignatureReplayed(t *testing.T) {
	srv := coffertest.Start(t)
	status, body := signedForm(t, srv, "s3", "iam", "Action=GetUser&Version=2010-05-08")
	if status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") ||
		!strings.Contains(body, `xmlns="https://iam.amazonaws.com/doc/2010-05-08/"`) {
		t.Errorf("s3 signature sent as iam = %d %s, want 403 SignatureDoesNotMatch from IAM", status, body)
	}
	// Signed for s3 and sent as such, the same call is an S3 request
	// and IAM never sees it.
	status, body = signedForm(t, srv, "s3", "s3", "Action=GetUser&Version=2010-05-08")
	if status == 200 || strings.Contains(body, "iam.amazonaws.com") {
		t.Errorf("s3-signed GetUser = %d %s, want an S3 answer", status, body)
	}
}

// TestSTS_presignedGet calls GetCallerIdentity with a presigned GET, as
// the query protocol allows.
func TestSTS_presignedGet(t *testing.T) {
	srv := coffertest.Start(t)
	r, err := http.NewRequest(http.MethodGet, srv.URL("/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60"), nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	empty := sha256.Sum256(nil)
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, hex.EncodeToString(empty[:]), "sts", coffertest.Region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.HTTPClient().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<Arn>"+rootARN+"</Arn>") {
		t.Errorf("presigned GetCallerIdentity = %d %s", resp.StatusCode, b)
	}
}

// signedForm POSTs form signed for signService, then rewrites the
// credential scope's service to sendService, and returns the status and
// body.
func signedForm(t *testing.T, srv *coffertest.Server, signService, sendService, form string) (int, string) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, srv.URL("/"), strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	if signService == "s3" {
		r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	creds := aws.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), signService, coffertest.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	if signService != sendService {
		authz := r.Header.Get("Authorization")
		r.Header.Set("Authorization", strings.Replace(authz, "/"+signService+"/aws4_request", "/"+sendService+"/aws4_request", 1))
	}
	resp, err := srv.HTTPClient().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestGetCallerIdentity_wrongRegion(t *testing.T) {
	srv := coffertest.Start(t)
	_, err := srv.STS(func(o *sts.Options) { o.Region = "eu-west-1" }).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, "GetCallerIdentity(eu-west-1)", err, "SignatureDoesNotMatch", 403)
	if err != nil && !strings.Contains(err.Error(), "Credential should be scoped to a valid region, not 'eu-west-1'.") {
		t.Errorf("GetCallerIdentity(eu-west-1) error %v, want AWS's region text", err)
	}
}
