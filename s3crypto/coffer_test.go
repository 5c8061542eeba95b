package s3crypto_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/s3crypto"
)

// setup starts a coffer with a bucket and a KMS key behind alias/cse.
func setup(t *testing.T, bucket string) (*coffertest.Server, *s3crypto.Client, string) {
	t.Helper()
	ctx := context.Background()
	srv := coffertest.Start(t)
	k, err := srv.KMS().CreateKey(ctx, &awskms.CreateKeyInput{Description: aws.String("cse")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.KMS().CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/cse"), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	c, err := s3crypto.New(srv.S3(), srv.KMS(), s3crypto.Options{KeyID: "alias/cse", EncryptionContext: map[string]string{"app": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, aws.ToString(k.KeyMetadata.KeyId)
}

func TestCoffer_roundTrip(t *testing.T) {
	ctx := context.Background()
	srv, c, _ := setup(t, "cse-round-trip")
	plain := make([]byte, 1<<20+3)
	rand.Read(plain)
	in := &s3.PutObjectInput{Bucket: aws.String("cse-round-trip"), Key: aws.String("obj"), Body: bytes.NewReader(plain),
		ContentType: aws.String("application/x-test"), Metadata: map[string]string{"owner": "me"}}
	if _, err := c.PutObject(ctx, in); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: in.Bucket, Key: in.Key})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	if !bytes.Equal(got, plain) || aws.ToInt64(out.ContentLength) != int64(len(plain)) || out.Metadata["owner"] != "me" {
		t.Fatalf("GetObject returned %d bytes (ContentLength %d, owner %q), want the %d put", len(got), aws.ToInt64(out.ContentLength), out.Metadata["owner"], len(plain))
	}

	// What the server holds: ciphertext plus tag, the envelope as metadata.
	raw, err := srv.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: in.Bucket, Key: in.Key})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(raw.Body)
	if len(stored) != len(plain)+16 || bytes.Contains(stored, plain[:64]) {
		t.Fatalf("server holds %d bytes, want %d of ciphertext", len(stored), len(plain)+16)
	}
	var ctxJSON map[string]string
	if err := json.Unmarshal([]byte(raw.Metadata["x-amz-matdesc"]), &ctxJSON); err != nil || ctxJSON["aws:x-amz-cek-alg"] != "AES/GCM/NoPadding" || ctxJSON["app"] != "test" {
		t.Fatalf("x-amz-matdesc = %q (%v)", raw.Metadata["x-amz-matdesc"], err)
	}
	for k, want := range map[string]string{"x-amz-wrap-alg": "kms+context", "x-amz-cek-alg": "AES/GCM/NoPadding", "x-amz-tag-len": "128", "x-amz-unencrypted-content-length": "1048579"} {
		if raw.Metadata[k] != want {
			t.Errorf("metadata %s = %q, want %q", k, raw.Metadata[k], want)
		}
	}

	// The server's copy, one byte flipped, with the same envelope.
	stored[100] ^= 0x80
	if _, err := srv.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: in.Bucket, Key: aws.String("tampered"), Body: bytes.NewReader(stored), Metadata: raw.Metadata}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: in.Bucket, Key: aws.String("tampered")}); !errors.Is(err, s3crypto.ErrAuthentication) {
		t.Fatalf("GetObject of a tampered object = %v, %v; want ErrAuthentication", out, err)
	}
}

func TestCoffer_instructionFileAndRefusals(t *testing.T) {
	ctx := context.Background()
	srv, c, keyID := setup(t, "cse-instr")
	b := aws.String("cse-instr")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: strings.NewReader("instruction file body")}); err != nil {
		t.Fatal(err)
	}
	raw, err := srv.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("src")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(raw.Body)
	inst, _ := json.Marshal(raw.Metadata)
	// The same ciphertext without metadata, its envelope in KEY.instruction.
	for key, data := range map[string][]byte{"moved": body, "moved.instruction": inst} {
		if _, err := srv.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("moved")})
	if err != nil {
		t.Fatalf("GetObject with an instruction file: %v", err)
	}
	if got, _ := io.ReadAll(out.Body); string(got) != "instruction file body" {
		t.Fatalf("GetObject with an instruction file = %q", got)
	}

	if _, err := srv.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("plain"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("plain")}); !errors.Is(err, s3crypto.ErrNotEncrypted) {
		t.Fatalf("GetObject of a plaintext object = %v, want ErrNotEncrypted", err)
	}

	// A disabled key: KMS refuses, and its error type comes through.
	if _, err := srv.KMS().DisableKey(ctx, &awskms.DisableKeyInput{KeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	var disabled *kmstypes.DisabledException
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("src")}); !errors.As(err, &disabled) {
		t.Fatalf("GetObject under a disabled key = %v, want DisabledException", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("new"), Body: strings.NewReader("x")}); !errors.As(err, &disabled) {
		t.Fatalf("PutObject under a disabled key = %v, want DisabledException", err)
	}
}
