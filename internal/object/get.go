package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// maxReadAttempts bounds how often a read retries when the object was
// replaced between reading its record and opening its blobs.
const maxReadAttempts = 8

// GetObject reads an object: preconditions (AWS precedence), then a Range or
// a PartNumber. The returned Body must be closed; it streams bytes of the
// version the record named even if the object is replaced meanwhile.
func (s *Service) GetObject(ctx context.Context, in GetInput) (*GetOutput, error) {
	out, err := s.get(ctx, in, true)
	if err != nil {
		return nil, fmt.Errorf("get %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, nil
}

// HeadObject is GetObject without the body.
func (s *Service) HeadObject(ctx context.Context, in GetInput) (*GetOutput, error) {
	out, err := s.get(ctx, in, false)
	if err != nil {
		return nil, fmt.Errorf("head %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, nil
}

func (s *Service) get(ctx context.Context, in GetInput, withBody bool) (*GetOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if in.Range != nil && in.PartNumber != 0 {
		return nil, fmt.Errorf("%w: both a Range and a PartNumber", ErrInvalidRequest)
	}
	if in.PartNumber < 0 || in.PartNumber > MaxParts {
		return nil, fmt.Errorf("%w: part number %d", ErrInvalidArgument, in.PartNumber)
	}
	for attempt := 1; ; attempt++ {
		out, pieces, err := s.resolveRead(ctx, in, withBody)
		if err != nil || !withBody {
			return out, err
		}
		body, err := s.openPieces(ctx, pieces, out.Start, out.Length, readKeys{in.CustomerKey, in.KMSCaller}, out.Info.what()...)
		if errors.Is(err, blob.ErrNotFound) && attempt < maxReadAttempts {
			continue // replaced since the record was read: read the new one
		}
		if err != nil {
			return nil, err
		}
		if err := body.verifyFirst(); err != nil {
			body.Close()
			return nil, err
		}
		out.Body = body
		return out, nil
	}
}

// resolveRead reads the record and decides which bytes to return, in one
// snapshot. With withBody it also returns the pieces to open.
func (s *Service) resolveRead(ctx context.Context, in GetInput, withBody bool) (*GetOutput, []piece, error) {
	var (
		out    *GetOutput
		pieces []piece
	)
	checkDamage := withBody && s.damageMayExist(ctx)
	err := s.meta.View(ctx, func(r meta.Reader) error {
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
		if err := checkReadConditions(in.Cond, rec); err != nil {
			return err
		}
		out = &GetOutput{Info: rec.infoIn(in.Bucket, in.Key, b.versioned()), Length: rec.Size}
		out.Info.IsLatest = loc.current
		out.Info.Restore = rec.Restore.statusAt(s.clock.Now())
		if withBody && !readable(rec, s.clock.Now()) {
			return ErrInvalidObjectState
		}
		var part *segmentRecord
		switch {
		case in.PartNumber > 0:
			if part, err = selectPart(r, rec, in.PartNumber, out); err != nil {
				return err
			}
		case in.Range != nil:
			if err := selectRange(*in.Range, rec.Size, out); err != nil {
				return err
			}
		}
		if withBody {
			pieces, err = readPieces(r, rec, part, checkDamage)
		}
		return err
	})
	return out, pieces, err
}

// selectPart sets out to part n of the object. A single-part object has
// one part, the whole object.
func selectPart(r meta.Reader, rec *objectRecord, n int, out *GetOutput) (*segmentRecord, error) {
	if rec.PartsCount == 0 {
		if n != 1 {
			return nil, fmt.Errorf("%w: part %d of a single-part object", ErrInvalidPartNumber, n)
		}
		out.Start, out.Length, out.Partial = 0, rec.Size, rec.Size > 0
		return nil, nil
	}
	if n > rec.PartsCount {
		return nil, fmt.Errorf("%w: part %d of %d", ErrInvalidPartNumber, n, rec.PartsCount)
	}
	v, err := r.Get(segmentKey(rec.DataID, n))
	if err != nil {
		return nil, fmt.Errorf("segment %d of %s: %w", n, rec.DataID, err)
	}
	var sg segmentRecord
	if err := decodeRecord(v, &sg); err != nil {
		return nil, err
	}
	if sg.PartNumber == 0 {
		sg.PartNumber = n // written before part numbers were recorded
	}
	out.Start, out.Length, out.Partial = sg.Offset, sg.Size, true
	return &sg, nil
}

// selectRange sets out to the bytes a Range selects. A range that starts
// inside the object but ends past it is clipped; one that starts at or past
// the end, or any range on an empty object, is not satisfiable (RFC 9110,
// and S3 answers 416 InvalidRange for bytes=0- on an empty object).
// A malformed Range is ignored, as RFC 9110 requires.
func selectRange(rg Range, size int64, out *GetOutput) error {
	var start, end int64 // end inclusive
	switch {
	case rg.Start >= 0 && rg.End >= rg.Start:
		start, end = rg.Start, min(rg.End, size-1)
	case rg.Start >= 0 && rg.End == -1:
		start, end = rg.Start, size-1
	case rg.Start == -1 && rg.End > 0:
		start, end = max(size-rg.End, 0), size-1
	default:
		return nil
	}
	if size == 0 || start >= size {
		return &RangeError{Size: size}
	}
	out.Start, out.Length, out.Partial = start, end-start+1, true
	return nil
}

// readPieces lists where an object's bytes are; part, if set, restricts
// the pieces to that part of a multipart object. With checkDamage
// (Service.damageMayExist), a version marked damaged by the scrubber is
// refused whole (errDamaged).
func readPieces(r meta.Reader, rec *objectRecord, part *segmentRecord, checkDamage bool) ([]piece, error) {
	if checkDamage {
		if damaged, err := isDamaged(r, rec.DataID); err != nil || damaged {
			if err == nil {
				err = errDamaged
			}
			return nil, err
		}
	}
	switch {
	case rec.Inline:
		data, sealed, err := readInline(r, rec.DataID)
		if err != nil {
			return nil, err
		}
		want := rec.Size
		if sealed {
			want = sse.EncryptedSize(rec.Size)
		}
		if sealed != (rec.SSE != nil) || int64(len(data)) != want {
			return nil, fmt.Errorf("%w: inline data %s has %d bytes, encrypted %v, want %d, encrypted %v: %w",
				errDataCorrupt, rec.DataID, len(data), sealed, want, rec.SSE != nil, errBadRecord)
		}
		return []piece{{inline: data, size: rec.Size, sse: rec.SSE, keyCtx: dataKeyContext(rec)}}, nil
	case rec.PartsCount == 0:
		return []piece{{blob: rec.Blob, size: rec.Size, sse: rec.SSE, keyCtx: dataKeyContext(rec)}}, nil
	case part != nil:
		return []piece{part.piece(rec.DataID, part.PartNumber)}, nil
	}
	segs, err := readSegments(r, rec.DataID)
	if err != nil {
		return nil, err
	}
	ps := make([]piece, len(segs))
	for i := range segs {
		ps[i] = segs[i].piece(rec.DataID, segs[i].number(i+1))
	}
	return ps, nil
}

// dataKeyContext is the wrap context of an inline or single-blob
// version's data key; nil for plaintext.
func dataKeyContext(rec *objectRecord) []byte {
	if rec.SSE == nil {
		return nil
	}
	return objectKeyContext(rec.DataID)
}

// piece is where segment sg, part number n of the multipart object whose
// data id is dataID, is read from.
func (sg *segmentRecord) piece(dataID string, n int) piece {
	p := piece{blob: sg.Blob, offset: sg.Offset, size: sg.Size, sse: sg.SSE}
	if sg.SSE != nil {
		p.keyCtx = partKeyContext(dataID, n)
	}
	return p
}
