package integration_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
)

// kmsEnv is a server whose clock the test can move, with a KMS client
// signed by the root user.
type kmsEnv struct {
	srv   *coffertest.Server
	kms   *kms.Client
	clock *clock.Fake
}

func newKMSEnv(t *testing.T) *kmsEnv {
	fake := clock.NewFake(time.Now())
	srv := coffertest.Start(t, coffertest.WithClock(fake))
	return &kmsEnv{srv: srv, kms: srv.KMS(), clock: fake}
}

// userClient creates an IAM user with an optional inline policy and
// returns a KMS client signed with its key.
func (e *kmsEnv) userClient(t *testing.T, name, policy string) *kms.Client {
	t.Helper()
	store := e.srv.Identity
	if _, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: name}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: iam.RootAccountID, Kind: iam.EntityUser, Name: name}, "kms", policy); err != nil {
			t.Fatal(err)
		}
	}
	k, secret, err := store.CreateAccessKey(ctx(t), iam.RootAccountID, name)
	if err != nil {
		t.Fatal(err)
	}
	return e.srv.KMS(func(o *kms.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider(k.AccessKeyID, secret, "")
	})
}

// travel runs fn with the server's clock moved by d, then sweeps due
// rotations and deletions and moves the clock back, so that requests the
// SDK signs with the wall clock pass SigV4's skew check again.
func (e *kmsEnv) travel(t *testing.T, d time.Duration) {
	t.Helper()
	now := e.clock.Now()
	e.clock.Set(now.Add(d))
	if err := e.srv.Keys.Sweep(ctx(t)); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(now)
}

// wantKMSCode checks that err is the KMS error code.
func wantKMSCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

func TestKMS_keyAliasEncryptDecrypt(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{Description: aws.String("app key"),
		Tags: []kmstypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("blue")}}})
	if err != nil {
		t.Fatal(err)
	}
	md := created.KeyMetadata
	if md.KeyState != kmstypes.KeyStateEnabled || !md.Enabled || md.KeyManager != kmstypes.KeyManagerTypeCustomer ||
		md.KeySpec != kmstypes.KeySpecSymmetricDefault || md.Origin != kmstypes.OriginTypeAwsKms ||
		!strings.HasPrefix(aws.ToString(md.Arn), "arn:aws:kms:us-east-1:000000000000:key/") || md.CreationDate == nil {
		t.Errorf("CreateKey metadata = %+v", md)
	}
	if _, err := c.CreateAlias(ctx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: md.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAlias(ctx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/aws/mine"), TargetKeyId: md.KeyId})
	wantKMSCode(t, "CreateAlias alias/aws/mine", err, "InvalidAliasNameException")
	_, err = c.CreateAlias(ctx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: md.KeyId})
	wantKMSCode(t, "CreateAlias twice", err, "AlreadyExistsException")
	ec := map[string]string{"department": "10-A", "purpose": "test"}
	enc, err := c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: aws.String("alias/app"), Plaintext: []byte("top secret"), EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(enc.KeyId) != aws.ToString(md.Arn) || enc.EncryptionAlgorithm != kmstypes.EncryptionAlgorithmSpecSymmetricDefault {
		t.Errorf("Encrypt KeyId %s, algorithm %s", aws.ToString(enc.KeyId), enc.EncryptionAlgorithm)
	}
	dec, err := c.Decrypt(ctx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if string(dec.Plaintext) != "top secret" || aws.ToString(dec.KeyId) != aws.ToString(md.Arn) {
		t.Errorf("Decrypt = %q under %s", dec.Plaintext, aws.ToString(dec.KeyId))
	}
	_, err = c.Decrypt(ctx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"department": "10-B", "purpose": "test"}})
	wantKMSCode(t, "Decrypt with another context", err, "InvalidCiphertextException")
	dk, err := c.GenerateDataKey(ctx(t), &kms.GenerateDataKeyInput{KeyId: aws.String("alias/app"), KeySpec: kmstypes.DataKeySpecAes256})
	if err != nil {
		t.Fatal(err)
	}
	if len(dk.Plaintext) != 32 {
		t.Errorf("GenerateDataKey AES_256 gave %d bytes", len(dk.Plaintext))
	}
	_, err = c.GenerateDataKey(ctx(t), &kms.GenerateDataKeyInput{KeyId: aws.String("alias/app")})
	wantKMSCode(t, "GenerateDataKey without a size", err, "ValidationException")
	aliases, err := c.ListAliases(ctx(t), &kms.ListAliasesInput{KeyId: md.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	if len(aliases.Aliases) != 1 || aws.ToString(aliases.Aliases[0].AliasName) != "alias/app" {
		t.Errorf("ListAliases = %+v", aliases.Aliases)
	}
	tags, err := c.ListResourceTags(ctx(t), &kms.ListResourceTagsInput{KeyId: md.KeyId})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].TagKey) != "team" {
		t.Errorf("ListResourceTags = %+v, %v", tags, err)
	}
	_, err = c.DescribeKey(ctx(t), &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
	wantKMSCode(t, "DescribeKey of a missing alias", err, "NotFoundException")
	if _, err := c.DisableKey(ctx(t), &kms.DisableKeyInput{KeyId: md.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: md.KeyId, Plaintext: []byte("x")})
	wantKMSCode(t, "Encrypt under a disabled key", err, "DisabledException")
}

func TestKMS_rotation(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := created.KeyMetadata.KeyId
	var blobs [][]byte
	encrypt := func() {
		out, err := c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: id, Plaintext: []byte("v")})
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, out.CiphertextBlob)
	}
	encrypt()
	_, err = c.EnableKeyRotation(ctx(t), &kms.EnableKeyRotationInput{KeyId: id, RotationPeriodInDays: aws.Int32(30)})
	wantKMSCode(t, "EnableKeyRotation 30 days", err, "ValidationException")
	if _, err := c.EnableKeyRotation(ctx(t), &kms.EnableKeyRotationInput{KeyId: id, RotationPeriodInDays: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	st, err := c.GetKeyRotationStatus(ctx(t), &kms.GetKeyRotationStatusInput{KeyId: id})
	if err != nil {
		t.Fatal(err)
	}
	if !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 90 || st.NextRotationDate == nil {
		t.Errorf("GetKeyRotationStatus = %+v", st)
	}
	if _, err := c.RotateKeyOnDemand(ctx(t), &kms.RotateKeyOnDemandInput{KeyId: id}); err != nil {
		t.Fatal(err)
	}
	encrypt()
	e.travel(t, 91*24*time.Hour)
	encrypt()
	rots, err := c.ListKeyRotations(ctx(t), &kms.ListKeyRotationsInput{KeyId: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(rots.Rotations) != 2 || rots.Rotations[0].RotationType != kmstypes.RotationTypeOnDemand ||
		rots.Rotations[1].RotationType != kmstypes.RotationTypeAutomatic {
		t.Errorf("ListKeyRotations = %+v", rots.Rotations)
	}
	for i, b := range blobs {
		if _, err := c.Decrypt(ctx(t), &kms.DecryptInput{CiphertextBlob: b}); err != nil {
			t.Errorf("Decrypt of ciphertext %d after rotations: %v", i, err)
		}
	}
}

func TestKMS_policies(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := created.KeyMetadata.KeyId
	nobody := e.userClient(t, "nobody", "")
	_, err = nobody.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.Arn, Plaintext: []byte("x")})
	wantKMSCode(t, "Encrypt by a user without permission", err, "AccessDeniedException")
	allowed := e.userClient(t, "allowed", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`)
	if _, err := allowed.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.Arn, Plaintext: []byte("x")}); err != nil {
		t.Errorf("Encrypt by a user IAM allows, under the default key policy: %v", err)
	}
	pol, err := c.GetKeyPolicy(ctx(t), &kms.GetKeyPolicyInput{KeyId: id, PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"arn:aws:iam::000000000000:root"`) {
		t.Errorf("GetKeyPolicy = %v, %v", aws.ToString(pol.Policy), err)
	}
	deny := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},
	  {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/allowed"},"Action":"kms:Encrypt","Resource":"*"}]}`
	if _, err := c.PutKeyPolicy(ctx(t), &kms.PutKeyPolicyInput{KeyId: id, PolicyName: aws.String("default"), Policy: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	_, err = allowed.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.Arn, Plaintext: []byte("x")})
	wantKMSCode(t, "Encrypt denied by the key policy", err, "AccessDeniedException")
	_, err = c.PutKeyPolicy(ctx(t), &kms.PutKeyPolicyInput{KeyId: id, PolicyName: aws.String("default"), Policy: aws.String("{")})
	wantKMSCode(t, "PutKeyPolicy not JSON", err, "MalformedPolicyDocumentException")
	grant, err := c.CreateGrant(ctx(t), &kms.CreateGrantInput{KeyId: id, GranteePrincipal: aws.String("arn:aws:iam::000000000000:user/nobody"),
		Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationEncrypt}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nobody.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.Arn, Plaintext: []byte("x")}); err != nil {
		t.Errorf("Encrypt under a grant: %v", err)
	}
	if _, err := c.RevokeGrant(ctx(t), &kms.RevokeGrantInput{KeyId: id, GrantId: grant.GrantId}); err != nil {
		t.Fatal(err)
	}
	_, err = nobody.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.Arn, Plaintext: []byte("x")})
	wantKMSCode(t, "Encrypt after the grant is revoked", err, "AccessDeniedException")
}

func TestKMS_scheduleDeletion(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := created.KeyMetadata.KeyId
	_, err = c.ScheduleKeyDeletion(ctx(t), &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: aws.Int32(6)})
	wantKMSCode(t, "ScheduleKeyDeletion 6 days", err, "ValidationException")
	out, err := c.ScheduleKeyDeletion(ctx(t), &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	if out.KeyState != kmstypes.KeyStatePendingDeletion || aws.ToInt32(out.PendingWindowInDays) != 7 || out.DeletionDate == nil {
		t.Errorf("ScheduleKeyDeletion = %+v", out)
	}
	_, err = c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: id, Plaintext: []byte("x")})
	wantKMSCode(t, "Encrypt under a key pending deletion", err, "KMSInvalidStateException")
	e.travel(t, 6*24*time.Hour)
	if _, err := c.DescribeKey(ctx(t), &kms.DescribeKeyInput{KeyId: id}); err != nil {
		t.Errorf("DescribeKey a day before deletion: %v", err)
	}
	e.travel(t, 7*24*time.Hour)
	_, err = c.DescribeKey(ctx(t), &kms.DescribeKeyInput{KeyId: id})
	wantKMSCode(t, "DescribeKey after deletion", err, "NotFoundException")
}

func TestKMS_wireErrorsAndAudit(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	if _, err := c.GenerateRandom(ctx(t), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(2000)}); err == nil {
		t.Error("GenerateRandom 2000 bytes succeeded")
	} else {
		wantKMSCode(t, "GenerateRandom 2000 bytes", err, "ValidationException")
	}
	_, err := c.Sign(ctx(t), &kms.SignInput{KeyId: aws.String("alias/x"), Message: []byte("m"), SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	wantKMSCode(t, "Sign", err, "UnsupportedOperationException")
	stranger := e.srv.KMS(func(o *kms.Options) {
		o.Credentials = awscreds.NewStaticCredentialsProvider("AKIANOTAKEYNOTAKEY00", "secret", "")
	})
	_, err = stranger.ListKeys(ctx(t), &kms.ListKeysInput{})
	wantKMSCode(t, "ListKeys with an unknown key", err, "UnrecognizedClientException")
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: created.KeyMetadata.KeyId, Plaintext: []byte("AUDIT-PLAINTEXT-MARKER")}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(e.srv.KMSAuditLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "AUDIT-PLAINTEXT-MARKER") || strings.Contains(sc.Text(), "QVVESVQtUExBSU5URVhU") {
			t.Error("the audit log holds plaintext")
		}
		var ev struct {
			EventName, EventSource, ErrorCode, SourceIPAddress string
			UserIdentity                                       struct{ Type, AccessKeyID string }
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if ev.EventSource != "kms.amazonaws.com" || ev.SourceIPAddress != "127.0.0.1" || ev.UserIdentity.Type != "Root" {
			t.Errorf("audit record %s", sc.Text())
		}
		names = append(names, ev.EventName+"/"+ev.ErrorCode)
	}
	want := "GenerateRandom/ValidationException CreateKey/ Encrypt/"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("audit events %q, want %q", got, want)
	}
}

func TestKMS_hmac(t *testing.T) {
	e := newKMSEnv(t)
	c := e.kms
	created, err := c.CreateKey(ctx(t), &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256, KeyUsage: kmstypes.KeyUsageTypeGenerateVerifyMac})
	if err != nil {
		t.Fatal(err)
	}
	md := created.KeyMetadata
	if len(md.MacAlgorithms) != 1 || md.MacAlgorithms[0] != kmstypes.MacAlgorithmSpecHmacSha256 || len(md.EncryptionAlgorithms) != 0 {
		t.Errorf("HMAC key metadata = %+v", md)
	}
	msg := []byte("authenticate me")
	mac, err := c.GenerateMac(ctx(t), &kms.GenerateMacInput{KeyId: md.KeyId, Message: msg, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha256})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.VerifyMac(ctx(t), &kms.VerifyMacInput{KeyId: md.KeyId, Message: msg, Mac: mac.Mac, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha256})
	if err != nil || !v.MacValid {
		t.Errorf("VerifyMac = %+v, %v", v, err)
	}
	_, err = c.VerifyMac(ctx(t), &kms.VerifyMacInput{KeyId: md.KeyId, Message: []byte("other"), Mac: mac.Mac, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha256})
	wantKMSCode(t, "VerifyMac of another message", err, "KMSInvalidMacException")
	_, err = c.Encrypt(ctx(t), &kms.EncryptInput{KeyId: md.KeyId, Plaintext: msg})
	wantKMSCode(t, "Encrypt under an HMAC key", err, "InvalidKeyUsageException")
}
