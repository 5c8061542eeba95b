package iamapi

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
)

// wireEpoch is the fake clock's time in the wire tests.
var wireEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// wireEnv is a handlers value over a real identity store.
type wireEnv struct {
	h     *handlers
	store *iam.Store
	clock *clock.Fake
	root  sigv4.Principal
}

func newWireEnv(t *testing.T) *wireEnv {
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
	clk := clock.NewFake(wireEpoch)
	s, err := iam.New(iam.Options{Meta: m, Keyring: kr, Clock: clk, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(context.Background(), "AKIAWIREROOTROOTROOT", "wirerootsecretwirerootsecretwirerootsecr"); err != nil {
		t.Fatal(err)
	}
	acct := iam.RootAccountID
	return &wireEnv{h: &handlers{created: s.AccountCreated, store: s}, store: s, clock: clk,
		root: sigv4.Principal{AccountID: acct, Name: "root", ARN: "arn:aws:iam::" + acct + ":root", UserID: acct, Root: true}}
}

// userPrincipal is how sigv4 describes an IAM user of the root's account.
func (e *wireEnv) userPrincipal(name string) sigv4.Principal {
	return sigv4.Principal{AccountID: e.root.AccountID, Name: name, ARN: "arn:aws:iam::" + e.root.AccountID + ":user/" + name, UserID: "AIDAEXAMPLE", Path: "/"}
}

// handler returns the handler of an action this file's actions table
// serves; the test fails for others.
func (e *wireEnv) handler(t *testing.T, action string) func(context.Context, *queryapi.Call) (any, error) {
	t.Helper()
	h := e.h
	m := map[string]func(context.Context, *queryapi.Call) (any, error){
		"CreateUser": h.createUser, "GetUser": h.getUser, "ListUsers": h.listUsers, "UpdateUser": h.updateUser,
		"DeleteUser": h.deleteUser, "TagUser": h.tagUser, "UntagUser": h.untagUser, "ListUserTags": h.listUserTags,
		"PutUserPermissionsBoundary": h.putUserPermissionsBoundary, "DeleteUserPermissionsBoundary": h.deleteUserPermissionsBoundary,
		"CreateAccessKey": h.createAccessKey, "ListAccessKeys": h.listAccessKeys, "UpdateAccessKey": h.updateAccessKey,
		"DeleteAccessKey": h.deleteAccessKey, "GetAccessKeyLastUsed": h.getAccessKeyLastUsed,
		"CreateGroup": h.createGroup, "GetGroup": h.getGroup, "ListGroups": h.listGroups, "DeleteGroup": h.deleteGroup,
		"AddUserToGroup": h.addUserToGroup, "RemoveUserFromGroup": h.removeUserFromGroup, "ListGroupsForUser": h.listGroupsForUser,
		"CreateVirtualMFADevice": h.createVirtualMFADevice, "EnableMFADevice": h.enableMFADevice,
		"ResyncMFADevice": h.resyncMFADevice, "DeactivateMFADevice": h.deactivateMFADevice,
		"DeleteVirtualMFADevice": h.deleteVirtualMFADevice, "ListMFADevices": h.listMFADevices,
		"ListVirtualMFADevices": h.listVirtualMFADevices, "GetAccountSummary": h.getAccountSummary,
		"CreateAccountAlias": h.createAccountAlias, "ListAccountAliases": h.listAccountAliases,
		"DeleteAccountAlias": h.deleteAccountAlias,
	}
	f, ok := m[action]
	if !ok {
		t.Fatalf("no handler for %s", action)
	}
	return f
}

// userIDs hides the random parts of a rendered answer: entity userIDs, key userIDs
// and secrets, seeds and QR codes.
var userIDs = regexp.MustCompile(`(A(?:IDA|GPA|KIA)[A-Z0-9]+)|(<SecretAccessKey>)[^<]+|(<Base32StringSeed>)[^<]+|(<QRCodePNG>)[^<]+`)

func hideIDs(s string) string {
	return userIDs.ReplaceAllStringFunc(s, func(m string) string {
		if i := strings.IndexByte(m, '>'); i >= 0 {
			return m[:i+1] + "X"
		}
		return m[:4] + "X"
	})
}

// call runs action as caller with the URL-encoded params and returns the
// rendered result (userIDs hidden) or the answer's error.
func (e *wireEnv) call(t *testing.T, caller sigv4.Principal, action, params string) (string, *queryapi.Error) {
	t.Helper()
	s, qe := e.callRaw(t, caller, action, params)
	return hideIDs(s), qe
}

// callRaw is call without hiding userIDs.
func (e *wireEnv) callRaw(t *testing.T, caller sigv4.Principal, action, params string) (string, *queryapi.Error) {
	t.Helper()
	v, err := url.ParseQuery(params)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.handler(t, action)(context.Background(), &queryapi.Call{Principal: caller, Params: queryapi.NewParams(v), RequestID: "r"})
	if err != nil {
		if qe, ok := errors.AsType[*queryapi.Error](err); ok {
			return "", qe
		}
		qe, ok := errorFor(err)
		if !ok {
			t.Fatalf("%s: unmapped error %v", action, err)
		}
		return "", qe
	}
	body, err := queryapi.AppendResult(nil, "", action, "r", out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	s = strings.TrimPrefix(s, `<`+action+`Response xmlns="">`)
	s = strings.TrimSuffix(s, `<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></`+action+`Response>`)
	return s, nil
}

// must runs action and fails the test on an error answer.
func (e *wireEnv) must(t *testing.T, caller sigv4.Principal, action, params string) string {
	t.Helper()
	out, qe := e.call(t, caller, action, params)
	if qe != nil {
		t.Fatalf("%s %s: %v", action, params, qe)
	}
	return out
}

// step is one call of a wire table test: its answer is want, or an error
// with code (and msg when set).
type step struct {
	action, params string
	caller         *sigv4.Principal
	want           string
	code, msg      string
}

func runSteps(t *testing.T, e *wireEnv, steps []step) {
	t.Helper()
	for i, s := range steps {
		caller := e.root
		if s.caller != nil {
			caller = *s.caller
		}
		got, qe := e.call(t, caller, s.action, s.params)
		switch {
		case s.code != "":
			if qe == nil || qe.Code != s.code || (s.msg != "" && qe.Message != s.msg) {
				t.Errorf("step %d %s %s = %v %q, want %s %q", i, s.action, s.params, qe, got, s.code, s.msg)
			}
		case qe != nil:
			t.Errorf("step %d %s %s: %v", i, s.action, s.params, qe)
		case s.want != "-" && got != s.want:
			t.Errorf("step %d %s %s =\n%s\nwant\n%s", i, s.action, s.params, got, s.want)
		}
	}
}

const created = "2026-03-01T12:00:00Z"

func TestUserActions(t *testing.T) {
	e := newWireEnv(t)
	bob := e.userPrincipal("Bob")
	a := e.root.AccountID
	role := sigv4.Principal{AccountID: a, Name: "s", ARN: "arn:aws:sts::" + a + ":assumed-role/r/s", RoleARN: "arn:aws:iam::" + a + ":role/r"}
	runSteps(t, e, []step{
		{action: "GetUser", caller: &role, code: "ValidationError", msg: "Must specify userName when calling with non-User credentials"},
		{action: "GetUser", want: `<GetUserResult><User><UserId>` + a + `</UserId><Arn>arn:aws:iam::` + a + `:root</Arn><CreateDate>` + created + `</CreateDate></User></GetUserResult>`},
		{action: "CreateUser", params: "UserName=Bob&Path=/eng/&Tags.member.1.Key=team&Tags.member.1.Value=s3",
			want: `<CreateUserResult><User><Path>/eng/</Path><UserName>Bob</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/eng/Bob</Arn><CreateDate>` + created + `</CreateDate><Tags><member><Key>team</Key><Value>s3</Value></member></Tags></User></CreateUserResult>`},
		{action: "CreateUser", params: "UserName=bob", code: "EntityAlreadyExists", msg: "User with name bob already exists."},
		{action: "CreateUser", params: "", code: "MissingParameter"},
		{action: "CreateUser", params: "UserName=" + strings.Repeat("a", 65), code: "ValidationError"},
		{action: "CreateUser", params: "UserName=a%20b", code: "ValidationError"},
		{action: "CreateUser", params: "UserName=Eve&Path=eng", code: "ValidationError"},
		{action: "CreateUser", params: "UserName=Amy",
			want: `<CreateUserResult><User><Path>/</Path><UserName>Amy</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/Amy</Arn><CreateDate>` + created + `</CreateDate></User></CreateUserResult>`},
		{action: "GetUser", params: "UserName=Nobody", code: "NoSuchEntity", msg: "The user with name Nobody cannot be found."},
		{action: "GetUser", caller: &bob, want: `<GetUserResult><User><Path>/eng/</Path><UserName>Bob</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/eng/Bob</Arn><CreateDate>` + created + `</CreateDate><Tags><member><Key>team</Key><Value>s3</Value></member></Tags></User></GetUserResult>`},
		{action: "ListUsers", params: "MaxItems=1",
			want: `<ListUsersResult><Users><member><Path>/</Path><UserName>Amy</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/Amy</Arn><CreateDate>` + created + `</CreateDate></member></Users><IsTruncated>true</IsTruncated><Marker>amy</Marker></ListUsersResult>`},
		{action: "ListUsers", params: "MaxItems=1&Marker=amy",
			want: `<ListUsersResult><Users><member><Path>/eng/</Path><UserName>Bob</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/eng/Bob</Arn><CreateDate>` + created + `</CreateDate></member></Users><IsTruncated>false</IsTruncated></ListUsersResult>`},
		{action: "ListUsers", params: "PathPrefix=/eng/", want: "-"},
		{action: "ListUsers", params: "PathPrefix=/ops/", want: `<ListUsersResult><Users></Users><IsTruncated>false</IsTruncated></ListUsersResult>`},
		{action: "ListUsers", params: "MaxItems=0", code: "ValidationError"},
		{action: "ListUsers", params: "MaxItems=1001", code: "ValidationError"},
		{action: "ListUsers", params: "PathPrefix=eng", code: "ValidationError"},
		{action: "TagUser", params: "UserName=Amy&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Tags.member.2.Value=2"},
		{action: "TagUser", params: "UserName=Amy", code: "MissingParameter"},
		{action: "TagUser", params: "UserName=Amy&Tags.member.1.Key=aws:x&Tags.member.1.Value=1", code: "InvalidInput"},
		{action: "ListUserTags", params: "UserName=Amy&MaxItems=1",
			want: `<ListUserTagsResult><Tags><member><Key>a</Key><Value>1</Value></member></Tags><IsTruncated>true</IsTruncated><Marker>1</Marker></ListUserTagsResult>`},
		{action: "ListUserTags", params: "UserName=Amy&Marker=1",
			want: `<ListUserTagsResult><Tags><member><Key>b</Key><Value>2</Value></member></Tags><IsTruncated>false</IsTruncated></ListUserTagsResult>`},
		{action: "UntagUser", params: "UserName=Amy&TagKeys.member.1=a"},
		{action: "UntagUser", params: "UserName=Amy", code: "MissingParameter"},
		{action: "ListUserTags", params: "UserName=Amy",
			want: `<ListUserTagsResult><Tags><member><Key>b</Key><Value>2</Value></member></Tags><IsTruncated>false</IsTruncated></ListUserTagsResult>`},
		{action: "ListUserTags", params: "UserName=Nobody", code: "NoSuchEntity"},
		{action: "PutUserPermissionsBoundary", params: "UserName=Amy&PermissionsBoundary=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		{action: "GetUser", params: "UserName=Amy", want: `<GetUserResult><User><Path>/</Path><UserName>Amy</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/Amy</Arn><CreateDate>` + created + `</CreateDate><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</PermissionsBoundaryArn></PermissionsBoundary><Tags><member><Key>b</Key><Value>2</Value></member></Tags></User></GetUserResult>`},
		{action: "PutUserPermissionsBoundary", params: "UserName=Amy&PermissionsBoundary=arn:aws:iam::" + a + ":policy/Nope", code: "NoSuchEntity"},
		{action: "PutUserPermissionsBoundary", params: "UserName=Amy", code: "MissingParameter"},
		{action: "DeleteUserPermissionsBoundary", params: "UserName=Amy"},
		{action: "UpdateUser", params: "UserName=Amy&NewUserName=Ann&NewPath=/ops/"},
		{action: "GetUser", params: "UserName=Amy", code: "NoSuchEntity"},
		{action: "ListUsers", params: "PathPrefix=/ops/", want: `<ListUsersResult><Users><member><Path>/ops/</Path><UserName>Ann</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/ops/Ann</Arn><CreateDate>` + created + `</CreateDate></member></Users><IsTruncated>false</IsTruncated></ListUsersResult>`},
		{action: "UpdateUser", params: "UserName=Ann&NewUserName=Bob", code: "EntityAlreadyExists"},
		{action: "UpdateUser", params: "UserName=Nobody&NewUserName=X", code: "NoSuchEntity"},
		{action: "DeleteUser", params: "UserName=Ann"},
		{action: "DeleteUser", params: "UserName=Ann", code: "NoSuchEntity"},
		{action: "DeleteUser", code: "MissingParameter"},
	})
}

func TestUserResource(t *testing.T) {
	e := newWireEnv(t)
	a := e.root.AccountID
	e.must(t, e.root, "CreateUser", "UserName=Bob&Path=/eng/")
	bob := e.userPrincipal("Bob")
	for _, tt := range []struct {
		caller sigv4.Principal
		params string
		res    func(context.Context, *queryapi.Call) string
		want   string
	}{
		{e.root, "UserName=Bob", e.h.userResource, "arn:aws:iam::" + a + ":user/eng/Bob"},
		{e.root, "UserName=New", e.h.userResource, "arn:aws:iam::" + a + ":user/New"},
		{bob, "", e.h.userResource, bob.ARN},
		{e.root, "UserName=New&Path=/x/", newUserResource, "arn:aws:iam::" + a + ":user/x/New"},
		{e.root, "", e.h.accountResource("user/"), "arn:aws:iam::" + a + ":user/"},
		{e.root, "", e.h.accountResource("*"), "*"},
		{e.root, "VirtualMFADeviceName=phone", mfaResource, "arn:aws:iam::" + a + ":mfa/phone"},
	} {
		v, _ := url.ParseQuery(tt.params)
		if got := tt.res(context.Background(), &queryapi.Call{Principal: tt.caller, Params: queryapi.NewParams(v)}); got != tt.want {
			t.Errorf("resource(%q) = %s, want %s", tt.params, got, tt.want)
		}
	}
}

func TestErrorRows(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{iam.ErrNoSuchEntity, 404, "NoSuchEntity"},
		{iam.ErrEntityAlreadyExists, 409, "EntityAlreadyExists"},
		{iam.ErrLimitExceeded, 409, "LimitExceeded"},
		{iam.ErrDeleteConflict, 409, "DeleteConflict"},
		{iam.ErrInvalidInput, 400, "InvalidInput"},
		{iam.ErrValidation, 400, "ValidationError"},
		{iam.ErrInvalidAuthenticationCode, 403, "InvalidAuthenticationCode"},
	} {
		wrapped := &iam.Error{Err: tt.err, Message: "text"}
		e, ok := errorFor(wrapped)
		if !ok || e.Status != tt.status || e.Code != tt.code || e.Message != "text" {
			t.Errorf("errorFor(%v) = %+v, %v; want %d %s", tt.err, e, ok, tt.status, tt.code)
		}
	}
}

// FuzzPageTags checks that any Marker pages a tag list without panicking
// and returns only tags of the list.
func FuzzPageTags(f *testing.F) {
	for _, s := range []string{"", "0", "1", "2", "-1", "99999999999999999999", "x"} {
		f.Add(s, 1)
	}
	tags := []iam.Tag{{Key: "a"}, {Key: "b"}}
	f.Fuzz(func(t *testing.T, marker string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		got, page := pageTags(tags, iam.ListOptions{Marker: marker, MaxItems: max})
		if len(got) > len(tags) || (page.IsTruncated && page.Marker == "") {
			t.Errorf("pageTags(%q, %d) = %v, %+v", marker, max, got, page)
		}
	})
}
