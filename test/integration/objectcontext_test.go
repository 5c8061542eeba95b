package integration_test

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestACL_objectContext: an object another account writes into an
// ObjectWriter bucket is that account's, and S3 decides requests on it
// in the object's context ("How Amazon S3 authorizes a request for an
// object operation"): the bucket owner needs the object owner's grant to
// read it, the writer reads its own object, the bucket policy's Deny
// still binds the writer, and the bucket owner may delete it.
func TestACL_objectContext(t *testing.T) {
	e := newEnv(t)
	writer := newACLAccount(t, e, "oc-writer", "")
	b := e.newOwnedBucket(t, types.ObjectOwnershipObjectWriter)
	owner := e.rootAccount(t)
	doc := `{"Version":"2012-10-17","Statement":[
		{"Sid":"WriterPuts","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + writer.acct.ID + `:root"},"Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::` + b + `/*"},
		{"Sid":"NoOneReadsDenied","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b + `/denied/*"}]}`
	if _, err := e.s3.PutBucketPolicy(ctx(t), &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, acl types.ObjectCannedACL) {
		t.Helper()
		_, err := writer.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key), Body: strings.NewReader("by " + key), ACL: acl})
		if err != nil {
			t.Fatalf("writer's PutObject(%s): %v", key, err)
		}
	}
	get := func(c *s3.Client, key string) error {
		out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		if body, _ := io.ReadAll(out.Body); string(body) != "by "+key {
			t.Errorf("GetObject(%s) = %q", key, body)
		}
		return nil
	}
	put("k", "")
	put("owner-read", types.ObjectCannedACLBucketOwnerRead)
	put("denied/k", "")

	// The writer owns what it wrote.
	acl, err := writer.s3.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("writer's GetObjectAcl of its own object: %v", err)
	}
	if got := aws.ToString(acl.Owner.ID); got != writer.acct.CanonicalID {
		t.Fatalf("owner of k = %s, want the writer %s", got, writer.acct.CanonicalID)
	}
	if err := get(writer.s3, "k"); err != nil {
		t.Errorf("writer's GetObject of its own object: %v", err)
	}

	// The bucket owner reads it only with the object owner's grant.
	wantCode(t, "bucket owner's GetObject without a grant", get(e.s3, "k"), "AccessDenied", 403)
	_, err = e.s3.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantCode(t, "bucket owner's GetObjectAcl without a grant", err, "AccessDenied", 403)
	_, err = e.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, "bucket owner's PutObjectAcl without a grant", err, "AccessDenied", 403)
	if err := get(e.s3, "owner-read"); err != nil {
		t.Errorf("bucket owner's GetObject of a bucket-owner-read object: %v", err)
	}
	_, err = writer.s3.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"),
		GrantFullControl: aws.String(`id="` + writer.acct.CanonicalID + `"`), GrantRead: aws.String(`id="` + owner.CanonicalID + `"`)})
	if err != nil {
		t.Fatalf("writer's PutObjectAcl: %v", err)
	}
	if err := get(e.s3, "k"); err != nil {
		t.Errorf("bucket owner's GetObject after the writer's READ grant: %v", err)
	}

	// The bucket owner's Deny binds the object's owner.
	wantCode(t, "writer's GetObject under the bucket policy's Deny", get(writer.s3, "denied/k"), "AccessDenied", 403)

	// The bucket owner may delete any object in its bucket.
	for _, key := range []string{"k", "denied/k"} {
		if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String(key)}); err != nil {
			t.Errorf("bucket owner's DeleteObject(%s) of the writer's object: %v", key, err)
		}
	}
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantCode(t, "HeadObject after the delete", err, "NotFound", 404)
}
