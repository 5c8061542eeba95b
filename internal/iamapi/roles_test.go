package iamapi

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
)

// storeEnv runs handlers over a real identity store on Pebble.
type storeEnv struct {
	h     *handlers
	store *iam.Store
	root  sigv4.Principal
}

func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	kr, _, err := sse.LoadOrGenerateKeyringFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := iam.New(iam.Options{Meta: m, Keyring: kr, Clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(context.Background(), "AKIAROOTROOTROOTROOT", "rootsecretrootsecretrootsecretrootsecret"); err != nil {
		t.Fatal(err)
	}
	return &storeEnv{h: &handlers{store: s}, store: s,
		root: sigv4.Principal{AccountID: iam.RootAccountID, Root: true, ARN: "arn:aws:iam::" + iam.RootAccountID + ":root", Name: "root"}}
}

// ids are the random unique ids golden bodies replace.
var ids = regexp.MustCompile(`\b(AROA|ANPA|AIDA|AGPA)[A-Z0-9]{12,}`)

// run calls fn as the account root with params and returns the rendered
// result document (ids replaced by their prefix and "…"), or the IAM
// error code and message.
func (e *storeEnv) run(t *testing.T, action string, fn func(context.Context, *queryapi.Call) (any, error), params string) (body, code, msg string) {
	t.Helper()
	v, err := url.ParseQuery(params)
	if err != nil {
		t.Fatal(err)
	}
	out, err := fn(context.Background(), &queryapi.Call{Principal: e.root, Params: queryapi.NewParams(v), RequestID: "req"})
	if err != nil {
		qe, ok := errors.AsType[*queryapi.Error](err)
		if !ok {
			if qe, ok = errorFor(err); !ok {
				t.Fatalf("%s(%s): unmapped error %v", action, params, err)
			}
		}
		return "", qe.Code, qe.Message
	}
	b, err := queryapi.AppendResult(nil, queryapi.NamespaceIAM, action, "req", out)
	if err != nil {
		t.Fatal(err)
	}
	return ids.ReplaceAllString(string(b), "${1}…"), "", ""
}

// w2Step is one call of a golden scenario: either want (the body) or code
// and msg (the error) are checked.
type w2Step struct {
	action string
	fn     func(context.Context, *queryapi.Call) (any, error)
	params string
	want   string
	code   string
	msg    string
}

func (e *storeEnv) steps(t *testing.T, steps []w2Step) {
	t.Helper()
	for i, s := range steps {
		body, code, msg := e.run(t, s.action, s.fn, s.params)
		switch {
		case s.code != "" && (code != s.code || (s.msg != "" && msg != s.msg)):
			t.Errorf("step %d %s(%s) = %q %q %s, want %s %q", i, s.action, s.params, code, msg, body, s.code, s.msg)
		case s.code == "" && code != "":
			t.Errorf("step %d %s(%s) = %s %q, want success", i, s.action, s.params, code, msg)
		case s.want != "" && body != s.want:
			t.Errorf("step %d %s(%s) body:\n got %s\nwant %s", i, s.action, s.params, body, s.want)
		}
	}
}

const (
	trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	trustEnc = `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A000000000000%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D`
)

func TestRoles(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	q := url.QueryEscape
	e.steps(t, []w2Step{
		{action: "CreateRole", fn: h.createRole, params: "RoleName=app&Path=/svc/&Description=the%20app&AssumeRolePolicyDocument=" + q(trust) + "&Tags.member.1.Key=team&Tags.member.1.Value=red",
			want: `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role><Path>/svc/</Path><RoleName>app</RoleName><RoleId>AROA…</RoleId><Arn>arn:aws:iam::000000000000:role/svc/app</Arn><CreateDate>2026-03-01T12:00:00Z</CreateDate><AssumeRolePolicyDocument>` + trustEnc + `</AssumeRolePolicyDocument><Description>the app</Description><MaxSessionDuration>3600</MaxSessionDuration><Tags><member><Key>team</Key><Value>red</Value></member></Tags></Role></CreateRoleResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></CreateRoleResponse>`},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=app&AssumeRolePolicyDocument=" + q(trust),
			code: "EntityAlreadyExists", msg: "Role with name app already exists."},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=bad&AssumeRolePolicyDocument=" + q(`{"Version":"2012-10-17","Statement":[]}`),
			code: "MalformedPolicyDocument"},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=x&AssumeRolePolicyDocument=" + q(trust) + "&MaxSessionDuration=100",
			code: "ValidationError", msg: "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=x", code: "MissingParameter",
			msg: "The request must contain the parameter AssumeRolePolicyDocument"},
		{action: "GetRole", fn: h.getRole, params: "RoleName=nope", code: "NoSuchEntity", msg: "The role with name nope cannot be found."},
		{action: "UpdateRole", fn: h.updateRole, params: "RoleName=app&MaxSessionDuration=7200",
			want: `<UpdateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><UpdateRoleResult></UpdateRoleResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></UpdateRoleResponse>`},
		{action: "UpdateRoleDescription", fn: h.updateRoleDescription, params: "RoleName=app&Description=new",
			want: `<UpdateRoleDescriptionResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><UpdateRoleDescriptionResult><Role><Path>/svc/</Path><RoleName>app</RoleName><RoleId>AROA…</RoleId><Arn>arn:aws:iam::000000000000:role/svc/app</Arn><CreateDate>2026-03-01T12:00:00Z</CreateDate><AssumeRolePolicyDocument>` + trustEnc + `</AssumeRolePolicyDocument><Description>new</Description><MaxSessionDuration>7200</MaxSessionDuration><Tags><member><Key>team</Key><Value>red</Value></member></Tags><RoleLastUsed></RoleLastUsed></Role></UpdateRoleDescriptionResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></UpdateRoleDescriptionResponse>`},
		{action: "TagRole", fn: h.tagRole, params: "RoleName=app&Tags.member.1.Key=env&Tags.member.1.Value=prod"},
		{action: "TagRole", fn: h.tagRole, params: "RoleName=app", code: "MissingParameter"},
		{action: "UntagRole", fn: h.untagRole, params: "RoleName=app&TagKeys.member.1=team"},
		{action: "ListRoleTags", fn: h.listRoleTags, params: "RoleName=app",
			want: `<ListRoleTagsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRoleTagsResult><Tags><member><Key>env</Key><Value>prod</Value></member></Tags><IsTruncated>false</IsTruncated></ListRoleTagsResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></ListRoleTagsResponse>`},
		{action: "UpdateAssumeRolePolicy", fn: h.updateAssumeRolePolicy, params: "RoleName=app&PolicyDocument=" + q(`{"Statement":{"Effect":"Allow"}}`),
			code: "MalformedPolicyDocument"},
		{action: "PutRolePermissionsBoundary", fn: h.putRolePermissionsBoundary, params: "RoleName=app&PermissionsBoundary=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		{action: "PutRolePermissionsBoundary", fn: h.putRolePermissionsBoundary, params: "RoleName=app&PermissionsBoundary=arn:aws:iam::000000000000:policy/none",
			code: "NoSuchEntity"},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=second&AssumeRolePolicyDocument=" + q(trust)},
		{action: "ListRoles", fn: h.listRoles, params: "MaxItems=1",
			want: `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles><member><Path>/svc/</Path><RoleName>app</RoleName><RoleId>AROA…</RoleId><Arn>arn:aws:iam::000000000000:role/svc/app</Arn><CreateDate>2026-03-01T12:00:00Z</CreateDate><AssumeRolePolicyDocument>` + trustEnc + `</AssumeRolePolicyDocument><Description>new</Description><MaxSessionDuration>7200</MaxSessionDuration></member></Roles><IsTruncated>true</IsTruncated><Marker>app</Marker></ListRolesResult><ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></ListRolesResponse>`},
		{action: "ListRoles", fn: h.listRoles, params: "MaxItems=0", code: "ValidationError"},
		{action: "DeleteRolePermissionsBoundary", fn: h.deleteRolePermissionsBoundary, params: "RoleName=app"},
		{action: "DeleteRole", fn: h.deleteRole, params: "RoleName=app"},
		{action: "DeleteRole", fn: h.deleteRole, params: "RoleName=app", code: "NoSuchEntity"},
	})
	r, err := e.store.GetRole(context.Background(), iam.RootAccountID, "second")
	if err != nil || r.Path != "/" {
		t.Errorf("GetRole(second) = %+v, %v", r, err)
	}
}

// TestResources pins the IAM ARNs Authorize is asked about.
func TestResources(t *testing.T) {
	e := newStoreEnv(t)
	if _, err := e.store.CreateRole(context.Background(), iam.CreateRoleInput{Account: iam.RootAccountID, Name: "r", Path: "/p/", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		fn     func(context.Context, *queryapi.Call) string
		params string
		want   string
	}{
		{"existing role", e.h.roleResource, "RoleName=r", "arn:aws:iam::000000000000:role/p/r"},
		{"CreateRole", e.h.roleResource, "RoleName=n&Path=/x/", "arn:aws:iam::000000000000:role/x/n"},
		{"missing role", e.h.roleResource, "RoleName=gone", "arn:aws:iam::000000000000:role/gone"},
		{"role policy", e.h.entityResource(iam.EntityRole), "RoleName=r", "arn:aws:iam::000000000000:role/p/r"},
		{"user policy", e.h.entityResource(iam.EntityUser), "UserName=u", "arn:aws:iam::000000000000:user/u"},
		{"group policy", e.h.entityResource(iam.EntityGroup), "GroupName=g", "arn:aws:iam::000000000000:group/g"},
		{"PolicyArn", policyResource, "PolicyArn=arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/IAMFullAccess"},
		{"CreatePolicy", policyResource, "PolicyName=n&Path=/a/", "arn:aws:iam::000000000000:policy/a/n"},
		{"simulate", simulateResource, "PolicySourceArn=arn:aws:iam::000000000000:user/u", "arn:aws:iam::000000000000:user/u"},
	}
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.params)
		if got := tt.fn(context.Background(), &queryapi.Call{Principal: e.root, Params: queryapi.NewParams(v)}); got != tt.want {
			t.Errorf("%s: resource(%s) = %s, want %s", tt.name, tt.params, got, tt.want)
		}
	}
}
