package object

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// uploadIDLen is the length of an upload id: 16 hex digits of the
// initiation time in nanoseconds (so ids sort by age) and 32 of randomness
// (so they cannot be guessed).
const uploadIDLen = 48

// newUploadID returns an upload id for an upload initiated at nanos.
func newUploadID(nanos int64) string {
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], uint64(nanos))
	return hex.EncodeToString(t[:]) + randomID(16)
}

// validUploadID reports whether id could have come from newUploadID; other
// ids name no upload (and must never reach a meta key).
func validUploadID(id string) bool {
	if len(id) != uploadIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// uploadChecksumType validates an upload's checksum algorithm and type and
// fills in the default type: CRC64NVME is FULL_OBJECT only, SHA1 and SHA256
// COMPOSITE only, CRC32 and CRC32C either (COMPOSITE by default).
func uploadChecksumType(alg checksum.Algorithm, typ checksum.Type) (checksum.Type, error) {
	typ = checksum.Type(strings.ToUpper(string(typ)))
	if typ != "" && typ != checksum.FullObject && typ != checksum.Composite {
		return "", fmt.Errorf("%w: checksum type %q", ErrInvalidRequest, typ)
	}
	if alg == "" {
		if typ != "" {
			return "", fmt.Errorf("%w: checksum type %s without an algorithm", ErrInvalidRequest, typ)
		}
		return "", nil
	}
	switch {
	case alg == checksum.CRC64NVME && typ == checksum.Composite,
		!alg.IsCRC() && typ == checksum.FullObject:
		return "", fmt.Errorf("%w: the %s checksum type cannot be used with %s", ErrInvalidRequest, typ, alg)
	case typ != "":
		return typ, nil
	case alg == checksum.CRC64NVME:
		return checksum.FullObject, nil
	}
	return checksum.Composite, nil
}

// CreateMultipartUpload starts an upload and returns its id.
func (s *Service) CreateMultipartUpload(ctx context.Context, in CreateUploadInput) (Upload, error) {
	up, err := s.createUpload(ctx, in)
	if err != nil {
		return Upload{}, fmt.Errorf("create upload %s/%s: %w", in.Bucket, in.Key, err)
	}
	return up, nil
}

func (s *Service) createUpload(ctx context.Context, in CreateUploadInput) (Upload, error) {
	if err := s.checkNewObject(in.Bucket, in.Key, in.UserMeta, in.Tags); err != nil {
		return Upload{}, err
	}
	if err := s.admit(0); err != nil {
		return Upload{}, err
	}
	var err error
	if in.ChecksumAlgorithm, err = canonicalAlgorithm(in.ChecksumAlgorithm); err != nil {
		return Upload{}, err
	}
	typ, err := uploadChecksumType(in.ChecksumAlgorithm, in.ChecksumType)
	if err != nil {
		return Upload{}, err
	}
	class, err := canonicalStorageClass(in.StorageClass)
	if err != nil {
		return Upload{}, err
	}
	now := s.clock.Now().UTC()
	if err := checkLock(in.Lock, now); err != nil {
		return Upload{}, err
	}
	rec := uploadRecord{
		Initiated: now, Owner: in.Owner, Alg: in.ChecksumAlgorithm, Type: typ,
		Headers: in.Headers, UserMeta: cloneMeta(in.UserMeta), Tags: slices.Clone(in.Tags),
		StorageClass: class, OwnerFull: in.OwnerFullControl,
		Encrypt: s.encrypting(in.Encrypt || in.CustomerKey != nil),
	}
	if in.CustomerKey != nil {
		if rec.SSEC, err = newCustomerKeyID(in.CustomerKey); err != nil {
			return Upload{}, err
		}
	}
	plan, err := s.writeKMS(ctx, in.Bucket, in.Key, in.KMS, in.Encrypt, in.CustomerKey, in.KMSCaller)
	if err != nil {
		return Upload{}, err
	}
	if plan != nil {
		if rec.KMS, err = s.startUploadKMS(ctx, plan); err != nil {
			return Upload{}, err
		}
		rec.Encrypt = true
	}
	if in.ACL != nil {
		if err := acl.Validate(in.ACL); err != nil {
			return Upload{}, err
		}
		if rec.ACL, err = aclRecordOf(in.ACL); err != nil {
			return Upload{}, err
		}
	}
	if in.Lock != nil {
		l := *in.Lock
		rec.Lock = &l
	}
	val, err := encodeRecord(&rec)
	if err != nil {
		return Upload{}, err
	}
	id := newUploadID(now.UnixNano())
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		if in.Lock != nil && (in.Lock.Mode != "" || in.Lock.LegalHold) && !b.ObjectLock {
			return ErrNoObjectLock
		}
		return tx.Set(uploadKey(in.Bucket, in.Key, id), val)
	})
	if err != nil {
		return Upload{}, err
	}
	return rec.upload(in.Bucket, in.Key, id), nil
}

func (r *uploadRecord) upload(bucket, key, id string) Upload {
	return Upload{Bucket: bucket, Key: key, UploadID: id, Initiated: r.Initiated, Owner: r.Owner,
		ChecksumAlgorithm: r.Alg, ChecksumType: r.Type, StorageClass: storageClassName(r.StorageClass),
		ServerSideEncryption: r.sseInfo(), SSEKMSKeyID: r.kmsARN(), BucketKeyEnabled: r.KMS != nil && r.KMS.BucketKey}
}

func (r *uploadRecord) kmsARN() string {
	if r.KMS == nil {
		return ""
	}
	return r.KMS.ARN
}

// sseInfo is the encryption the upload's parts get.
func (r *uploadRecord) sseInfo() string {
	if r.SSEC != "" {
		return SSECustomer
	}
	if r.KMS != nil {
		return SSEKMS
	}
	if r.Encrypt {
		return SSES3
	}
	return ""
}

// partEncryption is the wrap context of part n's data key, nil when the
// upload's parts are stored in plaintext. The encryption is decided when
// the upload is created, so all its parts agree.
func (r *uploadRecord) partEncryption(uploadID string, n int) []byte {
	if !r.Encrypt {
		return nil
	}
	return partKeyContext(uploadID, n)
}

// checkPartKey checks the customer key a part request gives: an upload
// created with SSE-C needs that key, any other refuses one, as S3 does.
func (r *uploadRecord) checkPartKey(ck *CustomerKey) error {
	switch {
	case r.SSEC == "" && ck == nil:
		return nil
	case r.SSEC == "":
		return ErrUploadKeyMismatch
	case ck == nil:
		return ErrUploadKeyRequired
	}
	ok, err := customerKeyMatches(r.SSEC, ck)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUploadKeyMismatch
	}
	return nil
}

// getUpload reads an upload record, or returns ErrNoSuchUpload.
func getUpload(r meta.Reader, bucket, key, id string) (*uploadRecord, error) {
	if !validUploadID(id) {
		return nil, ErrNoSuchUpload
	}
	v, err := r.Get(uploadKey(bucket, key, id))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, err
	}
	rec := &uploadRecord{}
	if err := decodeRecord(v, rec); err != nil {
		return nil, fmt.Errorf("upload %s: %w", id, err)
	}
	return rec, nil
}

// viewUpload reads an upload record in its own snapshot.
func (s *Service) viewUpload(ctx context.Context, bucket, key, id string) (*uploadRecord, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, err
	}
	if err := validKey(key); err != nil {
		return nil, err
	}
	var up *uploadRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := getBucket(r, bucket); err != nil {
			return err
		}
		var err error
		up, err = getUpload(r, bucket, key, id)
		return err
	})
	return up, err
}

// UploadPart stores one part. Uploading a part number again replaces the
// earlier part, whose blob is deleted after the commit.
func (s *Service) UploadPart(ctx context.Context, in UploadPartInput) (Part, error) {
	p, err := s.uploadPart(ctx, in)
	if err != nil {
		return Part{}, fmt.Errorf("upload part %d of %s: %w", in.PartNumber, in.UploadID, err)
	}
	return p, nil
}

func (s *Service) uploadPart(ctx context.Context, in UploadPartInput) (Part, error) {
	if in.PartNumber < 1 || in.PartNumber > MaxParts {
		return Part{}, fmt.Errorf("%w: %d", ErrInvalidPartNumber, in.PartNumber)
	}
	if in.Size > MaxObjectSize {
		return Part{}, fmt.Errorf("%w: part of %d bytes", ErrEntityTooLarge, in.Size)
	}
	var err error
	if in.Checksum, err = canonicalExpected(in.Checksum); err != nil {
		return Part{}, err
	}
	up, err := s.viewUpload(ctx, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return Part{}, err
	}
	if err := up.checkPartKey(in.CustomerKey); err != nil {
		return Part{}, err
	}
	algs, err := partAlgorithms(up, in.Checksum)
	if err != nil {
		return Part{}, err
	}
	got, err := s.receive(ctx, in.Body, receiveOptions{
		size: in.Size, contentMD5: in.ContentMD5, expected: in.Checksum, algs: algs,
		encrypt:  up.partEncryption(in.UploadID, in.PartNumber),
		customer: in.CustomerKey, customerKeyID: up.SSEC,
		kms:  up.partKMS(in.KMSCaller),
		tier: s.tierClass(up.StorageClass),
	})
	if err != nil {
		return Part{}, err
	}
	rec := partRecord{Blob: got.blob, Size: got.size, MD5: got.md5, Modified: s.clock.Now().UTC(),
		CRC64: got.sums[checksum.CRC64NVME], SSE: got.sse}
	if alg := partChecksumAlgorithm(up, in.Checksum); alg != "" {
		rec.Checksum = &checksumRecord{Alg: alg, Value: got.sums[alg]}
	}
	if err := s.commitPart(ctx, in.Bucket, in.Key, in.UploadID, in.PartNumber, &rec); err != nil {
		return Part{}, err
	}
	return rec.part(in.PartNumber), nil
}

// partAlgorithms lists the checksums to compute for a part: the upload's
// algorithm, or CRC64NVME (for the default full-object checksum) when the
// upload has none. A client checksum of another algorithm than the
// upload's is rejected.
func partAlgorithms(up *uploadRecord, expected *ExpectedChecksum) ([]checksum.Algorithm, error) {
	if up.Alg != "" {
		if expected != nil && expected.Algorithm != up.Alg {
			return nil, fmt.Errorf("%w: upload uses %s, part sent %s", ErrInvalidRequest, up.Alg, expected.Algorithm)
		}
		return []checksum.Algorithm{up.Alg}, nil
	}
	return []checksum.Algorithm{checksum.CRC64NVME}, nil
}

// partChecksumAlgorithm is the checksum a part record shows.
func partChecksumAlgorithm(up *uploadRecord, expected *ExpectedChecksum) checksum.Algorithm {
	if up.Alg != "" {
		return up.Alg
	}
	if expected != nil {
		return expected.Algorithm
	}
	return ""
}

// commitPart records a received part; on failure it deletes the part's
// blob, on success the blob of the part it replaced.
func (s *Service) commitPart(ctx context.Context, bucket, key, uploadID string, n int, rec *partRecord) error {
	var replaced []blob.ID
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		replaced = nil
		if err := s.currentWrap(rec.SSE, partKeyContext(uploadID, n)); err != nil {
			return err
		}
		val, err := encodeRecord(rec)
		if err != nil {
			return err
		}
		if _, err := getUpload(tx, bucket, key, uploadID); err != nil {
			return err
		}
		old, err := getPart(tx, uploadID, n)
		switch {
		case err == nil:
			replaced = append(replaced, old.Blob)
			if err := tx.Delete(refKey(string(old.Blob))); err != nil {
				return err
			}
		case !errors.Is(err, meta.ErrNotFound):
			return err
		}
		if err := setRef(tx, rec.Blob, refRecord{Bucket: bucket, Key: key, UploadID: uploadID, Part: n}); err != nil {
			return err
		}
		return tx.Set(partKey(uploadID, n), val)
	})
	if err != nil {
		s.deleteBlobs(ctx, []blob.ID{rec.Blob})
		return err
	}
	s.deleteBlobs(ctx, replaced)
	return nil
}

func getPart(r meta.Reader, uploadID string, n int) (*partRecord, error) {
	v, err := r.Get(partKey(uploadID, n))
	if err != nil {
		return nil, err
	}
	p := &partRecord{}
	if err := decodeRecord(v, p); err != nil {
		return nil, fmt.Errorf("part %d of %s: %w", n, uploadID, err)
	}
	return p, nil
}

func (p *partRecord) part(n int) Part {
	pt := Part{PartNumber: n, ETag: hex.EncodeToString(p.MD5), Size: p.Size, LastModified: p.Modified,
		Checksum: p.Checksum.toChecksum(), ServerSideEncryption: p.SSE.info()}
	pt.SSEKMSKeyID, pt.BucketKeyEnabled = p.SSE.kmsInfo()
	return pt
}

// AbortMultipartUpload removes an upload and its parts; the parts' blobs
// are deleted after the commit.
func (s *Service) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := checkBucketName(bucket); err != nil {
		return fmt.Errorf("abort upload %s: %w", uploadID, err)
	}
	var garbage []blob.ID
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := getBucket(tx, bucket); err != nil {
			return err
		}
		if _, err := getUpload(tx, bucket, key, uploadID); err != nil {
			return err
		}
		parts, err := readParts(tx, uploadID)
		if err != nil {
			return err
		}
		garbage = nil
		for _, p := range parts {
			garbage = append(garbage, p.Blob)
		}
		if err := dropParts(tx, uploadID, parts, nil); err != nil {
			return err
		}
		return tx.Delete(uploadKey(bucket, key, uploadID))
	})
	if err != nil {
		return fmt.Errorf("abort upload %s: %w", uploadID, err)
	}
	s.deleteBlobs(ctx, garbage)
	return nil
}

// numberedPart is a part record with its number.
type numberedPart struct {
	n int
	*partRecord
}

// readParts reads every part of an upload in part-number order.
func readParts(r meta.Reader, uploadID string) ([]numberedPart, error) {
	p := partPrefix(uploadID)
	it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
	defer it.Close()
	var parts []numberedPart
	for it.Next() {
		k := it.Key()
		rec := &partRecord{}
		if err := decodeRecord(it.Value(), rec); err != nil {
			return nil, fmt.Errorf("part of %s: %w", uploadID, err)
		}
		parts = append(parts, numberedPart{int(binary.BigEndian.Uint32(k[len(k)-4:])), rec})
	}
	return parts, it.Err()
}

// dropParts deletes the part records of an upload, and the references of
// the parts' blobs except those in keep.
func dropParts(tx meta.Txn, uploadID string, parts []numberedPart, keep map[int]bool) error {
	for _, p := range parts {
		if err := tx.Delete(partKey(uploadID, p.n)); err != nil {
			return err
		}
		if keep[p.n] {
			continue
		}
		if err := tx.Delete(refKey(string(p.Blob))); err != nil {
			return err
		}
	}
	return nil
}

// trimETag removes the quotes a client may put around an ETag.
func trimETag(s string) string { return strings.Trim(strings.TrimSpace(s), `"`) }

// multipartETag is the hex MD5 of the concatenated binary part MD5s with
// the "-N" suffix.
func multipartETag(md5s [][]byte) string {
	h := md5.New()
	for _, m := range md5s {
		h.Write(m)
	}
	return fmt.Sprintf("%s-%d", hex.EncodeToString(h.Sum(nil)), len(md5s))
}
