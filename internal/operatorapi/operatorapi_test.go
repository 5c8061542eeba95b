package operatorapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// keys authenticates a fixed set of principals by access key.
type keys map[string]sigv4.Principal

func (k keys) Lookup(_ context.Context, ak string) (sigv4.Credential, error) {
	p, ok := k[ak]
	if !ok {
		return sigv4.Credential{}, sigv4.ErrUnknownAccessKey
	}
	return sigv4.Credential{AccessKey: ak, SecretKey: "secret-" + ak, Principal: p}, nil
}

var (
	firstRoot = sigv4.Principal{AccountID: iam.RootAccountID, Name: "root", ARN: "arn:aws:iam::000000000000:root", UserID: iam.RootAccountID, Root: true}
	otherRoot = sigv4.Principal{AccountID: "123456789012", Name: "root", ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Root: true}
	iamUser   = sigv4.Principal{AccountID: iam.RootAccountID, Name: "alice", ARN: "arn:aws:iam::000000000000:user/alice", UserID: "AIDAEXAMPLE", Path: "/"}
	session   = sigv4.Principal{AccountID: iam.RootAccountID, Name: "s", ARN: "arn:aws:sts::000000000000:assumed-role/admin/s",
		UserID: "AROAEXAMPLE:s", RoleARN: "arn:aws:iam::000000000000:role/admin", TokenIssued: time.Unix(1, 0)}
	rootSession = sigv4.Principal{AccountID: iam.RootAccountID, Name: "root", ARN: "arn:aws:iam::000000000000:root", UserID: iam.RootAccountID,
		Root: true, TokenIssued: time.Unix(1, 0)}
)

func TestFirstRoot(t *testing.T) {
	tests := []struct {
		name string
		p    sigv4.Principal
		want bool
	}{
		{"first account's root", firstRoot, true},
		{"another account's root", otherRoot, false},
		{"IAM user of the first account", iamUser, false},
		{"role session of the first account", session, false},
		{"temporary credentials of the first root", rootSession, false},
		{"anonymous", sigv4.Principal{Anonymous: true}, false},
	}
	for _, tt := range tests {
		d := FirstRoot{}.Authorize(context.Background(), iam.Request{Principal: tt.p, Action: "coffer:CreateAccount"})
		if d.Allowed != tt.want {
			t.Errorf("%s: Authorize = %v, want %v", tt.name, d.Allowed, tt.want)
		}
		if !d.Allowed && d.Reason != DenyReason {
			t.Errorf("%s: Reason = %q, want %q", tt.name, d.Reason, DenyReason)
		}
	}
}

// fakeAccounts is an identity store of accounts in memory.
type fakeAccounts struct {
	list []iam.Account
	fail error
}

var created = time.Date(2026, 12, 6, 10, 11, 12, 0, time.UTC)

func (f *fakeAccounts) CreateAccountWithEmail(_ context.Context, name, email string) (iam.Account, string, string, error) {
	if f.fail != nil {
		return iam.Account{}, "", "", f.fail
	}
	a := iam.Account{ID: "111122223333", Name: name, CanonicalID: strings.Repeat("ab", 32), Email: email, Created: created}
	f.list = append(f.list, a)
	return a, "AKIANEWACCOUNTROOT01", "new/secret+key", nil
}

func (f *fakeAccounts) ListAccounts(context.Context) ([]iam.Account, error) { return f.list, f.fail }

// start serves the operator API over a fake store on an httptest server.
func start(t *testing.T, accts *fakeAccounts) string {
	t.Helper()
	h, err := New(Options{Credentials: keys{"FIRST": firstRoot, "OTHER": otherRoot, "ALICE": iamUser}, Accounts: accts})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func client(endpoint, ak string) *Client {
	return &Client{Endpoint: endpoint, AccessKey: ak, SecretKey: "secret-" + ak}
}

// TestClient_roundTrip runs both actions through the Client against the
// Service: the shapes the server renders are the ones the client reads.
func TestClient_roundTrip(t *testing.T) {
	accts := &fakeAccounts{list: []iam.Account{{ID: iam.RootAccountID, Name: "coffer", CanonicalID: strings.Repeat("cd", 32), Created: created}}}
	c := client(start(t, accts), "FIRST")
	res, err := c.CreateAccount(t.Context(), "tenant")
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	want := CreateAccountResult{
		Account:   Account{AccountID: "111122223333", AccountName: "tenant", CanonicalUserID: strings.Repeat("ab", 32), CreateDate: "2026-12-06T10:11:12Z"},
		AccessKey: AccessKey{AccessKeyID: "AKIANEWACCOUNTROOT01", SecretAccessKey: "new/secret+key"},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("CreateAccount (-want +got):\n%s", diff)
	}
	list, err := c.ListAccounts(t.Context())
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	wantList := []Account{
		{AccountID: iam.RootAccountID, AccountName: "coffer", CanonicalUserID: strings.Repeat("cd", 32), CreateDate: "2026-12-06T10:11:12Z"},
		want.Account,
	}
	if diff := cmp.Diff(wantList, list); diff != "" {
		t.Errorf("ListAccounts (-want +got):\n%s", diff)
	}
}

// TestClient_errors pins the error answers the client decodes.
func TestClient_errors(t *testing.T) {
	accts := &fakeAccounts{}
	endpoint := start(t, accts)
	tests := []struct {
		name, key, account string
		fail               error
		want               APIError
	}{
		{"another account's root", "OTHER", "x", nil, APIError{Status: 403, Code: "AccessDenied",
			Message: "User: arn:aws:iam::123456789012:root is not authorized to perform: coffer:CreateAccount because no identity-based policy allows the coffer:CreateAccount action"}},
		{"IAM user", "ALICE", "x", nil, APIError{Status: 403, Code: "AccessDenied",
			Message: "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: coffer:CreateAccount because no identity-based policy allows the coffer:CreateAccount action"}},
		{"unknown key", "NOBODY", "x", nil, APIError{Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}},
		{"empty name", "FIRST", "", nil, APIError{Status: 400, Code: "ValidationError",
			Message: "1 validation error detected: Value '' at 'accountName' failed to satisfy constraint: Member must have length greater than or equal to 1"}},
		{"name too long", "FIRST", strings.Repeat("n", 51), nil, APIError{Status: 400, Code: "ValidationError",
			Message: "1 validation error detected: Value '" + strings.Repeat("n", 51) + "' at 'accountName' failed to satisfy constraint: Member must have length less than or equal to 50"}},
		{"store refuses the name", "FIRST", "   ", &iam.Error{Err: iam.ErrValidation, Message: "The account name must be 1 to 50 characters."},
			APIError{Status: 400, Code: "ValidationError", Message: "The account name must be 1 to 50 characters."}},
		{"store fails", "FIRST", "x", errors.New("disk on fire"), APIError{Status: 500, Code: "InternalFailure",
			Message: "The request processing has failed because of an unknown error, exception or failure."}},
	}
	for _, tt := range tests {
		accts.fail = tt.fail
		_, err := client(endpoint, tt.key).CreateAccount(t.Context(), tt.account)
		var got *APIError
		if !errors.As(err, &got) {
			t.Errorf("%s: CreateAccount error = %v, want an *APIError", tt.name, err)
			continue
		}
		if got.RequestID == "" {
			t.Errorf("%s: no request id in %v", tt.name, got)
		}
		got.RequestID = ""
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", tt.name, diff)
		}
	}
	if len(accts.list) != 0 {
		t.Errorf("refused calls created %d accounts", len(accts.list))
	}
}

// TestClient_notOperatorAPI pins what the client makes of answers that do
// not come from the operator API: S3's <Error> document (an older coffer
// routes the request to S3) and a body that is not XML.
func TestClient_notOperatorAPI(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       APIError
	}{
		{"S3 error", `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to correct service: 's3'. </Message><RequestId>R1</RequestId></Error>`,
			403, APIError{Status: 403, Code: "SignatureDoesNotMatch", Message: "Credential should be scoped to correct service: 's3'. ", RequestID: "R1"}},
		{"not XML", "404 page not found\n", 404, APIError{Status: 404}},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte(tt.body))
		}))
		_, err := client(srv.URL, "FIRST").ListAccounts(t.Context())
		srv.Close()
		var got *APIError
		if !errors.As(err, &got) || *got != tt.want {
			t.Errorf("%s: ListAccounts error = %#v, want %#v", tt.name, err, tt.want)
		}
	}
}

// TestResults_golden pins the XML shape of CreateAccount's
// and ListAccounts' answers (testdata/*.xml).
func TestResults_golden(t *testing.T) {
	acct := Account{AccountID: "111122223333", AccountName: "tenant", CanonicalUserID: strings.Repeat("ab", 32), CreateDate: "2026-12-06T10:11:12Z"}
	tests := []struct {
		file, action string
		result       any
	}{
		{"createaccount.xml", "CreateAccount", CreateAccountResult{Account: acct, AccessKey: AccessKey{AccessKeyID: "AKIANEWACCOUNTROOT01", SecretAccessKey: "new/secret+key"}}},
		{"listaccounts.xml", "ListAccounts", ListAccountsResult{Accounts: []Account{acct}}},
		{"listaccounts-empty.xml", "ListAccounts", ListAccountsResult{Accounts: []Account{}}},
	}
	for _, tt := range tests {
		got, err := queryapi.AppendResult(nil, Namespace, tt.action, "REQ1", tt.result)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s:\n got %s\nwant %s", tt.file, got, want)
		}
	}
}

func TestAccessKey_String(t *testing.T) {
	k := AccessKey{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s3cr3t"}
	for _, s := range []string{k.String(), fmtV(k), fmtV(CreateAccountResult{AccessKey: k})} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("formatted key pair shows the secret: %s", s)
		}
	}
}

func fmtV(v any) string { return fmt.Sprintf("%v %+v", v, v) }
