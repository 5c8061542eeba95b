package iam

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

func TestBootstrap_firstAccountKeepsRootCredentials(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.s.Lookup(ctx, testRootKey)
	must(t, err)
	want := sigv4.Principal{AccessKey: testRootKey, AccountID: RootAccountID, Name: "root",
		ARN: "arn:aws:iam::000000000000:root", UserID: RootAccountID, Root: true}
	if c.SecretKey != testRootSecret || c.Principal != want {
		t.Errorf("Lookup(root) = %+v, want secret and %+v", c.Principal, want)
	}
	// Idempotent.
	must(t, e.s.Bootstrap(ctx, testRootKey, testRootSecret))
	// A changed secret replaces the stored one.
	must(t, e.s.Bootstrap(ctx, testRootKey, "another-secret"))
	if c, _ := e.s.Lookup(ctx, testRootKey); c.SecretKey != "another-secret" {
		t.Errorf("after a new secret, Lookup gives the old one")
	}
	// A changed key pair replaces the old key, which stops working.
	must(t, e.s.Bootstrap(ctx, "AKIANEWROOTNEWROOT00", "s3cr3t"))
	if _, err := e.s.Lookup(ctx, testRootKey); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Errorf("old root key after replacement: %v, want ErrUnknownAccessKey", err)
	}
	acct, err := e.s.GetAccount(ctx, RootAccountID)
	must(t, err)
	if acct.RootAccessKey != "AKIANEWROOTNEWROOT00" || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(acct.CanonicalID) {
		t.Errorf("account = %+v", acct)
	}
}

func TestCreateAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct, ak, secret, err := e.s.CreateAccount(ctx, "team-b")
	must(t, err)
	if !regexp.MustCompile(`^[1-9][0-9]{11}$`).MatchString(acct.ID) || acct.Name != "team-b" ||
		!regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(ak) || len(secret) != 40 {
		t.Errorf("CreateAccount = %+v, %q, len(secret) %d", acct, ak, len(secret))
	}
	c, err := e.s.Lookup(ctx, ak)
	must(t, err)
	if c.SecretKey != secret || !c.Principal.Root || c.Principal.AccountID != acct.ID || c.Principal.ARN != "arn:aws:iam::"+acct.ID+":root" {
		t.Errorf("Lookup(new root) = %+v", c.Principal)
	}
	list, err := e.s.ListAccounts(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != RootAccountID || list[1].ID != acct.ID {
		t.Errorf("ListAccounts = %+v", list)
	}
	_, _, _, err = e.s.CreateAccount(ctx, "")
	wantErr(t, "CreateAccount(\"\")", err, ErrValidation)
}

func TestAccountAlias(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b, _, _, err := e.s.CreateAccount(ctx, "b")
	must(t, err)
	wantErr(t, "bad alias", e.s.CreateAccountAlias(ctx, RootAccountID, "Bad_Alias"), ErrValidation)
	must(t, e.s.CreateAccountAlias(ctx, RootAccountID, "my-corp"))
	wantErr(t, "alias of another account", e.s.CreateAccountAlias(ctx, b.ID, "my-corp"), ErrEntityAlreadyExists)
	must(t, e.s.CreateAccountAlias(ctx, RootAccountID, "my-corp-2"))
	got, err := e.s.ListAccountAliases(ctx, RootAccountID)
	must(t, err)
	if len(got) != 1 || got[0] != "my-corp-2" {
		t.Errorf("ListAccountAliases = %v", got)
	}
	must(t, e.s.CreateAccountAlias(ctx, b.ID, "my-corp")) // freed by the rename
	wantErr(t, "delete unknown alias", e.s.DeleteAccountAlias(ctx, RootAccountID, "nope"), ErrNoSuchEntity)
	must(t, e.s.DeleteAccountAlias(ctx, RootAccountID, "my-corp-2"))
}

func TestCreateAccountWithEmail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct, _, _, err := e.s.CreateAccountWithEmail(ctx, "team-c", " ops@example.com ")
	must(t, err)
	if got, _ := e.s.GetAccount(ctx, acct.ID); got.Email != "ops@example.com" {
		t.Errorf("GetAccount().Email = %q, want ops@example.com", got.Email)
	}
	_, _, _, err = e.s.CreateAccountWithEmail(ctx, "team-d", "OPS@example.com")
	wantErr(t, "CreateAccountWithEmail(taken, other case)", err, ErrEntityAlreadyExists)
	for _, bad := range []string{"ops", "@example.com", "ops@", "a@b@c", `o"ps@example.com`, "o ps@example.com"} {
		_, _, _, err = e.s.CreateAccountWithEmail(ctx, "team-e", bad)
		wantErr(t, "CreateAccountWithEmail("+bad+")", err, ErrValidation)
	}
	// Accounts without an email do not collide.
	_, _, _, err = e.s.CreateAccount(ctx, "team-f")
	must(t, err)
	_, _, _, err = e.s.CreateAccount(ctx, "team-g")
	must(t, err)
}
