package iam

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestEntityPolicies pins which policies the simulator evaluates for a
// user (its own and its groups'), a group and a role, and their names.
func TestEntityPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := RootAccountID
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	alice := Entity{Account: acct, Kind: EntityUser, Name: "alice"}
	devs := Entity{Account: acct, Kind: EntityGroup, Name: "devs"}
	app := Entity{Account: acct, Kind: EntityRole, Name: "app"}
	_, err := e.s.CreateUser(ctx, CreateUserInput{Account: acct, Name: "alice"})
	must(t, err)
	_, err = e.s.CreateGroup(ctx, acct, "devs", "/")
	must(t, err)
	must(t, e.s.AddUserToGroup(ctx, acct, "devs", "alice"))
	_, err = e.s.CreateRole(ctx, CreateRoleInput{Account: acct, Name: "app", AssumeRolePolicyDocument: trust,
		PermissionsBoundary: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})
	must(t, err)
	must(t, e.s.PutInlinePolicy(ctx, alice, "own", doc))
	must(t, e.s.PutInlinePolicy(ctx, devs, "shared", doc))
	must(t, e.s.PutInlinePolicy(ctx, app, "mine", doc))
	must(t, e.s.AttachPolicy(ctx, alice, "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))
	must(t, e.s.PutUserPermissionsBoundary(ctx, acct, "alice", "arn:aws:iam::aws:policy/AmazonS3FullAccess"))

	tests := []struct {
		e        Entity
		want     []string
		boundary string
	}{
		{alice, []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess", "group/devs/shared", "user/alice/own"}, "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
		{devs, []string{"group/devs/shared"}, ""},
		{app, []string{"role/app/mine"}, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	}
	for _, tt := range tests {
		set, err := e.s.EntityPolicies(ctx, tt.e)
		if err != nil {
			t.Fatalf("EntityPolicies(%v): %v", tt.e, err)
		}
		var got []string
		for _, a := range set.Identity {
			if a.Policy == nil {
				t.Errorf("EntityPolicies(%v): %s has no parsed policy", tt.e, a.Name)
			}
			got = append(got, a.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("EntityPolicies(%v) = %v, want %v", tt.e, got, tt.want)
		}
		b := ""
		if set.Boundary != nil {
			b = set.Boundary.Name
		}
		if b != tt.boundary {
			t.Errorf("EntityPolicies(%v) boundary = %q, want %q", tt.e, b, tt.boundary)
		}
	}
	if _, err := e.s.EntityPolicies(ctx, Entity{Account: acct, Kind: EntityUser, Name: "bob"}); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("EntityPolicies(bob) = %v, want ErrNoSuchEntity", err)
	}
}
