package integration_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/kmsfake"
)

// fakeKMSEnv is an env whose server has the fake key service.
func fakeKMSEnv(t *testing.T, opts ...coffertest.Option) (*env, *kmsfake.Service) {
	t.Helper()
	ks := kmsfake.New(iam.RootAccountID, "us-east-1")
	return newEnv(t, append(opts, coffertest.WithKeyService(ks))...), ks
}

// TestSSEKMS_putGetHead: an SSE-KMS object written with a key alias and
// an encryption context reads back whole and in ranges; every answer
// names the key by its ARN, the write echoes the context.
func TestSSEKMS_putGetHead(t *testing.T) {
	e, ks := fakeKMSEnv(t)
	arn := ks.ARN(ks.CreateKey("alias/app"))
	body := randBytes(t, 200<<10)
	ectx := base64.StdEncoding.EncodeToString([]byte(`{"project":"coffer"}`))
	out, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		Body: bytes.NewReader(body), ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId: aws.String("alias/app"), SSEKMSEncryptionContext: aws.String(ectx)})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != arn ||
		aws.ToString(out.SSEKMSEncryptionContext) != ectx || aws.ToBool(out.BucketKeyEnabled) {
		t.Errorf("PutObject = %s %q %q %v", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId), aws.ToString(out.SSEKMSEncryptionContext), aws.ToBool(out.BucketKeyEnabled))
	}
	if got := e.getBody(t, "k"); !bytes.Equal(got, body) {
		t.Fatal("GetObject returned other bytes")
	}
	got, err := getRange(e, "k", 70000, 140000)
	if err != nil || !bytes.Equal(got, body[70000:140000]) {
		t.Errorf("ranged GetObject: %v", err)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if head.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(head.SSEKMSKeyId) != arn {
		t.Errorf("HeadObject = %s %q", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId))
	}
	// No key id: the account's aws/s3 key.
	out = e.put(t, "default", []byte("x"), func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAwsKms })
	if want := ks.ARN(ks.AliasKeyID("alias/aws/s3")); aws.ToString(out.SSEKMSKeyId) != want {
		t.Errorf("default key = %q, want %q", aws.ToString(out.SSEKMSKeyId), want)
	}
	_, err = e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("x"), Body: bytes.NewReader(nil),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/missing")})
	wantCode(t, "PutObject with an unknown key", err, "KMS.NotFoundException", 400)
}

// TestSSEKMS_multipartAndCopy: a multipart upload's answers name the key
// at every step; copies move objects between SSE-S3 and SSE-KMS both
// ways.
func TestSSEKMS_multipartAndCopy(t *testing.T) {
	e, ks := fakeKMSEnv(t, coffertest.WithMinPartSize(5))
	arn := ks.ARN(ks.CreateKey("alias/app"))
	c := e.s3
	up, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/app")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	if up.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(up.SSEKMSKeyId) != arn {
		t.Errorf("CreateMultipartUpload = %s %q", up.ServerSideEncryption, aws.ToString(up.SSEKMSKeyId))
	}
	parts := [][]byte{randBytes(t, 70000), randBytes(t, 1000)}
	var done []types.CompletedPart
	for i, p := range parts {
		out, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("UploadPart: %v", err)
		}
		if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != arn {
			t.Errorf("UploadPart = %s %q", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	comp, err := c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if comp.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(comp.SSEKMSKeyId) != arn {
		t.Errorf("CompleteMultipartUpload = %s %q", comp.ServerSideEncryption, aws.ToString(comp.SSEKMSKeyId))
	}
	whole := append(append([]byte{}, parts[0]...), parts[1]...)
	if got := e.getBody(t, "mp"); !bytes.Equal(got, whole) {
		t.Fatal("multipart object reads other bytes")
	}
	if got, err := getRange(e, "mp", 69990, 70010); err != nil || !bytes.Equal(got, whole[69990:70010]) {
		t.Errorf("range across parts: %v", err)
	}

	e.put(t, "plain", []byte("sse-s3 bytes"))
	cp, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("to-kms"),
		CopySource: aws.String(e.bucket + "/plain"), ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(arn)})
	if err != nil {
		t.Fatalf("CopyObject to SSE-KMS: %v", err)
	}
	if cp.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(cp.SSEKMSKeyId) != arn {
		t.Errorf("CopyObject = %s %q", cp.ServerSideEncryption, aws.ToString(cp.SSEKMSKeyId))
	}
	cp, err = c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("back"),
		CopySource: aws.String(e.bucket + "/to-kms"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatalf("CopyObject to SSE-S3: %v", err)
	}
	if cp.ServerSideEncryption != types.ServerSideEncryptionAes256 || cp.SSEKMSKeyId != nil {
		t.Errorf("CopyObject back = %s %q", cp.ServerSideEncryption, aws.ToString(cp.SSEKMSKeyId))
	}
	if got := e.getBody(t, "back"); string(got) != "sse-s3 bytes" {
		t.Errorf("round trip = %q", got)
	}
	// In place, to change the encryption.
	if _, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"),
		CopySource: aws.String(e.bucket + "/plain"), ServerSideEncryption: types.ServerSideEncryptionAwsKms}); err != nil {
		t.Fatalf("CopyObject in place to SSE-KMS: %v", err)
	}
}

// TestSSEKMS_bucketDefaultWithBucketKey: a bucket default of aws:kms with
// a bucket key encrypts uploads that name no encryption, with one
// GenerateDataKey for many objects.
func TestSSEKMS_bucketDefaultWithBucketKey(t *testing.T) {
	e, ks := fakeKMSEnv(t)
	id := ks.CreateKey("alias/bucket")
	rule := sseRule(types.ServerSideEncryptionAwsKms, true)
	rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String("alias/bucket")
	if err := e.putBucketEncryption(t, rule); err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}
	got, err := e.bucketEncryption(t)
	if err != nil || got.ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms ||
		aws.ToString(got.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "alias/bucket" || !aws.ToBool(got.BucketKeyEnabled) {
		t.Fatalf("GetBucketEncryption = %+v, %v", got, err)
	}
	before := ks.Calls("GenerateDataKey")
	for _, k := range []string{"a", "b", "c"} {
		out := e.put(t, k, []byte(k))
		if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != ks.ARN(id) || !aws.ToBool(out.BucketKeyEnabled) {
			t.Errorf("PutObject(%s) = %s %q %v", k, out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId), aws.ToBool(out.BucketKeyEnabled))
		}
	}
	if n := ks.Calls("GenerateDataKey") - before; n != 1 {
		t.Errorf("GenerateDataKey calls for 3 puts = %d, want 1", n)
	}
	obj, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("b")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(b) != "b" || !aws.ToBool(obj.BucketKeyEnabled) || obj.ServerSideEncryption != types.ServerSideEncryptionAwsKms {
		t.Errorf("GetObject = %q %v %s", b, aws.ToBool(obj.BucketKeyEnabled), obj.ServerSideEncryption)
	}
}

// TestSSEKMS_accessAndKeyState: a user S3 lets read an object but the key
// service does not let decrypt is refused AccessDenied (HEAD needs no
// kms:Decrypt); a disabled key refuses reads with S3's KMS error until it
// is enabled again.
func TestSSEKMS_accessAndKeyState(t *testing.T) {
	e, ks := fakeKMSEnv(t)
	id := ks.CreateKey("alias/app")
	e.put(t, "k", []byte("secret"), func(in *s3.PutObjectInput) {
		in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String("alias/app")
	})
	alice, _ := newIAMUser(t, e, "alice")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + e.bucket + `/*"}]}`
	if _, err := e.srv.IAM().PutUserPolicy(ctx(t), &awsiam.PutUserPolicyInput{UserName: aws.String("alice"),
		PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("PutUserPolicy: %v", err)
	}
	ks.SetAuthorizer(func(c kms.Caller, action, _ string) bool {
		return c.Principal.Root && c.ViaService == "s3.us-east-1.amazonaws.com"
	})
	_, err := alice.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject without kms:Decrypt", err, "AccessDenied", 403)
	if _, err := alice.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err != nil {
		t.Errorf("HeadObject without kms:Decrypt: %v", err)
	}
	if got := e.getBody(t, "k"); string(got) != "secret" {
		t.Fatalf("root read %q", got)
	}
	ks.SetState(id, kmsfake.Disabled)
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject, key disabled", err, "KMS.DisabledException", 400)
	ks.SetState(id, kmsfake.Enabled)
	if got := e.getBody(t, "k"); string(got) != "secret" {
		t.Fatalf("read after enabling = %q", got)
	}
}

// TestSSEKMS_serverKeyService: the server's own key service (coffer's
// KMS) serves SSE-KMS: without a key id the object is under the
// account's AWS-managed aws/s3 key, which the KMS API then lists; a
// customer key named by alias works, disabling it through the KMS API
// stops reads with S3's KMS.DisabledException and enabling it restores
// them.
func TestSSEKMS_serverKeyService(t *testing.T) {
	e := newEnv(t)
	kc := e.srv.KMS()
	out := e.put(t, "managed", []byte("managed"), func(in *s3.PutObjectInput) {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
	})
	if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms {
		t.Fatalf("PutObject encryption = %q", out.ServerSideEncryption)
	}
	managed, err := kc.DescribeKey(ctx(t), &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil {
		t.Fatalf("DescribeKey alias/aws/s3: %v", err)
	}
	if aws.ToString(out.SSEKMSKeyId) != aws.ToString(managed.KeyMetadata.Arn) || managed.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
		t.Errorf("object key %q, aws/s3 key %q (%s)", aws.ToString(out.SSEKMSKeyId), aws.ToString(managed.KeyMetadata.Arn), managed.KeyMetadata.KeyManager)
	}
	if got := e.getBody(t, "managed"); string(got) != "managed" {
		t.Fatalf("GetObject = %q", got)
	}

	ck, err := kc.CreateKey(ctx(t), &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyID := ck.KeyMetadata.KeyId
	if _, err := kc.CreateAlias(ctx(t), &awskms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: keyID}); err != nil {
		t.Fatal(err)
	}
	out = e.put(t, "k", []byte("secret"), func(in *s3.PutObjectInput) {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String("alias/app")
	})
	if aws.ToString(out.SSEKMSKeyId) != aws.ToString(ck.KeyMetadata.Arn) {
		t.Errorf("PutObject key = %q, want %q", aws.ToString(out.SSEKMSKeyId), aws.ToString(ck.KeyMetadata.Arn))
	}
	if _, err := kc.DisableKey(ctx(t), &awskms.DisableKeyInput{KeyId: keyID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject, key disabled", err, "KMS.DisabledException", 400)
	if _, err := kc.EnableKey(ctx(t), &awskms.EnableKeyInput{KeyId: keyID}); err != nil {
		t.Fatal(err)
	}
	if got := e.getBody(t, "k"); string(got) != "secret" {
		t.Fatalf("read after enabling = %q", got)
	}
}
