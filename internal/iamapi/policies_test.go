package iamapi

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
)

const (
	readDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	polArn  = "arn:aws:iam::000000000000:policy/team/read"
	envHead = `xmlns="https://iam.amazonaws.com/doc/2010-05-08/"`
	envTail = `<ResponseMetadata><RequestId>req</RequestId></ResponseMetadata>`
)

func TestManagedPolicies(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	q := url.QueryEscape
	ver := func(n int) w2Step {
		return w2Step{action: "CreatePolicyVersion", fn: h.createPolicyVersion, params: "PolicyArn=" + polArn + "&PolicyDocument=" + q(readDoc) + "&SetAsDefault=" + map[bool]string{true: "true", false: "false"}[n == 2]}
	}
	v2 := ver(2)
	v2.want = `<CreatePolicyVersionResponse ` + envHead + `><CreatePolicyVersionResult><PolicyVersion><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2026-03-01T12:00:00Z</CreateDate></PolicyVersion></CreatePolicyVersionResult>` + envTail + `</CreatePolicyVersionResponse>`
	e.steps(t, []w2Step{
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=read&Path=/team/&Description=reads&PolicyDocument=" + q(readDoc),
			want: `<CreatePolicyResponse ` + envHead + `><CreatePolicyResult><Policy><PolicyName>read</PolicyName><PolicyId>ANPA…</PolicyId><Arn>` + polArn + `</Arn><Path>/team/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount><IsAttachable>true</IsAttachable><Description>reads</Description><CreateDate>2026-03-01T12:00:00Z</CreateDate><UpdateDate>2026-03-01T12:00:00Z</UpdateDate></Policy></CreatePolicyResult>` + envTail + `</CreatePolicyResponse>`},
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=read&PolicyDocument=" + q(readDoc), code: "EntityAlreadyExists"},
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=bad&PolicyDocument=" + q(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`),
			code: "MalformedPolicyDocument", msg: "Policy statement must contain resources."},
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=bad&Path=nopath&PolicyDocument=" + q(readDoc), code: "ValidationError"},
		{action: "GetPolicy", fn: h.getPolicy, params: "PolicyArn=arn:aws:iam::000000000000:policy/none", code: "NoSuchEntity"},
		v2, ver(3), ver(4), ver(5),
		{action: "CreatePolicyVersion", fn: h.createPolicyVersion, params: "PolicyArn=" + polArn + "&PolicyDocument=" + q(readDoc),
			code: "LimitExceeded", msg: "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."},
		{action: "GetPolicyVersion", fn: h.getPolicyVersion, params: "PolicyArn=" + polArn + "&VersionId=v2",
			want: `<GetPolicyVersionResponse ` + envHead + `><GetPolicyVersionResult><PolicyVersion><Document>` + encodeDocument(readDoc) + `</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2026-03-01T12:00:00Z</CreateDate></PolicyVersion></GetPolicyVersionResult>` + envTail + `</GetPolicyVersionResponse>`},
		{action: "GetPolicyVersion", fn: h.getPolicyVersion, params: "PolicyArn=" + polArn + "&VersionId=x1", code: "ValidationError"},
		{action: "DeletePolicyVersion", fn: h.deletePolicyVersion, params: "PolicyArn=" + polArn + "&VersionId=v2", code: "DeleteConflict"},
		{action: "SetDefaultPolicyVersion", fn: h.setDefaultPolicyVersion, params: "PolicyArn=" + polArn + "&VersionId=v5"},
		{action: "DeletePolicyVersion", fn: h.deletePolicyVersion, params: "PolicyArn=" + polArn + "&VersionId=v2"},
		{action: "ListPolicyVersions", fn: h.listPolicyVersions, params: "PolicyArn=" + polArn + "&MaxItems=2",
			want: `<ListPolicyVersionsResponse ` + envHead + `><ListPolicyVersionsResult><Versions><member><VersionId>v5</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2026-03-01T12:00:00Z</CreateDate></member><member><VersionId>v4</VersionId><IsDefaultVersion>false</IsDefaultVersion><CreateDate>2026-03-01T12:00:00Z</CreateDate></member></Versions><IsTruncated>true</IsTruncated><Marker>0001</Marker></ListPolicyVersionsResult>` + envTail + `</ListPolicyVersionsResponse>`},
		{action: "ListPolicies", fn: h.listPolicies, params: "Scope=Local",
			want: `<ListPoliciesResponse ` + envHead + `><ListPoliciesResult><Policies><member><PolicyName>read</PolicyName><PolicyId>ANPA…</PolicyId><Arn>` + polArn + `</Arn><Path>/team/</Path><DefaultVersionId>v5</DefaultVersionId><AttachmentCount>0</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>2026-03-01T12:00:00Z</CreateDate><UpdateDate>2026-03-01T12:00:00Z</UpdateDate></member></Policies><IsTruncated>false</IsTruncated></ListPoliciesResult>` + envTail + `</ListPoliciesResponse>`},
		{action: "ListPolicies", fn: h.listPolicies, params: "Scope=Mine", code: "ValidationError",
			msg: "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"},
		{action: "ListPolicies", fn: h.listPolicies, params: "OnlyAttached=yes", code: "InvalidParameterValue"},
		{action: "ListPolicies", fn: h.listPolicies, params: "OnlyAttached=true",
			want: `<ListPoliciesResponse ` + envHead + `><ListPoliciesResult><Policies></Policies><IsTruncated>false</IsTruncated></ListPoliciesResult>` + envTail + `</ListPoliciesResponse>`},
		{action: "DeletePolicy", fn: h.deletePolicy, params: "PolicyArn=arn:aws:iam::aws:policy/IAMFullAccess", code: "UnmodifiableEntity"},
	})
	// AWS-managed policies are listed with Scope=AWS.
	body, _, _ := e.run(t, "ListPolicies", h.listPolicies, "Scope=AWS&PathPrefix=/")
	for _, name := range []string{"AdministratorAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess"} {
		if !strings.Contains(body, "<Arn>arn:aws:iam::aws:policy/"+name+"</Arn>") {
			t.Errorf("ListPolicies(Scope=AWS) lacks %s: %s", name, body)
		}
	}
	if strings.Contains(body, polArn) {
		t.Errorf("ListPolicies(Scope=AWS) lists the account's own policy: %s", body)
	}
}

func TestAttachAndInline(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	q := url.QueryEscape
	ctx := context.Background()
	if _, err := e.store.CreateUser(ctx, iam.CreateUserInput{Account: iam.RootAccountID, Name: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateGroup(ctx, iam.RootAccountID, "devs", "/"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateRole(ctx, iam.CreateRoleInput{Account: iam.RootAccountID, Name: "app", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	u, g, r := iam.EntityUser, iam.EntityGroup, iam.EntityRole
	e.steps(t, []w2Step{
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=read&Path=/team/&PolicyDocument=" + q(readDoc)},
		{action: "AttachUserPolicy", fn: h.attachPolicy(u, false), params: "UserName=alice&PolicyArn=" + polArn},
		{action: "AttachGroupPolicy", fn: h.attachPolicy(g, false), params: "GroupName=devs&PolicyArn=" + polArn},
		{action: "AttachRolePolicy", fn: h.attachPolicy(r, false), params: "RoleName=app&PolicyArn=" + polArn},
		{action: "AttachRolePolicy", fn: h.attachPolicy(r, false), params: "RoleName=app&PolicyArn=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		{action: "AttachUserPolicy", fn: h.attachPolicy(u, false), params: "UserName=bob&PolicyArn=" + polArn, code: "NoSuchEntity"},
		{action: "AttachUserPolicy", fn: h.attachPolicy(u, false), params: "UserName=alice&PolicyArn=arn:aws:iam::000000000000:policy/none", code: "NoSuchEntity"},
		{action: "ListAttachedRolePolicies", fn: h.listAttached(r), params: "RoleName=app",
			want: `<ListAttachedRolePoliciesResponse ` + envHead + `><ListAttachedRolePoliciesResult><AttachedPolicies><member><PolicyName>read</PolicyName><PolicyArn>` + polArn + `</PolicyArn></member><member><PolicyName>AmazonS3ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult>` + envTail + `</ListAttachedRolePoliciesResponse>`},
		{action: "ListAttachedRolePolicies", fn: h.listAttached(r), params: "RoleName=app&PathPrefix=/team/",
			want: `<ListAttachedRolePoliciesResponse ` + envHead + `><ListAttachedRolePoliciesResult><AttachedPolicies><member><PolicyName>read</PolicyName><PolicyArn>` + polArn + `</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult>` + envTail + `</ListAttachedRolePoliciesResponse>`},
		{action: "ListEntitiesForPolicy", fn: h.listEntitiesForPolicy, params: "PolicyArn=" + polArn + "&EntityFilter=Role",
			want: `<ListEntitiesForPolicyResponse ` + envHead + `><ListEntitiesForPolicyResult><PolicyGroups></PolicyGroups><PolicyUsers></PolicyUsers><PolicyRoles><member><RoleName>app</RoleName><RoleId>AROA…</RoleId></member></PolicyRoles><IsTruncated>false</IsTruncated></ListEntitiesForPolicyResult>` + envTail + `</ListEntitiesForPolicyResponse>`},
		{action: "ListEntitiesForPolicy", fn: h.listEntitiesForPolicy, params: "PolicyArn=" + polArn + "&MaxItems=2",
			want: `<ListEntitiesForPolicyResponse ` + envHead + `><ListEntitiesForPolicyResult><PolicyGroups><member><GroupName>devs</GroupName><GroupId>AGPA…</GroupId></member></PolicyGroups><PolicyUsers><member><UserName>alice</UserName><UserId>AIDA…</UserId></member></PolicyUsers><PolicyRoles></PolicyRoles><IsTruncated>true</IsTruncated><Marker>2</Marker></ListEntitiesForPolicyResult>` + envTail + `</ListEntitiesForPolicyResponse>`},
		{action: "DeletePolicy", fn: h.deletePolicy, params: "PolicyArn=" + polArn, code: "DeleteConflict"},
		{action: "DeleteRole", fn: h.deleteRole, params: "RoleName=app", code: "DeleteConflict"},
		{action: "DetachUserPolicy", fn: h.attachPolicy(u, true), params: "UserName=alice&PolicyArn=" + polArn},
		{action: "DetachGroupPolicy", fn: h.attachPolicy(g, true), params: "GroupName=devs&PolicyArn=" + polArn},
		{action: "DetachRolePolicy", fn: h.attachPolicy(r, true), params: "RoleName=app&PolicyArn=" + polArn},
		{action: "DetachRolePolicy", fn: h.attachPolicy(r, true), params: "RoleName=app&PolicyArn=" + polArn, code: "NoSuchEntity"},
		{action: "DeletePolicy", fn: h.deletePolicy, params: "PolicyArn=" + polArn},

		{action: "PutUserPolicy", fn: h.putInlinePolicy(u), params: "UserName=alice&PolicyName=read&PolicyDocument=" + q(readDoc)},
		{action: "PutGroupPolicy", fn: h.putInlinePolicy(g), params: "GroupName=devs&PolicyName=read&PolicyDocument=" + q(readDoc)},
		{action: "PutRolePolicy", fn: h.putInlinePolicy(r), params: "RoleName=app&PolicyName=read&PolicyDocument=" + q(readDoc)},
		{action: "PutRolePolicy", fn: h.putInlinePolicy(r), params: "RoleName=app&PolicyName=bad&PolicyDocument=" + q(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`),
			code: "MalformedPolicyDocument"},
		{action: "PutUserPolicy", fn: h.putInlinePolicy(u), params: "UserName=alice&PolicyName=x", code: "MissingParameter"},
		{action: "GetUserPolicy", fn: h.getInlinePolicy(u), params: "UserName=alice&PolicyName=read",
			want: `<GetUserPolicyResponse ` + envHead + `><GetUserPolicyResult><UserName>alice</UserName><PolicyName>read</PolicyName><PolicyDocument>` + encodeDocument(readDoc) + `</PolicyDocument></GetUserPolicyResult>` + envTail + `</GetUserPolicyResponse>`},
		{action: "GetGroupPolicy", fn: h.getInlinePolicy(g), params: "GroupName=devs&PolicyName=read",
			want: `<GetGroupPolicyResponse ` + envHead + `><GetGroupPolicyResult><GroupName>devs</GroupName><PolicyName>read</PolicyName><PolicyDocument>` + encodeDocument(readDoc) + `</PolicyDocument></GetGroupPolicyResult>` + envTail + `</GetGroupPolicyResponse>`},
		{action: "GetRolePolicy", fn: h.getInlinePolicy(r), params: "RoleName=app&PolicyName=nope", code: "NoSuchEntity", msg: "The role policy with name nope cannot be found."},
		{action: "ListRolePolicies", fn: h.listInlinePolicies(r), params: "RoleName=app",
			want: `<ListRolePoliciesResponse ` + envHead + `><ListRolePoliciesResult><PolicyNames><member>read</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult>` + envTail + `</ListRolePoliciesResponse>`},
		{action: "ListUserPolicies", fn: h.listInlinePolicies(u), params: "UserName=nobody", code: "NoSuchEntity"},
		{action: "DeleteGroupPolicy", fn: h.deleteInlinePolicy(g), params: "GroupName=devs&PolicyName=read"},
		{action: "DeleteGroupPolicy", fn: h.deleteInlinePolicy(g), params: "GroupName=devs&PolicyName=read", code: "NoSuchEntity"},
		{action: "ListGroupPolicies", fn: h.listInlinePolicies(g), params: "GroupName=devs",
			want: `<ListGroupPoliciesResponse ` + envHead + `><ListGroupPoliciesResult><PolicyNames></PolicyNames><IsTruncated>false</IsTruncated></ListGroupPoliciesResult>` + envTail + `</ListGroupPoliciesResponse>`},
	})
}

// TestEncodeDocument pins that documents are URL-encoded as IAM returns
// them: spaces as %20, never "+", so both url.QueryUnescape and
// Python's unquote give the document back.
func TestEncodeDocument(t *testing.T) {
	doc := "{\n  \"Action\": \"s3:Get*\", \"Sid\": \"a+b\"\n}"
	got := encodeDocument(doc)
	if strings.ContainsAny(got, "+ ") {
		t.Errorf("encodeDocument(%q) = %q, contains + or space", doc, got)
	}
	if back, err := url.QueryUnescape(got); err != nil || back != doc {
		t.Errorf("QueryUnescape(%q) = %q, %v, want %q", got, back, err, doc)
	}
	if back, err := url.PathUnescape(got); err != nil || back != doc {
		t.Errorf("PathUnescape(%q) = %q, %v, want %q", got, back, err, doc)
	}
}

// TestErrorRowsForPolicies pins the IAM codes, statuses and messages of
// the store's errors that the role and policy actions return.
func TestErrorRowsForPolicies(t *testing.T) {
	e := newStoreEnv(t)
	ctx := context.Background()
	_, errMalformed := e.store.CreatePolicy(ctx, iam.CreatePolicyInput{Account: iam.RootAccountID, Name: "p", Document: `{"Statement":[]}`})
	_, errMissing := e.store.GetRole(ctx, iam.RootAccountID, "ghost")
	tests := []struct {
		err    error
		code   string
		status int
		msg    string
	}{
		{errMissing, "NoSuchEntity", 404, "The role with name ghost cannot be found."},
		{errMalformed, "MalformedPolicyDocument", 400, ""},
		{iam.ErrEntityAlreadyExists, "EntityAlreadyExists", 409, ""},
		{iam.ErrLimitExceeded, "LimitExceeded", 409, ""},
		{iam.ErrDeleteConflict, "DeleteConflict", 409, ""},
		{iam.ErrInvalidInput, "InvalidInput", 400, ""},
		{iam.ErrValidation, "ValidationError", 400, ""},
		{iam.ErrUnmodifiableEntity, "UnmodifiableEntity", 400, ""},
	}
	for _, tt := range tests {
		got, ok := errorFor(tt.err)
		if !ok || got.Code != tt.code || got.Status != tt.status || (tt.msg != "" && got.Message != tt.msg) {
			t.Errorf("errorFor(%v) = %+v, %v, want %s %d %q", tt.err, got, ok, tt.code, tt.status, tt.msg)
		}
	}
	if got, _ := errorFor(errMalformed); got == nil || got.Message == "" {
		t.Errorf("errorFor(malformed policy) has no message: %+v", got)
	}
}
