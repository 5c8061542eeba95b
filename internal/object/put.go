package object

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// PutObject writes a whole object. The body is streamed into a new blob (or
// kept inline when small) while MD5 and the checksum are computed; the
// length, Content-MD5 and expected checksum are verified before anything is
// committed; then one meta transaction checks the bucket and the write
// conditions and makes the object current. When PutObject returns nil the
// object is durable. The replaced object's blob is deleted afterwards.
func (s *Service) PutObject(ctx context.Context, in PutInput) (ObjectInfo, error) {
	info, err := s.putObject(ctx, in)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("put %s/%s: %w", in.Bucket, in.Key, err)
	}
	return info, nil
}

func (s *Service) putObject(ctx context.Context, in PutInput) (ObjectInfo, error) {
	if err := s.checkNewObject(in.Bucket, in.Key, in.UserMeta, in.Tags); err != nil {
		return ObjectInfo{}, err
	}
	if in.Size > MaxObjectSize {
		return ObjectInfo{}, fmt.Errorf("%w: %d bytes, limit %d", ErrEntityTooLarge, in.Size, int64(MaxObjectSize))
	}
	var err error
	if in.ChecksumAlgorithm, err = canonicalAlgorithm(in.ChecksumAlgorithm); err != nil {
		return ObjectInfo{}, err
	}
	if in.Checksum, err = canonicalExpected(in.Checksum); err != nil {
		return ObjectInfo{}, err
	}
	alg, err := requestedAlgorithm(in.ChecksumAlgorithm, in.Checksum)
	if err != nil {
		return ObjectInfo{}, err
	}
	class, err := canonicalStorageClass(in.StorageClass)
	if err != nil {
		return ObjectInfo{}, err
	}
	if err := checkLock(in.Lock, s.clock.Now()); err != nil {
		return ObjectInfo{}, err
	}
	// Fail fast, before reading the body; the transaction checks again.
	// A body small enough to be kept inline costs less to read than the
	// extra snapshot read, so for one the check runs only if reading the
	// body fails, which keeps the errors and their precedence unchanged.
	small := in.Size <= s.inlineLimit
	if !small {
		if err := s.precheckWrite(ctx, in.Bucket, in.Key, in.Cond); err != nil {
			return ObjectInfo{}, err
		}
	}
	plan, err := s.writeKMS(ctx, in.Bucket, in.Key, in.KMS, in.Encrypt, in.CustomerKey, in.KMSCaller)
	if err != nil {
		return ObjectInfo{}, err
	}
	dataID := randomID(16)
	var encrypt []byte
	if s.encrypting(in.Encrypt || in.CustomerKey != nil || plan != nil) {
		encrypt = objectKeyContext(dataID)
	}
	got, err := s.receive(ctx, in.Body, receiveOptions{
		customer:   in.CustomerKey,
		kms:        plan,
		size:       in.Size,
		contentMD5: in.ContentMD5,
		expected:   in.Checksum,
		algs:       []checksum.Algorithm{alg},
		inline:     true,
		encrypt:    encrypt,
		tier:       s.tierClass(class),
	})
	if err != nil {
		if small && ctx.Err() == nil {
			if perr := s.precheckWrite(ctx, in.Bucket, in.Key, in.Cond); perr != nil {
				return ObjectInfo{}, perr
			}
		}
		return ObjectInfo{}, err
	}
	v := &version{
		rec: objectRecord{
			DataID:   dataID,
			Size:     got.size,
			ETag:     hex.EncodeToString(got.md5),
			Modified: s.clock.Now().UTC(),
			Headers:  in.Headers,
			UserMeta: cloneMeta(in.UserMeta),
			Tags:     slices.Clone(in.Tags),
			Checksum: &checksumRecord{Alg: alg, Type: checksum.FullObject, Value: got.sums[alg]},
			Owner:    in.Owner,
			Inline:   got.blob == "",
			Blob:     got.blob,

			StorageClass: class,
			SSE:          got.sse,
		},
		inline:    got.inline,
		lock:      in.Lock,
		acl:       in.ACL,
		ownerFull: in.OwnerFullControl,
	}
	if err := s.commitVersion(ctx, in.Bucket, in.Key, v, in.Cond); err != nil {
		if got.blob != "" {
			s.deleteBlobs(ctx, []blob.ID{got.blob})
		}
		return ObjectInfo{}, err
	}
	return v.info(in.Bucket, in.Key), nil
}

// checkNewObject validates what every write of a new object carries.
func (s *Service) checkNewObject(bucket, key string, userMeta map[string]string, tags []Tag) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	if err := validUserMeta(userMeta); err != nil {
		return err
	}
	return validTags(tags)
}

// precheckWrite checks the bucket and the write conditions against a
// snapshot, so that a doomed write fails before its body is read.
func (s *Service) precheckWrite(ctx context.Context, bucket, key string, cond WriteConditions) error {
	return s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := getBucket(r, bucket); err != nil {
			return err
		}
		if cond == (WriteConditions{}) {
			return nil
		}
		cur, err := getObjectRecord(r, bucket, key)
		if err != nil && !errors.Is(err, ErrNoSuchKey) {
			return err
		}
		return checkWriteConditions(cond, cur)
	})
}

// requestedAlgorithm picks the checksum algorithm to store: the expected
// checksum's, else the requested one, else CRC64NVME as S3 does.
// Both must be canonical (canonicalAlgorithm).
func requestedAlgorithm(requested checksum.Algorithm, expected *ExpectedChecksum) (checksum.Algorithm, error) {
	alg := requested
	if expected != nil {
		if alg != "" && alg != expected.Algorithm {
			return "", fmt.Errorf("%w: checksum algorithm %s but a %s checksum was sent", ErrInvalidRequest, alg, expected.Algorithm)
		}
		alg = expected.Algorithm
	}
	if alg == "" {
		alg = checksum.CRC64NVME
	}
	return alg, nil
}

func cloneMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
