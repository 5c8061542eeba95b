package acl

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/policy"
)

const (
	alice = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	bob   = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
)

func user(id string, p Permission) Grant {
	return Grant{Grantee: Grantee{Type: CanonicalUser, ID: id}, Permission: p}
}

func group(uri string, p Permission) Grant {
	return Grant{Grantee: Grantee{Type: Group, URI: uri}, Permission: p}
}

func TestCanned(t *testing.T) {
	tests := []struct {
		name          string
		owner, bucket string
		want          []Grant
		wantErr       error
	}{
		{"private", alice, bob, []Grant{user(alice, FullControl)}, nil},
		{"public-read", alice, bob, []Grant{user(alice, FullControl), group(AllUsers, Read)}, nil},
		{"public-read-write", alice, bob, []Grant{user(alice, FullControl), group(AllUsers, Read), group(AllUsers, Write)}, nil},
		{"authenticated-read", alice, bob, []Grant{user(alice, FullControl), group(AuthenticatedUsers, Read)}, nil},
		{"aws-exec-read", alice, bob, []Grant{user(alice, FullControl), user(execReader, Read)}, nil},
		{"bucket-owner-read", alice, bob, []Grant{user(alice, FullControl), user(bob, Read)}, nil},
		{"bucket-owner-full-control", alice, bob, []Grant{user(alice, FullControl), user(bob, FullControl)}, nil},
		// On the bucket owner's own object (or a bucket) it is private.
		{"bucket-owner-full-control", alice, alice, []Grant{user(alice, FullControl)}, nil},
		{"log-delivery-write", alice, alice, []Grant{user(alice, FullControl), group(LogDelivery, Write), group(LogDelivery, ReadACP)}, nil},
		{"public", alice, alice, nil, ErrUnknownCanned},
	}
	for _, tt := range tests {
		got, err := Canned(tt.name, tt.owner, tt.bucket)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Canned(%s) error = %v, want %v", tt.name, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Canned(%s, owner %.4s, bucket owner %.4s) (-want +got):\n%s", tt.name, tt.owner, tt.bucket, diff)
		}
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		target Target
		perm   Permission
		want   []string
	}{
		{Bucket, Read, []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}},
		{Bucket, Write, []string{"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}},
		{Bucket, ReadACP, []string{"s3:GetBucketAcl"}},
		{Bucket, WriteACP, []string{"s3:PutBucketAcl"}},
		{Bucket, FullControl, []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
			"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetBucketAcl", "s3:PutBucketAcl"}},
		{Object, Read, []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"}},
		{Object, Write, nil},
		{Object, ReadACP, []string{"s3:GetObjectAcl", "s3:GetObjectVersionAcl"}},
		{Object, WriteACP, []string{"s3:PutObjectAcl", "s3:PutObjectVersionAcl"}},
		{Object, FullControl, []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent",
			"s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Actions(tt.target, tt.perm)); diff != "" {
			t.Errorf("Actions(%d, %s) (-want +got):\n%s", tt.target, tt.perm, diff)
		}
	}
}

// TestPolicy evaluates the translated grants with the policy engine, as
// authorization does: who may do what on the bucket and on "obj".
func TestPolicy(t *testing.T) {
	bobP := policy.Principal{Type: policy.Root, Account: "222222222222", CanonicalID: bob}
	anon := policy.Principal{Type: policy.Anonymous}
	tests := []struct {
		name          string
		in            Input
		who           policy.Principal
		action, res   string
		authenticated bool
		want          bool
	}{
		{"bucket READ lists", Input{BucketGrants: []Grant{user(bob, Read)}}, bobP, "s3:ListBucket", "arn:aws:s3:::b", true, true},
		{"bucket READ does not read objects", Input{BucketGrants: []Grant{user(bob, Read)}, Object: true}, bobP, "s3:GetObject", "arn:aws:s3:::b/obj", true, false},
		{"bucket WRITE puts objects", Input{BucketGrants: []Grant{user(bob, Write)}, Object: true}, bobP, "s3:PutObject", "arn:aws:s3:::b/obj", true, true},
		{"bucket WRITE deletes objects", Input{BucketGrants: []Grant{user(bob, Write)}, Object: true}, bobP, "s3:DeleteObject", "arn:aws:s3:::b/obj", true, true},
		{"bucket WRITE_ACP", Input{BucketGrants: []Grant{user(bob, WriteACP)}}, bobP, "s3:PutBucketAcl", "arn:aws:s3:::b", true, true},
		{"bucket READ_ACP is not WRITE_ACP", Input{BucketGrants: []Grant{user(bob, ReadACP)}}, bobP, "s3:PutBucketAcl", "arn:aws:s3:::b", true, false},
		{"object READ", Input{Object: true, ObjectGrants: []Grant{user(bob, Read)}}, bobP, "s3:GetObjectVersion", "arn:aws:s3:::b/obj", true, true},
		{"object READ is not tagging", Input{Object: true, ObjectGrants: []Grant{user(bob, Read)}}, bobP, "s3:GetObjectTagging", "arn:aws:s3:::b/obj", true, false},
		{"object FULL_CONTROL writes its ACL", Input{Object: true, ObjectGrants: []Grant{user(bob, FullControl)}}, bobP, "s3:PutObjectAcl", "arn:aws:s3:::b/obj", true, true},
		{"object grant to another id", Input{Object: true, ObjectGrants: []Grant{user(alice, Read)}}, bobP, "s3:GetObject", "arn:aws:s3:::b/obj", true, false},
		{"AllUsers reach anonymous", Input{Object: true, ObjectGrants: []Grant{group(AllUsers, Read)}}, anon, "s3:GetObject", "arn:aws:s3:::b/obj", false, true},
		{"AuthenticatedUsers do not reach anonymous", Input{Object: true, ObjectGrants: []Grant{group(AuthenticatedUsers, Read)}}, anon, "s3:GetObject", "arn:aws:s3:::b/obj", false, false},
		{"AuthenticatedUsers reach a signed caller", Input{Object: true, ObjectGrants: []Grant{group(AuthenticatedUsers, Read)}}, bobP, "s3:GetObject", "arn:aws:s3:::b/obj", true, true},
		{"LogDelivery is not anyone", Input{BucketGrants: []Grant{group(LogDelivery, Write)}, Object: true}, anon, "s3:PutObject", "arn:aws:s3:::b/obj", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Bucket, tt.in.Authenticated = "b", tt.authenticated
			p, err := Policy(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			set := policy.PolicySet{}
			if p != nil {
				set.Resource = &policy.Attached{Name: "acl", Policy: p}
			}
			d := policy.Evaluate(policy.Request{Principal: tt.who, Action: tt.action, Resource: tt.res, ResourceAccount: "111111111111"}, set)
			if d.Allowed() != tt.want {
				t.Errorf("%s on %s = %v, want allowed %v", tt.action, tt.res, d, tt.want)
			}
		})
	}
}

func TestPolicy_manyGrantsFit(t *testing.T) {
	var grants []Grant
	for i := 0; i < MaxGrants; i++ {
		id := []byte(alice)
		id[0], id[1] = "0123456789abcdef"[i%16], "0123456789abcdef"[i/16]
		grants = append(grants, user(string(id), Permission([]Permission{Read, Write, ReadACP, WriteACP, FullControl}[i%5])))
	}
	if _, err := Policy(Input{Bucket: "b", BucketGrants: grants, Object: true, ObjectGrants: grants}); err != nil {
		t.Errorf("Policy of %d grants: %v", 2*MaxGrants, err)
	}
}

func TestIsPublicAndBlockPublicAccess(t *testing.T) {
	tests := []struct {
		name   string
		grants []Grant
		public bool
		kept   []Grant // after IgnorePublicACLs(true)
	}{
		{"owner only", []Grant{user(alice, FullControl)}, false, []Grant{user(alice, FullControl)}},
		{"other account", []Grant{user(bob, Read)}, false, []Grant{user(bob, Read)}},
		{"AllUsers", []Grant{user(alice, FullControl), group(AllUsers, Read)}, true, []Grant{user(alice, FullControl)}},
		{"AuthenticatedUsers", []Grant{group(AuthenticatedUsers, WriteACP), user(bob, Read)}, true, []Grant{user(bob, Read)}},
		{"LogDelivery is not public", []Grant{group(LogDelivery, Write)}, false, []Grant{group(LogDelivery, Write)}},
	}
	for _, tt := range tests {
		if got := IsPublic(tt.grants); got != tt.public {
			t.Errorf("IsPublic(%s) = %v, want %v", tt.name, got, tt.public)
		}
		err := CheckBlockPublicACLs(true, tt.grants)
		if (err != nil) != tt.public || err != nil && !errors.Is(err, ErrPublicBlocked) {
			t.Errorf("CheckBlockPublicACLs(true, %s) = %v, want blocked %v", tt.name, err, tt.public)
		}
		if err := CheckBlockPublicACLs(false, tt.grants); err != nil {
			t.Errorf("CheckBlockPublicACLs(false, %s) = %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.kept, IgnorePublicACLs(true, tt.grants)); diff != "" {
			t.Errorf("IgnorePublicACLs(true, %s) (-want +got):\n%s", tt.name, diff)
		}
		if diff := cmp.Diff(tt.grants, IgnorePublicACLs(false, tt.grants)); diff != "" {
			t.Errorf("IgnorePublicACLs(false, %s) changed the grants:\n%s", tt.name, diff)
		}
	}
}

func TestOwnership(t *testing.T) {
	ownerFull := []Grant{user(alice, FullControl)}
	public := []Grant{user(alice, FullControl), group(AllUsers, Read)}
	tests := []struct {
		o                Ownership
		writeOwnerFull   error
		writePublic      error
		switchPublic     error
		objectOwnerPlain string
		objectOwnerBOFC  string
	}{
		{BucketOwnerEnforced, nil, ErrNotSupported, ErrOwnershipConflict, "bucket", "bucket"},
		{BucketOwnerPreferred, nil, nil, nil, "writer", "bucket"},
		{ObjectWriter, nil, nil, nil, "writer", "writer"},
	}
	for _, tt := range tests {
		if err := tt.o.CheckWrite(ownerFull, alice); !errors.Is(err, tt.writeOwnerFull) {
			t.Errorf("%s.CheckWrite(owner full) = %v, want %v", tt.o, err, tt.writeOwnerFull)
		}
		if err := tt.o.CheckWrite(public, alice); !errors.Is(err, tt.writePublic) {
			t.Errorf("%s.CheckWrite(public) = %v, want %v", tt.o, err, tt.writePublic)
		}
		if err := CheckSwitch(tt.o, public, alice); !errors.Is(err, tt.switchPublic) {
			t.Errorf("CheckSwitch(%s, public) = %v, want %v", tt.o, err, tt.switchPublic)
		}
		if got := tt.o.ObjectOwner("bucket", "writer", false); got != tt.objectOwnerPlain {
			t.Errorf("%s.ObjectOwner(plain) = %s, want %s", tt.o, got, tt.objectOwnerPlain)
		}
		if got := tt.o.ObjectOwner("bucket", "writer", true); got != tt.objectOwnerBOFC {
			t.Errorf("%s.ObjectOwner(bucket-owner-full-control) = %s, want %s", tt.o, got, tt.objectOwnerBOFC)
		}
	}
	if _, err := ParseOwnership("bucketownerenforced"); !errors.Is(err, ErrInvalidOwnership) {
		t.Errorf("ParseOwnership is case-insensitive: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		grants []Grant
		want   error
	}{
		{"ok", []Grant{user(alice, FullControl), group(AllUsers, Read), {Grantee: Grantee{Type: Email, Email: "a@b"}, Permission: Read}}, nil},
		{"unknown permission", []Grant{user(alice, "ALL")}, ErrMalformed},
		{"unknown group", []Grant{group("http://acs.amazonaws.com/groups/global/Everyone", Read)}, ErrInvalidGrantee},
		{"empty id", []Grant{user("", Read)}, ErrInvalidGrantee},
		{"unknown type", []Grant{{Grantee: Grantee{Type: "Robot", ID: alice}, Permission: Read}}, ErrMalformed},
		{"too many", make([]Grant, MaxGrants+1), ErrMalformed},
	}
	for _, tt := range tests {
		if err := Validate(tt.grants); !errors.Is(err, tt.want) {
			t.Errorf("Validate(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
}
