package policy

import (
	"slices"
	"testing"
)

// TestMatches lists the applicable statements of every part of a set, in
// set order, and leaves out those whose action, resource, condition or
// (in a resource policy) principal does not fit.
func TestMatches(t *testing.T) {
	id := mustParse(t, Managed, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
		{"Effect":"Deny","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`)
	res := mustParse(t, Bucket, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	bound := mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	set := PolicySet{Identity: []Attached{{Name: "id", Policy: id}}, Resource: &Attached{Name: "res", Policy: res}, Boundary: &Attached{Name: "b", Policy: bound}}
	keys := Keys{}
	keys.Set("aws:SecureTransport", "false")
	req := Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: keys}
	got := Matches(req, set)
	want := []Match{
		{Policy: "id", Role: RoleIdentity, Statement: 0, Effect: Allow},
		{Policy: "id", Role: RoleIdentity, Statement: 2, Effect: Deny},
		{Policy: "res", Role: RoleResource, Statement: 0, Effect: Allow},
		{Policy: "b", Role: RoleBoundary, Statement: 0, Effect: Allow},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Matches = %+v\nwant %+v", got, want)
	}
	req.Context = nil
	if got := Matches(req, PolicySet{Identity: set.Identity}); len(got) != 1 {
		t.Errorf("without the condition key: %+v, want only the first Allow", got)
	}
}
