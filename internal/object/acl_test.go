package object

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/meta"
)

var publicRead = []acl.Grant{
	{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: "alice-id"}, Permission: acl.FullControl},
	{Grantee: acl.Grantee{Type: acl.Group, URI: acl.AllUsers}, Permission: acl.Read},
}

func TestObjectOwner(t *testing.T) {
	tests := []struct {
		o         acl.Ownership
		ownerFull bool
		want      string
	}{
		{acl.BucketOwnerEnforced, false, "alice"},
		{acl.BucketOwnerEnforced, true, "alice"},
		{acl.BucketOwnerPreferred, false, "bob"},
		{acl.BucketOwnerPreferred, true, "alice"},
		{acl.ObjectWriter, false, "bob"},
		{acl.ObjectWriter, true, "bob"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		e := newEnv(t)
		if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "bkt", Owner: "alice", Ownership: tt.o}); err != nil {
			t.Fatal(err)
		}
		info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(nil), Owner: "bob", OwnerFullControl: tt.ownerFull})
		if err != nil {
			t.Fatal(err)
		}
		if info.Owner != tt.want {
			t.Errorf("%s, bucket-owner-full-control %v: owner = %q, want %q", tt.o, tt.ownerFull, info.Owner, tt.want)
		}
	}
}

func TestObjectACL(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "bkt", Owner: "alice", Ownership: acl.ObjectWriter}); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "PutBucketVersioning", e.s.PutBucketVersioning(ctx, "bkt", VersioningEnabled), nil)
	v1, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(nil), ACL: publicRead})
	checkErr(t, "PutObject", err, nil)
	v2 := e.put(t, "bkt", "k", "two")

	got, err := e.s.GetObjectACL(ctx, "bkt", "k", v1.VersionID)
	checkErr(t, "GetObjectACL(v1)", err, nil)
	if diff := cmp.Diff(publicRead, got.Grants); diff != "" {
		t.Errorf("GetObjectACL(v1) (-want +got):\n%s", diff)
	}
	if got, _ := e.s.GetObjectACL(ctx, "bkt", "k", ""); got.Grants != nil || got.VersionID != v2.VersionID {
		t.Errorf("GetObjectACL(latest) = %+v, want no grants on %s", got, v2.VersionID)
	}
	ag, err := e.s.AccessGrants(ctx, "bkt", "k", v1.VersionID, true)
	checkErr(t, "AccessGrants", err, nil)
	if !ag.Enabled || !acl.IsPublic(ag.Object) {
		t.Errorf("AccessGrants(v1) = %+v, want the public grants", ag)
	}

	// Deleting the version deletes its ACL record.
	k := aclKeyOf(t, e, "bkt", "k", v1.VersionID)
	if !hasKey(t, e, k) {
		t.Fatal("no ACL record for v1")
	}
	if _, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID}); err != nil {
		t.Fatal(err)
	}
	if hasKey(t, e, k) {
		t.Error("ACL record outlived its version")
	}

	// BucketOwnerEnforced refuses the switch while the bucket ACL is public.
	checkErr(t, "PutBucketACL", e.s.PutBucketACL(ctx, "bkt", publicRead, false), nil)
	checkErr(t, "PutBucketOwnership", e.s.PutBucketOwnership(ctx, "bkt", acl.BucketOwnerEnforced, "alice-id"), acl.ErrOwnershipConflict)
	checkErr(t, "PutBucketACL(private)", e.s.PutBucketACL(ctx, "bkt", acl.OwnerFull("alice-id"), true), nil)
	checkErr(t, "PutBucketOwnership", e.s.PutBucketOwnership(ctx, "bkt", acl.BucketOwnerEnforced, "alice-id"), nil)
	checkErr(t, "PutBucketACL(public, enforced)", e.s.PutBucketACL(ctx, "bkt", publicRead, false), acl.ErrNotSupported)
	if ag, _ := e.s.AccessGrants(ctx, "bkt", "k", "", true); ag.Enabled {
		t.Errorf("AccessGrants on an enforced bucket = %+v, want disabled", ag)
	}
	checkErr(t, "DeleteBucketOwnership", e.s.DeleteBucketOwnership(ctx, "bkt"), nil)
	_, err = e.s.GetBucketOwnership(ctx, "bkt")
	checkErr(t, "GetBucketOwnership", err, ErrNoOwnershipControls)
	if b, _ := e.s.HeadBucket(ctx, "bkt"); b.Ownership != acl.ObjectWriter {
		t.Errorf("ownership after delete = %s, want ObjectWriter", b.Ownership)
	}
}

// aclKeyOf is the ACL record key of a version.
func aclKeyOf(t *testing.T, e *env, bucket, key, versionID string) []byte {
	t.Helper()
	var k []byte
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		loc, err := findVersion(r, bucket, key, versionID)
		if err != nil {
			return err
		}
		k = aclKey(loc.rec.DataID)
		return nil
	})
	if err != nil && !errors.Is(err, ErrNoSuchVersion) {
		t.Fatal(err)
	}
	return k
}

func hasKey(t *testing.T, e *env, k []byte) bool {
	t.Helper()
	found := false
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		_, err := r.Get(k)
		found = err == nil
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
