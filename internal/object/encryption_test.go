package object

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBucketEncryptionValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     BucketEncryption
		want    error
		message string
	}{
		{name: "aes256", cfg: BucketEncryption{SSEAlgorithm: "AES256"}},
		{name: "aes256 bucket key", cfg: BucketEncryption{SSEAlgorithm: "AES256", BucketKeyEnabled: true}},
		{name: "block sse-c", cfg: BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{"SSE-C"}}},
		{name: "none", cfg: BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{"NONE"}}},
		{name: "kms", cfg: BucketEncryption{SSEAlgorithm: "aws:kms"}, want: ErrKMSNotAvailable},
		{name: "kms key", cfg: BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: "arn:aws:kms:us-east-1:1:key/k"}, want: ErrKMSNotAvailable},
		{name: "dsse", cfg: BucketEncryption{SSEAlgorithm: "aws:kms:dsse"}, want: ErrKMSNotAvailable},
		{name: "unknown algorithm", cfg: BucketEncryption{SSEAlgorithm: "aes256"}, want: ErrInvalidArgument,
			message: "The server-side encryption algorithm is not valid: aes256"},
		{name: "empty algorithm", cfg: BucketEncryption{}, want: ErrInvalidArgument},
		{name: "key with aes256", cfg: BucketEncryption{SSEAlgorithm: "AES256", KMSMasterKeyID: "k"}, want: ErrInvalidArgument,
			message: "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"},
		{name: "key invalid before kms", cfg: BucketEncryption{SSEAlgorithm: "aws:kms", BlockedEncryptionTypes: []EncryptionType{"SSE-KMS"}}, want: ErrInvalidArgument},
		{name: "unknown type", cfg: BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{"sse-c"}}, want: ErrInvalidArgument},
		{name: "twice", cfg: BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{"SSE-C", "SSE-C"}}, want: ErrInvalidArgument},
		{name: "none and sse-c", cfg: BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{"NONE", "SSE-C"}}, want: ErrInvalidArgument,
			message: "The encryption type NONE cannot be combined with other encryption types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Validate(%+v) = %v, want %v", tt.cfg, err, tt.want)
			}
			var ce *EncryptionConfigError
			if tt.message != "" && (!errors.As(err, &ce) || ce.Message != tt.message) {
				t.Fatalf("Validate(%+v) = %v, want message %q", tt.cfg, err, tt.message)
			}
		})
	}
}

func TestBucketEncryption(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	get := func(t *testing.T) BucketEncryption {
		t.Helper()
		got, err := e.s.GetBucketEncryption(ctx, "bkt")
		checkErr(t, "GetBucketEncryption", err, nil)
		return got
	}
	def := DefaultBucketEncryption()
	if diff := cmp.Diff(def, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption(new bucket) (-want +got):\n%s", diff)
	}
	_, err := e.s.GetBucketEncryption(ctx, "nobkt")
	checkErr(t, "GetBucketEncryption(no bucket)", err, ErrNoSuchBucket)
	checkErr(t, "PutBucketEncryption(no bucket)", e.s.PutBucketEncryption(ctx, "nobkt", def), ErrNoSuchBucket)
	checkErr(t, "DeleteBucketEncryption(no bucket)", e.s.DeleteBucketEncryption(ctx, "nobkt"), ErrNoSuchBucket)
	checkErr(t, "CheckEncryptionAllowed(no bucket)", e.s.CheckEncryptionAllowed(ctx, "nobkt", EncryptionSSEC), ErrNoSuchBucket)

	// A new bucket blocks SSE-C.
	checkErr(t, "CheckEncryptionAllowed(SSE-C, default)", e.s.CheckEncryptionAllowed(ctx, "bkt", EncryptionSSEC), ErrEncryptionTypeBlocked)

	// Unblocking is explicit; a later Put without a list keeps it.
	none := BucketEncryption{SSEAlgorithm: "AES256", BucketKeyEnabled: true, BlockedEncryptionTypes: []EncryptionType{EncryptionNone}}
	checkErr(t, "PutBucketEncryption(NONE)", e.s.PutBucketEncryption(ctx, "bkt", none), nil)
	if diff := cmp.Diff(none, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption (-want +got):\n%s", diff)
	}
	checkErr(t, "CheckEncryptionAllowed(SSE-C, NONE)", e.s.CheckEncryptionAllowed(ctx, "bkt", EncryptionSSEC), nil)
	checkErr(t, "PutBucketEncryption(no list)", e.s.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: "AES256"}), nil)
	want := BucketEncryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []EncryptionType{EncryptionNone}}
	if diff := cmp.Diff(want, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption after a Put without a list (-want +got):\n%s", diff)
	}

	// Refused configurations change nothing.
	checkErr(t, "PutBucketEncryption(aws:kms)", e.s.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: "aws:kms"}), ErrKMSNotAvailable)
	checkErr(t, "PutBucketEncryption(bad)", e.s.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: "AES256", KMSMasterKeyID: "k"}), ErrInvalidArgument)
	if diff := cmp.Diff(want, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption after refused puts (-want +got):\n%s", diff)
	}

	// Delete resets to the default, SSE-C blocked again.
	checkErr(t, "DeleteBucketEncryption", e.s.DeleteBucketEncryption(ctx, "bkt"), nil)
	checkErr(t, "DeleteBucketEncryption(again)", e.s.DeleteBucketEncryption(ctx, "bkt"), nil)
	if diff := cmp.Diff(def, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption after delete (-want +got):\n%s", diff)
	}
	checkErr(t, "CheckEncryptionAllowed(SSE-C, after delete)", e.s.CheckEncryptionAllowed(ctx, "bkt", EncryptionSSEC), ErrEncryptionTypeBlocked)

	// The configuration goes with its bucket.
	checkErr(t, "PutBucketEncryption(NONE)", e.s.PutBucketEncryption(ctx, "bkt", none), nil)
	checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "bkt"), nil)
	e.bucket(t, "bkt")
	if diff := cmp.Diff(def, get(t)); diff != "" {
		t.Fatalf("GetBucketEncryption of a recreated bucket (-want +got):\n%s", diff)
	}
}
