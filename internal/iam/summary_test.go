package iam

import (
	"context"
	"testing"
)

func TestAccountSummary(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := RootAccountID
	sum, err := e.s.AccountSummary(ctx, a)
	must(t, err)
	if sum != (AccountSummary{RootKeys: true}) {
		t.Errorf("AccountSummary of a new account = %+v, want only the root key", sum)
	}
	_, err = e.s.CreateUser(ctx, CreateUserInput{Account: a, Name: "u"})
	must(t, err)
	_, err = e.s.CreateGroup(ctx, a, "g", "")
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + a + `"},"Action":"sts:AssumeRole"}]}`
	_, err = e.s.CreateRole(ctx, CreateRoleInput{Account: a, Name: "r", AssumeRolePolicyDocument: trust})
	must(t, err)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	p, err := e.s.CreatePolicy(ctx, CreatePolicyInput{Account: a, Name: "p", Document: doc})
	must(t, err)
	_, err = e.s.CreatePolicyVersion(ctx, a, p.ARN, doc, false)
	must(t, err)
	e.newDevice(t, a, "spare")
	sum, err = e.s.AccountSummary(ctx, a)
	must(t, err)
	want := AccountSummary{Users: 1, Groups: 1, Roles: 1, Policies: 1, PolicyVersions: 2, MFADevices: 1, RootKeys: true}
	if sum != want {
		t.Errorf("AccountSummary = %+v, want %+v", sum, want)
	}
	if _, err := e.s.AccountSummary(ctx, "999999999999"); err == nil {
		t.Error("AccountSummary of an unknown account succeeded")
	}
}
