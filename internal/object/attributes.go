package object

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// GetObjectAttributes reports an object version's metadata and, for a
// multipart object with a composite checksum, one page of its parts, all
// from one snapshot. A delete marker is a *DeleteMarkerError, as on GET.
func (s *Service) GetObjectAttributes(ctx context.Context, in AttributesInput) (*AttributesOutput, error) {
	out, err := s.attributes(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("attributes of %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, nil
}

func (s *Service) attributes(ctx context.Context, in AttributesInput) (*AttributesOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := checkVersionID(in.VersionID); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxParts, maxListKeys)
	if err != nil {
		return nil, err
	}
	if in.PartNumberMarker < 0 {
		return nil, fmt.Errorf("%w: part number marker %d", ErrInvalidArgument, in.PartNumberMarker)
	}
	var out *AttributesOutput
	err = s.meta.View(ctx, func(r meta.Reader) error {
		b, err := s.bucket(r, in.Bucket)
		if err != nil {
			return err
		}
		loc, err := readVersion(r, in.Bucket, in.Key, in.VersionID)
		if err != nil {
			return err
		}
		rec := loc.rec
		if err := checkCustomerKey(rec.SSE, in.CustomerKey); err != nil {
			return err
		}
		out = &AttributesOutput{Info: rec.infoIn(in.Bucket, in.Key, b.versioned())}
		out.Info.IsLatest = loc.current
		if !listsParts(rec) {
			return nil
		}
		out.PartsListed, out.MaxParts = true, limit
		return pageParts(r, rec, in.PartNumberMarker, limit, out)
	})
	return out, err
}

// listsParts reports whether S3 lists rec's parts in GetObjectAttributes.
// It gives only the count for a multipart object with a full-object
// checksum, and lists no Part for an object without per-part checksums
// ("if an additional checksum isn't applied to the object ..., the
// response doesn't return the Part element").
func listsParts(rec *objectRecord) bool {
	return rec.PartsCount > 0 && rec.Checksum != nil && rec.Checksum.Type == checksum.Composite
}

// pageParts adds to out the parts of rec numbered above marker, at most
// limit of them. Part numbers grow with the segment index, so the scan
// stops at the first part past the page.
func pageParts(r meta.Reader, rec *objectRecord, marker, limit int, out *AttributesOutput) error {
	p := segmentPrefix(rec.DataID)
	it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
	defer it.Close()
	for i := 1; it.Next(); i++ {
		var sg segmentRecord
		if err := decodeRecord(it.Value(), &sg); err != nil {
			return fmt.Errorf("segment of %s: %w", rec.DataID, err)
		}
		n := sg.number(i)
		if n <= marker {
			continue
		}
		if len(out.Parts) == limit {
			out.Truncated = true
			break
		}
		out.Parts = append(out.Parts, Part{PartNumber: n, Size: sg.Size, Checksum: sg.Checksum.toChecksum()})
	}
	if err := it.Err(); err != nil {
		return err
	}
	if len(out.Parts) > 0 {
		out.NextPartNumberMarker = out.Parts[len(out.Parts)-1].PartNumber
	}
	return nil
}
