package iam

import (
	"context"
	"errors"
	"testing"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// aclOf is an ACLSource that counts its reads: of the grants, and of the
// object's owner.
type aclOf struct {
	bucket string // "theirs" when empty
	grants []acl.Grant
	owner  string
	err    error
	reads  *int
	owners *int
}

func (a aclOf) ACLPolicy(context.Context) (*policy.Policy, error) {
	*a.reads++
	if a.err != nil {
		return nil, a.err
	}
	b := a.bucket
	if b == "" {
		b = "theirs"
	}
	return acl.Policy(acl.Input{Bucket: b, Object: true, ObjectGrants: a.grants})
}

func (a aclOf) ObjectOwner(context.Context) (string, error) {
	if a.owners != nil {
		*a.owners++
	}
	return a.owner, a.err
}

func TestAuthorize_ACL(t *testing.T) {
	buckets := owners{}
	e := newEnv(t, func(o *Options) { o.Buckets = buckets })
	ctx := context.Background()
	s := e.s
	other, _, _, err := s.CreateAccount(ctx, "other")
	must(t, err)
	buckets["theirs"] = other.ID
	root, err := s.Lookup(ctx, testRootKey)
	must(t, err)
	me, err := s.GetAccount(ctx, RootAccountID)
	must(t, err)
	readMe := []acl.Grant{{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: me.CanonicalID}, Permission: acl.Read}}
	public := []acl.Grant{{Grantee: acl.Grantee{Type: acl.Group, URI: acl.AllUsers}, Permission: acl.Read}}
	tests := []struct {
		name      string
		p         sigv4.Principal
		action    string
		src       aclOf
		want      bool
		wantReads int
	}{
		{"no grant", root.Principal, "s3:GetObject", aclOf{}, false, 1},
		{"grant to my canonical id", root.Principal, "s3:GetObject", aclOf{grants: readMe}, true, 1},
		{"READ is not WRITE_ACP", root.Principal, "s3:PutObjectAcl", aclOf{grants: readMe}, false, 1},
		{"public read, anonymous", sigv4.Principal{Anonymous: true}, "s3:GetObject", aclOf{grants: public}, true, 1},
		{"failed read fails closed", root.Principal, "s3:GetObject", aclOf{grants: readMe, err: errors.New("disk")}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reads := 0
			tt.src.reads = &reads
			d := s.Authorize(ctx, Request{Principal: tt.p, Action: tt.action, Bucket: "theirs", Key: "k", ACL: tt.src})
			if d.Allowed != tt.want || reads != tt.wantReads {
				t.Errorf("Authorize = %v after %d ACL reads, want %v after %d (%s)", d.Allowed, reads, tt.want, tt.wantReads, d.Reason)
			}
		})
	}
	// A request policies allow never reads the ACL.
	reads := 0
	buckets["mine"] = RootAccountID
	d := s.Authorize(ctx, Request{Principal: root.Principal, Action: "s3:GetObject", Bucket: "mine", Key: "k", ACL: aclOf{reads: &reads}})
	if !d.Allowed || reads != 0 {
		t.Errorf("owner's own request: allowed %v after %d ACL reads, want allowed after none", d.Allowed, reads)
	}
}
