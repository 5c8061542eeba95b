package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

func TestCreateUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.s.CreateUser(ctx, CreateUserInput{Account: RootAccountID, Name: "Alice", Path: "/eng/", Tags: []Tag{{"team", "storage"}}})
	must(t, err)
	if u.ARN != "arn:aws:iam::000000000000:user/eng/Alice" || !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(u.ID) || !u.Created.Equal(testEpoch) {
		t.Errorf("CreateUser = %+v", u)
	}
	tests := []struct {
		name string
		in   CreateUserInput
		want error
	}{
		{"same name other case", CreateUserInput{Account: RootAccountID, Name: "alice"}, ErrEntityAlreadyExists},
		{"bad character", CreateUserInput{Account: RootAccountID, Name: "a/b"}, ErrValidation},
		{"too long", CreateUserInput{Account: RootAccountID, Name: string(make([]byte, 65))}, ErrValidation},
		{"bad path", CreateUserInput{Account: RootAccountID, Name: "bob", Path: "eng"}, ErrValidation},
		{"no account", CreateUserInput{Account: "123456789012", Name: "bob"}, ErrNoSuchEntity},
		{"unknown boundary", CreateUserInput{Account: RootAccountID, Name: "bob", PermissionsBoundary: "arn:aws:iam::000000000000:policy/nope"}, ErrNoSuchEntity},
		{"aws boundary", CreateUserInput{Account: RootAccountID, Name: "carol", PermissionsBoundary: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, nil},
	}
	for _, tt := range tests {
		_, err := e.s.CreateUser(ctx, tt.in)
		wantErr(t, "CreateUser "+tt.name, err, tt.want)
	}
	_, err = e.s.GetUser(ctx, RootAccountID, "nobody")
	wantErr(t, "GetUser(nobody)", err, ErrNoSuchEntity)
	var ie *Error
	if !errors.As(err, &ie) || ie.Message != "The user with name nobody cannot be found." {
		t.Errorf("GetUser(nobody) message = %v", err)
	}
}

func TestListUsers_pagingAndPathPrefix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, path := range []string{"/a/", "/b/", "/a/", "/a/x/", "/"} {
		_, err := e.s.CreateUser(ctx, CreateUserInput{Account: RootAccountID, Name: fmt.Sprintf("u%d", i), Path: path})
		must(t, err)
	}
	var names []string
	o := ListOptions{PathPrefix: "/a/", MaxItems: 2}
	for pages := 0; ; pages++ {
		users, page, err := e.s.ListUsers(ctx, RootAccountID, o)
		must(t, err)
		for _, u := range users {
			names = append(names, u.Name)
		}
		if !page.IsTruncated {
			break
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		o.Marker = page.Marker
	}
	if fmt.Sprint(names) != "[u0 u2 u3]" {
		t.Errorf("ListUsers(/a/) = %v, want [u0 u2 u3]", names)
	}
	_, _, err := e.s.ListUsers(ctx, RootAccountID, ListOptions{MaxItems: 1001})
	wantErr(t, "ListUsers(MaxItems 1001)", err, ErrValidation)
}

func TestAccessKeys_limitsAndErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	_, _, err := e.s.CreateAccessKey(ctx, RootAccountID, "alice")
	must(t, err)
	_, _, err = e.s.CreateAccessKey(ctx, RootAccountID, "alice")
	wantErr(t, "third access key", err, ErrLimitExceeded)
	_, _, err = e.s.CreateAccessKey(ctx, RootAccountID, "nobody")
	wantErr(t, "key for missing user", err, ErrNoSuchEntity)
	keys, _, err := e.s.ListAccessKeys(ctx, RootAccountID, "alice", ListOptions{})
	must(t, err)
	if len(keys) != 2 || keys[0].Status != StatusActive {
		t.Errorf("ListAccessKeys = %+v", keys)
	}
	wantErr(t, "bad status", e.s.UpdateAccessKey(ctx, RootAccountID, "alice", ak, "Paused"), ErrValidation)
	wantErr(t, "root key through a user", e.s.UpdateAccessKey(ctx, RootAccountID, "alice", testRootKey, StatusInactive), ErrNoSuchEntity)
	wantErr(t, "delete user with keys", e.s.DeleteUser(ctx, RootAccountID, "alice"), ErrDeleteConflict)
	for _, k := range keys {
		must(t, e.s.DeleteAccessKey(ctx, RootAccountID, "alice", k.AccessKeyID))
	}
	must(t, e.s.DeleteUser(ctx, RootAccountID, "alice"))
}

func TestLookup_revokedKeyStopsAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, secret := e.newUser(t, RootAccountID, "alice")
	c, err := e.s.Lookup(ctx, ak)
	must(t, err)
	want := sigv4.Principal{AccessKey: ak, AccountID: RootAccountID, Name: "alice", ARN: "arn:aws:iam::000000000000:user/alice", UserID: c.Principal.UserID, Path: "/"}
	if c.SecretKey != secret || c.Principal != want {
		t.Errorf("Lookup = %+v, want %+v", c.Principal, want)
	}
	steps := []struct {
		name  string
		do    func() error
		works bool
	}{
		{"deactivate", func() error { return e.s.UpdateAccessKey(ctx, RootAccountID, "alice", ak, StatusInactive) }, false},
		{"activate", func() error { return e.s.UpdateAccessKey(ctx, RootAccountID, "alice", ak, StatusActive) }, true},
		{"rename user", func() error { return e.s.UpdateUser(ctx, RootAccountID, "alice", "alicia", "") }, true},
		{"delete", func() error { return e.s.DeleteAccessKey(ctx, RootAccountID, "alicia", ak) }, false},
	}
	for _, st := range steps {
		must(t, st.do())
		c, err := e.s.Lookup(ctx, ak)
		if st.works != (err == nil) {
			t.Fatalf("after %s: Lookup err = %v, want works %v", st.name, err, st.works)
		}
		if err != nil && !errors.Is(err, sigv4.ErrUnknownAccessKey) {
			t.Errorf("after %s: %v, want ErrUnknownAccessKey", st.name, err)
		}
		if st.name == "rename user" && (c.Principal.Name != "alicia" || c.Principal.ARN != "arn:aws:iam::000000000000:user/alicia") {
			t.Errorf("after rename: principal %+v", c.Principal)
		}
	}
}

func TestGroups(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.newUser(t, RootAccountID, "alice")
	g, err := e.s.CreateGroup(ctx, RootAccountID, "Admins", "")
	must(t, err)
	if g.ARN != "arn:aws:iam::000000000000:group/Admins" || g.ID[:4] != "AGPA" {
		t.Errorf("CreateGroup = %+v", g)
	}
	_, err = e.s.CreateGroup(ctx, RootAccountID, "admins", "")
	wantErr(t, "duplicate group", err, ErrEntityAlreadyExists)
	must(t, e.s.AddUserToGroup(ctx, RootAccountID, "Admins", "alice"))
	must(t, e.s.AddUserToGroup(ctx, RootAccountID, "Admins", "alice")) // idempotent
	_, members, _, err := e.s.GetGroup(ctx, RootAccountID, "admins", ListOptions{})
	must(t, err)
	if len(members) != 1 || members[0].Name != "alice" {
		t.Errorf("GetGroup members = %+v", members)
	}
	wantErr(t, "delete group with members", e.s.DeleteGroup(ctx, RootAccountID, "Admins"), ErrDeleteConflict)
	wantErr(t, "delete user in a group", e.s.DeleteUser(ctx, RootAccountID, "alice"), ErrDeleteConflict)
	for i := range maxGroupsPerUser - 1 {
		_, err := e.s.CreateGroup(ctx, RootAccountID, fmt.Sprintf("g%d", i), "")
		must(t, err)
		must(t, e.s.AddUserToGroup(ctx, RootAccountID, fmt.Sprintf("g%d", i), "alice"))
	}
	_, err = e.s.CreateGroup(ctx, RootAccountID, "one-too-many", "")
	must(t, err)
	wantErr(t, "11th group", e.s.AddUserToGroup(ctx, RootAccountID, "one-too-many", "alice"), ErrLimitExceeded)
	groups, _, err := e.s.ListGroupsForUser(ctx, RootAccountID, "alice", ListOptions{})
	must(t, err)
	if len(groups) != maxGroupsPerUser {
		t.Errorf("ListGroupsForUser = %d groups, want %d", len(groups), maxGroupsPerUser)
	}
	must(t, e.s.RemoveUserFromGroup(ctx, RootAccountID, "Admins", "alice"))
	wantErr(t, "remove twice", e.s.RemoveUserFromGroup(ctx, RootAccountID, "Admins", "alice"), ErrNoSuchEntity)
	must(t, e.s.DeleteGroup(ctx, RootAccountID, "Admins"))
}
