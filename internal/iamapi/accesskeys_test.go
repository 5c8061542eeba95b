package iamapi

import (
	"regexp"
	"strings"
	"testing"
)

func TestAccessKeyActions(t *testing.T) {
	e := newWireEnv(t)
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	bob := e.userPrincipal("Bob")
	runSteps(t, e, []step{
		{action: "CreateAccessKey", params: "UserName=Bob",
			want: `<CreateAccessKeyResult><AccessKey><UserName>Bob</UserName><AccessKeyId>AKIAX</AccessKeyId><Status>Active</Status><SecretAccessKey>X</SecretAccessKey><CreateDate>` + created + `</CreateDate></AccessKey></CreateAccessKeyResult>`},
		{action: "CreateAccessKey", caller: &bob, want: "-"},
		{action: "CreateAccessKey", params: "UserName=Bob", code: "LimitExceeded", msg: "Cannot exceed quota for AccessKeysPerUser: 2"},
		{action: "CreateAccessKey", params: "UserName=Nobody", code: "NoSuchEntity"},
		{action: "ListAccessKeys", params: "UserName=Bob&MaxItems=1",
			want: `<ListAccessKeysResult><AccessKeyMetadata><member><UserName>Bob</UserName><AccessKeyId>AKIAX</AccessKeyId><Status>Active</Status><CreateDate>` + created + `</CreateDate></member></AccessKeyMetadata><IsTruncated>true</IsTruncated><Marker>AKIAX</Marker></ListAccessKeysResult>`},
		{action: "ListAccessKeys",
			want: `<ListAccessKeysResult><AccessKeyMetadata><member><AccessKeyId>AKIAX</AccessKeyId><Status>Active</Status><CreateDate>` + created + `</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>`},
		{action: "DeleteUser", params: "UserName=Bob", code: "DeleteConflict"},
		{action: "UpdateAccessKey", params: "UserName=Bob&AccessKeyId=AKIANOSUCHKEY00000&Status=Inactive", code: "NoSuchEntity",
			msg: "The Access Key with id AKIANOSUCHKEY00000 cannot be found."},
		{action: "UpdateAccessKey", params: "UserName=Bob&AccessKeyId=AKIANOSUCHKEY00000&Status=Off", code: "ValidationError"},
		{action: "UpdateAccessKey", params: "UserName=Bob&AccessKeyId=short&Status=Active", code: "ValidationError"},
		{action: "UpdateAccessKey", params: "UserName=Bob&Status=Active", code: "MissingParameter"},
		{action: "DeleteAccessKey", params: "AccessKeyId=AKIANOSUCHKEY00000", code: "NoSuchEntity"},
		{action: "GetAccessKeyLastUsed", params: "AccessKeyId=AKIANOSUCHKEY00000", code: "NoSuchEntity"},
	})
	keys := regexp.MustCompile(`AKIA[A-Z0-9]+`)
	out, qe := e.callRaw(t, e.root, "ListAccessKeys", "UserName=Bob")
	if qe != nil {
		t.Fatal(qe)
	}
	ids := keys.FindAllString(out, -1)
	if len(ids) != 2 {
		t.Fatalf("ListAccessKeys = %s, want two keys", out)
	}
	runSteps(t, e, []step{
		{action: "UpdateAccessKey", params: "UserName=Bob&AccessKeyId=" + ids[0] + "&Status=Inactive"},
		{action: "UpdateAccessKey", params: "UserName=Bob&AccessKeyId=" + ids[0] + "&Status=Expired", code: "InvalidInput"},
		{action: "GetAccessKeyLastUsed", params: "AccessKeyId=" + ids[0],
			want: `<GetAccessKeyLastUsedResult><UserName>Bob</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed></GetAccessKeyLastUsedResult>`},
		{action: "DeleteAccessKey", params: "AccessKeyId=" + ids[0], caller: &bob},
		{action: "DeleteAccessKey", params: "UserName=Bob&AccessKeyId=" + ids[0], code: "NoSuchEntity"},
		{action: "DeleteAccessKey", params: "UserName=Bob&AccessKeyId=" + ids[1]},
		{action: "DeleteUser", params: "UserName=Bob"},
	})
}

// TestRootAccessKeyActions: the root user manages its own keys without
// UserName, two at most with the configured one, and may delete the last;
// a user's key id is no root key.
func TestRootAccessKeyActions(t *testing.T) {
	e := newWireEnv(t)
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	raw := func(action, params string) string {
		t.Helper()
		out, qe := e.callRaw(t, e.root, action, params)
		if qe != nil {
			t.Fatalf("%s(%s): %v", action, params, qe)
		}
		return out
	}
	userKey := regexp.MustCompile(`AKIA[A-Z0-9]+`).FindString(raw("CreateAccessKey", "UserName=Bob"))
	keys := regexp.MustCompile(`<AccessKeyId>(AKIA[A-Z0-9]+)</AccessKeyId>`)
	list := func() []string {
		t.Helper()
		var ids []string
		for _, m := range keys.FindAllStringSubmatch(raw("ListAccessKeys", ""), -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	first := list()
	if len(first) != 1 {
		t.Fatalf("root keys at start = %v, want the configured one", first)
	}
	created := e.must(t, e.root, "CreateAccessKey", "")
	if !strings.Contains(created, `<UserName></UserName><AccessKeyId>AKIAX</AccessKeyId><Status>Active</Status><SecretAccessKey>X</SecretAccessKey>`) {
		t.Fatalf("CreateAccessKey as root = %s", created)
	}
	ids := list()
	if len(ids) != 2 || ids[0] != first[0] {
		t.Fatalf("root keys = %v, want the configured one then the new one", ids)
	}
	runSteps(t, e, []step{
		{action: "CreateAccessKey", code: "LimitExceeded", msg: "Cannot exceed quota for AccessKeysPerUser: 2"},
		{action: "UpdateAccessKey", params: "AccessKeyId=" + ids[1] + "&Status=Inactive"},
		{action: "UpdateAccessKey", params: "AccessKeyId=" + userKey + "&Status=Inactive", code: "NoSuchEntity"},
		{action: "DeleteAccessKey", params: "AccessKeyId=" + userKey, code: "NoSuchEntity"},
		{action: "DeleteAccessKey", params: "AccessKeyId=" + ids[1]},
		{action: "DeleteAccessKey", params: "AccessKeyId=" + ids[1], code: "NoSuchEntity"},
		{action: "DeleteAccessKey", params: "AccessKeyId=" + ids[0]},
	})
	if ids := list(); len(ids) != 0 {
		t.Errorf("root keys after deleting both = %v", ids)
	}
}
