package s3crypto

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of *s3.Client the Client uses.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// KMSAPI is the part of *kms.Client the Client uses.
type KMSAPI interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, optFns ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, optFns ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// DefaultMaxSize is the default Options.MaxSize: 64 MiB, the default buffer
// of the AWS Java encryption client.
const DefaultMaxSize = 64 << 20

// MaxSizeLimit is the largest plaintext AES-GCM may encrypt under one key
// and IV (2^36 - 32 bytes, NIST SP 800-38D), the most Options.MaxSize may
// allow.
const MaxSizeLimit = 1<<36 - 32

// Options configure a Client.
type Options struct {
	// KeyID is the KMS key (key id, key ARN, alias name or alias ARN) that
	// wraps the content keys of objects PutObject writes. GetObject needs
	// none: the wrapped key names its KMS key.
	KeyID string
	// EncryptionContext is added to the KMS encryption context (and so to
	// x-amz-matdesc) of every object PutObject writes. It is stored in
	// clear in the object's metadata. The key "aws:x-amz-cek-alg" is
	// reserved.
	EncryptionContext map[string]string
	// MaxSize bounds the plaintext of one object, in bytes, on put and on
	// get: the whole object is held in memory to encrypt or authenticate
	// it. Zero means DefaultMaxSize; at most MaxSizeLimit.
	MaxSize int64
}

// Client writes and reads client-side encrypted objects. It is safe for
// concurrent use.
type Client struct {
	s3   S3API
	kms  KMSAPI
	opts Options
	// rand supplies IVs; tests replace it to get known answers.
	rand io.Reader
}

// New returns a Client over an S3 client and a KMS client (for example
// *s3.Client and *kms.Client of aws-sdk-go-v2).
func New(s3c S3API, kmsc KMSAPI, opts Options) (*Client, error) {
	if s3c == nil || kmsc == nil {
		return nil, errors.New("s3crypto: an S3 client and a KMS client are required")
	}
	if opts.MaxSize == 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.MaxSize < 0 || opts.MaxSize > MaxSizeLimit {
		return nil, fmt.Errorf("s3crypto: MaxSize %d is outside 1..%d", opts.MaxSize, int64(MaxSizeLimit))
	}
	if _, ok := opts.EncryptionContext[cekContextKey]; ok {
		return nil, fmt.Errorf("s3crypto: the encryption context key %q is reserved for the client", cekContextKey)
	}
	opts.EncryptionContext = maps.Clone(opts.EncryptionContext)
	return &Client{s3: s3c, kms: kmsc, opts: opts, rand: rand.Reader}, nil
}

// PutObject encrypts in.Body and writes it with its envelope as user
// metadata. in is not modified. The body is read whole (at most MaxSize
// bytes). Content-MD5, checksum values, WriteOffsetBytes and envelope names
// in in.Metadata are refused with ErrUnsupportedRequest; ChecksumAlgorithm
// is honoured (the SDK checksums the ciphertext).
func (c *Client) PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if c.opts.KeyID == "" {
		return nil, errors.New("s3crypto: PutObject needs Options.KeyID")
	}
	if err := checkPut(in); err != nil {
		return nil, err
	}
	buf, err := c.readPlain(in)
	if err != nil {
		return nil, err
	}
	plainLen := len(buf)
	encCtx := maps.Clone(c.opts.EncryptionContext)
	if encCtx == nil {
		encCtx = map[string]string{}
	}
	encCtx[cekContextKey] = CEKAlgorithm
	dk, err := c.kms.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId:             aws.String(c.opts.KeyID),
		KeySpec:           kmstypes.DataKeySpecAes256,
		EncryptionContext: encCtx,
	})
	if err != nil {
		return nil, fmt.Errorf("s3crypto: generate data key: %w", err)
	}
	defer clear(dk.Plaintext)
	if len(dk.Plaintext) != keySize || len(dk.CiphertextBlob) == 0 {
		return nil, fmt.Errorf("s3crypto: KMS returned a %d-byte data key, want %d", len(dk.Plaintext), keySize)
	}
	env := &envelope{wrappedKey: dk.CiphertextBlob, iv: make([]byte, ivSize), context: encCtx}
	if _, err := io.ReadFull(c.rand, env.iv); err != nil {
		return nil, fmt.Errorf("s3crypto: random IV: %w", err)
	}
	aead, err := newGCM(dk.Plaintext)
	if err != nil {
		return nil, err
	}
	ct := aead.Seal(buf[:0], env.iv, buf, nil)
	md, err := env.metadata(plainLen)
	if err != nil {
		return nil, err
	}
	out := *in
	out.Metadata = maps.Clone(in.Metadata)
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	maps.Copy(out.Metadata, md)
	out.Body = bytes.NewReader(ct)
	out.ContentLength = aws.Int64(int64(len(ct)))
	return c.s3.PutObject(ctx, &out, optFns...)
}

// checkPut refuses what cannot be honoured when the body is encrypted.
func checkPut(in *s3.PutObjectInput) error {
	if in == nil {
		return fmt.Errorf("%w: nil input", ErrUnsupportedRequest)
	}
	sums := map[string]*string{
		"ContentMD5": in.ContentMD5, "ChecksumCRC32": in.ChecksumCRC32, "ChecksumCRC32C": in.ChecksumCRC32C,
		"ChecksumCRC64NVME": in.ChecksumCRC64NVME, "ChecksumMD5": in.ChecksumMD5, "ChecksumSHA1": in.ChecksumSHA1,
		"ChecksumSHA256": in.ChecksumSHA256, "ChecksumSHA512": in.ChecksumSHA512,
		"ChecksumXXHASH128": in.ChecksumXXHASH128, "ChecksumXXHASH3": in.ChecksumXXHASH3, "ChecksumXXHASH64": in.ChecksumXXHASH64,
	}
	for name, v := range sums {
		if v != nil {
			return fmt.Errorf("%w: %s would describe the plaintext, but S3 sees the ciphertext; set ChecksumAlgorithm instead", ErrUnsupportedRequest, name)
		}
	}
	if in.WriteOffsetBytes != nil {
		return fmt.Errorf("%w: appending writes (WriteOffsetBytes)", ErrUnsupportedRequest)
	}
	for k := range in.Metadata {
		for _, r := range reservedNames {
			if strings.EqualFold(k, r) {
				return fmt.Errorf("%w: metadata name %q belongs to the encryption envelope", ErrUnsupportedRequest, k)
			}
		}
	}
	return nil
}

// readPlain reads in.Body whole into a buffer with room for the tag.
func (c *Client) readPlain(in *s3.PutObjectInput) ([]byte, error) {
	if in.Body == nil {
		return make([]byte, 0, tagSize), nil
	}
	if n := aws.ToInt64(in.ContentLength); n > c.opts.MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, c.opts.MaxSize)
	}
	b, err := readLimited(in.Body, aws.ToInt64(in.ContentLength), c.opts.MaxSize, tagSize)
	if err != nil {
		return nil, fmt.Errorf("s3crypto: read body: %w", err)
	}
	return b, nil
}

// GetObject reads an object written in the v2 format, authenticates it and
// returns its plaintext as the output's Body (ContentLength is the
// plaintext's). The envelope comes from the object's metadata, or else from
// the instruction file KEY.instruction. Range and PartNumber are refused
// with ErrUnsupportedRequest. Nothing of an object that fails
// authentication is returned.
func (c *Client) GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if in == nil {
		return nil, fmt.Errorf("%w: nil input", ErrUnsupportedRequest)
	}
	if in.Range != nil || in.PartNumber != nil {
		return nil, fmt.Errorf("%w: a range or part number cannot be authenticated on its own; read the whole object", ErrUnsupportedRequest)
	}
	out, err := c.s3.GetObject(ctx, in, optFns...)
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	env, err := c.envelopeOf(ctx, in, out.Metadata, optFns)
	if err != nil {
		return nil, err
	}
	limit := c.opts.MaxSize + tagSize
	if n := aws.ToInt64(out.ContentLength); n > limit {
		return nil, fmt.Errorf("%w: %d bytes of ciphertext, limit %d", ErrTooLarge, n, limit)
	}
	buf, err := readLimited(out.Body, aws.ToInt64(out.ContentLength), limit, 0)
	if err != nil {
		return nil, fmt.Errorf("s3crypto: read object: %w", err)
	}
	pt, err := c.open(ctx, env, buf)
	if err != nil {
		return nil, err
	}
	res := *out
	res.Body = io.NopCloser(bytes.NewReader(pt))
	res.ContentLength = aws.Int64(int64(len(pt)))
	return &res, nil
}

// envelopeOf finds the object's envelope: in its metadata, else in its
// instruction file.
func (c *Client) envelopeOf(ctx context.Context, in *s3.GetObjectInput, meta map[string]string, optFns []func(*s3.Options)) (*envelope, error) {
	if hasEnvelope(meta) {
		return parseMetadata(meta)
	}
	inst, err := c.s3.GetObject(ctx, &s3.GetObjectInput{
		Bucket:              in.Bucket,
		Key:                 aws.String(aws.ToString(in.Key) + instructionSuffix),
		ExpectedBucketOwner: in.ExpectedBucketOwner,
		RequestPayer:        in.RequestPayer,
	}, optFns...)
	if err != nil {
		var nsk interface{ ErrorCode() string }
		if errors.As(err, &nsk) && (nsk.ErrorCode() == "NoSuchKey" || nsk.ErrorCode() == "NotFound") {
			return nil, ErrNotEncrypted
		}
		return nil, fmt.Errorf("s3crypto: read instruction file: %w", err)
	}
	defer inst.Body.Close()
	b, err := readLimited(inst.Body, 0, maxInstructionFile, 0)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%w: instruction file larger than %d bytes", ErrInvalidEnvelope, maxInstructionFile)
		}
		return nil, fmt.Errorf("s3crypto: read instruction file: %w", err)
	}
	return parseInstruction(b)
}

// open unwraps the content key with KMS and authenticates and decrypts buf
// in place.
func (c *Client) open(ctx context.Context, env *envelope, buf []byte) ([]byte, error) {
	if len(buf) < tagSize {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the tag", ErrAuthentication, len(buf))
	}
	dk, err := c.kms.Decrypt(ctx, &kms.DecryptInput{
		CiphertextBlob:    env.wrappedKey,
		EncryptionContext: env.context,
	})
	if err != nil {
		return nil, fmt.Errorf("s3crypto: decrypt data key: %w", err)
	}
	defer clear(dk.Plaintext)
	if len(dk.Plaintext) != keySize {
		return nil, fmt.Errorf("%w: the wrapped key is %d bytes, AES-256 needs %d", ErrInvalidEnvelope, len(dk.Plaintext), keySize)
	}
	aead, err := newGCM(dk.Plaintext)
	if err != nil {
		return nil, err
	}
	pt, err := aead.Open(buf[:0], env.iv, buf, nil)
	if err != nil {
		clear(buf)
		return nil, ErrAuthentication
	}
	return pt, nil
}

// newGCM returns AES-GCM with a 96-bit IV and a 128-bit tag.
func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("s3crypto: %w", err)
	}
	return cipher.NewGCM(block)
}

// readLimited reads r whole into a buffer with extra bytes of spare
// capacity, failing with ErrTooLarge beyond limit bytes. sizeHint (a
// Content-Length, not trusted) sizes the buffer up front.
func readLimited(r io.Reader, sizeHint, limit int64, extra int) ([]byte, error) {
	if sizeHint < 0 || sizeHint > limit {
		sizeHint = 0
	}
	// One byte beyond the hint lets the read that returns io.EOF land
	// without growing the buffer.
	buf := make([]byte, 0, sizeHint+int64(extra)+1)
	for {
		if len(buf)+extra == cap(buf) {
			nb := make([]byte, len(buf), min(2*int64(cap(buf))+32<<10, limit+1+int64(extra)))
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf) : cap(buf)-extra])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
