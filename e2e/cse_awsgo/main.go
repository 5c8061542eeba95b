// Command cse_awsgo checks client-side encryption interoperability between
// coffer's s3crypto package and the AWS SDK for Go v1's own S3 Encryption
// Client (s3crypto.EncryptionClientV2 and DecryptionClientV2, kms+context
// wrapping, AES/GCM/NoPadding content): each reads what the other writes,
// byte for byte, and AWS's client refuses an object of coffer's with one
// ciphertext byte flipped.
//
// It is its own module, so that the deprecated v1 SDK never enters
// coffer's dependencies. e2e/awscli.sh runs it when it builds from the
// module cache without a network.
//
// Usage: cse_awsgo ENDPOINT BUCKET KMS_KEY (credentials from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"

	v1aws "github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	v1kms "github.com/aws/aws-sdk-go/service/kms"
	v1s3 "github.com/aws/aws-sdk-go/service/s3"
	awscrypto "github.com/aws/aws-sdk-go/service/s3/s3crypto"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/s3crypto"
)

var failures int

func check(ok bool, what string, err error) {
	if ok {
		fmt.Printf("[cse-awsgo] ok: %s\n", what)
		return
	}
	failures++
	fmt.Fprintf(os.Stderr, "[cse-awsgo] FAIL: %s (%v)\n", what, err)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: cse_awsgo ENDPOINT BUCKET KMS_KEY")
		os.Exit(2)
	}
	ep, bucket, keyID := os.Args[1], os.Args[2], os.Args[3]
	ak, sk := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	sess, err := session.NewSession(&v1aws.Config{Endpoint: v1aws.String(ep), Region: v1aws.String("us-east-1"),
		S3ForcePathStyle: v1aws.Bool(true), Credentials: credentials.NewStaticCredentials(ak, sk, "")})
	must(err)
	kmsV1, s3V1 := v1kms.New(sess), v1s3.New(sess)
	reg := awscrypto.NewCryptoRegistry()
	must(awscrypto.RegisterAESGCMContentCipher(reg))
	must(awscrypto.RegisterKMSContextWrapWithAnyCMK(reg, kmsV1))
	awsDec, err := awscrypto.NewDecryptionClientV2(sess, reg)
	must(err)
	gen := awscrypto.NewKMSContextKeyGenerator(kmsV1, keyID, awscrypto.MaterialDescription{})
	awsEnc, err := awscrypto.NewEncryptionClientV2(sess, awscrypto.AESGCMContentCipherBuilderV2(gen))
	must(err)

	creds := awscreds.NewStaticCredentialsProvider(ak, sk, "")
	ours, err := s3crypto.New(
		s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), UsePathStyle: true, Credentials: creds}),
		kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), Credentials: creds}),
		s3crypto.Options{KeyID: keyID})
	must(err)
	ctx := context.Background()
	_, err = s3V1.CreateBucket(&v1s3.CreateBucketInput{Bucket: v1aws.String(bucket)})
	must(err)
	plain := make([]byte, 3<<20+5)
	_, _ = rand.Read(plain)

	// coffer writes, AWS's client reads.
	_, err = ours.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("by-coffer"), Body: bytes.NewReader(plain)})
	must(err)
	got, err := awsRead(awsDec, bucket, "by-coffer")
	check(err == nil && bytes.Equal(got, plain), "AWS's DecryptionClientV2 reads coffer's object byte for byte", err)

	// AWS's client writes, coffer reads.
	_, err = awsEnc.PutObject(&v1s3.PutObjectInput{Bucket: &bucket, Key: v1aws.String("by-aws"), Body: bytes.NewReader(plain)})
	must(err)
	out, err := ours.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("by-aws")})
	if err == nil {
		got, err = io.ReadAll(out.Body)
	}
	check(err == nil && bytes.Equal(got, plain), "coffer reads EncryptionClientV2's object byte for byte", err)

	// One flipped ciphertext byte in coffer's object: AWS's client refuses.
	raw, err := s3V1.GetObject(&v1s3.GetObjectInput{Bucket: &bucket, Key: v1aws.String("by-coffer")})
	must(err)
	body, err := io.ReadAll(raw.Body)
	must(err)
	body[len(body)/2] ^= 1
	_, err = s3V1.PutObject(&v1s3.PutObjectInput{Bucket: &bucket, Key: v1aws.String("by-coffer"), Body: bytes.NewReader(body), Metadata: raw.Metadata})
	must(err)
	got, err = awsRead(awsDec, bucket, "by-coffer")
	check(err != nil && !bytes.Equal(got, plain), "AWS's DecryptionClientV2 refuses coffer's object with a flipped byte", err)

	for _, k := range []string{"by-coffer", "by-aws"} {
		_, err = s3V1.DeleteObject(&v1s3.DeleteObjectInput{Bucket: &bucket, Key: v1aws.String(k)})
		must(err)
	}
	_, err = s3V1.DeleteBucket(&v1s3.DeleteBucketInput{Bucket: &bucket})
	must(err)
	if failures > 0 {
		os.Exit(1)
	}
}

func awsRead(dec *awscrypto.DecryptionClientV2, bucket, key string) ([]byte, error) {
	out, err := dec.GetObject(&v1s3.GetObjectInput{Bucket: &bucket, Key: v1aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func must(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "[cse-awsgo] %v\n", err)
		os.Exit(1)
	}
}
