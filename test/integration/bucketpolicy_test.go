package integration_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// bucketPolicy fills a policy template: BUCKET becomes the bucket's name.
func bucketPolicy(bucket, doc string) string { return strings.ReplaceAll(doc, "BUCKET", bucket) }

func putPolicy(t *testing.T, c *s3.Client, bucket, doc string) error {
	t.Helper()
	_, err := c.PutBucketPolicy(ctx(t), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(bucketPolicy(bucket, doc))})
	return err
}

func mustPutPolicy(t *testing.T, c *s3.Client, bucket, doc string) {
	t.Helper()
	if err := putPolicy(t, c, bucket, doc); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
}

// openBucket removes the bucket's Block Public Access configuration, which
// new buckets get with all flags on.
func openBucket(t *testing.T, e *env, bucket string) {
	t.Helper()
	if _, err := e.s3.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
}

// anonGet fetches an object with a plain, unsigned GET and returns the
// status and body.
func anonGet(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`

// TestBucketPolicy_crud covers Put/Get/DeleteBucketPolicy and
// GetBucketPolicyStatus, and that a new bucket blocks public policies.
func TestBucketPolicy_crud(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketPolicy(none)", err, "NoSuchBucketPolicy", 404)
	_, err = e.s3.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketPolicyStatus(none)", err, "NoSuchBucketPolicy", 404)

	// New buckets block public access (all four flags).
	pab, err := e.s3.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if c := pab.PublicAccessBlockConfiguration; !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) ||
		!aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Errorf("new bucket's public access block = %+v, want all true", c)
	}
	wantCode(t, "PutBucketPolicy(public, blocked)", putPolicy(t, e.s3, e.bucket, publicReadPolicy), "AccessDenied", 403)

	openBucket(t, e, e.bucket)
	_, err = e.s3.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetPublicAccessBlock(none)", err, "NoSuchPublicAccessBlockConfiguration", 404)
	mustPutPolicy(t, e.s3, e.bucket, publicReadPolicy)
	got, err := e.s3.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	if err != nil || aws.ToString(got.Policy) != bucketPolicy(e.bucket, publicReadPolicy) {
		t.Errorf("GetBucketPolicy = %q, %v", aws.ToString(got.Policy), err)
	}
	st, err := e.s3.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	if err != nil || !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("GetBucketPolicyStatus(public) = %+v, %v", st, err)
	}
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`)
	st, err = e.s3.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	if err != nil || aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("GetBucketPolicyStatus(account) = %+v, %v", st, err)
	}
	if _, err := e.s3.DeleteBucketPolicy(ctx(t), &s3.DeleteBucketPolicyInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketPolicy(deleted)", err, "NoSuchBucketPolicy", 404)
	_, err = e.s3.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String("no-such-bucket-here")})
	wantCode(t, "GetBucketPolicy(no bucket)", err, "NoSuchBucket", 404)
}

// TestBucketPolicy_malformed pins S3's MalformedPolicy answers; nothing
// is stored.
func TestBucketPolicy_malformed(t *testing.T) {
	e := newEnv(t)
	openBucket(t, e, e.bucket)
	tests := []struct{ name, doc, msg string }{
		{"not JSON", `{"Version":`, "Policies must be valid JSON and the first byte must be '{'"},
		{"no principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`, "Missing required field Principal"},
		{"invalid principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`, "Invalid principal in policy"},
		{"unknown action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjects","Resource":"arn:aws:s3:::BUCKET/*"}]}`, "Policy has invalid action"},
		{"other bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::elsewhere/*"}]}`, "Policy has invalid resource"},
		{"action on no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET"}]}`, "Action does not apply to any resource(s) in statement"},
		{"invalid condition key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"StringEquals":{"nokey":"x"}}}]}`, "Policy has an invalid condition key"},
		{"too large", `{"Version":"2012-10-17","Id":"` + strings.Repeat("x", 21*1024) + `","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`, "Policy exceeds the maximum allowed document size."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := putPolicy(t, e.s3, e.bucket, tt.doc)
			wantCode(t, "PutBucketPolicy", err, "MalformedPolicy", 400)
			var ae smithy.APIError
			if errors.As(err, &ae) && ae.ErrorMessage() != tt.msg {
				t.Errorf("message = %q, want %q", ae.ErrorMessage(), tt.msg)
			}
		})
	}
	_, err := e.s3.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetBucketPolicy after refusals", err, "NoSuchBucketPolicy", 404)
}

// TestBucketPolicy_publicRead is the public website bucket: anyone may
// GET its objects with a plain HTTP request, nobody may list or write
// anonymously, and Block Public Access turns it off again.
func TestBucketPolicy_publicRead(t *testing.T) {
	e := newEnv(t)
	e.put(t, "index.html", []byte("<h1>hi</h1>"))
	url := e.srv.URL("/" + e.bucket + "/index.html")
	if code, _ := anonGet(t, http.DefaultClient, url); code != 403 {
		t.Fatalf("anonymous GET before the policy = %d, want 403", code)
	}
	openBucket(t, e, e.bucket)
	mustPutPolicy(t, e.s3, e.bucket, publicReadPolicy)
	if code, body := anonGet(t, http.DefaultClient, url); code != 200 || body != "<h1>hi</h1>" {
		t.Fatalf("anonymous GET = %d %q, want 200", code, body)
	}
	if code, _ := anonGet(t, http.DefaultClient, e.srv.URL("/"+e.bucket)); code != 403 {
		t.Errorf("anonymous list = %d, want 403", code)
	}
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL("/"+e.bucket+"/x"), strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("anonymous PUT = %d, want 403", resp.StatusCode)
	}

	// RestrictPublicBuckets on the bucket: the public grant stops at once.
	_, err = e.s3.PutPublicAccessBlock(ctx(t), &s3.PutPublicAccessBlockInput{Bucket: aws.String(e.bucket),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := anonGet(t, http.DefaultClient, url); code != 403 {
		t.Errorf("anonymous GET under RestrictPublicBuckets = %d, want 403", code)
	}
	// The owner's account is not restricted.
	if got := e.getBody(t, "index.html"); string(got) != "<h1>hi</h1>" {
		t.Errorf("owner GET = %q", got)
	}
	// BlockPublicPolicy refuses a new public policy, not the existing one.
	_, err = e.s3.PutPublicAccessBlock(ctx(t), &s3.PutPublicAccessBlockInput{Bucket: aws.String(e.bucket),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := anonGet(t, http.DefaultClient, url); code != 200 {
		t.Errorf("anonymous GET under BlockPublicPolicy alone = %d, want 200 (existing policy stays)", code)
	}
	wantCode(t, "PutBucketPolicy under BlockPublicPolicy", putPolicy(t, e.s3, e.bucket, publicReadPolicy), "AccessDenied", 403)
}

// TestBucketPolicy_denyInsecureTransport is AWS's most common policy: it
// denies every request not made over TLS.
func TestBucketPolicy_denyInsecureTransport(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	plain := newEnv(t)
	plain.put(t, "k", []byte("v"))
	mustPutPolicy(t, plain.s3, plain.bucket, doc)
	_, err := plain.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(plain.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject over HTTP", err, "AccessDenied", 403)
	// The root of the owner's account is denied too, but may still
	// remove the policy.
	if _, err := plain.s3.DeleteBucketPolicy(ctx(t), &s3.DeleteBucketPolicyInput{Bucket: aws.String(plain.bucket)}); err != nil {
		t.Fatalf("owner root DeleteBucketPolicy under a deny: %v", err)
	}
	if got := plain.getBody(t, "k"); string(got) != "v" {
		t.Errorf("GetObject after removing the policy = %q", got)
	}

	tlsEnv := newEnv(t, coffertest.WithTLS())
	tlsEnv.put(t, "k", []byte("v"))
	mustPutPolicy(t, tlsEnv.s3, tlsEnv.bucket, doc)
	if got := tlsEnv.getBody(t, "k"); string(got) != "v" {
		t.Errorf("GetObject over TLS = %q", got)
	}
}

// TestBucketPolicy_requireEncryptionHeader denies PutObject without
// x-amz-server-side-encryption.
func TestBucketPolicy_requireEncryptionHeader(t *testing.T) {
	e := newEnv(t)
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Sid":"RequireSSE","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
		"Resource":"arn:aws:s3:::BUCKET/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}]}`)
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject without SSE header", err, "AccessDenied", 403)
	// With the header the policy lets the request through; what the
	// service then makes of the header is not the policy's business.
	_, err = e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("sse"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAes256})
	if code(err) == "AccessDenied" {
		t.Errorf("PutObject with SSE header: %v", err)
	}
}

// TestBucketPolicy_sourceIP grants anonymous reads from some ranges only.
func TestBucketPolicy_sourceIP(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("v"))
	openBucket(t, e, e.bucket)
	grant := func(cidr string) {
		mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
			"Resource":"arn:aws:s3:::BUCKET/*","Condition":{"IpAddress":{"aws:SourceIp":"`+cidr+`"}}}]}`)
	}
	url := e.srv.URL("/" + e.bucket + "/k")
	grant("192.0.2.0/24")
	if code, _ := anonGet(t, http.DefaultClient, url); code != 403 {
		t.Errorf("GET from outside the range = %d, want 403", code)
	}
	grant("127.0.0.0/8")
	if code, _ := anonGet(t, http.DefaultClient, url); code != 200 {
		t.Errorf("GET from inside the range = %d, want 200", code)
	}
	st, err := e.s3.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	if err != nil || aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("a policy pinned to a range is not public: %+v, %v", st, err)
	}
}

// TestBucketPolicy_userPrefix gives each IAM user of the owner's account
// its own home prefix: list with s3:prefix, read and write below it.
func TestBucketPolicy_userPrefix(t *testing.T) {
	e := newEnv(t)
	alice := newAuthzUser(t, e, authzAccount, "alice", "", "")
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[
		{"Sid":"ListOwnPrefix","Effect":"Allow","Principal":{"AWS":"`+alice.arn+`"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::BUCKET",
		 "Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]}}},
		{"Sid":"OwnObjects","Effect":"Allow","Principal":{"AWS":"`+alice.arn+`"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::BUCKET/${aws:username}/*"}]}`)
	c := alice.client(e)
	if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("alice/notes"), Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("PutObject in own prefix: %v", err)
	}
	_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("bob/notes"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject in another's prefix", err, "AccessDenied", 403)
	if _, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Prefix: aws.String("alice/")}); err != nil {
		t.Errorf("ListObjectsV2(own prefix): %v", err)
	}
	_, err = c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantCode(t, "ListObjectsV2(whole bucket)", err, "AccessDenied", 403)
}

// TestBucketPolicy_tags grants reads of objects tagged public=yes only.
func TestBucketPolicy_tags(t *testing.T) {
	e := newEnv(t)
	openBucket(t, e, e.bucket)
	e.put(t, "open", []byte("o"), func(in *s3.PutObjectInput) { in.Tagging = aws.String("public=yes") })
	e.put(t, "closed", []byte("c"), func(in *s3.PutObjectInput) { in.Tagging = aws.String("public=no") })
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::BUCKET/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/public":"yes"}}}]}`)
	if code, _ := anonGet(t, http.DefaultClient, e.srv.URL("/"+e.bucket+"/open")); code != 200 {
		t.Errorf("GET of a tagged object = %d, want 200", code)
	}
	if code, _ := anonGet(t, http.DefaultClient, e.srv.URL("/"+e.bucket+"/closed")); code != 403 {
		t.Errorf("GET of an untagged object = %d, want 403", code)
	}
}

// TestBucketPolicy_denyDelete denies deleting under keep/ to everyone,
// the owner's root included, except from the administrators' network.
func TestBucketPolicy_denyDelete(t *testing.T) {
	e := newEnv(t)
	e.put(t, "keep/a", []byte("a"))
	e.put(t, "tmp/b", []byte("b"))
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Sid":"KeepIsKept","Effect":"Deny","Principal":"*",
		"Action":["s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::BUCKET/keep/*",
		"Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`)
	_, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("keep/a")})
	wantCode(t, "DeleteObject(keep/a) as owner root under a deny", err, "AccessDenied", 403)
	var ae smithy.APIError
	if errors.As(err, &ae) && !strings.Contains(ae.ErrorMessage(), "with an explicit deny in a resource-based policy") {
		t.Errorf("denial message = %q", ae.ErrorMessage())
	}
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tmp/b")}); err != nil {
		t.Errorf("DeleteObject(tmp/b): %v", err)
	}
	if got := e.getBody(t, "keep/a"); string(got) != "a" {
		t.Errorf("keep/a after the refused delete = %q", got)
	}
}

// TestBucketPolicy_crossAccount grants a user of another account a
// prefix: it needs both its own identity policy and the bucket policy.
func TestBucketPolicy_crossAccount(t *testing.T) {
	e := newEnv(t)
	e.put(t, "shared/report", []byte("r"))
	e.put(t, "private/secret", []byte("s"))
	acct, _, _, err := e.srv.Identity.CreateAccount(ctx(t), "partner")
	if err != nil {
		t.Fatal(err)
	}
	partner := newAuthzUser(t, e, acct.ID, "reader", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)
	c := partner.client(e)
	get := func(key string) error {
		out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	wantCode(t, "cross-account GetObject before the grant", get("shared/report"), "AccessDenied", 403)
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[
		{"Sid":"PartnerReadsShared","Effect":"Allow","Principal":{"AWS":"`+partner.arn+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/shared/*"},
		{"Sid":"PartnerListsShared","Effect":"Allow","Principal":{"AWS":"`+partner.arn+`"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::BUCKET","Condition":{"StringLike":{"s3:prefix":"shared/*"}}}]}`)
	if err := get("shared/report"); err != nil {
		t.Errorf("cross-account GetObject of the granted prefix: %v", err)
	}
	wantCode(t, "cross-account GetObject outside the prefix", get("private/secret"), "AccessDenied", 403)
	if _, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Prefix: aws.String("shared/")}); err != nil {
		t.Errorf("cross-account list of the prefix: %v", err)
	}
	// Another account's buckets do not show in its listing.
	out, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err == nil && len(out.Buckets) != 0 {
		t.Errorf("ListBuckets as the partner shows %d buckets of another account", len(out.Buckets))
	}
	// Bucket names are global: the partner cannot take ours.
	partnerRoot := newAccountRootClient(t, e, acct.ID)
	_, err = partnerRoot.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "CreateBucket of another account's name", err, "BucketAlreadyExists", 409)
	// In us-east-1 S3 answers 200 to re-creating one's own bucket.
	if _, err = e.s3.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Errorf("CreateBucket of our own name in us-east-1 = %v, want success", err)
	}
}

// newAccountRootClient returns a client signing as account's root, with
// an access key created for it.
func newAccountRootClient(t *testing.T, e *env, account string) *s3.Client {
	t.Helper()
	cr := newAuthzUser(t, e, account, "admin-"+account, authzAdmin, "")
	return cr.client(e)
}

// TestBucketPolicy_presignedCarriesSigner: a presigned URL has exactly its
// signer's permissions, which a bucket policy may grant.
func TestBucketPolicy_presignedCarriesSigner(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("v"))
	granted := newAuthzUser(t, e, authzAccount, "granted", "", "")
	other := newAuthzUser(t, e, authzAccount, "other", "", "")
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+granted.arn+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}`)
	presign := func(cr authzCreds) string {
		p, err := s3.NewPresignClient(cr.client(e)).PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		return p.URL
	}
	if code, body := anonGet(t, http.DefaultClient, presign(granted)); code != 200 || body != "v" {
		t.Errorf("URL presigned by the granted user = %d %q", code, body)
	}
	if code, _ := anonGet(t, http.DefaultClient, presign(other)); code != 403 {
		t.Errorf("URL presigned by a user without the grant = %d, want 403", code)
	}
}

// TestPublicAccessBlock_account sets Block Public Access for the account
// through S3 Control's path: it applies to every bucket the account owns,
// the more restrictive of bucket and account winning, and only the
// caller's own account may be named.
func TestPublicAccessBlock_account(t *testing.T) {
	e := newEnv(t)
	openBucket(t, e, e.bucket)
	e.put(t, "k", []byte("v"))
	mustPutPolicy(t, e.s3, e.bucket, publicReadPolicy)
	url := e.srv.URL("/" + e.bucket + "/k")
	if code, _ := anonGet(t, http.DefaultClient, url); code != 200 {
		t.Fatalf("anonymous GET = %d", code)
	}
	const path = "/v20180820/configuration/publicAccessBlock"
	hdr := http.Header{"X-Amz-Account-Id": {authzAccount}}
	if r := signedRaw(t, e.srv, "GET", path, hdr, nil, ""); r.status != 404 || r.code != "NoSuchPublicAccessBlockConfiguration" {
		t.Errorf("GET account block (none) = %d %s", r.status, r.code)
	}
	body := []byte(`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><RestrictPublicBuckets>true</RestrictPublicBuckets><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>`)
	if r := signedRaw(t, e.srv, "PUT", path, hdr, body, ""); r.status != 200 {
		t.Fatalf("PUT account block = %d %s %s", r.status, r.code, r.message)
	}
	r := signedRaw(t, e.srv, "GET", path, hdr, nil, "")
	if r.status != 200 || !strings.Contains(string(r.body), "<RestrictPublicBuckets>true</RestrictPublicBuckets>") ||
		!strings.Contains(string(r.body), "<BlockPublicAcls>false</BlockPublicAcls>") {
		t.Errorf("GET account block = %d %s", r.status, r.body)
	}
	if code, _ := anonGet(t, http.DefaultClient, url); code != 403 {
		t.Errorf("anonymous GET under the account's RestrictPublicBuckets = %d, want 403", code)
	}
	wantCode(t, "PutBucketPolicy under the account's BlockPublicPolicy", putPolicy(t, e.s3, e.bucket, publicReadPolicy), "AccessDenied", 403)
	if r := signedRaw(t, e.srv, "GET", path, http.Header{"X-Amz-Account-Id": {"111122223333"}}, nil, ""); r.status != 403 || r.code != "AccessDenied" {
		t.Errorf("GET another account's block = %d %s", r.status, r.code)
	}
	if r := signedRaw(t, e.srv, "DELETE", path, hdr, nil, ""); r.status != 204 {
		t.Errorf("DELETE account block = %d %s", r.status, r.code)
	}
	if code, _ := anonGet(t, http.DefaultClient, url); code != 200 {
		t.Errorf("anonymous GET after the account block went = %d, want 200", code)
	}
}

// TestPublicAccessBlock_defaultOff: with the operator's default turned
// off, new buckets have no configuration.
func TestPublicAccessBlock_defaultOff(t *testing.T) {
	e := newEnv(t, coffertest.WithConfig(func(c *config.Config) { c.DefaultBlockPublicAccess = false }))
	_, err := e.s3.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantCode(t, "GetPublicAccessBlock", err, "NoSuchPublicAccessBlockConfiguration", 404)
	mustPutPolicy(t, e.s3, e.bucket, publicReadPolicy)
}
