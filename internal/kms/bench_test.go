package kms

import (
	"context"
	"testing"
)

// BenchmarkGenerateDataKey measures the S3 side's per-object call: key
// lookup, authorization (key policy and IAM), unsealing the material and
// sealing a fresh data key.
func BenchmarkGenerateDataKey(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	md := e.createKey(b, "")
	req := DataKeyRequest{Caller: e.root, KeyID: md.KeyID, EncryptionContext: map[string]string{"aws:s3:arn": "arn:aws:s3:::b/k"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.s.GenerateDataKey(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecrypt measures Decrypt of a data key.
func BenchmarkDecrypt(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	md := e.createKey(b, "")
	ec := map[string]string{"aws:s3:arn": "arn:aws:s3:::b/k"}
	dk, err := e.s.GenerateDataKey(ctx, DataKeyRequest{Caller: e.root, KeyID: md.KeyID, EncryptionContext: ec})
	must(b, err)
	req := DecryptRequest{Caller: e.root, CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.s.Decrypt(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
