package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/object"
)

// ACLs is what the handlers need from the object service for ACLs and
// Object Ownership.
type ACLs interface {
	PutBucketOwnership(ctx context.Context, bucket string, o acl.Ownership, ownerID string) error
	GetBucketOwnership(ctx context.Context, bucket string) (acl.Ownership, error)
	DeleteBucketOwnership(ctx context.Context, bucket string) error
	PutBucketACL(ctx context.Context, bucket string, grants []acl.Grant, ownerOnly bool) error
	GetBucketACL(ctx context.Context, bucket string) (object.Bucket, []acl.Grant, error)
	PutObjectACL(ctx context.Context, bucket, key, versionID string, grants []acl.Grant, ownerOnly bool) (string, error)
	GetObjectACL(ctx context.Context, bucket, key, versionID string) (object.ObjectACL, error)
	AccessGrants(ctx context.Context, bucket, key, versionID string, object bool) (object.AccessGrants, error)
}

// ownershipOf is a bucket's effective Object Ownership; a bucket that
// reports none has ACLs disabled.
func ownershipOf(b object.Bucket) acl.Ownership {
	if b.Ownership == "" {
		return acl.BucketOwnerEnforced
	}
	return b.Ownership
}

// publicAccess returns the Block Public Access flags that govern ACLs on
// bucket: its own and its owner account's settings, the more restrictive
// winning. A bucket that does not exist yet (CreateBucket) gets what a
// new bucket of the caller's account will have: the server's default and
// the account's settings. When the settings cannot be read it fails
// closed: public ACLs are refused and ignored.
func (h *Handler) publicAccess(ctx context.Context, bucket, account string) (blockPublicACLs, ignorePublicACLs bool) {
	ba, err := h.objects.BucketAccess(ctx, bucket)
	if err != nil {
		h.log.ErrorContext(ctx, "block public access unreadable; public ACLs refused and ignored", "bucket", bucket, "err", err)
		return true, true
	}
	if ba.Exists {
		e := ba.EffectiveBlock()
		return e.BlockPublicAcls, e.IgnorePublicAcls
	}
	var own *access.PublicAccessBlock
	if h.defaultBlock {
		own = &access.All
	}
	acct, err := h.objects.GetAccountPublicAccessBlock(ctx, account)
	switch {
	case errors.Is(err, object.ErrNoSuchPublicAccessBlock):
		e := access.Effective(own, nil)
		return e.BlockPublicAcls, e.IgnorePublicAcls
	case err != nil:
		h.log.ErrorContext(ctx, "account block public access unreadable; public ACLs refused", "account", account, "err", err)
		return true, true
	}
	e := access.Effective(own, &acct)
	return e.BlockPublicAcls, e.IgnorePublicAcls
}

// resolveGrants checks and resolves the grantees of grants as S3 does: an
// email address becomes its account's canonical id
// (UnresolvableGrantByEmailAddress when none has it), a canonical id must
// name an account, a group URI one of S3's groups.
func (h *Handler) resolveGrants(ctx context.Context, grants []acl.Grant) ([]acl.Grant, error) {
	if err := acl.Validate(grants); err != nil {
		return nil, err
	}
	out := make([]acl.Grant, len(grants))
	for i, g := range grants {
		out[i] = g
		switch g.Grantee.Type {
		case acl.Email:
			if h.accounts == nil {
				return nil, acl.ErrUnresolvableEmail
			}
			a, ok, err := h.accounts.AccountByEmail(ctx, g.Grantee.Email)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, acl.ErrUnresolvableEmail
			}
			out[i].Grantee = acl.Grantee{Type: acl.CanonicalUser, ID: a.CanonicalID}
		case acl.CanonicalUser:
			if h.accounts == nil {
				continue
			}
			_, ok, err := h.accounts.AccountByCanonicalID(ctx, g.Grantee.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, acl.ErrInvalidGrantee
			}
		}
	}
	return out, nil
}

// grantsOf turns what a request asked for into grants on a resource owned
// by ownerID in a bucket owned by bucketOwnerID (canonical ids).
func (h *Handler) grantsOf(ctx context.Context, a aclRequest, ownerID, bucketOwnerID string) ([]acl.Grant, error) {
	if a.canned != "" {
		return acl.Canned(a.canned, ownerID, bucketOwnerID)
	}
	return h.resolveGrants(ctx, a.grants)
}

// writeACL reads the ACL headers of a write that makes an object
// version (PutObject, CopyObject, CreateMultipartUpload, POST) and
// returns the version's grants (nil for the owner's FULL_CONTROL) and
// whether it asked for bucket-owner-full-control. Only a write that asks
// for more than "private" reads the bucket.
func (h *Handler) writeACL(req *request, hdr http.Header) (grants []acl.Grant, ownerFull bool, err error) {
	a, err := parseACLHeaders(hdr)
	if err != nil || !a.given() || a.canned == "private" {
		return nil, false, err
	}
	ctx := req.r.Context()
	b, err := h.objects.HeadBucket(ctx, req.route.Bucket)
	if err != nil {
		return nil, false, err
	}
	o := ownershipOf(b)
	ownerFull = a.canned == acl.BucketOwnerFullControl
	objectOwner := o.ObjectOwner(b.Owner, req.principal().AccountID, ownerFull)
	ownerID, err := h.canonicalOf(ctx, objectOwner)
	if err != nil {
		return nil, false, err
	}
	bucketOwnerID, err := h.canonicalOf(ctx, b.Owner)
	if err != nil {
		return nil, false, err
	}
	if grants, err = h.grantsOf(ctx, a, ownerID, bucketOwnerID); err != nil {
		return nil, false, err
	}
	if err := o.CheckWrite(grants, bucketOwnerID); err != nil {
		return nil, false, err
	}
	block, _ := h.publicAccess(ctx, req.route.Bucket, req.principal().AccountID)
	if err := acl.CheckBlockPublicACLs(block, grants); err != nil {
		return nil, false, err
	}
	if !o.ACLsEnabled() {
		grants = nil
	}
	return grants, ownerFull, nil
}

// readPutACL reads the ACL of a PutBucketAcl or PutObjectAcl: headers or
// a body, never both, never neither.
func readPutACL(req *request) (a aclRequest, body []acl.Grant, err error) {
	if a, err = parseACLHeaders(req.r.Header); err != nil {
		return a, nil, err
	}
	data, err := readCapped(req.body())
	if err != nil {
		return a, nil, err
	}
	hasBody := len(strings.TrimSpace(string(data))) > 0
	switch {
	case a.given() && hasBody:
		return a, nil, errACLHeaderAndBody
	case !a.given() && !hasBody:
		return a, nil, errMissingACL
	case hasBody:
		_, body, err = parseACLBody(data)
		a.explicit, a.grants = true, body
	}
	return a, body, err
}

// policyXML renders grants for the Get*Acl answers, naming each
// canonical user's account.
func (h *Handler) policyXML(names *ownerNames, own owner, grants []acl.Grant) accessControlPolicy {
	p := accessControlPolicy{Owner: &own}
	byCanonical := map[string]string{}
	if h.accounts != nil {
		for _, g := range grants {
			id := g.Grantee.ID
			if g.Grantee.Type != acl.CanonicalUser {
				continue
			}
			if _, seen := byCanonical[id]; seen {
				continue
			}
			if a, ok, err := h.accounts.AccountByCanonicalID(names.ctx, id); err == nil && ok {
				byCanonical[id] = a.Name
			} else {
				byCanonical[id] = ""
			}
		}
	}
	for _, g := range grants {
		p.Grants = append(p.Grants, grantXML{
			Grantee: granteeXML{Type: string(g.Grantee.Type), ID: g.Grantee.ID, DisplayName: byCanonical[g.Grantee.ID],
				Email: g.Grantee.Email, URI: g.Grantee.URI},
			Permission: string(g.Permission),
		})
	}
	return p
}

func (h *Handler) getBucketACL(w http.ResponseWriter, req *request) error {
	b, grants, err := h.objects.GetBucketACL(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	names := h.ownerNames(req)
	own := names.of(b.Owner)
	if grants == nil {
		grants = acl.OwnerFull(own.ID)
	}
	return h.writeXML(w, req, http.StatusOK, h.policyXML(names, own, grants))
}

func (h *Handler) putBucketACL(w http.ResponseWriter, req *request) error {
	a, _, err := readPutACL(req)
	if err != nil {
		return err
	}
	ctx := req.r.Context()
	b, err := h.objects.HeadBucket(ctx, req.route.Bucket)
	if err != nil {
		return err
	}
	ownerID, err := h.canonicalOf(ctx, b.Owner)
	if err != nil {
		return err
	}
	grants, err := h.grantsOf(ctx, a, ownerID, ownerID)
	if err != nil {
		return err
	}
	// Disabled ACLs answer before Block Public Access, as S3 does (the
	// service checks again inside its transaction).
	if err := ownershipOf(b).CheckWrite(grants, ownerID); err != nil {
		return err
	}
	block, _ := h.publicAccess(ctx, req.route.Bucket, req.principal().AccountID)
	if err := acl.CheckBlockPublicACLs(block, grants); err != nil {
		return err
	}
	if err := h.objects.PutBucketACL(ctx, req.route.Bucket, grants, acl.OwnerOnly(grants, ownerID)); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) getObjectACL(w http.ResponseWriter, req *request) error {
	out, err := h.objects.GetObjectACL(req.r.Context(), req.route.Bucket, req.route.Key, req.query.Get("versionId"))
	if err != nil {
		return err
	}
	names := h.ownerNames(req)
	own := names.of(out.Owner)
	grants := out.Grants
	if grants == nil {
		grants = acl.OwnerFull(own.ID)
	}
	setWrittenVersionHeader(w.Header(), out.VersionID)
	return h.writeXML(w, req, http.StatusOK, h.policyXML(names, own, grants))
}

func (h *Handler) putObjectACL(w http.ResponseWriter, req *request) error {
	a, _, err := readPutACL(req)
	if err != nil {
		return err
	}
	ctx := req.r.Context()
	versionID := req.query.Get("versionId")
	cur, err := h.objects.GetObjectACL(ctx, req.route.Bucket, req.route.Key, versionID)
	if err != nil {
		return err
	}
	ownerID, err := h.canonicalOf(ctx, cur.Owner)
	if err != nil {
		return err
	}
	bucketOwnerID, err := h.canonicalOf(ctx, cur.Bucket.Owner)
	if err != nil {
		return err
	}
	grants, err := h.grantsOf(ctx, a, ownerID, bucketOwnerID)
	if err != nil {
		return err
	}
	if err := ownershipOf(cur.Bucket).CheckWrite(grants, bucketOwnerID); err != nil {
		return err
	}
	block, _ := h.publicAccess(ctx, req.route.Bucket, req.principal().AccountID)
	if err := acl.CheckBlockPublicACLs(block, grants); err != nil {
		return err
	}
	vid, err := h.objects.PutObjectACL(ctx, req.route.Bucket, req.route.Key, versionID, grants, acl.OwnerOnly(grants, bucketOwnerID))
	if err != nil {
		return err
	}
	setWrittenVersionHeader(w.Header(), vid)
	writeEmpty(w, http.StatusOK)
	return nil
}

// ownershipControls is the OwnershipControls body.
type ownershipControls struct {
	XMLName xml.Name           `xml:"OwnershipControls"`
	Xmlns   string             `xml:"xmlns,attr,omitempty"`
	Rules   []ownershipRuleXML `xml:"Rule"`
}

type ownershipRuleXML struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

func (h *Handler) getBucketOwnershipControls(w http.ResponseWriter, req *request) error {
	o, err := h.objects.GetBucketOwnership(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, ownershipControls{Xmlns: s3NS, Rules: []ownershipRuleXML{{ObjectOwnership: string(o)}}})
}

func (h *Handler) putBucketOwnershipControls(w http.ResponseWriter, req *request) error {
	data, err := readCapped(req.body())
	if err != nil {
		return err
	}
	var oc ownershipControls
	if err := unmarshalXML(data, &oc); err != nil {
		return err
	}
	if len(oc.Rules) != 1 {
		return errMalformedXML
	}
	o, err := acl.ParseOwnership(strings.TrimSpace(oc.Rules[0].ObjectOwnership))
	if err != nil {
		return errMalformedXML
	}
	ctx := req.r.Context()
	b, err := h.objects.HeadBucket(ctx, req.route.Bucket)
	if err != nil {
		return err
	}
	ownerID, err := h.canonicalOf(ctx, b.Owner)
	if err != nil {
		return err
	}
	if err := h.objects.PutBucketOwnership(ctx, req.route.Bucket, o, ownerID); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteBucketOwnershipControls(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucketOwnership(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createBucketACL reads CreateBucket's x-amz-object-ownership and ACL
// headers: the new bucket's ownership (the server's default when not
// given) and grants (nil for the owner's FULL_CONTROL). An ACL that
// grants to others under BucketOwnerEnforced is
// InvalidBucketAclWithObjectOwnership.
func (h *Handler) createBucketACL(req *request) (acl.Ownership, []acl.Grant, error) {
	hdr := req.r.Header
	o := h.defaultOwnership
	if v := hdr.Get("X-Amz-Object-Ownership"); v != "" {
		var err error
		if o, err = acl.ParseOwnership(v); err != nil {
			return "", nil, err
		}
	}
	a, err := parseACLHeaders(hdr)
	if err != nil || !a.given() || a.canned == "private" {
		return o, nil, err
	}
	ctx := req.r.Context()
	ownerID, err := h.canonicalOf(ctx, req.principal().AccountID)
	if err != nil {
		return "", nil, err
	}
	grants, err := h.grantsOf(ctx, a, ownerID, ownerID)
	if err != nil {
		return "", nil, err
	}
	if err := acl.CheckSwitch(o, grants, ownerID); err != nil {
		return "", nil, err
	}
	block, _ := h.publicAccess(ctx, req.route.Bucket, req.principal().AccountID)
	if err := acl.CheckBlockPublicACLs(block, grants); err != nil {
		return "", nil, err
	}
	if !o.ACLsEnabled() {
		grants = nil
	}
	return o, grants, nil
}
