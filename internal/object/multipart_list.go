package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// ListParts pages through the parts of an upload in part-number order,
// after PartNumberMarker (exclusive); MaxParts 0 means 1000.
func (s *Service) ListParts(ctx context.Context, in ListPartsInput) (*ListPartsOutput, error) {
	out, err := s.listParts(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list parts of %s: %w", in.UploadID, err)
	}
	return out, nil
}

func (s *Service) listParts(ctx context.Context, in ListPartsInput) (*ListPartsOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxParts, maxListKeys)
	if err != nil {
		return nil, err
	}
	if in.PartNumberMarker < 0 {
		return nil, fmt.Errorf("%w: part number marker %d", ErrInvalidArgument, in.PartNumberMarker)
	}
	var out *ListPartsOutput
	err = s.meta.View(ctx, func(r meta.Reader) error {
		if _, err := getBucket(r, in.Bucket); err != nil {
			return err
		}
		up, err := getUpload(r, in.Bucket, in.Key, in.UploadID)
		if err != nil {
			return err
		}
		out = &ListPartsOutput{Upload: up.upload(in.Bucket, in.Key, in.UploadID)}
		start := partKey(in.UploadID, min(in.PartNumberMarker, MaxParts)+1)
		it := r.Scan(start, prefixEnd(partPrefix(in.UploadID)), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			if len(out.Parts) == limit {
				out.Truncated = true
				out.NextPartNumberMarker = out.Parts[len(out.Parts)-1].PartNumber
				return nil
			}
			k := it.Key()
			n := int(binary.BigEndian.Uint32(k[len(k)-4:]))
			var p partRecord
			if err := decodeRecord(it.Value(), &p); err != nil {
				return fmt.Errorf("part %d: %w", n, err)
			}
			out.Parts = append(out.Parts, p.part(n))
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListMultipartUploads pages through a bucket's in-progress uploads by key,
// then initiation time, with Prefix and Delimiter (common prefixes count
// against MaxUploads). As in S3, KeyMarker alone resumes after every upload
// of that key; with UploadIDMarker it resumes after that upload of the key.
func (s *Service) ListMultipartUploads(ctx context.Context, in ListUploadsInput) (*ListUploadsOutput, error) {
	out, err := s.listUploads(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list uploads of %s: %w", in.Bucket, err)
	}
	return out, nil
}

func (s *Service) listUploads(ctx context.Context, in ListUploadsInput) (*ListUploadsOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxUploads, maxListKeys)
	if err != nil {
		return nil, err
	}
	base := bucketPrefix(tableUpload, in.Bucket)
	prefixStart := escapeKey(bytes.Clone(base), in.Prefix)
	start, end := prefixStart, prefixEnd(prefixStart)
	if in.KeyMarker != "" {
		var after []byte
		if in.UploadIDMarker != "" {
			after = append(uploadKey(in.Bucket, in.KeyMarker, in.UploadIDMarker), 0)
		} else {
			// Past every upload of KeyMarker (they end in 0x00 0x01 id),
			// before any longer key (which continues with 0x00 0xFF or a
			// byte above 0x00).
			after = append(escapeKey(bytes.Clone(base), in.KeyMarker), 0, 2)
		}
		if bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	var out *ListUploadsOutput
	err = s.meta.View(ctx, func(r meta.Reader) error {
		out = &ListUploadsOutput{}
		if _, err := getBucket(r, in.Bucket); err != nil {
			return err
		}
		c := newCursor(r, start, end)
		defer c.close()
		count := 0
		for c.next() {
			key, rest, ok := unescapeKey(c.it.Key()[len(base):])
			if !ok {
				return fmt.Errorf("upload key %q: %w", c.it.Key(), errBadRecord)
			}
			if in.Delimiter != "" {
				if i := strings.Index(key[len(in.Prefix):], in.Delimiter); i >= 0 {
					cp := key[:len(in.Prefix)+i+len(in.Delimiter)]
					if cp > in.KeyMarker {
						if count == limit {
							out.Truncated = true
							return nil
						}
						out.CommonPrefixes = append(out.CommonPrefixes, cp)
						out.NextKeyMarker, out.NextUploadIDMarker = cp, ""
						count++
					}
					if err := c.skipPrefix(escapeKey(bytes.Clone(base), cp)); err != nil {
						return err
					}
					continue
				}
			}
			if count == limit {
				out.Truncated = true
				return nil
			}
			var rec uploadRecord
			if err := decodeRecord(c.it.Value(), &rec); err != nil {
				return fmt.Errorf("upload of %s: %w", key, err)
			}
			id := string(rest)
			out.Uploads = append(out.Uploads, rec.upload(in.Bucket, key, id))
			out.NextKeyMarker, out.NextUploadIDMarker = key, id
			count++
		}
		return c.close()
	})
	if err != nil {
		return nil, err
	}
	if !out.Truncated {
		out.NextKeyMarker, out.NextUploadIDMarker = "", ""
	}
	return out, nil
}
