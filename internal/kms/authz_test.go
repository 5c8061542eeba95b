package kms

import (
	"context"
	"strings"
	"testing"
)

// keyPolicy is a key policy whose statements follow the default one.
func keyPolicy(extra ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(extra, ",") + `]}`
}

const (
	delegate     = `{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}`
	allowAlice   = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}`
	denyAlice    = `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"kms:Encrypt","Resource":"*"}`
	iamAllowKMS  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`
	iamDenyKMS   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]}`
	iamAllowCtx  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:team":"blue"}}}]}`
	iamAllowVia  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`
	iamAllowKeys = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["team"]},"Null":{"kms:EncryptionContextKeys":"false"}}}]}`
)

func TestAuthorize_policies(t *testing.T) {
	tests := []struct {
		name      string
		keyPolicy string // "" for the default key policy
		iam       string // alice's identity policy, "" for none
		grant     *Grant
		via       string
		ec        map[string]string
		want      error
	}{
		{name: "default key policy, no IAM policy", want: ErrAccessDenied},
		{name: "default key policy delegates to IAM", iam: iamAllowKMS},
		{name: "IAM explicit deny", iam: iamDenyKMS, want: ErrAccessDenied},
		{name: "key policy names the user, no IAM policy", keyPolicy: keyPolicy(delegate, allowAlice)},
		{name: "key policy names only the user, no delegation, IAM allows too", keyPolicy: keyPolicy(allowAlice), iam: iamAllowKMS},
		{name: "key policy neither names nor delegates", keyPolicy: keyPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"kms:*","Resource":"*"}`),
			iam: iamAllowKMS, want: ErrAccessDenied},
		{name: "key policy denies the user", keyPolicy: keyPolicy(delegate, allowAlice, denyAlice), iam: iamAllowKMS, want: ErrAccessDenied},
		{name: "encryption context condition holds", iam: iamAllowCtx, ec: map[string]string{"team": "blue"}},
		{name: "encryption context condition fails", iam: iamAllowCtx, ec: map[string]string{"team": "red"}, want: ErrAccessDenied},
		{name: "context keys condition holds", iam: iamAllowKeys, ec: map[string]string{"team": "x"}},
		{name: "context keys condition fails", iam: iamAllowKeys, ec: map[string]string{"other": "x"}, want: ErrAccessDenied},
		{name: "via service condition holds", iam: iamAllowVia, via: "s3.us-east-1.amazonaws.com"},
		{name: "via service condition fails without a service", iam: iamAllowVia, want: ErrAccessDenied},
		{name: "grant allows", grant: &Grant{Operations: []string{"Encrypt"}}},
		{name: "grant for another operation", grant: &Grant{Operations: []string{"Decrypt"}}, want: ErrAccessDenied},
		{name: "grant constraint equals holds", grant: &Grant{Operations: []string{"Encrypt"},
			EncryptionContextEquals: map[string]string{"a": "1"}}, ec: map[string]string{"a": "1"}},
		{name: "grant constraint equals fails", grant: &Grant{Operations: []string{"Encrypt"},
			EncryptionContextEquals: map[string]string{"a": "1"}}, ec: map[string]string{"a": "1", "b": "2"}, want: ErrAccessDenied},
		{name: "grant constraint subset holds", grant: &Grant{Operations: []string{"Encrypt"},
			EncryptionContextSubset: map[string]string{"a": "1"}}, ec: map[string]string{"a": "1", "b": "2"}},
		{name: "grant does not beat an explicit deny", keyPolicy: keyPolicy(delegate, denyAlice),
			grant: &Grant{Operations: []string{"Encrypt"}}, want: ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			alice := e.user(t, "alice", tt.iam)
			alice.ViaService = tt.via
			md := e.createKey(t, tt.keyPolicy)
			if tt.grant != nil {
				g := *tt.grant
				g.GranteePrincipal = alice.Principal.ARN
				_, _, err := e.s.CreateGrant(ctx, CreateGrantRequest{Caller: e.root, KeyID: md.KeyID, Grant: g})
				must(t, err)
			}
			_, err := e.s.Encrypt(ctx, EncryptRequest{Caller: alice, KeyID: md.ARN, Plaintext: []byte("x"), EncryptionContext: tt.ec})
			wantErr(t, "Encrypt", err, tt.want)
		})
	}
}

func TestPutKeyPolicy_lockout(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	kr := KeyRequest{Caller: e.root, KeyID: md.KeyID}
	lockout := keyPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/nobody"},"Action":"kms:*","Resource":"*"}`)
	wantErr(t, "PutKeyPolicy that locks the caller out", e.s.PutKeyPolicy(ctx, kr, "default", lockout, false), ErrMalformedPolicy)
	wantErr(t, "PutKeyPolicy not JSON", e.s.PutKeyPolicy(ctx, kr, "default", "{", false), ErrMalformedPolicy)
	wantErr(t, "PutKeyPolicy other name", e.s.PutKeyPolicy(ctx, kr, "other", keyPolicy(delegate), false), ErrValidation)
	readOnly := keyPolicy(delegate, `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:Encrypt","Resource":"*"}`)
	must(t, e.s.PutKeyPolicy(ctx, kr, "default", readOnly, false))
	doc, err := e.s.GetKeyPolicy(ctx, kr, "default")
	must(t, err)
	if doc != readOnly {
		t.Errorf("GetKeyPolicy = %s, want %s", doc, readOnly)
	}
	_, err = e.s.Encrypt(ctx, EncryptRequest{Caller: e.root, KeyID: md.KeyID, Plaintext: []byte("x")})
	wantErr(t, "root Encrypt under a denying key policy", err, ErrAccessDenied)
	names, err := e.s.ListKeyPolicies(ctx, kr)
	must(t, err)
	if len(names) != 1 || names[0] != "default" {
		t.Errorf("ListKeyPolicies = %v", names)
	}
}

func TestGrants_lifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice := e.user(t, "alice", "")
	bob := e.user(t, "bob", "")
	md := e.createKey(t, "")
	encrypt := func(c Caller) error {
		_, err := e.s.Encrypt(ctx, EncryptRequest{Caller: c, KeyID: md.ARN, Plaintext: []byte("x")})
		return err
	}
	g := Grant{GranteePrincipal: alice.Principal.ARN, RetiringPrincipal: bob.Principal.ARN, Operations: []string{"Encrypt"}, Name: "g1"}
	id, token, err := e.s.CreateGrant(ctx, CreateGrantRequest{Caller: e.root, KeyID: md.KeyID, Grant: g})
	must(t, err)
	id2, _, err := e.s.CreateGrant(ctx, CreateGrantRequest{Caller: e.root, KeyID: md.KeyID, Grant: g})
	must(t, err)
	if id2 != id {
		t.Errorf("CreateGrant with the same name and parameters = %s, want %s", id2, id)
	}
	wantErr(t, "alice Encrypt under the grant", encrypt(alice), nil)
	wantErr(t, "bob Encrypt", encrypt(bob), ErrAccessDenied)
	list, err := e.s.ListGrants(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}, "", "", Page{})
	must(t, err)
	if len(list.Grants) != 1 || list.Grants[0].GrantID != id || list.Grants[0].GranteePrincipal != alice.Principal.ARN {
		t.Errorf("ListGrants = %+v", list.Grants)
	}
	ret, err := e.s.ListRetirableGrants(ctx, e.root, bob.Principal.ARN, Page{})
	must(t, err)
	if len(ret.Grants) != 1 {
		t.Errorf("ListRetirableGrants = %+v", ret.Grants)
	}
	wantErr(t, "alice RetireGrant", e.s.RetireGrant(ctx, alice, token, "", ""), ErrAccessDenied)
	wantErr(t, "RetireGrant bad token", e.s.RetireGrant(ctx, bob, "nonsense", "", ""), ErrInvalidGrantToken)
	must(t, e.s.RetireGrant(ctx, bob, token, "", ""))
	wantErr(t, "alice Encrypt after retirement", encrypt(alice), ErrAccessDenied)
	id3, _, err := e.s.CreateGrant(ctx, CreateGrantRequest{Caller: e.root, KeyID: md.KeyID, Grant: Grant{GranteePrincipal: alice.Principal.ARN, Operations: []string{"Encrypt"}}})
	must(t, err)
	wantErr(t, "RevokeGrant bad id", e.s.RevokeGrant(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}, "x"), ErrInvalidGrantID)
	must(t, e.s.RevokeGrant(ctx, KeyRequest{Caller: e.root, KeyID: md.KeyID}, id3))
	wantErr(t, "alice Encrypt after revocation", encrypt(alice), ErrAccessDenied)
	_, _, err = e.s.CreateGrant(ctx, CreateGrantRequest{Caller: e.root, KeyID: md.KeyID, Grant: Grant{GranteePrincipal: alice.Principal.ARN,
		Operations: []string{"DescribeKey"}, EncryptionContextSubset: map[string]string{"a": "b"}}})
	wantErr(t, "CreateGrant with constraints on DescribeKey", err, ErrValidation)
}

func TestAuthorize_crossAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct, key, _, err := e.iam.CreateAccount(ctx, "other")
	must(t, err)
	other := e.callerFor(t, key)
	trusting := e.createKey(t, keyPolicy(delegate,
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct.ID+`:root"},"Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*"}`))
	private := e.createKey(t, "")
	_, err = e.s.Encrypt(ctx, EncryptRequest{Caller: other, KeyID: trusting.ARN, Plaintext: []byte("x")})
	wantErr(t, "Encrypt by another account's root, allowed by the key policy", err, nil)
	_, err = e.s.Encrypt(ctx, EncryptRequest{Caller: other, KeyID: private.ARN, Plaintext: []byte("x")})
	wantErr(t, "Encrypt by another account's root under the default key policy", err, ErrAccessDenied)
	_, err = e.s.Encrypt(ctx, EncryptRequest{Caller: other, KeyID: trusting.KeyID, Plaintext: []byte("x")})
	wantErr(t, "Encrypt by another account naming the key by bare id", err, ErrNotFound)
	_, err = e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: other, KeyID: trusting.ARN})
	wantErr(t, "GenerateDataKey, which the key policy does not allow the other account", err, ErrAccessDenied)
}

func TestAuthorize_aliasResource(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := e.createKey(t, "")
	keyOnlyPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"` + md.ARN + `"}]}`
	both := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateAlias","Resource":["` + md.ARN + `","arn:aws:kms:us-east-1:000000000000:alias/team-*"]}]}`
	narrow := e.user(t, "narrow", keyOnlyPolicy)
	wide := e.user(t, "wide", both)
	wantErr(t, "CreateAlias allowed on the key only", e.s.CreateAlias(ctx, narrow, "alias/team-a", md.KeyID), ErrAccessDenied)
	wantErr(t, "CreateAlias allowed on key and alias", e.s.CreateAlias(ctx, wide, "alias/team-a", md.KeyID), nil)
	wantErr(t, "CreateAlias outside the allowed alias names", e.s.CreateAlias(ctx, wide, "alias/other", md.KeyID), ErrAccessDenied)
}
