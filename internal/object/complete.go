package object

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// CompleteMultipartUpload assembles the listed parts into the object, in
// one transaction that also checks the write conditions, removes the
// upload and drops the parts not listed (their blobs are deleted after the
// commit). The object references the parts' blobs; no byte is copied.
// Of two concurrent completions one wins; the other finds the upload gone
// (ErrNoSuchUpload).
func (s *Service) CompleteMultipartUpload(ctx context.Context, in CompleteInput) (ObjectInfo, error) {
	info, err := s.complete(ctx, in)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("complete upload %s: %w", in.UploadID, err)
	}
	return info, nil
}

func (s *Service) complete(ctx context.Context, in CompleteInput) (ObjectInfo, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return ObjectInfo{}, err
	}
	if err := validKey(in.Key); err != nil {
		return ObjectInfo{}, err
	}
	if len(in.Parts) == 0 {
		return ObjectInfo{}, fmt.Errorf("%w: no parts", ErrInvalidRequest)
	}
	for i, p := range in.Parts {
		if p.PartNumber < 1 || p.PartNumber > MaxParts {
			return ObjectInfo{}, fmt.Errorf("%w: part number %d", ErrInvalidPart, p.PartNumber)
		}
		if i > 0 && p.PartNumber <= in.Parts[i-1].PartNumber {
			return ObjectInfo{}, fmt.Errorf("%w: part %d after %d", ErrInvalidPartOrder, p.PartNumber, in.Parts[i-1].PartNumber)
		}
	}
	if err := canonicalCompleteInput(&in); err != nil {
		return ObjectInfo{}, err
	}
	now := s.clock.Now().UTC()
	var (
		v       *version
		garbage []blob.ID
	)
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		garbage = nil
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		up, err := getUpload(tx, in.Bucket, in.Key, in.UploadID)
		if errors.Is(err, ErrNoSuchUpload) {
			// S3 answers a retried completion (say, after a lost
			// response) with the same result while the object it made
			// is still current.
			if v, err = completedBefore(tx, in); v != nil {
				v.versioned = b.versioned()
			}
			return err
		}
		if err != nil {
			return err
		}
		// S3 takes the customer key on completion only optionally; a
		// key given must be the upload's.
		if in.CustomerKey != nil {
			if err := up.checkPartKey(in.CustomerKey); err != nil {
				return err
			}
		}
		parts, err := readParts(tx, in.UploadID)
		if err != nil {
			return err
		}
		if v, err = s.assemble(up, parts, in, now); err != nil {
			return err
		}
		listed := make(map[int]bool, len(in.Parts))
		for _, p := range in.Parts {
			listed[p.PartNumber] = true
		}
		for _, p := range parts {
			if !listed[p.n] {
				garbage = append(garbage, p.Blob)
			}
		}
		if err := dropParts(tx, in.UploadID, parts, listed); err != nil {
			return err
		}
		if err := tx.Delete(uploadKey(in.Bucket, in.Key, in.UploadID)); err != nil {
			return err
		}
		replaced, err := recordVersion(tx, in.Bucket, in.Key, v, in.Cond)
		if err != nil {
			return err
		}
		garbage = append(garbage, replaced...)
		return nil
	})
	if err != nil {
		if errors.Is(err, meta.ErrConflict) && (in.Cond != WriteConditions{}) {
			err = fmt.Errorf("%w: %w", ErrConditionalConflict, err)
		}
		return ObjectInfo{}, err
	}
	s.deleteBlobs(ctx, garbage)
	return v.info(in.Bucket, in.Key), nil
}

// assemble checks the listed parts against the uploaded ones and builds the
// object version: ETag over the part MD5s, the upload's checksum (composite
// or full-object), and one segment per part.
func (s *Service) assemble(up *uploadRecord, uploaded []numberedPart, in CompleteInput, now time.Time) (*version, error) {
	byNumber := make(map[int]*partRecord, len(uploaded))
	for _, p := range uploaded {
		byNumber[p.n] = p.partRecord
	}
	v := &version{rec: objectRecord{
		// The upload id names the data: unique like any data id, and it
		// lets a retried completion recognize its own result.
		DataID: in.UploadID, Modified: now, Headers: up.Headers, UserMeta: up.UserMeta,
		Tags: up.Tags, Owner: up.Owner, PartsCount: len(in.Parts),
		StorageClass: up.StorageClass,
	}, lock: up.Lock, ownerFull: up.OwnerFull}
	if up.ACL != nil {
		v.acl = up.ACL.grants()
	}
	md5s := make([][]byte, 0, len(in.Parts))
	for _, cp := range in.Parts {
		p, ok := byNumber[cp.PartNumber]
		if !ok {
			return nil, fmt.Errorf("%w: part %d was not uploaded", ErrInvalidPart, cp.PartNumber)
		}
		if trimETag(cp.ETag) != p.part(cp.PartNumber).ETag {
			return nil, fmt.Errorf("%w: part %d has another ETag", ErrInvalidPart, cp.PartNumber)
		}
		// S3 requires the part checksums of an upload created with a
		// composite checksum ("The complete request must include the
		// checksum for each part").
		if cp.Checksum == nil && up.Alg != "" && up.Type == checksum.Composite {
			return nil, fmt.Errorf("%w: the upload uses %s; part %d has no checksum", ErrInvalidRequest, up.Alg, cp.PartNumber)
		}
		if c := cp.Checksum; c != nil && (p.Checksum == nil || c.Algorithm != p.Checksum.Alg || !bytes.Equal(c.Value, p.Checksum.Value)) {
			return nil, fmt.Errorf("%w: part %d has another checksum", ErrInvalidPart, cp.PartNumber)
		}
		seg := segmentRecord{Blob: p.Blob, Offset: v.rec.Size, Size: p.Size, MD5: p.MD5, Checksum: p.Checksum, PartNumber: cp.PartNumber,
			SSE: p.SSE}
		v.segments = append(v.segments, seg)
		v.rec.Size += p.Size
		md5s = append(md5s, p.MD5)
	}
	// Sizes are checked once every listed part is known to be valid, so
	// that a wrong part list reports InvalidPart first.
	for i, sg := range v.segments[:len(v.segments)-1] {
		if sg.Size < s.minPartSize {
			return nil, fmt.Errorf("%w: part %d has %d bytes, minimum %d", ErrEntityTooSmall, in.Parts[i].PartNumber, sg.Size, s.minPartSize)
		}
	}
	if v.rec.Size > MaxMultipartSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrEntityTooLarge, v.rec.Size)
	}
	v.rec.ETag = multipartETag(md5s)
	v.rec.SSE = multipartEncryption(v.segments)
	sum, err := objectChecksum(up, v.segments, uploaded, in.Parts)
	if err != nil {
		return nil, err
	}
	if want := in.Checksum; want != nil {
		if want.Algorithm != sum.Alg {
			return nil, fmt.Errorf("%w: upload uses %s, complete sent %s", ErrInvalidRequest, sum.Alg, want.Algorithm)
		}
		if !bytes.Equal(want.Value, sum.Value) {
			return nil, fmt.Errorf("%w: whole-object %s", ErrChecksumMismatch, sum.Alg)
		}
	}
	v.rec.Checksum = sum
	return v, nil
}

// multipartEncryption is what a multipart object's record says of its
// encryption: encrypted when every part is (each part's key is in its
// segment). An upload's parts all agree (uploadRecord.Encrypt).
func multipartEncryption(segs []segmentRecord) *sseRecord {
	for _, sg := range segs {
		if sg.SSE == nil {
			return nil
		}
	}
	if segs[0].SSE.Alg == sseAlgKMS {
		return kmsSummary(segs[0].SSE)
	}
	// An SSE-C object keeps the KeyID its parts share, which recognises
	// the customer's key on a read.
	return &sseRecord{Alg: segs[0].SSE.Alg, KeyID: segs[0].SSE.KeyID}
}

// objectChecksum forms the multipart object's checksum from its parts:
// COMPOSITE is the algorithm over the concatenated part sums; FULL_OBJECT
// combines the part CRCs with their sizes; an upload without algorithm
// gets a full-object CRC64NVME, as S3 gives every new object.
func objectChecksum(up *uploadRecord, segs []segmentRecord, uploaded []numberedPart, listed []CompletedPart) (*checksumRecord, error) {
	alg, typ := up.Alg, up.Type
	if alg == "" {
		alg, typ = checksum.CRC64NVME, checksum.FullObject
	}
	byNumber := make(map[int]*partRecord, len(uploaded))
	for _, p := range uploaded {
		byNumber[p.n] = p.partRecord
	}
	sums := make([][]byte, len(listed))
	for i, cp := range listed {
		p := byNumber[cp.PartNumber]
		switch {
		case up.Alg == "":
			sums[i] = p.CRC64
		case p.Checksum != nil:
			sums[i] = p.Checksum.Value
		}
		if len(sums[i]) != alg.Size() {
			return nil, fmt.Errorf("%w: part %d has no %s checksum", ErrInvalidPart, cp.PartNumber, alg)
		}
	}
	if typ == checksum.Composite {
		return &checksumRecord{Alg: alg, Type: typ, Value: checksum.CompositeSum(alg, sums)}, nil
	}
	parts := make([]checksum.PartSum, len(sums))
	for i := range sums {
		parts[i] = checksum.PartSum{Sum: sums[i], Size: segs[i].Size}
	}
	value, err := checksum.Combine(alg, parts)
	if err != nil {
		return nil, err
	}
	return &checksumRecord{Alg: alg, Type: typ, Value: value}, nil
}

// canonicalCompleteInput canonicalizes the algorithms of the checksums in
// in, copying the parts so that the caller's slice is left alone.
func canonicalCompleteInput(in *CompleteInput) error {
	var err error
	if in.Checksum, err = canonicalChecksum(in.Checksum); err != nil {
		return err
	}
	parts := make([]CompletedPart, len(in.Parts))
	for i, p := range in.Parts {
		if p.Checksum, err = canonicalChecksum(p.Checksum); err != nil {
			return err
		}
		parts[i] = p
	}
	in.Parts = parts
	return nil
}

// completedBefore returns the object version that an earlier completion of
// the same upload with the same parts made, if it is still current, or
// ErrNoSuchUpload.
func completedBefore(tx meta.Txn, in CompleteInput) (*version, error) {
	cur, err := getObjectRecord(tx, in.Bucket, in.Key)
	if errors.Is(err, ErrNoSuchKey) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, err
	}
	if cur.DataID != in.UploadID || cur.PartsCount != len(in.Parts) {
		return nil, ErrNoSuchUpload
	}
	segs, err := readSegments(tx, cur.DataID)
	if err != nil {
		return nil, err
	}
	if len(segs) != len(in.Parts) {
		return nil, ErrNoSuchUpload
	}
	for i, sg := range segs {
		if trimETag(in.Parts[i].ETag) != hex.EncodeToString(sg.MD5) {
			return nil, ErrNoSuchUpload
		}
	}
	return &version{rec: *cur}, nil
}
