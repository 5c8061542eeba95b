package object

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
)

// Record format versions. Every value in meta starts with one of these bytes.
const (
	// recordV1 is a JSON document after the version byte. Its encoding must
	// never change; a new layout gets a new version and a migration.
	recordV1 byte = 1
)

// errBadRecord reports a meta value this code cannot decode.
var errBadRecord = errors.New("object: unreadable meta record")

// encodeRecord serializes v as a recordV1 value.
func encodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return append([]byte{recordV1}, b...), nil
}

// decodeRecord parses a value written by encodeRecord into v.
func decodeRecord(b []byte, v any) error {
	if len(b) == 0 || b[0] != recordV1 {
		return errBadRecord
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("%w: %v", errBadRecord, err)
	}
	return nil
}

// bucketRecord is the value under a bucket key.
//
// Fields added later are optional, so that a record written before them
// decodes with their zero value: Versioning "" is a bucket that never had
// versioning, ObjectLock false a bucket without Object Lock.
type bucketRecord struct {
	Region  string    `json:"r,omitempty"`
	Owner   string    `json:"o,omitempty"`
	Created time.Time `json:"c"`
	// Versioning is "", VersioningEnabled or VersioningSuspended.
	Versioning VersioningStatus `json:"v,omitempty"`
	// MFADelete is "" until a versioning configuration names it, then
	// MFADeleteEnabled or MFADeleteDisabled.
	MFADelete MFADeleteStatus `json:"md,omitempty"`
	// ObjectLock is set once and never cleared; Retention is the default
	// retention applied to new versions (nil for none).
	ObjectLock bool              `json:"ol,omitempty"`
	Retention  *DefaultRetention `json:"dr,omitempty"`
	// Ownership is the Object Ownership setting (acl.go): one of the
	// three, "none" after its controls were deleted, absent for a bucket
	// made before Object Ownership.
	Ownership string `json:"ow,omitempty"`
}

// versioned reports whether versioning was ever enabled on the bucket.
func (r bucketRecord) versioned() bool { return r.Versioning != "" }

// checksumRecord is a stored checksum.
type checksumRecord struct {
	Alg   checksum.Algorithm `json:"a"`
	Type  checksum.Type      `json:"t,omitempty"`
	Value []byte             `json:"v"`
}

func (c *checksumRecord) toChecksum() *Checksum {
	if c == nil {
		return nil
	}
	return &Checksum{Algorithm: c.Alg, Type: c.Type, Value: c.Value}
}

// objectRecord is the value under an object key: one object version.
type objectRecord struct {
	VersionID string `json:"vid,omitempty"`
	// DataID names the version's bytes: the inline record or the segment
	// records. It is random and never reused; a multipart object's is the
	// id of the upload that made it.
	DataID     string            `json:"did"`
	Size       int64             `json:"s"`
	ETag       string            `json:"e"`
	Modified   time.Time         `json:"m"`
	Headers    Headers           `json:"h"`
	UserMeta   map[string]string `json:"um,omitempty"`
	Tags       []Tag             `json:"tg,omitempty"`
	Checksum   *checksumRecord   `json:"ck,omitempty"`
	PartsCount int               `json:"pc,omitempty"`
	Owner      string            `json:"o,omitempty"`
	// Exactly one holds the bytes: Inline (the inline record under DataID),
	// Blob (one blob), or PartsCount > 0 (segment records under DataID).
	Inline bool    `json:"in,omitempty"`
	Blob   blob.ID `json:"b,omitempty"`

	// The fields below are encoded only from objectFormatV2 on, and
	// StorageClass only from objectFormatV3 on.

	// Seq places the version in its key's history (versionid.go); nil in
	// records written before versioning, whose place follows from
	// Modified (seqOf).
	Seq []byte `json:"-"`
	// DeleteMarker records carry only VersionID, Seq, Modified and Owner.
	DeleteMarker bool `json:"-"`
	// LockMode and RetainUntil are the version's Object Lock retention
	// ("" and zero for none); LegalHold its legal hold.
	LockMode    LockMode  `json:"-"`
	RetainUntil time.Time `json:"-"`
	LegalHold   bool      `json:"-"`
	// LegalHoldSet: a legal hold was placed at some time (LegalHold
	// tells whether it is on now).
	LegalHoldSet bool `json:"-"`
	// StorageClass is "" for STANDARD (and in records written before
	// storage classes), else a class canonicalStorageClass accepts.
	StorageClass string `json:"-"`
	// SSE says how the bytes of an inline or single-blob version are
	// encrypted at rest (nil: plaintext); encoded from objectFormatV4 on.
	// A multipart version's parts each have their own (segmentRecord),
	// and SSE then holds what they share, with no Key.
	SSE *sseRecord `json:"-"`
	// Restore is the state of a RestoreObject of a GLACIER or
	// DEEP_ARCHIVE version (nil: never restored, or its restore expired
	// and was cleared); encoded from objectFormatV5 on.
	Restore *restoreRecord `json:"-"`
}

// restoreRecord is when a restore of an archived version completes and
// when its restored copy expires. The version reads between the two.
type restoreRecord struct {
	Ready  time.Time
	Expiry time.Time
}

// info converts a current record into the API's ObjectInfo.
func (r *objectRecord) info(bucket, key string) ObjectInfo {
	return r.infoIn(bucket, key, false)
}

// infoIn is info for a record of a bucket that is or was versioned
// (versioned), where a null version shows the version id "null".
func (r *objectRecord) infoIn(bucket, key string, versioned bool) ObjectInfo {
	info := ObjectInfo{
		Bucket:       bucket,
		Key:          key,
		VersionID:    displayVersion(r, versioned),
		IsLatest:     true,
		DeleteMarker: r.DeleteMarker,
		LockMode:     r.LockMode,
		RetainUntil:  r.RetainUntil,
		LegalHold:    r.LegalHold,
		Size:         r.Size,
		ETag:         r.ETag,
		LastModified: r.Modified,
		Headers:      r.Headers,
		UserMeta:     r.UserMeta,
		TagCount:     len(r.Tags),
		Checksum:     r.Checksum.toChecksum(),
		PartsCount:   r.PartsCount,
		StorageClass: storageClassName(r.StorageClass),
		Owner:        r.Owner,

		ServerSideEncryption: r.SSE.info(),
		Restore:              r.Restore.status(),
	}
	info.SSEKMSKeyID, info.BucketKeyEnabled = r.SSE.kmsInfo()
	return info
}

// segmentRecord is one part of a multipart object, stored under its
// index (1 for the first part).
//
// PartNumber was added later and is optional: it is the number the part
// was uploaded as, which differs from the index when the completion
// listed part numbers with gaps. A record written before it decodes with
// 0, and its part number is taken to be its index (number).
type segmentRecord struct {
	Blob       blob.ID         `json:"b"`
	Offset     int64           `json:"off"`
	Size       int64           `json:"s"`
	MD5        []byte          `json:"md5"`
	Checksum   *checksumRecord `json:"ck,omitempty"`
	PartNumber int             `json:"pn,omitempty"`
	// SSE is the part's encryption at rest (optional field: nil is
	// plaintext, and every segment written before it).
	SSE *sseRecord `json:"sse,omitempty"`
}

// number is the part number of the segment at index i.
func (sg *segmentRecord) number(i int) int {
	if sg.PartNumber != 0 {
		return sg.PartNumber
	}
	return i
}

// uploadRecord is an in-progress multipart upload. Its Headers and Tags are
// encoded with the Go field names of Headers and Tag, which the API
// contract never renames.
type uploadRecord struct {
	Initiated time.Time          `json:"i"`
	Owner     string             `json:"o,omitempty"`
	Alg       checksum.Algorithm `json:"a,omitempty"`
	Type      checksum.Type      `json:"t,omitempty"`
	Headers   Headers            `json:"h"`
	UserMeta  map[string]string  `json:"um,omitempty"`
	Tags      []Tag              `json:"tg,omitempty"`
	// Lock is the lock the completed object gets (optional field).
	Lock *Lock `json:"lk,omitempty"`
	// StorageClass is the completed object's class, "" for STANDARD
	// (optional field: uploads started before it are STANDARD).
	StorageClass string `json:"sc,omitempty"`
	// Encrypt says that the upload's parts are encrypted at rest
	// (optional field: uploads started before it are plaintext).
	Encrypt bool `json:"enc,omitempty"`
	// ACL is the completed object's ACL (optional field: nil is the
	// owner's FULL_CONTROL).
	ACL       *aclRecord `json:"acl,omitempty"`
	OwnerFull bool       `json:"of,omitempty"`
	// SSEC is the customerKeyID (salt and key check) of an upload
	// encrypted under the client's key: every part must give that key,
	// and its data key is wrapped with that salt (optional field).
	SSEC string `json:"ssec,omitempty"`
	// KMS is the SSE-KMS every part's data key is made with (optional
	// field: nil for an upload that is not SSE-KMS).
	KMS *uploadKMS `json:"kms,omitempty"`
}

// partRecord is an uploaded part.
type partRecord struct {
	Blob     blob.ID   `json:"b"`
	Size     int64     `json:"s"`
	MD5      []byte    `json:"md5"`
	Modified time.Time `json:"m"`
	// Checksum is the upload's algorithm, or the one the client sent for
	// an upload without one.
	Checksum *checksumRecord `json:"ck,omitempty"`
	// CRC64 is the part's CRC64NVME, kept so that an upload without an
	// algorithm still gets a full-object CRC64NVME on completion.
	CRC64 []byte `json:"crc64,omitempty"`
	// SSE is the part's encryption at rest (optional field: nil is
	// plaintext).
	SSE *sseRecord `json:"sse,omitempty"`
}

// refRecord names the owner of a blob. Only its existence matters to the
// garbage collector; the fields help an operator.
type refRecord struct {
	Bucket   string `json:"bk"`
	Key      string `json:"k"`
	UploadID string `json:"u,omitempty"`
	Part     int    `json:"p,omitempty"`
	DataID   string `json:"did,omitempty"`
}
