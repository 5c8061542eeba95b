package integration_test

import (
	"crypto/md5"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func (e *env) bucketEncryption(t *testing.T) (*types.ServerSideEncryptionRule, error) {
	t.Helper()
	out, err := e.s3.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: aws.String(e.bucket)})
	if err != nil {
		return nil, err
	}
	if n := len(out.ServerSideEncryptionConfiguration.Rules); n != 1 {
		t.Fatalf("GetBucketEncryption: %d rules, want 1", n)
	}
	return &out.ServerSideEncryptionConfiguration.Rules[0], nil
}

func (e *env) putBucketEncryption(t *testing.T, rule types.ServerSideEncryptionRule) error {
	t.Helper()
	_, err := e.s3.PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: aws.String(e.bucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}})
	return err
}

var ruleCmp = cmpopts.IgnoreUnexported(types.ServerSideEncryptionRule{}, types.ServerSideEncryptionByDefault{}, types.BlockedEncryptionTypes{})

func sseRule(alg types.ServerSideEncryption, bucketKey bool, blocked ...types.EncryptionType) types.ServerSideEncryptionRule {
	r := types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: alg},
		BucketKeyEnabled:                   aws.Bool(bucketKey),
	}
	if blocked != nil {
		r.BlockedEncryptionTypes = &types.BlockedEncryptionTypes{EncryptionType: blocked}
	}
	return r
}

// TestBucketEncryption_putGetDelete: every bucket reports SSE-S3 with
// SSE-C blocked; a stored configuration round-trips; delete resets it.
func TestBucketEncryption_putGetDelete(t *testing.T) {
	e := newEnv(t)
	def := sseRule(types.ServerSideEncryptionAes256, false, types.EncryptionTypeSseC)
	check := func(what string, want types.ServerSideEncryptionRule) {
		t.Helper()
		got, err := e.bucketEncryption(t)
		if err != nil {
			t.Fatalf("GetBucketEncryption (%s): %v", what, err)
		}
		if diff := cmp.Diff(want, *got, ruleCmp); diff != "" {
			t.Errorf("GetBucketEncryption (%s) (-want +got):\n%s", what, diff)
		}
	}
	check("new bucket", def)

	unblocked := sseRule(types.ServerSideEncryptionAes256, true, types.EncryptionTypeNone)
	if err := e.putBucketEncryption(t, unblocked); err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}
	check("after put", unblocked)

	// SSE-KMS defaults are served by coffer's own key service.
	kmsRule := sseRule(types.ServerSideEncryptionAwsKms, true, types.EncryptionTypeNone)
	if err := e.putBucketEncryption(t, kmsRule); err != nil {
		t.Fatalf("PutBucketEncryption(aws:kms): %v", err)
	}
	check("after aws:kms put", kmsRule)
	if err := e.putBucketEncryption(t, unblocked); err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}

	// Refused configurations change nothing.
	err := e.putBucketEncryption(t, sseRule(types.ServerSideEncryptionAwsKmsDsse, false))
	wantCode(t, "PutBucketEncryption(aws:kms:dsse)", err, "NotImplemented", 501)
	withKey := sseRule(types.ServerSideEncryptionAes256, false)
	withKey.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String("arn:aws:kms:us-east-1:111122223333:key/k")
	err = e.putBucketEncryption(t, withKey)
	wantCode(t, "PutBucketEncryption(AES256 with a KMS key)", err, "InvalidArgument", 400)
	err = e.putBucketEncryption(t, sseRule(types.ServerSideEncryptionAes256, false, types.EncryptionTypeNone, types.EncryptionTypeSseC))
	wantCode(t, "PutBucketEncryption(NONE and SSE-C)", err, "InvalidArgument", 400)
	check("after refused puts", unblocked)

	if _, err := e.s3.DeleteBucketEncryption(ctx(t), &s3.DeleteBucketEncryptionInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatalf("DeleteBucketEncryption: %v", err)
	}
	check("after delete", def)

	_, err = e.s3.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: aws.String("no-such-bucket-enc")})
	wantCode(t, "GetBucketEncryption(no bucket)", err, "NoSuchBucket", 404)
}

// TestBucketEncryption_blocksSSEC: uploads naming SSE-C are refused 403
// AccessDenied while the bucket blocks SSE-C (the default), and accepted
// once it is unblocked.
func TestBucketEncryption_blocksSSEC(t *testing.T) {
	e := newEnv(t, insecureSSEC)
	key := strings.Repeat("k", 32)
	sum := md5.Sum([]byte(key))
	withSSEC := func(o *s3.PutObjectInput) {
		o.SSECustomerAlgorithm = aws.String("AES256")
		o.SSECustomerKey = aws.String(b64([]byte(key)))
		o.SSECustomerKeyMD5 = aws.String(b64(sum[:]))
	}
	put := func() error {
		in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("secret"), Body: strings.NewReader("x")}
		withSSEC(in)
		_, err := e.s3.PutObject(ctx(t), in)
		return err
	}
	create := func() error {
		_, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("secret"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(b64([]byte(key))), SSECustomerKeyMD5: aws.String(b64(sum[:]))})
		return err
	}
	wantCode(t, "PutObject(SSE-C, blocked)", put(), "AccessDenied", 403)
	wantCode(t, "CreateMultipartUpload(SSE-C, blocked)", create(), "AccessDenied", 403)
	e.put(t, "plain", []byte("x")) // uploads without SSE-C are untouched

	if err := e.putBucketEncryption(t, sseRule(types.ServerSideEncryptionAes256, false, types.EncryptionTypeNone)); err != nil {
		t.Fatalf("PutBucketEncryption(NONE): %v", err)
	}
	if err := put(); err != nil {
		t.Fatalf("PutObject(SSE-C, unblocked): %v", err)
	}
	if err := create(); err != nil {
		t.Fatalf("CreateMultipartUpload(SSE-C, unblocked): %v", err)
	}

	// A Put that does not name BlockedEncryptionTypes keeps the bucket's.
	if err := e.putBucketEncryption(t, sseRule(types.ServerSideEncryptionAes256, false)); err != nil {
		t.Fatalf("PutBucketEncryption(no list): %v", err)
	}
	if err := put(); err != nil {
		t.Fatalf("PutObject(SSE-C, still unblocked): %v", err)
	}
}

// TestPolicy_requireSSES3: the policy AWS documents for "require SSE-S3"
// (deny s3:PutObject when s3:x-amz-server-side-encryption is not AES256)
// refuses an upload without the header and lets one with it through
// authorization; what happens after is the upload path's business.
func TestPolicy_requireSSES3(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	alice, _ := newIAMUser(t, e, "alice")
	doc := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/*"},` +
		`{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/*",` +
		`"Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`
	if _, err := admin.PutUserPolicy(ctx(t), &awsiam.PutUserPolicyInput{UserName: aws.String("alice"),
		PolicyName: aws.String("require-sse-s3"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("PutUserPolicy: %v", err)
	}
	wantCode(t, "PutObject without SSE", e.putAs(t, alice, "a"), "AccessDenied", 403)
	_, err := alice.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("a"),
		Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if code(err) == "AccessDenied" {
		t.Errorf("PutObject with x-amz-server-side-encryption: AES256 denied: %v", err)
	}
	_, err = alice.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("a"),
		Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	wantCode(t, "PutObject with aws:kms", err, "AccessDenied", 403)
}
