package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/policy"
)

const readLogs = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}`

func TestManagedPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: "ReadLogs", Path: "/ops/", Document: readLogs})
	must(t, err)
	if p.ARN != "arn:aws:iam::000000000000:policy/ops/ReadLogs" || p.DefaultVersionID != "v1" || p.ID[:4] != "ANPA" {
		t.Errorf("CreatePolicy = %+v", p)
	}
	_, err = e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: "readlogs", Document: readLogs})
	wantErr(t, "duplicate policy name", err, ErrEntityAlreadyExists)
	_, err = e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: "Bad", Document: `{"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}`})
	wantErr(t, "malformed", err, ErrMalformedPolicyDocument)
	var syn *policy.SyntaxError
	if !errors.As(err, &syn) {
		t.Errorf("malformed policy error %v does not carry the *policy.SyntaxError", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("a", 7000) + `"}]}`
	_, err = e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: "Big", Document: big})
	wantErr(t, "too large", err, ErrLimitExceeded)

	for i := 2; i <= maxPolicyVersions; i++ {
		v, err := e.s.CreatePolicyVersion(ctx, RootAccountID, p.ARN, readLogs, i == 3)
		must(t, err)
		if v.VersionID != fmt.Sprintf("v%d", i) {
			t.Errorf("version %d got id %s", i, v.VersionID)
		}
	}
	_, err = e.s.CreatePolicyVersion(ctx, RootAccountID, p.ARN, readLogs, false)
	wantErr(t, "sixth version", err, ErrLimitExceeded)
	wantErr(t, "delete default version", e.s.DeletePolicyVersion(ctx, RootAccountID, p.ARN, "v3"), ErrDeleteConflict)
	wantErr(t, "delete missing version", e.s.DeletePolicyVersion(ctx, RootAccountID, p.ARN, "v9"), ErrNoSuchEntity)
	must(t, e.s.DeletePolicyVersion(ctx, RootAccountID, p.ARN, "v1"))
	vs, _, err := e.s.ListPolicyVersions(ctx, RootAccountID, p.ARN, ListOptions{})
	must(t, err)
	if len(vs) != 4 || vs[0].VersionID != "v5" || !vs[2].IsDefault {
		t.Errorf("ListPolicyVersions = %+v", vs)
	}
	must(t, e.s.SetDefaultPolicyVersion(ctx, RootAccountID, p.ARN, "v5"))

	e.newUser(t, RootAccountID, "alice")
	alice := Entity{Account: RootAccountID, Kind: EntityUser, Name: "alice"}
	must(t, e.s.AttachPolicy(ctx, alice, p.ARN))
	got, err := e.s.GetPolicy(ctx, RootAccountID, p.ARN)
	must(t, err)
	if got.AttachmentCount != 1 || got.DefaultVersionID != "v5" {
		t.Errorf("GetPolicy = %+v", got)
	}
	wantErr(t, "delete attached policy", e.s.DeletePolicy(ctx, RootAccountID, p.ARN), ErrDeleteConflict)
	ents, err := e.s.ListEntitiesForPolicy(ctx, RootAccountID, p.ARN)
	must(t, err)
	if fmt.Sprint(ents.Users) != "[alice]" {
		t.Errorf("ListEntitiesForPolicy = %+v", ents)
	}
	must(t, e.s.DetachPolicy(ctx, alice, p.ARN))
	wantErr(t, "detach twice", e.s.DetachPolicy(ctx, alice, p.ARN), ErrNoSuchEntity)
	wantErr(t, "delete policy with versions", e.s.DeletePolicy(ctx, RootAccountID, p.ARN), ErrDeleteConflict)
	for _, v := range []string{"v2", "v3", "v4"} {
		must(t, e.s.DeletePolicyVersion(ctx, RootAccountID, p.ARN, v))
	}
	must(t, e.s.DeletePolicy(ctx, RootAccountID, p.ARN))
	_, err = e.s.GetPolicy(ctx, RootAccountID, p.ARN)
	wantErr(t, "GetPolicy after delete", err, ErrNoSuchEntity)
}

func TestAWSManagedPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"AdministratorAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess"} {
		arn := "arn:aws:iam::aws:policy/" + name
		p, err := e.s.GetPolicy(ctx, RootAccountID, arn)
		must(t, err)
		v, err := e.s.GetPolicyVersion(ctx, RootAccountID, arn, p.DefaultVersionID)
		must(t, err)
		if p.Name != name || !v.IsDefault || !strings.Contains(v.Document, `"Allow"`) {
			t.Errorf("%s: %+v %+v", name, p, v)
		}
	}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	wantErr(t, "delete AWS managed", e.s.DeletePolicy(ctx, RootAccountID, admin), ErrUnmodifiableEntity)
	_, err := e.s.CreatePolicyVersion(ctx, RootAccountID, admin, readLogs, true)
	wantErr(t, "version of AWS managed", err, ErrUnmodifiableEntity)
	list, _, err := e.s.ListPolicies(ctx, ListPoliciesInput{Account: RootAccountID, Scope: ScopeAWS})
	must(t, err)
	if len(list) != len(awsManagedPolicies) {
		t.Errorf("ListPolicies(AWS) = %d policies", len(list))
	}
}

func TestAttachLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "r", AssumeRolePolicyDocument: trustAccount})
	must(t, err)
	role := Entity{Account: RootAccountID, Kind: EntityRole, Name: "r"}
	for i := range maxAttachedPolicies {
		p, err := e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: fmt.Sprintf("p%d", i), Document: readLogs})
		must(t, err)
		must(t, e.s.AttachPolicy(ctx, role, p.ARN))
	}
	wantErr(t, "11th attachment", e.s.AttachPolicy(ctx, role, "arn:aws:iam::aws:policy/AdministratorAccess"), ErrLimitExceeded)
	wantErr(t, "delete role with policies", e.s.DeleteRole(ctx, RootAccountID, "r"), ErrDeleteConflict)
}

func TestInlinePolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.s.CreateGroup(ctx, RootAccountID, "devs", "")
	must(t, err)
	g := Entity{Account: RootAccountID, Kind: EntityGroup, Name: "devs"}
	must(t, e.s.PutInlinePolicy(ctx, g, "read", readLogs))
	doc, err := e.s.GetInlinePolicy(ctx, g, "read")
	if err != nil || doc != readLogs {
		t.Errorf("GetInlinePolicy = %q, %v", doc, err)
	}
	wantErr(t, "malformed inline", e.s.PutInlinePolicy(ctx, g, "bad", `{}`), ErrMalformedPolicyDocument)
	// The group quota (5,120) is the sum of its inline policies.
	half := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("a", 2800) + `"}]}`
	must(t, e.s.PutInlinePolicy(ctx, g, "half1", half))
	wantErr(t, "sum over quota", e.s.PutInlinePolicy(ctx, g, "half2", half), ErrLimitExceeded)
	must(t, e.s.PutInlinePolicy(ctx, g, "half1", readLogs)) // replacing is measured without the old one
	names, _, err := e.s.ListInlinePolicies(ctx, g, ListOptions{})
	must(t, err)
	if fmt.Sprint(names) != "[half1 read]" {
		t.Errorf("ListInlinePolicies = %v", names)
	}
	wantErr(t, "delete group with inline policies", e.s.DeleteGroup(ctx, RootAccountID, "devs"), ErrDeleteConflict)
	must(t, e.s.DeleteInlinePolicy(ctx, g, "read"))
	wantErr(t, "delete missing inline", e.s.DeleteInlinePolicy(ctx, g, "read"), ErrNoSuchEntity)
}

const trustAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`

func TestRoles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r, err := e.s.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "Deployer", Path: "/ci/", AssumeRolePolicyDocument: trustAccount, Tags: []Tag{{"env", "prod"}}})
	must(t, err)
	if r.ARN != "arn:aws:iam::000000000000:role/ci/Deployer" || r.ID[:4] != "AROA" || r.MaxSessionDuration != 3600 {
		t.Errorf("CreateRole = %+v", r)
	}
	tests := []struct {
		name string
		in   CreateRoleInput
		want error
	}{
		{"duplicate", CreateRoleInput{Account: RootAccountID, Name: "deployer", AssumeRolePolicyDocument: trustAccount}, ErrEntityAlreadyExists},
		{"session too short", CreateRoleInput{Account: RootAccountID, Name: "a", AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 3599}, ErrValidation},
		{"session too long", CreateRoleInput{Account: RootAccountID, Name: "a", AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 43201}, ErrValidation},
		{"trust without principal", CreateRoleInput{Account: RootAccountID, Name: "a", AssumeRolePolicyDocument: readLogs}, ErrMalformedPolicyDocument},
		{"longest session", CreateRoleInput{Account: RootAccountID, Name: "b", AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 43200}, nil},
		{"unknown boundary", CreateRoleInput{Account: RootAccountID, Name: "c", AssumeRolePolicyDocument: trustAccount, PermissionsBoundary: "arn:aws:iam::000000000000:policy/nope"}, ErrNoSuchEntity},
		{"unknown account", CreateRoleInput{Account: "123456789012", Name: "d", AssumeRolePolicyDocument: trustAccount}, ErrNoSuchEntity},
	}
	for _, tt := range tests {
		_, err := e.s.CreateRole(ctx, tt.in)
		wantErr(t, "CreateRole "+tt.name, err, tt.want)
	}
	desc := "deploys"
	must(t, e.s.UpdateRole(ctx, RootAccountID, "Deployer", &desc, 7200))
	wantErr(t, "UpdateAssumeRolePolicy bad", e.s.UpdateAssumeRolePolicy(ctx, RootAccountID, "Deployer", "{"), ErrMalformedPolicyDocument)
	must(t, e.s.PutRolePermissionsBoundary(ctx, RootAccountID, "Deployer", "arn:aws:iam::aws:policy/AmazonS3FullAccess"))
	got, err := e.s.GetRole(ctx, RootAccountID, "deployer")
	must(t, err)
	if got.Description != desc || got.MaxSessionDuration != 7200 || got.PermissionsBoundary == "" || len(got.Tags) != 1 {
		t.Errorf("GetRole = %+v", got)
	}
	must(t, e.s.DeleteRole(ctx, RootAccountID, "Deployer"))
	_, err = e.s.GetRole(ctx, RootAccountID, "Deployer")
	wantErr(t, "GetRole after delete", err, ErrNoSuchEntity)
}
