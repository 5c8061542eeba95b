package object

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
)

// objectFormatV1 is the binary layout of an objectRecord, the record read on
// every GET, HEAD and listed key, so it avoids JSON's cost. After the
// version byte, in order (str = uvarint length + bytes, int = varint):
//
//	flags uvarint (1 inline, 2 has checksum)
//	VersionID str, DataID str, Size int, ETag str, Modified int (Unix ns)
//	Headers: ContentType, ContentEncoding, ContentDisposition,
//	         ContentLanguage, CacheControl, Expires (6 str)
//	UserMeta: count uvarint, then name str, value str (sorted by name)
//	Tags: count uvarint, then key str, value str (client order)
//	if has checksum: Alg str, Type str, Value str
//	PartsCount uvarint, Owner str, Blob str
//
// This encoding must never change; new fields need a new version.
const objectFormatV1 byte = 1

// objectFormatV2 is objectFormatV1 followed by the fields versioning and
// object lock need:
//
//	Seq str (the version's position in its key's history, versionid.go),
//	LockMode str, RetainUntil int (Unix ns, 0 for none)
//
// and three more flags (4 delete marker, 8 legal hold on, 16 legal hold
// ever set, which tells "OFF" from "never set"). Records written
// before versioning are V1 and decode with those fields empty. This
// encoding must never change; new fields need a new version.
const objectFormatV2 byte = 2

// objectFormatV3 is objectFormatV2 followed by the storage class:
//
//	StorageClass str ("" for STANDARD, so a STANDARD record grows by one byte)
//
// Records written before it are V1 or V2 and decode as STANDARD. This
// encoding must never change; new fields need a new version.
const objectFormatV3 byte = 3

// objectFormatV4 is objectFormatV3 followed by how the version's bytes are
// encrypted at rest (sseRecord):
//
//	SSE Alg str, SSE Key str, SSE KeyID str
//
// Only encrypted versions are written as V4: a plaintext one (and every
// delete marker) is still written as V3, byte for byte as before, so a
// server with encryption at rest off writes what older ones wrote. A V4
// record with an empty Alg is malformed. This encoding must never change;
// new fields need a new version. New encryption algorithms need none
// (see sseRecord).
const objectFormatV4 byte = 4

// objectFormatV5 is objectFormatV3 followed by the encryption fields of
// objectFormatV4 (an empty Alg, with empty Key and KeyID, for plaintext)
// and the state of a restore of an archived version (restoreRecord):
//
//	Restore Ready int (Unix ns), Restore Expiry int (Unix ns, never 0)
//
// Only versions with a restore are written as V5; every other record is
// still V3 or V4, byte for byte as before. This encoding must never
// change; new fields need a new version.
const objectFormatV5 byte = 5

const (
	objFlagInline       = 1 << 0
	objFlagChecksum     = 1 << 1
	objFlagDeleteMarker = 1 << 2
	objFlagLegalHold    = 1 << 3
	objFlagLegalHoldSet = 1 << 4
)

// encodeObject serializes an object record in objectFormatV4 when its
// bytes are encrypted, else in objectFormatV3.
func encodeObject(r *objectRecord) []byte {
	e := encoder{buf: make([]byte, 0, 160)}
	switch {
	case r.Restore != nil:
		e.buf = append(e.buf, objectFormatV5)
	case r.SSE != nil:
		e.buf = append(e.buf, objectFormatV4)
	default:
		e.buf = append(e.buf, objectFormatV3)
	}
	var flags uint64
	if r.Inline {
		flags |= objFlagInline
	}
	if r.Checksum != nil {
		flags |= objFlagChecksum
	}
	if r.DeleteMarker {
		flags |= objFlagDeleteMarker
	}
	if r.LegalHold {
		flags |= objFlagLegalHold
	}
	if r.LegalHoldSet {
		flags |= objFlagLegalHoldSet
	}
	e.uint(flags)
	e.str(r.VersionID)
	e.str(r.DataID)
	e.int(r.Size)
	e.str(r.ETag)
	e.int(r.Modified.UnixNano())
	h := r.Headers
	for _, s := range []string{h.ContentType, h.ContentEncoding, h.ContentDisposition, h.ContentLanguage, h.CacheControl, h.Expires} {
		e.str(s)
	}
	names := make([]string, 0, len(r.UserMeta))
	for k := range r.UserMeta {
		names = append(names, k)
	}
	slices.Sort(names)
	e.uint(uint64(len(names)))
	for _, k := range names {
		e.str(k)
		e.str(r.UserMeta[k])
	}
	e.uint(uint64(len(r.Tags)))
	for _, t := range r.Tags {
		e.str(t.Key)
		e.str(t.Value)
	}
	if c := r.Checksum; c != nil {
		e.str(string(c.Alg))
		e.str(string(c.Type))
		e.str(string(c.Value))
	}
	e.uint(uint64(r.PartsCount))
	e.str(r.Owner)
	e.str(string(r.Blob))
	e.str(string(r.Seq))
	e.str(string(r.LockMode))
	var until int64
	if !r.RetainUntil.IsZero() {
		until = r.RetainUntil.UnixNano()
	}
	e.int(until)
	e.str(r.StorageClass)
	if k := r.SSE; k != nil {
		e.str(k.Alg)
		e.str(string(k.Key))
		e.str(k.KeyID)
	} else if r.Restore != nil {
		e.str("")
		e.str("")
		e.str("")
	}
	if rs := r.Restore; rs != nil {
		e.int(rs.Ready.UnixNano())
		e.int(rs.Expiry.UnixNano())
	}
	return e.buf
}

// decodeObject parses a record written by encodeObject.
func decodeObject(b []byte, r *objectRecord) error {
	if len(b) == 0 || b[0] < objectFormatV1 || b[0] > objectFormatV5 {
		return fmt.Errorf("%w: object record format %v", errBadRecord, b[:min(len(b), 1)])
	}
	d := decoder{buf: b[1:]}
	flags := d.uint()
	r.Inline = flags&objFlagInline != 0
	r.DeleteMarker = flags&objFlagDeleteMarker != 0
	r.LegalHold = flags&objFlagLegalHold != 0
	r.LegalHoldSet = flags&objFlagLegalHoldSet != 0
	r.VersionID = d.str()
	r.DataID = d.str()
	r.Size = d.int()
	r.ETag = d.str()
	r.Modified = time.Unix(0, d.int()).UTC()
	r.Headers = Headers{
		ContentType: d.str(), ContentEncoding: d.str(), ContentDisposition: d.str(),
		ContentLanguage: d.str(), CacheControl: d.str(), Expires: d.str(),
	}
	r.UserMeta = nil
	if n := d.count(); n > 0 {
		r.UserMeta = make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := d.str()
			r.UserMeta[k] = d.str()
		}
	}
	r.Tags = nil
	if n := d.count(); n > 0 {
		r.Tags = make([]Tag, n)
		for i := range r.Tags {
			r.Tags[i] = Tag{Key: d.str(), Value: d.str()}
		}
	}
	r.Checksum = nil
	if flags&objFlagChecksum != 0 {
		r.Checksum = &checksumRecord{Alg: checksum.Algorithm(d.str()), Type: checksum.Type(d.str()), Value: []byte(d.str())}
	}
	if n := d.uint(); n <= MaxParts {
		r.PartsCount = int(n)
	} else if d.err == nil {
		d.err = fmt.Errorf("parts count %d", n)
	}
	r.Owner = d.str()
	r.Blob = blob.ID(d.str())
	r.Seq, r.LockMode, r.RetainUntil, r.StorageClass = nil, "", time.Time{}, ""
	if b[0] >= objectFormatV2 {
		if s := d.str(); s != "" {
			r.Seq = []byte(s)
		}
		r.LockMode = LockMode(d.str())
		if until := d.int(); until != 0 {
			r.RetainUntil = time.Unix(0, until).UTC()
		}
	}
	if b[0] >= objectFormatV3 {
		r.StorageClass = storedStorageClass(d.bytes())
	}
	r.SSE = nil
	if b[0] >= objectFormatV4 {
		r.SSE = &sseRecord{Alg: d.str(), Key: []byte(d.str()), KeyID: d.str()}
		switch {
		case r.SSE.Alg != "" || d.err != nil:
		case b[0] == objectFormatV4:
			d.err = errors.New("V4 record without an encryption algorithm")
		case len(r.SSE.Key) != 0 || r.SSE.KeyID != "":
			d.err = errors.New("V5 record with a key but no encryption algorithm")
		default:
			r.SSE = nil
		}
	}
	r.Restore = nil
	if b[0] >= objectFormatV5 {
		ready, expiry := d.int(), d.int()
		if expiry == 0 && d.err == nil {
			d.err = errors.New("V5 record without a restore expiry")
		}
		r.Restore = &restoreRecord{Ready: time.Unix(0, ready).UTC(), Expiry: time.Unix(0, expiry).UTC()}
	}
	if d.err != nil {
		return fmt.Errorf("%w: object record: %v", errBadRecord, d.err)
	}
	if len(d.buf) != 0 {
		return fmt.Errorf("%w: object record has %d trailing bytes", errBadRecord, len(d.buf))
	}
	return nil
}

type encoder struct{ buf []byte }

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// decoder reads what encoder wrote; the first error sticks and later reads
// return zero values.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errors.New("bad uvarint")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.err = errors.New("bad varint")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads a length that must fit in the remaining bytes (each counted
// item takes at least one byte), so corrupt input cannot force a huge
// allocation.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.buf)) {
		if d.err == nil {
			d.err = fmt.Errorf("count %d exceeds record", n)
		}
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	return string(d.bytes())
}

// bytes reads a str without copying it: the result aliases the record.
func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	s := d.buf[:n]
	d.buf = d.buf[n:]
	return s
}
