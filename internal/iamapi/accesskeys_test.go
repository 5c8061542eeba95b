package iamapi

import (
	"regexp"
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
		{action: "CreateAccessKey", code: "NotImplemented"},
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
		{action: "DeleteAccessKey", params: "AccessKeyId=AKIANOSUCHKEY00000", code: "NotImplemented"},
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
