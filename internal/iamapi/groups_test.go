package iamapi

import "testing"

func TestGroupActions(t *testing.T) {
	e := newWireEnv(t)
	a := e.root.AccountID
	e.must(t, e.root, "CreateUser", "UserName=Amy")
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	grp := func(path, name string) string {
		return `<Path>` + path + `</Path><GroupName>` + name + `</GroupName><GroupId>AGPAX</GroupId><Arn>arn:aws:iam::` + a + `:group` + path + name + `</Arn><CreateDate>` + created + `</CreateDate>`
	}
	usr := func(name string) string {
		return `<member><Path>/</Path><UserName>` + name + `</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::` + a + `:user/` + name + `</Arn><CreateDate>` + created + `</CreateDate></member>`
	}
	runSteps(t, e, []step{
		{action: "CreateGroup", params: "GroupName=Admins&Path=/ops/", want: `<CreateGroupResult><Group>` + grp("/ops/", "Admins") + `</Group></CreateGroupResult>`},
		{action: "CreateGroup", params: "GroupName=admins", code: "EntityAlreadyExists"},
		{action: "CreateGroup", code: "MissingParameter"},
		{action: "CreateGroup", params: "GroupName=Dev", want: "-"},
		{action: "ListGroups", params: "MaxItems=1",
			want: `<ListGroupsResult><Groups><member>` + grp("/ops/", "Admins") + `</member></Groups><IsTruncated>true</IsTruncated><Marker>admins</Marker></ListGroupsResult>`},
		{action: "ListGroups", params: "Marker=admins",
			want: `<ListGroupsResult><Groups><member>` + grp("/", "Dev") + `</member></Groups><IsTruncated>false</IsTruncated></ListGroupsResult>`},
		{action: "ListGroups", params: "PathPrefix=/ops/",
			want: `<ListGroupsResult><Groups><member>` + grp("/ops/", "Admins") + `</member></Groups><IsTruncated>false</IsTruncated></ListGroupsResult>`},
		{action: "AddUserToGroup", params: "GroupName=Admins&UserName=Amy"},
		{action: "AddUserToGroup", params: "GroupName=Admins&UserName=Bob"},
		{action: "AddUserToGroup", params: "GroupName=Admins&UserName=Nobody", code: "NoSuchEntity"},
		{action: "AddUserToGroup", params: "GroupName=Nope&UserName=Amy", code: "NoSuchEntity"},
		{action: "AddUserToGroup", params: "GroupName=Admins", code: "MissingParameter"},
		{action: "GetGroup", params: "GroupName=Admins&MaxItems=1",
			want: `<GetGroupResult><Group>` + grp("/ops/", "Admins") + `</Group><Users>` + usr("Amy") + `</Users><IsTruncated>true</IsTruncated><Marker>amy</Marker></GetGroupResult>`},
		{action: "GetGroup", params: "GroupName=Admins&Marker=amy",
			want: `<GetGroupResult><Group>` + grp("/ops/", "Admins") + `</Group><Users>` + usr("Bob") + `</Users><IsTruncated>false</IsTruncated></GetGroupResult>`},
		{action: "GetGroup", params: "GroupName=Nope", code: "NoSuchEntity", msg: "The group with name Nope cannot be found."},
		{action: "ListGroupsForUser", params: "UserName=Amy",
			want: `<ListGroupsForUserResult><Groups><member>` + grp("/ops/", "Admins") + `</member></Groups><IsTruncated>false</IsTruncated></ListGroupsForUserResult>`},
		{action: "ListGroupsForUser", params: "UserName=Nobody", code: "NoSuchEntity"},
		{action: "DeleteGroup", params: "GroupName=Admins", code: "DeleteConflict"},
		{action: "DeleteUser", params: "UserName=Amy", code: "DeleteConflict"},
		{action: "RemoveUserFromGroup", params: "GroupName=Admins&UserName=Amy"},
		{action: "RemoveUserFromGroup", params: "GroupName=Admins&UserName=Bob"},
		{action: "ListGroupsForUser", params: "UserName=Amy", want: `<ListGroupsForUserResult><Groups></Groups><IsTruncated>false</IsTruncated></ListGroupsForUserResult>`},
		{action: "DeleteGroup", params: "GroupName=Admins"},
		{action: "DeleteGroup", params: "GroupName=Admins", code: "NoSuchEntity"},
	})
}
