package object

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/coffer-s3/coffer/internal/datakey"
	"github.com/coffer-s3/coffer/internal/sse"
)

// SSEKMS is the ServerSideEncryption of a version, part or upload whose
// data keys are kept by the key service (S3's SSE-KMS), spelled as S3
// spells it.
const SSEKMS = "aws:kms"

// sseAlgKMS: Key is a kmsEnvelope, KeyID the KMS key's ARN.
const sseAlgKMS = "KMS"

// DefaultKMSKeyID names the account's AWS-managed key for S3, which the
// key service creates on first use; S3 uses it when SSE-KMS names no key.
const DefaultKMSKeyID = "alias/aws/s3"

// KeyService is the key management service that SSE-KMS keeps data keys
// with; datakey.Service satisfies it. It authorizes the caller each request
// names (kms:GenerateDataKey, kms:Decrypt) and resolves key ids, key ARNs,
// alias names and alias ARNs, "alias/aws/s3" included.
type KeyService interface {
	GenerateDataKey(ctx context.Context, req datakey.DataKeyRequest) (*datakey.DataKey, error)
	Decrypt(ctx context.Context, req datakey.DecryptRequest) (*datakey.Decrypted, error)
}

// ErrKMSSignatureRequired: an SSE-KMS write or read by a request that was
// not signed with Signature Version 4 (an anonymous or SigV2 request),
// which S3 refuses with InvalidArgument.
var ErrKMSSignatureRequired = errors.New("object: sse-kms requires a signature version 4 request")

// KMSEncryption asks for SSE-KMS on a new object or upload.
type KMSEncryption struct {
	// KeyID names the KMS key (key id, key ARN, alias name or alias
	// ARN); "" means the bucket default's key, else alias/aws/s3.
	KeyID string
	// Context is the encryption context the client gave
	// (x-amz-server-side-encryption-context); nil means S3's default,
	// {"aws:s3:arn": the object's ARN}, or the bucket's ARN under a
	// bucket key.
	Context map[string]string
	// BucketKey overrides the bucket's BucketKeyEnabled when not nil.
	BucketKey *bool
}

// SupportsKMS reports whether the Service has a key service, without
// which SSE-KMS is refused (ErrKMSNotAvailable).
func (s *Service) SupportsKMS() bool { return s.keys != nil }

// kmsPlan is how one write's data keys are made: resolved from the
// request and the bucket's default encryption.
type kmsPlan struct {
	keyID     string
	context   map[string]string
	bucketKey bool
	caller    *datakey.Caller
}

// ObjectARN and BucketARN are the resources SSE-KMS's default encryption
// context names, as S3 writes them.
func ObjectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// BucketARN is the ARN of a bucket.
func BucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// planKMS resolves a write's SSE-KMS settings: the request's (in, which
// may be nil when the bucket default asks for SSE-KMS) over the bucket's
// default encryption def.
func (s *Service) planKMS(bucket, key string, in *KMSEncryption, def BucketEncryption, caller *datakey.Caller) (*kmsPlan, error) {
	if s.keys == nil {
		return nil, ErrKMSNotAvailable
	}
	if caller == nil {
		return nil, ErrKMSSignatureRequired
	}
	p := &kmsPlan{caller: caller, bucketKey: def.BucketKeyEnabled}
	if in != nil {
		p.keyID, p.context = in.KeyID, maps.Clone(in.Context)
		if in.BucketKey != nil {
			p.bucketKey = *in.BucketKey
		}
	}
	if p.keyID == "" && def.SSEAlgorithm == SSEAlgorithmKMS {
		p.keyID = def.KMSMasterKeyID
	}
	if p.keyID == "" {
		p.keyID = DefaultKMSKeyID
	}
	if p.context == nil {
		if p.bucketKey {
			p.context = map[string]string{"aws:s3:arn": BucketARN(bucket)}
		} else {
			p.context = map[string]string{"aws:s3:arn": ObjectARN(bucket, key)}
		}
	}
	return p, nil
}

// kmsKEK is a key-encryption key from the key service: the plaintext of
// a KMS data key (per object, or a bucket key shared by many), and how
// to get it again.
type kmsKEK struct {
	key  *sse.CustomerKey
	blob []byte
	arn  string
	// shared: the key is cached; it must not be zeroed after use.
	shared bool
}

// kmsGenerate returns a key-encryption key for plan: a fresh KMS data key,
// or the cached bucket key of plan's caller, key and context.
func (s *Service) kmsGenerate(ctx context.Context, plan *kmsPlan) (*kmsKEK, error) {
	if s.keys == nil {
		return nil, ErrKMSNotAvailable
	}
	if plan.caller == nil {
		return nil, ErrKMSSignatureRequired
	}
	var ck string
	if plan.bucketKey {
		ck = cacheKey("w", plan.caller, plan.keyID, plan.context, nil)
		if k := s.kmsCache.get(ck, s.clock.Now()); k != nil {
			return k, nil
		}
	}
	dk, err := s.keys.GenerateDataKey(ctx, datakey.DataKeyRequest{Caller: *plan.caller, KeyID: plan.keyID, EncryptionContext: plan.context})
	if err != nil {
		return nil, err
	}
	defer clear(dk.Plaintext)
	key, err := sse.CustomerKeyFromBytes(dk.Plaintext)
	if err != nil {
		return nil, fmt.Errorf("kms data key: %w", err)
	}
	k := &kmsKEK{key: key, blob: slices.Clone(dk.CiphertextBlob), arn: dk.KeyARN, shared: plan.bucketKey}
	if plan.bucketKey {
		s.kmsCache.put(ck, k, s.clock.Now())
	}
	return k, nil
}

// kmsDecrypt returns the key-encryption key of env for caller: Decrypt
// through the key service, or the caller's cached bucket key.
func (s *Service) kmsDecrypt(ctx context.Context, env *kmsEnvelope, arn string, caller *datakey.Caller) (*kmsKEK, error) {
	if s.keys == nil {
		return nil, ErrKMSNotAvailable
	}
	if caller == nil {
		return nil, ErrKMSSignatureRequired
	}
	var ck string
	if env.bucketKey {
		ck = cacheKey("r", caller, arn, env.context, env.blob)
		if k := s.kmsCache.get(ck, s.clock.Now()); k != nil {
			return k, nil
		}
	}
	out, err := s.keys.Decrypt(ctx, datakey.DecryptRequest{Caller: *caller, CiphertextBlob: env.blob,
		EncryptionContext: env.context, KeyID: arn})
	if err != nil {
		return nil, err
	}
	defer clear(out.Plaintext)
	key, err := sse.CustomerKeyFromBytes(out.Plaintext)
	if err != nil {
		return nil, fmt.Errorf("kms data key: %w", err)
	}
	k := &kmsKEK{key: key, blob: env.blob, arn: out.KeyARN, shared: env.bucketKey}
	if env.bucketKey {
		s.kmsCache.put(ck, k, s.clock.Now())
	}
	return k, nil
}

// done zeroes a key-encryption key nobody shares.
func (k *kmsKEK) done() {
	if !k.shared {
		k.key.Zero()
	}
}

// kmsSaltSize is the size of the salt the data key's wrap derives its key
// with from the KMS data key.
const kmsSaltSize = 16

// newKMSDataKey returns a fresh data key for wrap context wctx, wrapped
// under a key-encryption key from the key service, and its record.
func (s *Service) newKMSDataKey(ctx context.Context, plan *kmsPlan, wctx []byte) (*sse.DataKey, *sseRecord, error) {
	kek, err := s.kmsGenerate(ctx, plan)
	if err != nil {
		return nil, nil, err
	}
	defer kek.done()
	salt := make([]byte, kmsSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, fmt.Errorf("salt: %w", err)
	}
	key, err := sse.NewDataKey()
	if err != nil {
		return nil, nil, err
	}
	w, err := kek.key.Wrap(key, salt, wctx)
	if err != nil {
		key.Zero()
		return nil, nil, fmt.Errorf("wrap data key: %w", err)
	}
	env := kmsEnvelope{bucketKey: plan.bucketKey, blob: kek.blob, salt: salt, wrapped: w, context: plan.context}
	return key, &sseRecord{Alg: sseAlgKMS, Key: env.encode(), KeyID: kek.arn}, nil
}

// kmsDataKey unwraps the data key of an SSE-KMS record for wctx, asking
// the key service (as caller) for the key-encryption key.
func (s *Service) kmsDataKey(ctx context.Context, rec *sseRecord, wctx []byte, caller *datakey.Caller) (*sse.DataKey, error) {
	env, err := decodeKMSEnvelope(rec.Key)
	if err != nil {
		return nil, err
	}
	kek, err := s.kmsDecrypt(ctx, env, rec.KeyID, caller)
	if err != nil {
		return nil, err
	}
	defer kek.done()
	key, err := kek.key.Unwrap(sse.WrappedKey(env.wrapped), env.salt, wctx)
	if err != nil {
		return nil, fmt.Errorf("%w: data key: %w", errDataCorrupt, err)
	}
	return key, nil
}

// kmsInfo is what an SSE-KMS record reports: its key's ARN and whether
// a bucket key made it.
func (r *sseRecord) kmsInfo() (arn string, bucketKey bool) {
	if r == nil || r.Alg != sseAlgKMS {
		return "", false
	}
	// Only the flags are read: listings report this for every version.
	if len(r.Key) < 2 || r.Key[0] != kmsEnvelopeV1 {
		return r.KeyID, false
	}
	d := decoder{buf: r.Key[1:]}
	return r.KeyID, d.uint()&kmsFlagBucketKey != 0
}

// kmsSummary is the SSE of a multipart object made of SSE-KMS parts: the
// key's ARN and the bucket key flag, without a key (each part has its
// own).
func kmsSummary(part *sseRecord) *sseRecord {
	arn, bk := part.kmsInfo()
	env := kmsEnvelope{bucketKey: bk}
	return &sseRecord{Alg: sseAlgKMS, KeyID: arn, Key: env.encode()}
}

// writeKMS decides whether a new object or upload is SSE-KMS: asked by
// the request (in), or by the bucket's default encryption when the
// request asks for no encryption (sseS3 is x-amz-server-side-encryption:
// AES256, ck an SSE-C key). A nil plan means not SSE-KMS. The bucket's
// configuration is looked up only when the request asks for SSE-KMS or a
// key service is configured, and then in the access cache, which the
// request's authorization has just filled: no meta read once warm.
func (s *Service) writeKMS(ctx context.Context, bucket, key string, in *KMSEncryption, sseS3 bool, ck *CustomerKey, caller *datakey.Caller) (*kmsPlan, error) {
	if in != nil && (sseS3 || ck != nil) {
		return nil, fmt.Errorf("%w: sse-kms with another server-side encryption", ErrInvalidArgument)
	}
	if sseS3 || ck != nil || in == nil && s.keys == nil {
		return nil, nil
	}
	def, err := s.writeEncryption(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if in == nil && def.SSEAlgorithm != SSEAlgorithmKMS {
		return nil, nil
	}
	return s.planKMS(bucket, key, in, def, caller)
}

// uploadKMS is the SSE-KMS of a multipart upload, which its parts share:
// the key's ARN (resolved when the upload was created), the encryption
// context and whether a bucket key is used.
type uploadKMS struct {
	ARN       string            `json:"a"`
	Context   map[string]string `json:"c,omitempty"`
	BucketKey bool              `json:"bk,omitempty"`
}

// startUploadKMS checks plan with the key service (the caller may
// generate data keys under the key, which is usable) and returns what
// the upload keeps of it.
func (s *Service) startUploadKMS(ctx context.Context, plan *kmsPlan) (*uploadKMS, error) {
	kek, err := s.kmsGenerate(ctx, plan)
	if err != nil {
		return nil, err
	}
	kek.done()
	return &uploadKMS{ARN: kek.arn, Context: plan.context, BucketKey: plan.bucketKey}, nil
}

// partKMS is the plan of a part's data key; nil for an upload that is
// not SSE-KMS.
func (r *uploadRecord) partKMS(caller *datakey.Caller) *kmsPlan {
	if r.KMS == nil {
		return nil
	}
	return &kmsPlan{keyID: r.KMS.ARN, context: r.KMS.Context, bucketKey: r.KMS.BucketKey, caller: caller}
}
