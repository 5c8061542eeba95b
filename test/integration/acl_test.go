package integration_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/iam"
)

// aclAccount is a second account: its id, canonical id, root client.
type aclAccount struct {
	acct iam.Account
	s3   *s3.Client
}

func newACLAccount(t *testing.T, e *env, name, email string) aclAccount {
	t.Helper()
	acct, ak, sk, err := e.srv.Identity.CreateAccountWithEmail(ctx(t), name, email)
	if err != nil {
		t.Fatal(err)
	}
	c := e.srv.S3(func(o *s3.Options) { o.Credentials = awscreds.NewStaticCredentialsProvider(ak, sk, "") })
	return aclAccount{acct: acct, s3: c}
}

// newOwnedBucket creates a bucket with Object Ownership o and removes
// its Block Public Access configuration, as a user who wants public ACLs
// must do first on S3 since April 2023.
func (e *env) newOwnedBucket(t *testing.T, o types.ObjectOwnership) string {
	t.Helper()
	name := e.newBlockedBucket(t, o)
	if _, err := e.s3.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("DeletePublicAccessBlock(%s): %v", name, err)
	}
	return name
}

// newBlockedBucket creates a bucket with Object Ownership o and the
// Block Public Access configuration every new bucket gets.
func (e *env) newBlockedBucket(t *testing.T, o types.ObjectOwnership) string {
	t.Helper()
	name := e.newBucketName()
	if _, err := e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name), ObjectOwnership: o}); err != nil {
		t.Fatalf("CreateBucket(%s, %s): %v", name, o, err)
	}
	return name
}

// TestACL_blockPublicAccess: Block Public Access governs ACLs where
// ownership enables them. A new bucket refuses public ACLs
// (BlockPublicAcls); with only IgnorePublicAcls they are stored but grant
// nothing; with neither they grant.
func TestACL_blockPublicAccess(t *testing.T) {
	e := newEnv(t)
	b := e.newBlockedBucket(t, types.ObjectOwnershipObjectWriter)
	e.bucket = b
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("pub"),
		Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "PutObject public-read under the default Block Public Access", err, "AccessDenied", 403)
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, "PutBucketAcl public-read under the default Block Public Access", err, "AccessDenied", 403)
	e.put(t, "pub", []byte("x"))
	_, err = e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "PutObjectAcl public-read under the default Block Public Access", err, "AccessDenied", 403)

	if _, err := e.s3.PutPublicAccessBlock(ctx(t), &s3.PutPublicAccessBlockInput{Bucket: aws.String(b),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub"), ACL: types.ObjectCannedACLPublicRead}); err != nil {
		t.Fatalf("PutObjectAcl public-read with only IgnorePublicAcls: %v", err)
	}
	if st, _ := anonymousGet(t, e, b, "pub"); st != 403 {
		t.Errorf("anonymous GET under IgnorePublicAcls = %d, want 403", st)
	}
	if _, err := e.s3.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	if st, _ := anonymousGet(t, e, b, "pub"); st != 200 {
		t.Errorf("anonymous GET without Block Public Access = %d, want 200", st)
	}
}

func (e *env) rootAccount(t *testing.T) iam.Account {
	t.Helper()
	a, err := e.srv.Identity.GetAccount(ctx(t), iam.RootAccountID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// anonymousGet fetches bucket/key with plain net/http, unsigned.
func anonymousGet(t *testing.T, e *env, bucket, key string) (int, string) {
	t.Helper()
	resp, err := http.Get(e.srv.URL("/" + bucket + "/" + key))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestACL_publicReadObjectWriter(t *testing.T) {
	e := newEnv(t)
	b := e.newOwnedBucket(t, types.ObjectOwnershipObjectWriter)
	put := func(key string, acl types.ObjectCannedACL) {
		t.Helper()
		_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key),
			Body: strings.NewReader("hello " + key), ACL: acl})
		if err != nil {
			t.Fatalf("PutObject(%s, %s): %v", key, acl, err)
		}
	}
	put("public", types.ObjectCannedACLPublicRead)
	put("private", "")
	if st, body := anonymousGet(t, e, b, "public"); st != 200 || body != "hello public" {
		t.Errorf("anonymous GET of a public-read object = %d %q, want 200", st, body)
	}
	if st, _ := anonymousGet(t, e, b, "private"); st != 403 {
		t.Errorf("anonymous GET of a private object = %d, want 403", st)
	}
	root := e.rootAccount(t)
	out, err := e.s3.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("public")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Owner.ID) != root.CanonicalID || aws.ToString(out.Owner.DisplayName) != root.Name {
		t.Errorf("Owner = %s/%s, want %s/%s", aws.ToString(out.Owner.ID), aws.ToString(out.Owner.DisplayName), root.CanonicalID, root.Name)
	}
	var sawAll, sawOwner bool
	for _, g := range out.Grants {
		switch {
		case g.Grantee.Type == types.TypeGroup && aws.ToString(g.Grantee.URI) == "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission == types.PermissionRead:
			sawAll = true
		case g.Grantee.Type == types.TypeCanonicalUser && aws.ToString(g.Grantee.ID) == root.CanonicalID && g.Permission == types.PermissionFullControl:
			sawOwner = aws.ToString(g.Grantee.DisplayName) == root.Name
		}
	}
	if !sawAll || !sawOwner || len(out.Grants) != 2 {
		t.Errorf("grants = %+v, want owner FULL_CONTROL and AllUsers READ", out.Grants)
	}
	// Making it private again closes it.
	if _, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("public"), ACL: types.ObjectCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	if st, _ := anonymousGet(t, e, b, "public"); st != 403 {
		t.Errorf("anonymous GET after private = %d, want 403", st)
	}
}

func TestACL_grantToOtherAccount(t *testing.T) {
	e := newEnv(t)
	other := newACLAccount(t, e, "acl-reader", "reader@example.com")
	b := e.newOwnedBucket(t, types.ObjectOwnershipBucketOwnerPreferred)
	e.bucket = b
	e.put(t, "k", []byte("shared"))
	get := func() error {
		_, err := other.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
		return err
	}
	wantCode(t, "GetObject before the grant", get(), "AccessDenied", 403)
	_, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"),
		GrantRead: aws.String(`id="` + other.acct.CanonicalID + `"`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := get(); err != nil {
		t.Errorf("GetObject with a READ grant: %v", err)
	}
	_, err = other.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "PutObjectAcl with READ only", err, "AccessDenied", 403)

	// A bucket grant by email address: READ lists the bucket.
	_, err = other.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(b)})
	wantCode(t, "ListObjectsV2 before the grant", err, "AccessDenied", 403)
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantRead: aws.String(`emailAddress="reader@example.com"`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(b)}); err != nil {
		t.Errorf("ListObjectsV2 with a READ grant by email: %v", err)
	}
	out, err := e.s3.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: aws.String(b)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Grants) != 1 || aws.ToString(out.Grants[0].Grantee.ID) != other.acct.CanonicalID ||
		aws.ToString(out.Grants[0].Grantee.DisplayName) != "acl-reader" {
		t.Errorf("bucket grants = %+v, want READ to %s", out.Grants, other.acct.CanonicalID)
	}
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantRead: aws.String(`emailAddress="nobody@example.com"`)})
	wantCode(t, "PutBucketAcl to an unknown email", err, "UnresolvableGrantByEmailAddress", 400)
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantRead: aws.String(`id="` + strings.Repeat("0", 64) + `"`)})
	wantCode(t, "PutBucketAcl to an unknown id", err, "InvalidArgument", 400)
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPrivate,
		GrantRead: aws.String(`id="` + other.acct.CanonicalID + `"`)})
	wantCode(t, "PutBucketAcl with canned and grant headers", err, "InvalidRequest", 400)
}

func TestACL_bucketOwnerEnforced(t *testing.T) {
	e := newEnv(t) // buckets get BucketOwnerEnforced by default
	oc, err := e.s3.GetBucketOwnershipControls(ctx(t), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if got := oc.OwnershipControls.Rules[0].ObjectOwnership; got != types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("default ownership = %s, want BucketOwnerEnforced", got)
	}
	_, err = e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "PutObject public-read", err, "AccessControlListNotSupported", 400)
	for _, acl := range []types.ObjectCannedACL{"", types.ObjectCannedACLPrivate, types.ObjectCannedACLBucketOwnerFullControl} {
		if _, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: acl}); err != nil {
			t.Errorf("PutObject with ACL %q: %v", acl, err)
		}
	}
	_, err = e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "PutObjectAcl public-read", err, "AccessControlListNotSupported", 400)
	_, err = e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(e.bucket), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, "PutBucketAcl public-read", err, "AccessControlListNotSupported", 400)
	_, err = e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("m"), ACL: types.ObjectCannedACLAuthenticatedRead})
	wantCode(t, "CreateMultipartUpload authenticated-read", err, "AccessControlListNotSupported", 400)
	_, err = e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.newBucketName()), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, "CreateBucket public-read", err, "InvalidBucketAclWithObjectOwnership", 400)
	root := e.rootAccount(t)
	out, err := e.s3.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Grants) != 1 || out.Grants[0].Permission != types.PermissionFullControl || aws.ToString(out.Grants[0].Grantee.ID) != root.CanonicalID {
		t.Errorf("GetObjectAcl = %+v, want the owner's FULL_CONTROL", out.Grants)
	}
	if st, _ := anonymousGet(t, e, e.bucket, "k"); st != 403 {
		t.Errorf("anonymous GET = %d, want 403", st)
	}
}

func TestACL_bucketOwnerPreferredOwnership(t *testing.T) {
	e := newEnv(t)
	writer := newACLAccount(t, e, "acl-writer", "")
	b := e.newOwnedBucket(t, types.ObjectOwnershipBucketOwnerPreferred)
	_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b),
		GrantWrite: aws.String(`id="` + writer.acct.CanonicalID + `"`), GrantFullControl: aws.String(`id="` + e.rootAccount(t).CanonicalID + `"`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		acl  types.ObjectCannedACL
		want string
	}{
		{"handed-over", types.ObjectCannedACLBucketOwnerFullControl, e.rootAccount(t).CanonicalID},
		{"kept", "", writer.acct.CanonicalID},
	} {
		_, err := writer.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(c.key), Body: strings.NewReader("x"), ACL: c.acl})
		if err != nil {
			t.Fatalf("PutObject(%s) by the other account: %v", c.key, err)
		}
	}
	list, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(b), FetchOwner: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, o := range list.Contents {
		owners[aws.ToString(o.Key)] = aws.ToString(o.Owner.ID)
	}
	if owners["handed-over"] != e.rootAccount(t).CanonicalID || owners["kept"] != writer.acct.CanonicalID {
		t.Errorf("owners = %v, want handed-over by the bucket owner, kept by the writer", owners)
	}
	// The writer owns "kept" and reads it; the bucket owner needs its
	// grant to (TestACL_objectContext), but reads what was handed over.
	if _, err := writer.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("kept")}); err != nil {
		t.Errorf("writer's GetObject of its own object: %v", err)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("kept")})
	wantCode(t, "bucket owner's GetObject of the writer's object", err, "AccessDenied", 403)
	if _, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("handed-over")}); err != nil {
		t.Errorf("bucket owner's GetObject of a handed-over object: %v", err)
	}
}

func TestOwnershipControls(t *testing.T) {
	e := newEnv(t)
	b := e.newOwnedBucket(t, types.ObjectOwnershipObjectWriter)
	get := func() (types.ObjectOwnership, error) {
		out, err := e.s3.GetBucketOwnershipControls(ctx(t), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)})
		if err != nil {
			return "", err
		}
		return out.OwnershipControls.Rules[0].ObjectOwnership, nil
	}
	if o, err := get(); err != nil || o != types.ObjectOwnershipObjectWriter {
		t.Errorf("ownership = %s, %v, want ObjectWriter", o, err)
	}
	put := func(o types.ObjectOwnership) error {
		_, err := e.s3.PutBucketOwnershipControls(ctx(t), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: o}}}})
		return err
	}
	if _, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "PutBucketOwnershipControls(BucketOwnerEnforced) with a public bucket ACL",
		put(types.ObjectOwnershipBucketOwnerEnforced), "InvalidBucketAclWithObjectOwnership", 400)
	if _, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	if err := put(types.ObjectOwnershipBucketOwnerEnforced); err != nil {
		t.Fatal(err)
	}
	if o, _ := get(); o != types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("ownership after put = %s", o)
	}
	wantCode(t, "PutBucketOwnershipControls(Nonsense)", put("Nonsense"), "MalformedXML", 400)
	if _, err := e.s3.DeleteBucketOwnershipControls(ctx(t), &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	_, err := get()
	wantCode(t, "GetBucketOwnershipControls after delete", err, "OwnershipControlsNotFoundError", 404)
	// Without controls the bucket takes ACLs again (ObjectWriter).
	if _, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Errorf("PutBucketAcl after deleting the controls: %v", err)
	}
}

// aclMatrixCase is one ACL column: a grant made by the bucket owner, and
// the request it should open to a caller.
type aclMatrixCase struct {
	name string
	// grant sets the ACL on fixture bucket b (whose "obj" exists) for
	// the other account other.
	grant func(t *testing.T, e *env, b string, other aclAccount) error
	// try is the request the grant is about, made by the caller c.
	try func(ctx context.Context, c *s3.Client, b string) error
	// anonymous: the caller is anonymous rather than the other account.
	anonymous bool
}

var aclMatrixCases = []aclMatrixCase{
	{name: "object public-read/anonymous GetObject", anonymous: true,
		grant: func(t *testing.T, e *env, b string, _ aclAccount) error {
			_, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("obj"), ACL: types.ObjectCannedACLPublicRead})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("obj")})
			return err
		}},
	{name: "object authenticated-read/other GetObject",
		grant: func(t *testing.T, e *env, b string, _ aclAccount) error {
			_, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("obj"), ACL: types.ObjectCannedACLAuthenticatedRead})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("obj")})
			return err
		}},
	{name: "object READ_ACP by id/other GetObjectAcl",
		grant: func(t *testing.T, e *env, b string, o aclAccount) error {
			_, err := e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("obj"), GrantReadACP: aws.String(`id="` + o.acct.CanonicalID + `"`)})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("obj")})
			return err
		}},
	{name: "bucket READ by id/other ListObjectsV2",
		grant: func(t *testing.T, e *env, b string, o aclAccount) error {
			_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantRead: aws.String(`id="` + o.acct.CanonicalID + `"`)})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
			return err
		}},
	{name: "bucket WRITE by id/other PutObject",
		grant: func(t *testing.T, e *env, b string, o aclAccount) error {
			_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantWrite: aws.String(`id="` + o.acct.CanonicalID + `"`)})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("new"), Body: strings.NewReader("x")})
			return err
		}},
	{name: "bucket public-read-write/anonymous PutObject", anonymous: true,
		grant: func(t *testing.T, e *env, b string, _ aclAccount) error {
			_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicReadWrite})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("new"), Body: strings.NewReader("x")})
			return err
		}},
	{name: "bucket READ_ACP by id/other GetBucketAcl",
		grant: func(t *testing.T, e *env, b string, o aclAccount) error {
			_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantReadACP: aws.String(`id="` + o.acct.CanonicalID + `"`)})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
			return err
		}},
	{name: "bucket READ is not READ_ACP/other GetBucketAcl",
		grant: func(t *testing.T, e *env, b string, o aclAccount) error {
			_, err := e.s3.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(b), GrantRead: aws.String(`id="` + o.acct.CanonicalID + `"`)})
			return err
		},
		try: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
			return err
		}},
}

// TestAuthz_matrixACL is the ACL columns of the authorization matrix,
// under each Object Ownership setting: a grant opens exactly its request
// where ACLs are enabled; with BucketOwnerEnforced the grant cannot be
// set, and grants set before the switch no longer count.
func TestAuthz_matrixACL(t *testing.T) {
	e := newEnv(t)
	other := newACLAccount(t, e, "matrix-acl", "")
	anon := e.srv.S3(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
	modes := []types.ObjectOwnership{types.ObjectOwnershipObjectWriter, types.ObjectOwnershipBucketOwnerPreferred, types.ObjectOwnershipBucketOwnerEnforced}
	for _, mode := range modes {
		for _, c := range aclMatrixCases {
			t.Run(string(mode)+"/"+c.name, func(t *testing.T) {
				b := e.newOwnedBucket(t, mode)
				if _, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("obj"), Body: strings.NewReader("x")}); err != nil {
					t.Fatal(err)
				}
				caller := other.s3
				if c.anonymous {
					caller = anon
				}
				wantCode(t, "before the grant", c.try(ctx(t), caller, b), "AccessDenied", 403)
				err := c.grant(t, e, b, other)
				enabled := mode != types.ObjectOwnershipBucketOwnerEnforced
				if !enabled {
					wantCode(t, "grant with ACLs disabled", err, "AccessControlListNotSupported", 400)
					wantCode(t, "after the refused grant", c.try(ctx(t), caller, b), "AccessDenied", 403)
					return
				}
				if err != nil {
					t.Fatalf("grant: %v", err)
				}
				err = c.try(ctx(t), caller, b)
				if strings.Contains(c.name, " is not ") {
					wantCode(t, "with a grant of another permission", err, "AccessDenied", 403)
					return
				}
				if err != nil {
					t.Errorf("with the grant: %v", err)
				}
			})
		}
	}
	// Object grants made while ACLs were enabled stop counting once the
	// bucket switches to BucketOwnerEnforced.
	b := e.newOwnedBucket(t, types.ObjectOwnershipObjectWriter)
	e.bucket = b
	e.put(t, "obj", []byte("x"), func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead })
	if st, _ := anonymousGet(t, e, b, "obj"); st != 200 {
		t.Fatalf("anonymous GET of a public-read object = %d", st)
	}
	_, err := e.s3.PutBucketOwnershipControls(ctx(t), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := anonymousGet(t, e, b, "obj"); st != 403 {
		t.Errorf("anonymous GET after BucketOwnerEnforced = %d, want 403", st)
	}
}
