package object

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// source is an opened copy source.
type source struct {
	rec  *objectRecord
	body *objectReader
	// versioned: the source bucket has or had versioning.
	versioned bool
}

// versionID is the source's version id as the client sees it.
func (s *source) versionID() string { return displayVersion(s.rec, s.versioned) }

// openSource resolves a copy source, applies its x-amz-copy-source-if-*
// conditions and opens the bytes chosen by pick (which sees the record and
// returns the start and length to read, or an error).
func (s *Service) openSource(ctx context.Context, bucket, key, versionID string, cond Conditions, rk readKeys,
	pick func(*objectRecord) (int64, int64, error)) (*source, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	if err := validKey(key); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		var (
			rec           *objectRecord
			pieces        []piece
			start, length int64
			versioned     bool
		)
		checkDamage := s.damageMayExist(ctx)
		err := s.meta.View(ctx, func(r meta.Reader) error {
			b, err := getBucket(r, bucket)
			if err != nil {
				return err
			}
			versioned = b.versioned()
			loc, err := readVersion(r, bucket, key, versionID)
			if err != nil {
				return err
			}
			rec = loc.rec
			if err := checkCustomerKey(rec.SSE, rk.customer); err != nil {
				return err
			}
			if err := checkCopySourceConditions(cond, rec); err != nil {
				return err
			}
			if !readable(rec, s.clock.Now()) {
				return ErrInvalidObjectState
			}
			if start, length, err = pick(rec); err != nil {
				return err
			}
			pieces, err = readPieces(r, rec, nil, checkDamage)
			return err
		})
		if err != nil {
			return nil, err
		}
		body, err := s.openPieces(ctx, pieces, start, length, rk, "bucket", bucket, "key", key, "version", displayVersion(rec, versioned))
		if errors.Is(err, blob.ErrNotFound) && attempt < maxReadAttempts {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &source{rec: rec, body: body, versioned: versioned}, nil
	}
}

// CopyObject copies an object, streaming its bytes into a new one. The
// metadata and tags are the source's unless replaced (REPLACE directives).
// Copying an object onto itself must change its metadata or checksum
// algorithm (ErrInvalidCopyRequest otherwise). Sources over 5 GiB return
// ErrCopySourceTooLarge; failed source conditions ErrPreconditionFailed.
func (s *Service) CopyObject(ctx context.Context, in CopyInput) (*CopyOutput, error) {
	out, err := s.copyObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("copy %s/%s to %s/%s: %w", in.SrcBucket, in.SrcKey, in.DstBucket, in.DstKey, err)
	}
	return out, nil
}

func (s *Service) copyObject(ctx context.Context, in CopyInput) (*CopyOutput, error) {
	var tags []Tag
	if in.ReplaceTags {
		tags = in.Tags
	}
	if err := s.checkNewObject(in.DstBucket, in.DstKey, in.UserMeta, tags); err != nil {
		return nil, err
	}
	var err error
	if in.ChecksumAlgorithm, err = canonicalAlgorithm(in.ChecksumAlgorithm); err != nil {
		return nil, err
	}
	if err := checkLock(in.Lock, s.clock.Now()); err != nil {
		return nil, err
	}
	class, err := canonicalStorageClass(in.StorageClass)
	if err != nil {
		return nil, err
	}
	src, err := s.openSource(ctx, in.SrcBucket, in.SrcKey, in.SrcVersionID, in.SrcCond, readKeys{in.SrcCustomerKey, in.KMSCaller},
		func(rec *objectRecord) (int64, int64, error) {
			if rec.Size > MaxObjectSize {
				return 0, 0, fmt.Errorf("%w: %d bytes", ErrCopySourceTooLarge, rec.Size)
			}
			if in.SrcBucket == in.DstBucket && in.SrcKey == in.DstKey && !in.ReplaceMetadata &&
				(in.ChecksumAlgorithm == "" || rec.Checksum != nil && rec.Checksum.Alg == in.ChecksumAlgorithm) &&
				(in.StorageClass == "" || class == rec.StorageClass) &&
				// A customer key on either side changes the
				// encryption: rotating an SSE-C key, or moving an
				// object to or from SSE-C, in place.
				in.CustomerKey == nil && in.SrcCustomerKey == nil &&
				// So does asking for an encryption.
				!in.Encrypt && in.KMS == nil {
				return 0, 0, ErrInvalidCopyRequest
			}
			return 0, rec.Size, nil
		})
	if err != nil {
		return nil, err
	}
	defer src.body.Close()

	alg := in.ChecksumAlgorithm
	if alg == "" && src.rec.Checksum != nil {
		alg = src.rec.Checksum.Alg
	}
	if alg == "" {
		alg = checksum.CRC64NVME
	}
	if err := s.precheckWrite(ctx, in.DstBucket, in.DstKey, in.Cond); err != nil {
		return nil, err
	}
	// The copy is decrypted and encrypted again under a key of its own.
	plan, err := s.writeKMS(ctx, in.DstBucket, in.DstKey, in.KMS, in.Encrypt, in.CustomerKey, in.KMSCaller)
	if err != nil {
		return nil, err
	}
	dataID := randomID(16)
	var encrypt []byte
	if s.encrypting(in.Encrypt || in.CustomerKey != nil || plan != nil) {
		encrypt = objectKeyContext(dataID)
	}
	got, err := s.receive(ctx, src.body, receiveOptions{
		customer: in.CustomerKey, kms: plan,
		size: src.rec.Size, algs: []checksum.Algorithm{alg}, inline: true, encrypt: encrypt,
		tier: s.tierClass(class),
	})
	if err != nil {
		return nil, err
	}
	rec := objectRecord{
		DataID:   dataID,
		Size:     got.size,
		ETag:     hex.EncodeToString(got.md5),
		Modified: s.clock.Now().UTC(),
		Headers:  src.rec.Headers,
		UserMeta: src.rec.UserMeta,
		Tags:     src.rec.Tags,
		Checksum: &checksumRecord{Alg: alg, Type: checksum.FullObject, Value: got.sums[alg]},
		Owner:    in.Owner,
		Inline:   got.blob == "",
		Blob:     got.blob,

		StorageClass: class,
		SSE:          got.sse,
	}
	if in.ReplaceMetadata {
		rec.Headers, rec.UserMeta = in.Headers, cloneMeta(in.UserMeta)
	}
	if in.ReplaceTags {
		rec.Tags = slices.Clone(in.Tags)
	}
	v := &version{rec: rec, inline: got.inline, lock: in.Lock, acl: in.ACL, ownerFull: in.OwnerFullControl}
	if err := s.commitVersion(ctx, in.DstBucket, in.DstKey, v, in.Cond); err != nil {
		if got.blob != "" {
			s.deleteBlobs(ctx, []blob.ID{got.blob})
		}
		return nil, err
	}
	return &CopyOutput{Info: v.info(in.DstBucket, in.DstKey), SrcVersionID: src.versionID()}, nil
}

// UploadPartCopy fills a part from an object or a byte range of it
// (SrcRange, Start-End form only, within the source). It returns the part
// and the source's version id.
func (s *Service) UploadPartCopy(ctx context.Context, in UploadPartCopyInput) (Part, string, error) {
	p, vid, err := s.uploadPartCopy(ctx, in)
	if err != nil {
		return Part{}, "", fmt.Errorf("upload part copy %d of %s: %w", in.PartNumber, in.UploadID, err)
	}
	return p, vid, nil
}

func (s *Service) uploadPartCopy(ctx context.Context, in UploadPartCopyInput) (Part, string, error) {
	if in.PartNumber < 1 || in.PartNumber > MaxParts {
		return Part{}, "", fmt.Errorf("%w: %d", ErrInvalidPartNumber, in.PartNumber)
	}
	up, err := s.viewUpload(ctx, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return Part{}, "", err
	}
	if err := up.checkPartKey(in.CustomerKey); err != nil {
		return Part{}, "", err
	}
	src, err := s.openSource(ctx, in.SrcBucket, in.SrcKey, in.SrcVersionID, in.SrcCond, readKeys{in.SrcCustomerKey, in.KMSCaller},
		func(rec *objectRecord) (int64, int64, error) {
			rg := in.SrcRange
			if rg == nil {
				if rec.Size > MaxObjectSize {
					return 0, 0, fmt.Errorf("%w: %d bytes", ErrCopySourceTooLarge, rec.Size)
				}
				return 0, rec.Size, nil
			}
			if rg.Start < 0 || rg.End < rg.Start {
				return 0, 0, fmt.Errorf("%w: copy source range must be bytes=first-last", ErrInvalidArgument)
			}
			if rg.End >= rec.Size {
				return 0, 0, &RangeError{Size: rec.Size}
			}
			if n := rg.End - rg.Start + 1; n > MaxObjectSize {
				return 0, 0, fmt.Errorf("%w: part of %d bytes", ErrEntityTooLarge, n)
			}
			return rg.Start, rg.End - rg.Start + 1, nil
		})
	if err != nil {
		return Part{}, "", err
	}
	defer src.body.Close()
	algs, err := partAlgorithms(up, nil)
	if err != nil {
		return Part{}, "", err
	}
	length := src.body.end - src.body.pos
	got, err := s.receive(ctx, src.body, receiveOptions{size: length, algs: algs,
		encrypt: up.partEncryption(in.UploadID, in.PartNumber), customer: in.CustomerKey, customerKeyID: up.SSEC,
		kms: up.partKMS(in.KMSCaller), tier: s.tierClass(up.StorageClass)})
	if err != nil {
		return Part{}, "", err
	}
	rec := partRecord{Blob: got.blob, Size: got.size, MD5: got.md5, Modified: s.clock.Now().UTC(),
		CRC64: got.sums[checksum.CRC64NVME], SSE: got.sse}
	if up.Alg != "" {
		rec.Checksum = &checksumRecord{Alg: up.Alg, Value: got.sums[up.Alg]}
	}
	if err := s.commitPart(ctx, in.Bucket, in.Key, in.UploadID, in.PartNumber, &rec); err != nil {
		return Part{}, "", err
	}
	return rec.part(in.PartNumber), src.versionID(), nil
}
