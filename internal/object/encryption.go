package object

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Server-side encryption algorithms a bucket's default encryption may
// name, spelled as S3 spells them.
const (
	SSEAlgorithmAES256  = "AES256"       // SSE-S3
	SSEAlgorithmKMS     = "aws:kms"      // SSE-KMS
	SSEAlgorithmKMSDSSE = "aws:kms:dsse" // dual-layer SSE-KMS
)

// EncryptionType is an encryption a bucket may block for new uploads
// (S3's BlockedEncryptionTypes).
type EncryptionType string

// The encryption types S3 defines for BlockedEncryptionTypes.
const (
	// EncryptionSSEC is server-side encryption with customer-provided
	// keys.
	EncryptionSSEC EncryptionType = "SSE-C"
	// EncryptionNone blocks nothing: naming it unblocks every type.
	EncryptionNone EncryptionType = "NONE"
)

// configEncryption names the default encryption record under
// tableBucketConfig.
const configEncryption = "encryption"

// BucketEncryption is a bucket's default encryption configuration (S3's
// ServerSideEncryptionConfiguration with its single rule).
type BucketEncryption struct {
	// SSEAlgorithm is applied to uploads that ask for no encryption.
	SSEAlgorithm string
	// KMSMasterKeyID is the KMS key of aws:kms and aws:kms:dsse.
	KMSMasterKeyID string
	// BucketKeyEnabled is stored and reported; it matters only to
	// SSE-KMS.
	BucketKeyEnabled bool
	// BlockedEncryptionTypes are refused for new uploads. A Put that
	// leaves it nil keeps the bucket's current list.
	BlockedEncryptionTypes []EncryptionType
}

// DefaultBucketEncryption is the configuration of a bucket that has none
// stored: SSE-S3, as every S3 bucket has reported since January 2023, and
// SSE-C blocked, as S3 has set for new buckets since April 2026.
func DefaultBucketEncryption() BucketEncryption {
	return BucketEncryption{SSEAlgorithm: SSEAlgorithmAES256, BlockedEncryptionTypes: []EncryptionType{EncryptionSSEC}}
}

// Blocks reports whether e refuses uploads encrypted with t.
func (e BucketEncryption) Blocks(t EncryptionType) bool {
	return t != EncryptionNone && slices.Contains(e.BlockedEncryptionTypes, t)
}

// EncryptionConfigError is a default encryption configuration S3 refuses
// with InvalidArgument; Message is S3's text. It wraps ErrInvalidArgument.
type EncryptionConfigError struct{ Message string }

func (e *EncryptionConfigError) Error() string {
	return "object: encryption configuration: " + e.Message
}

// Unwrap returns ErrInvalidArgument.
func (e *EncryptionConfigError) Unwrap() error { return ErrInvalidArgument }

// Validate reports what S3 would refuse in e: an unknown algorithm or
// encryption type, a KMS key with a non-KMS algorithm, NONE with another
// type (each an *EncryptionConfigError), and any SSE-KMS algorithm
// (ErrKMSNotAvailable), which a Service with a KeyService accepts for
// aws:kms (see acceptsKMS).
func (e BucketEncryption) Validate() error {
	bad := func(msg string) error { return &EncryptionConfigError{Message: msg} }
	kms := false
	switch e.SSEAlgorithm {
	case SSEAlgorithmAES256:
	case SSEAlgorithmKMS, SSEAlgorithmKMSDSSE:
		kms = true
	default:
		return bad("The server-side encryption algorithm is not valid: " + e.SSEAlgorithm)
	}
	if e.KMSMasterKeyID != "" && !kms {
		return bad("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
	}
	for i, t := range e.BlockedEncryptionTypes {
		switch t {
		case EncryptionSSEC, EncryptionNone:
		default:
			return bad("The encryption type is not valid: " + string(t))
		}
		if slices.Contains(e.BlockedEncryptionTypes[:i], t) {
			return bad("The encryption type " + string(t) + " is listed twice")
		}
	}
	if len(e.BlockedEncryptionTypes) > 1 && slices.Contains(e.BlockedEncryptionTypes, EncryptionNone) {
		return bad("The encryption type NONE cannot be combined with other encryption types")
	}
	if kms {
		return ErrKMSNotAvailable
	}
	return nil
}

// acceptsKMS reports whether err, cfg.Validate's, only says that cfg
// asks for SSE-KMS and the Service can give it: aws:kms with a key
// service. Dual-layer SSE-KMS (aws:kms:dsse) is not implemented.
func (s *Service) acceptsKMS(cfg BucketEncryption, err error) bool {
	return errors.Is(err, ErrKMSNotAvailable) && s.keys != nil && cfg.SSEAlgorithm == SSEAlgorithmKMS
}

// encryptionRecord is the value of a bucket's "encryption" record.
type encryptionRecord struct {
	Algorithm string           `json:"a"`
	KMSKeyID  string           `json:"k,omitempty"`
	BucketKey bool             `json:"bk,omitempty"`
	Blocked   []EncryptionType `json:"bl"`
}

// PutBucketEncryption replaces a bucket's default encryption
// configuration, which must pass cfg.Validate (its error is returned as
// is). A nil BlockedEncryptionTypes keeps the list the bucket has.
func (s *Service) PutBucketEncryption(ctx context.Context, bucket string, cfg BucketEncryption) error {
	if err := checkBucketName(bucket); err != nil {
		return fmt.Errorf("put bucket encryption %s: %w", bucket, err)
	}
	if err := cfg.Validate(); err != nil && !s.acceptsKMS(cfg, err) {
		return fmt.Errorf("put bucket encryption %s: %w", bucket, err)
	}
	// Through updateAccess: the access cache holds the configuration
	// for writes (writeEncryption).
	err := s.updateAccess(ctx, func(tx meta.Txn) error {
		if _, err := getBucket(tx, bucket); err != nil {
			return err
		}
		rec := encryptionRecord{Algorithm: cfg.SSEAlgorithm, KMSKeyID: cfg.KMSMasterKeyID,
			BucketKey: cfg.BucketKeyEnabled, Blocked: slices.Clone(cfg.BlockedEncryptionTypes)}
		if rec.Blocked == nil {
			cur, err := readEncryption(tx, bucket)
			if err != nil {
				return err
			}
			rec.Blocked = cur.BlockedEncryptionTypes
		}
		val, err := encodeRecord(rec)
		if err != nil {
			return err
		}
		return tx.Set(bucketConfigKey(bucket, configEncryption), val)
	})
	if err != nil {
		return fmt.Errorf("put bucket encryption %s: %w", bucket, err)
	}
	return nil
}

// GetBucketEncryption returns a bucket's default encryption
// configuration: DefaultBucketEncryption when none is stored, as S3
// reports SSE-S3 for every bucket.
func (s *Service) GetBucketEncryption(ctx context.Context, bucket string) (BucketEncryption, error) {
	cfg, err := s.bucketEncryption(ctx, bucket)
	if err != nil {
		return BucketEncryption{}, fmt.Errorf("get bucket encryption %s: %w", bucket, err)
	}
	return cfg, nil
}

// DeleteBucketEncryption resets a bucket's default encryption to
// DefaultBucketEncryption.
func (s *Service) DeleteBucketEncryption(ctx context.Context, bucket string) error {
	if err := s.putAccessConfig(ctx, bucket, configEncryption, nil); err != nil {
		return fmt.Errorf("delete bucket encryption %s: %w", bucket, err)
	}
	return nil
}

// CheckEncryptionAllowed is the one check of BlockedEncryptionTypes: it
// returns ErrEncryptionTypeBlocked when bucket's configuration refuses
// new uploads encrypted with t, as S3 refuses PutObject, CopyObject,
// PostObject and CreateMultipartUpload. Callers ask it before anything
// else about the upload's encryption, so a blocked type is refused even
// where coffer could not have honoured it anyway.
func (s *Service) CheckEncryptionAllowed(ctx context.Context, bucket string, t EncryptionType) error {
	cfg, err := s.bucketEncryption(ctx, bucket)
	if err != nil {
		return fmt.Errorf("check encryption %s: %w", bucket, err)
	}
	if cfg.Blocks(t) {
		return fmt.Errorf("bucket %s blocks %s: %w", bucket, t, ErrEncryptionTypeBlocked)
	}
	return nil
}

func (s *Service) bucketEncryption(ctx context.Context, bucket string) (BucketEncryption, error) {
	if err := checkBucketName(bucket); err != nil {
		return BucketEncryption{}, err
	}
	var cfg BucketEncryption
	err := s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := s.bucket(r, bucket); err != nil {
			return err
		}
		var err error
		cfg, err = readEncryption(r, bucket)
		return err
	})
	return cfg, err
}

// readEncryption reads the stored configuration of an existing bucket,
// or the default.
func readEncryption(r meta.Reader, bucket string) (BucketEncryption, error) {
	val, err := r.Get(bucketConfigKey(bucket, configEncryption))
	if errors.Is(err, meta.ErrNotFound) {
		return DefaultBucketEncryption(), nil
	}
	if err != nil {
		return BucketEncryption{}, err
	}
	var rec encryptionRecord
	if err := decodeRecord(val, &rec); err != nil {
		return BucketEncryption{}, err
	}
	return BucketEncryption{SSEAlgorithm: rec.Algorithm, KMSMasterKeyID: rec.KMSKeyID,
		BucketKeyEnabled: rec.BucketKey, BlockedEncryptionTypes: rec.Blocked}, nil
}
