package iam

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestAuthorize_objectContext decides requests on objects another account
// owns in a bucket that enables ACLs, as AWS's "How Amazon S3 authorizes
// a request for an object operation" does: the bucket owner's policy can
// deny but no longer allow, the object owner's account is the resource's
// account, and the object ACL grants. Deletes and new writes stay the
// bucket's to decide, and with BucketOwnerEnforced nothing changes and
// the object's owner is never read.
func TestAuthorize_objectContext(t *testing.T) {
	buckets := fixedBuckets{}
	e := newEnv(t, func(o *Options) { o.Buckets = buckets })
	ctx := context.Background()
	s := e.s
	principal := func(ak string) sigv4.Principal {
		c, err := s.Lookup(ctx, ak)
		must(t, err)
		return c.Principal
	}
	allS3 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	// A owns the buckets; B writes objects into them.
	a, err := s.GetAccount(ctx, RootAccountID)
	must(t, err)
	b, bRootKey, _, err := s.CreateAccount(ctx, "writer")
	must(t, err)
	aRoot := principal(testRootKey)
	aUserKey, _ := e.newUser(t, RootAccountID, "a-user")
	must(t, s.PutInlinePolicy(ctx, Entity{Account: RootAccountID, Kind: EntityUser, Name: "a-user"}, "p", allS3))
	aUser := principal(aUserKey)
	bRoot := principal(bRootKey)
	bUserKey, _ := e.newUser(t, b.ID, "b-user")
	must(t, s.PutInlinePolicy(ctx, Entity{Account: b.ID, Kind: EntityUser, Name: "b-user"}, "p", allS3))
	bUser := principal(bUserKey)
	bBareKey, _ := e.newUser(t, b.ID, "b-bare")
	bBare := principal(bBareKey)
	anon := sigv4.Principal{Anonymous: true}

	// The bucket policy lets B write and read everything and anyone read
	// pub/, and denies everyone denied/.
	doc := func(bucket string) string {
		return `{"Version":"2012-10-17","Statement":[
		{"Sid":"WriterReadsWrites","Effect":"Allow","Principal":{"AWS":"` + b.ID + `"},"Action":["s3:GetObject","s3:PutObject","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::` + bucket + `/*"},
		{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/pub/*"},
		{"Sid":"NoOne","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + bucket + `/denied/*"}]}`
	}
	for name, o := range map[string]acl.Ownership{"writer": acl.ObjectWriter, "preferred": acl.BucketOwnerPreferred, "enforced": acl.BucketOwnerEnforced, "legacy": ""} {
		ba := bucketWith(t, RootAccountID, doc(name), nil)
		ba.Ownership = o
		buckets[name] = ba
	}
	bFull := acl.OwnerFull(b.CanonicalID)
	readA := append(acl.OwnerFull(b.CanonicalID), acl.Grant{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: a.CanonicalID}, Permission: acl.Read})
	publicRead := append(acl.OwnerFull(b.CanonicalID), acl.Grant{Grantee: acl.Grantee{Type: acl.Group, URI: acl.AllUsers}, Permission: acl.Read})
	ofB := func(grants []acl.Grant) aclOf { return aclOf{owner: b.ID, grants: grants} }

	tests := []struct {
		name        string
		p           sigv4.Principal
		action      string
		bucket, key string
		src         aclOf
		want        bool
		// wantOwnerReads is how often the object's owner is read.
		wantOwnerReads int
	}{
		// The bucket owner needs the object owner's grant to read.
		{"bucket owner's root, no grant", aRoot, "s3:GetObject", "writer", "k", ofB(bFull), false, 1},
		{"bucket owner's root, READ grant", aRoot, "s3:GetObject", "writer", "k", ofB(readA), true, 1},
		{"READ grant is not READ_ACP", aRoot, "s3:GetObjectAcl", "writer", "k", ofB(readA), false, 1},
		{"bucket owner's root, no grant, tags", aRoot, "s3:GetObjectTagging", "writer", "k", ofB(readA), false, 1},
		{"bucket owner's user, no grant", aUser, "s3:GetObject", "writer", "k", ofB(bFull), false, 1},
		{"bucket owner's user, READ grant", aUser, "s3:GetObject", "writer", "k", ofB(readA), true, 1},
		{"BucketOwnerPreferred without the canned ACL, too", aRoot, "s3:GetObject", "preferred", "k", ofB(bFull), false, 1},
		// Deletes and new writes are the bucket's.
		{"bucket owner deletes it", aRoot, "s3:DeleteObject", "writer", "k", ofB(bFull), true, 0},
		{"bucket owner deletes a version", aRoot, "s3:DeleteObjectVersion", "writer", "k", ofB(bFull), true, 0},
		{"bucket owner overwrites it", aRoot, "s3:PutObject", "writer", "k", ofB(bFull), true, 0},
		{"writer writes under the bucket policy", bUser, "s3:PutObject", "writer", "k", ofB(bFull), true, 0},
		// The object owner's account decides for its own principals.
		{"object owner's root", bRoot, "s3:GetObject", "writer", "k", ofB(bFull), true, 1},
		{"object owner's root changes the ACL", bRoot, "s3:PutObjectAcl", "writer", "k", ofB(bFull), true, 1},
		{"object owner's user with a policy", bUser, "s3:GetObject", "writer", "k", ofB(bFull), true, 1},
		{"object owner's user with a policy, tags", bUser, "s3:PutObjectTagging", "writer", "k", ofB(bFull), true, 1},
		{"object owner's user without a policy", bBare, "s3:GetObject", "writer", "k", ofB(bFull), false, 1},
		// The bucket policy still denies, and no longer allows.
		{"bucket policy denies the object owner", bRoot, "s3:GetObject", "writer", "denied/k", ofB(bFull), false, 1},
		{"bucket policy denies over a grant", aRoot, "s3:GetObject", "writer", "denied/k", ofB(readA), false, 1},
		{"public bucket policy does not reach it", anon, "s3:GetObject", "writer", "pub/k", ofB(bFull), false, 1},
		{"public-read object ACL does", anon, "s3:GetObject", "writer", "pub/k", ofB(publicRead), true, 1},
		// Objects the bucket owner owns, or none: the bucket's context.
		{"bucket owner's object, writer reads by the bucket policy", bUser, "s3:GetObject", "writer", "k", aclOf{owner: RootAccountID}, true, 1},
		{"bucket owner's object, bucket owner reads", aRoot, "s3:GetObject", "writer", "k", aclOf{owner: RootAccountID}, true, 1},
		{"no such object", aRoot, "s3:GetObject", "writer", "k", aclOf{}, true, 1},
		{"public bucket policy, bucket owner's object", anon, "s3:GetObject", "writer", "pub/k", aclOf{owner: RootAccountID}, true, 1},
		// ACLs disabled: the bucket owner owns everything; no read.
		{"BucketOwnerEnforced: bucket owner reads", aRoot, "s3:GetObject", "enforced", "k", ofB(bFull), true, 0},
		{"BucketOwnerEnforced: bucket policy allows", bUser, "s3:GetObject", "enforced", "k", ofB(bFull), true, 0},
		{"no recorded ownership: as BucketOwnerEnforced", aRoot, "s3:GetObject", "legacy", "k", ofB(bFull), true, 0},
		// Failing to read the owner fails closed.
		{"owner read fails", aRoot, "s3:GetObject", "writer", "k", aclOf{owner: b.ID, err: errors.New("disk")}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reads, owners := 0, 0
			tt.src.bucket, tt.src.reads, tt.src.owners = tt.bucket, &reads, &owners
			d := s.Authorize(ctx, Request{Principal: tt.p, Action: tt.action, Bucket: tt.bucket, Key: tt.key, ACL: tt.src})
			if d.Allowed != tt.want || owners != tt.wantOwnerReads {
				t.Errorf("Authorize(%s %s/%s) = %v after %d owner reads, want %v after %d (%s)",
					tt.action, tt.bucket, tt.key, d.Allowed, owners, tt.want, tt.wantOwnerReads, d.Reason)
			}
		})
	}

	// A denial in the object's context says so in the log, and is
	// explained only to the object owner's account.
	d := s.Authorize(ctx, Request{Principal: aRoot, Action: "s3:GetObject", Bucket: "writer", Key: "k", ACL: aclOf{bucket: "writer", owner: b.ID, grants: bFull, reads: new(int)}})
	if d.Allowed || !strings.Contains(d.Reason, "object owned by account "+b.ID) || d.Explain {
		t.Errorf("bucket owner's denial = %+v, want a reason naming the object owner, unexplained", d)
	}
	d = s.Authorize(ctx, Request{Principal: bBare, Action: "s3:GetObject", Bucket: "writer", Key: "k", ACL: aclOf{bucket: "writer", owner: b.ID, grants: bFull, reads: new(int)}})
	if d.Allowed || !d.Explain {
		t.Errorf("object owner's user's denial = %+v, want explained", d)
	}
}
