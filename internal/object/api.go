package object

import (
	"io"
	"time"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/datakey"
)

// This file is the contract between the object service and its callers (the
// s3api handlers, later the background engines). Changes to it are additive.

// Bucket describes a bucket.
type Bucket struct {
	Name    string
	Region  string // the LocationConstraint it was created with
	Owner   string // canonical id of the owning account
	Created time.Time
	// Versioning is "" for a bucket that never had versioning.
	Versioning VersioningStatus
	// ObjectLock is true for a bucket with Object Lock enabled.
	ObjectLock bool
	// Ownership is the bucket's effective Object Ownership;
	// NoOwnershipControls says its controls were deleted (it then
	// behaves as ObjectWriter).
	Ownership           acl.Ownership
	NoOwnershipControls bool
}

// CreateBucketInput asks for a new bucket.
type CreateBucketInput struct {
	Name   string
	Region string
	Owner  string
	// ObjectLock creates the bucket with Object Lock, and so with
	// versioning Enabled.
	ObjectLock bool
	// Ownership is the new bucket's Object Ownership ("" for
	// BucketOwnerEnforced); ACL its ACL (nil for the owner's
	// FULL_CONTROL), stored only where Ownership enables ACLs.
	Ownership acl.Ownership
	ACL       []acl.Grant
	// OwnedOK makes creating a bucket the caller already owns in Region
	// succeed and return that bucket unchanged, instead of
	// ErrBucketAlreadyOwnedByYou: S3's legacy answer in us-east-1.
	OwnedOK bool
}

// ListBucketsInput pages through the buckets an owner can see.
type ListBucketsInput struct {
	Owner      string
	Prefix     string
	StartAfter string // exclusive
	MaxBuckets int    // 0 means no limit
}

// ListBucketsOutput is one page of buckets in name order.
type ListBucketsOutput struct {
	Buckets   []Bucket
	Truncated bool
}

// Headers are the standard HTTP headers S3 stores with an object and returns
// on GET and HEAD.
type Headers struct {
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string // stored verbatim, as the client sent it
}

// Tag is one object tag. Order is preserved as the client sent it.
type Tag struct {
	Key, Value string
}

// Checksum is a stored or expected object checksum.
type Checksum struct {
	Algorithm checksum.Algorithm
	Type      checksum.Type
	// Value is the raw sum. For a composite checksum it is the checksum of
	// the concatenated raw part sums; the "-N" suffix comes from PartsCount.
	Value []byte
}

// ExpectedChecksum is a checksum the client claims for the bytes it sends.
// Exactly one of Value and Trailer is used: Trailer is called only after the
// body reached EOF, for checksums sent as HTTP trailers (aws-chunked).
type ExpectedChecksum struct {
	Algorithm checksum.Algorithm
	Value     []byte
	Trailer   func() ([]byte, error)
}

// ObjectInfo describes one object version.
type ObjectInfo struct {
	Bucket    string
	Key       string
	VersionID string // "" for a bucket that never had versioning
	// IsLatest and DeleteMarker are for versioned listings and deletes.
	IsLatest     bool
	DeleteMarker bool

	Size         int64
	ETag         string // without quotes: hex MD5, or hex MD5-of-MD5s "-N"
	LastModified time.Time
	Headers      Headers
	UserMeta     map[string]string // lower-case names without "x-amz-meta-"
	TagCount     int
	Checksum     *Checksum // nil if the object has none stored
	PartsCount   int       // 0 for a single-part object
	StorageClass string    // "STANDARD" or another class of storageclass.go
	Owner        string
	// ServerSideEncryption is SSES3 for a version encrypted at rest,
	// SSECustomer for one encrypted under the client's key, SSEKMS for one
	// whose data key the key service keeps, "" for one
	// stored in plaintext.
	ServerSideEncryption string
	// SSEKMSKeyID is the KMS key's ARN and BucketKeyEnabled says an S3
	// Bucket Key made the data keys, for SSEKMS only.
	SSEKMSKeyID      string
	BucketKeyEnabled bool

	// LockMode and RetainUntil are the version's retention ("" and zero
	// for none); LegalHold its legal hold.
	LockMode    LockMode
	RetainUntil time.Time
	LegalHold   bool

	// Restore is the state of a RestoreObject of a GLACIER or
	// DEEP_ARCHIVE version (nil: none, or one that expired).
	Restore *RestoreStatus
}

// RestoreStatus is the state of a restore of an archived version, as
// x-amz-restore shows it.
type RestoreStatus struct {
	// Ongoing: the restore has not completed yet.
	Ongoing bool
	// Expiry is when the restored copy expires (zero while Ongoing).
	Expiry time.Time
}

// Conditions are the HTTP preconditions on a read (or on a copy source).
// Empty strings and nil times mean "not given". AWS's precedence applies:
// If-Match true + If-Unmodified-Since false → proceed; If-None-Match false +
// If-Modified-Since true → 304.
type Conditions struct {
	IfMatch           string
	IfNoneMatch       string
	IfModifiedSince   *time.Time
	IfUnmodifiedSince *time.Time
}

// WriteConditions are the conditional-write preconditions of PutObject and
// CompleteMultipartUpload: IfNoneMatch may only be "*"; IfMatch is an ETag.
type WriteConditions struct {
	IfMatch     string
	IfNoneMatch string
}

// PutInput writes a whole object.
type PutInput struct {
	Bucket, Key string
	// Body yields exactly Size bytes. A read error (including a signature or
	// payload-hash failure reported by the authentication layer) aborts the
	// write and is returned wrapped.
	Body io.Reader
	Size int64

	ContentMD5 []byte            // nil if not sent
	Checksum   *ExpectedChecksum // nil if not sent
	// ChecksumAlgorithm asks the service to compute and store this checksum
	// even without an expected value (x-amz-checksum-algorithm /
	// x-amz-sdk-checksum-algorithm). CRC64NVME is stored when neither is set.
	ChecksumAlgorithm checksum.Algorithm

	Headers  Headers
	UserMeta map[string]string
	Tags     []Tag
	Owner    string
	Cond     WriteConditions
	// Lock is the retention and legal hold asked for (nil for none: the
	// bucket's default retention applies).
	Lock *Lock
	// StorageClass is the object's class; "" means STANDARD.
	StorageClass string
	// Encrypt asks for encryption at rest (x-amz-server-side-encryption:
	// AES256) even when the Service does not encrypt by default.
	Encrypt bool
	// ACL is the new version's ACL (nil for the owner's FULL_CONTROL);
	// OwnerFullControl says the write carried the
	// bucket-owner-full-control canned ACL, which hands a
	// BucketOwnerPreferred bucket's owner the object.
	ACL              []acl.Grant
	OwnerFullControl bool
	// CustomerKey encrypts the object under the client's key (SSE-C)
	// instead of the Service's keyring; the key is not stored.
	CustomerKey *CustomerKey
	// KMS asks for SSE-KMS (x-amz-server-side-encryption: aws:kms); nil
	// leaves the choice to the bucket's default encryption.
	KMS *KMSEncryption
	// KMSCaller is who the key service authorizes for SSE-KMS data keys:
	// the request's principal; nil for a request that may not use SSE-KMS
	// (anonymous or not signed with Signature Version 4).
	KMSCaller *datakey.Caller
}

// Range is a parsed HTTP byte range. Exactly one form is used:
//   - Start >= 0, End >= Start: bytes=Start-End
//   - Start >= 0, End == -1:    bytes=Start-
//   - Start == -1, End > 0:     bytes=-End (the last End bytes)
type Range struct {
	Start, End int64
}

// GetInput reads an object (or only its metadata, for HeadObject).
type GetInput struct {
	Bucket, Key string
	VersionID   string
	Range       *Range
	PartNumber  int // 0 if not sent
	Cond        Conditions
	// CustomerKey is the version's SSE-C key: required for a version
	// stored with one, refused for another.
	CustomerKey *CustomerKey
	// KMSCaller is who the key service authorizes to decrypt SSE-KMS
	// data keys (see PutInput.KMSCaller).
	KMSCaller *datakey.Caller
}

// GetOutput is an object about to be streamed.
type GetOutput struct {
	Info ObjectInfo
	// Body streams the selected bytes; nil for HeadObject. The caller must
	// close it.
	Body io.ReadCloser
	// Start and Length select the bytes returned. Partial is true for a
	// range or part read (206, Content-Range: bytes Start-(Start+Length-1)/Info.Size).
	Start, Length int64
	Partial       bool
}

// DeleteInput deletes one object (or one version).
type DeleteInput struct {
	Bucket, Key string
	VersionID   string
	// IfMatch is a conditional delete ("" if not sent): an ETag, a list
	// of them, or "*", checked against the key's current version.
	IfMatch string
	// BypassGovernance: as in PutRetentionInput.
	BypassGovernance bool
	// MFA is the caller and x-amz-mfa, for buckets with MFA Delete.
	MFA MFA
}

// DeleteOutput reports what a delete did.
type DeleteOutput struct {
	VersionID    string
	DeleteMarker bool
}

// ObjectID names one object or version in DeleteObjects.
type ObjectID struct {
	Key       string
	VersionID string
	// IfMatch makes the entry a conditional delete, as DeleteInput.IfMatch
	// ("" for none).
	IfMatch string
	// BypassGovernance lets this entry bypass GOVERNANCE retention: S3
	// authorizes s3:BypassGovernanceRetention key by key.
	BypassGovernance bool
}

// DeleteResult is the outcome of one entry of DeleteObjects. Err is nil on
// success (deleting a missing key is a success).
type DeleteResult struct {
	ObjectID
	DeleteMarker          bool
	DeleteMarkerVersionID string
	Err                   error
}

// CopyInput copies an object, possibly onto itself.
type CopyInput struct {
	SrcBucket, SrcKey, SrcVersionID string
	SrcCond                         Conditions
	DstBucket, DstKey               string

	// ReplaceMetadata is MetadataDirective=REPLACE: Headers and UserMeta
	// replace the source's. Copying an object onto itself requires it (or a
	// change of checksum algorithm or storage class, or a customer key on
	// either side), else ErrInvalidCopyRequest.
	ReplaceMetadata bool
	Headers         Headers
	UserMeta        map[string]string
	// ReplaceTags is TaggingDirective=REPLACE: Tags replace the source's.
	ReplaceTags       bool
	Tags              []Tag
	ChecksumAlgorithm checksum.Algorithm // "" keeps the source's algorithm
	Owner             string
	Cond              WriteConditions
	// SrcCustomerKey is the source's SSE-C key (required for an SSE-C
	// source, refused for another).
	SrcCustomerKey *CustomerKey
	// Lock is the new version's lock (nil: the bucket's default); the
	// source's lock is never copied.
	Lock *Lock
	// StorageClass is the new object's class. "" (not given) means
	// STANDARD: as in S3, the source's class is not copied. Naming a class
	// other than the source's is a change that allows copying an object
	// onto itself.
	StorageClass string
	// Encrypt asks for encryption at rest (x-amz-server-side-encryption:
	// AES256) even when the Service does not encrypt by default.
	Encrypt bool
	// ACL is the new version's ACL (nil for the owner's FULL_CONTROL);
	// OwnerFullControl says the write carried the
	// bucket-owner-full-control canned ACL, which hands a
	// BucketOwnerPreferred bucket's owner the object.
	ACL              []acl.Grant
	OwnerFullControl bool
	// CustomerKey encrypts the object under the client's key (SSE-C)
	// instead of the Service's keyring; the key is not stored.
	CustomerKey *CustomerKey
	// KMS asks for SSE-KMS (x-amz-server-side-encryption: aws:kms); nil
	// leaves the choice to the bucket's default encryption.
	KMS *KMSEncryption
	// KMSCaller is who the key service authorizes for SSE-KMS data keys:
	// the request's principal; nil for a request that may not use SSE-KMS
	// (anonymous or not signed with Signature Version 4).
	KMSCaller *datakey.Caller
}

// CopyOutput reports a completed copy.
type CopyOutput struct {
	Info         ObjectInfo
	SrcVersionID string
}

// ListInput pages through the current objects of a bucket in key order.
type ListInput struct {
	Bucket    string
	Prefix    string
	Delimiter string
	// After is exclusive: listing starts at the first key (or common
	// prefix) greater than it. It is the v1 marker, the v2 start-after or
	// the decoded v2 continuation token.
	After   string
	MaxKeys int // 0 returns an empty, untruncated page, as S3 does
}

// ListOutput is one page of a listing. Objects and CommonPrefixes are each
// in key order; together they hold at most MaxKeys entries.
type ListOutput struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	Truncated      bool
	// Next is the last key or common prefix returned; pass it as After to
	// get the next page. Set only when Truncated.
	Next string
}

// CreateUploadInput starts a multipart upload.
type CreateUploadInput struct {
	Bucket, Key       string
	Headers           Headers
	UserMeta          map[string]string
	Tags              []Tag
	Owner             string
	ChecksumAlgorithm checksum.Algorithm // "" for none
	ChecksumType      checksum.Type      // "" picks the algorithm's default
	// Lock is applied to the object the upload completes (nil: the
	// bucket's default at completion).
	Lock *Lock
	// StorageClass is the class the completed object gets; "" means
	// STANDARD.
	StorageClass string
	// Encrypt asks for encryption at rest (x-amz-server-side-encryption:
	// AES256) even when the Service does not encrypt by default.
	Encrypt bool
	// ACL is the new version's ACL (nil for the owner's FULL_CONTROL);
	// OwnerFullControl says the write carried the
	// bucket-owner-full-control canned ACL, which hands a
	// BucketOwnerPreferred bucket's owner the object.
	ACL              []acl.Grant
	OwnerFullControl bool
	// CustomerKey encrypts the object under the client's key (SSE-C)
	// instead of the Service's keyring; the key is not stored.
	CustomerKey *CustomerKey
	// KMS asks for SSE-KMS (x-amz-server-side-encryption: aws:kms); nil
	// leaves the choice to the bucket's default encryption.
	KMS *KMSEncryption
	// KMSCaller is who the key service authorizes for SSE-KMS data keys:
	// the request's principal; nil for a request that may not use SSE-KMS
	// (anonymous or not signed with Signature Version 4).
	KMSCaller *datakey.Caller
}

// Upload describes an in-progress multipart upload.
type Upload struct {
	Bucket, Key       string
	UploadID          string
	Initiated         time.Time
	Owner             string
	ChecksumAlgorithm checksum.Algorithm
	ChecksumType      checksum.Type
	StorageClass      string // "STANDARD" or the class asked for at creation
	// ServerSideEncryption is SSES3 when the upload's parts are
	// encrypted at rest, SSECustomer under the client's key.
	ServerSideEncryption string
	// SSEKMSKeyID is the KMS key's ARN and BucketKeyEnabled says an S3
	// Bucket Key made the data keys, for SSEKMS only.
	SSEKMSKeyID      string
	BucketKeyEnabled bool
}

// UploadPartInput uploads one part (1..10000).
type UploadPartInput struct {
	Bucket, Key, UploadID string
	PartNumber            int
	Body                  io.Reader
	Size                  int64
	ContentMD5            []byte
	Checksum              *ExpectedChecksum
	// CustomerKey must be the upload's SSE-C key when it has one.
	CustomerKey *CustomerKey
	// KMSCaller is who the key service authorizes to decrypt SSE-KMS
	// data keys (see PutInput.KMSCaller).
	KMSCaller *datakey.Caller
}

// UploadPartCopyInput fills a part from a range of an existing object.
type UploadPartCopyInput struct {
	Bucket, Key, UploadID           string
	PartNumber                      int
	SrcBucket, SrcKey, SrcVersionID string
	SrcCond                         Conditions
	SrcRange                        *Range // nil copies the whole object; only Start-End form
	// CustomerKey must be the upload's SSE-C key when it has one;
	// SrcCustomerKey is the source's, as in CopyInput.
	CustomerKey, SrcCustomerKey *CustomerKey
	// KMSCaller is who the key service authorizes to decrypt SSE-KMS
	// data keys (see PutInput.KMSCaller).
	KMSCaller *datakey.Caller
}

// Part describes an uploaded part.
type Part struct {
	PartNumber   int
	ETag         string
	Size         int64
	LastModified time.Time
	Checksum     *Checksum
	// ServerSideEncryption is SSES3 for a part encrypted at rest,
	// SSECustomer under the client's key.
	ServerSideEncryption string
	// SSEKMSKeyID is the KMS key's ARN and BucketKeyEnabled says an S3
	// Bucket Key made the data keys, for SSEKMS only.
	SSEKMSKeyID      string
	BucketKeyEnabled bool
}

// CompletedPart is one entry of the CompleteMultipartUpload body.
type CompletedPart struct {
	PartNumber int
	ETag       string // with or without quotes
	Checksum   *Checksum
}

// CompleteInput finishes a multipart upload. The object's bytes are the
// parts' blobs, referenced, never copied again.
type CompleteInput struct {
	Bucket, Key, UploadID string
	Parts                 []CompletedPart
	Cond                  WriteConditions
	// Checksum, if set, is the whole-object checksum the client expects.
	Checksum *Checksum
	// CustomerKey, if given, must be the upload's SSE-C key.
	CustomerKey *CustomerKey
}

// ListPartsInput pages through the parts of an upload.
type ListPartsInput struct {
	Bucket, Key, UploadID string
	PartNumberMarker      int
	MaxParts              int
}

// ListPartsOutput is one page of parts in part-number order.
type ListPartsOutput struct {
	Upload               Upload
	Parts                []Part
	Truncated            bool
	NextPartNumberMarker int
}

// ListUploadsInput pages through the in-progress uploads of a bucket, in
// (key, initiation) order.
type ListUploadsInput struct {
	Bucket         string
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int
}

// ListUploadsOutput is one page of uploads.
type ListUploadsOutput struct {
	Uploads            []Upload
	CommonPrefixes     []string
	Truncated          bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// VersioningStatus is a bucket's versioning state. A bucket starts
// unversioned ("") and, once versioning is enabled, moves only between
// Enabled and Suspended.
type VersioningStatus string

// The versioning states a bucket can be put in.
const (
	VersioningEnabled   VersioningStatus = "Enabled"
	VersioningSuspended VersioningStatus = "Suspended"
)

// NullVersionID is the version id of an object written while its bucket
// was unversioned or versioning was suspended.
const NullVersionID = "null"

// LockMode is an Object Lock retention mode.
type LockMode string

// The Object Lock retention modes.
const (
	LockGovernance LockMode = "GOVERNANCE"
	LockCompliance LockMode = "COMPLIANCE"
)

// DefaultRetention is a bucket's default Object Lock retention: Mode and
// exactly one of Days and Years.
type DefaultRetention struct {
	Mode  LockMode
	Days  int
	Years int
}

// ListVersionsInput pages through every version and delete marker of a
// bucket, in key order and newest first within a key.
type ListVersionsInput struct {
	Bucket    string
	Prefix    string
	Delimiter string
	// KeyMarker alone starts after every version of that key;
	// with VersionIDMarker, after that version of KeyMarker.
	KeyMarker       string
	VersionIDMarker string
	MaxKeys         int // 0 returns an empty, untruncated page
}

// ListVersionsOutput is one page of versions. Versions holds objects and
// delete markers (ObjectInfo.DeleteMarker) interleaved in listing order,
// with IsLatest set; a null version has VersionID NullVersionID.
type ListVersionsOutput struct {
	Versions       []ObjectInfo
	CommonPrefixes []string
	Truncated      bool
	// NextKeyMarker and NextVersionIDMarker continue the listing; set
	// only when Truncated (NextVersionIDMarker is empty after a common
	// prefix).
	NextKeyMarker       string
	NextVersionIDMarker string
}

// Lock is the Object Lock state a write asks for or a version has: Mode
// and RetainUntil together or neither, and the legal hold.
type Lock struct {
	Mode        LockMode
	RetainUntil time.Time
	LegalHold   bool
}

// ObjectLockConfig is a bucket's Object Lock configuration. Enabled is
// always true for a bucket that has one; Retention is nil without a
// default retention.
type ObjectLockConfig struct {
	Enabled   bool
	Retention *DefaultRetention
}

// PutRetentionInput sets, extends, shortens or (with a zero Mode and
// RetainUntil) removes the retention of one version.
type PutRetentionInput struct {
	Bucket, Key, VersionID string
	Mode                   LockMode
	RetainUntil            time.Time
	// BypassGovernance may be set only by a caller that was allowed
	// s3:BypassGovernanceRetention and asked for the bypass: it lets
	// GOVERNANCE retention be shortened or removed. It never affects
	// COMPLIANCE retention or a legal hold.
	BypassGovernance bool
}

// DeleteObjectsInput deletes several objects or versions of one bucket.
type DeleteObjectsInput struct {
	Bucket  string
	Objects []ObjectID
	// BypassGovernance: as in PutRetentionInput, for every entry.
	BypassGovernance bool
	// MFA is the caller and x-amz-mfa, for buckets with MFA Delete: it is
	// checked once for the whole request.
	MFA MFA
}

// AttributesInput asks for the attributes of an object version
// (GetObjectAttributes): its metadata and one page of its parts.
type AttributesInput struct {
	Bucket, Key string
	VersionID   string
	// PartNumberMarker and MaxParts page through the parts of a multipart
	// object: the parts numbered above the marker, at most MaxParts of
	// them (0 means 1000, and more than 1000 is 1000).
	PartNumberMarker int
	MaxParts         int
	// CustomerKey is the version's SSE-C key, as in GetInput.
	CustomerKey *CustomerKey
}

// AttributesOutput is what GetObjectAttributes reports. Info.PartsCount
// is the number of parts of a multipart object (0 for a single-part one)
// and Info.StorageClass its storage class.
type AttributesOutput struct {
	Info ObjectInfo
	// PartsListed is true when the object's parts are listed, as S3 lists
	// them: only for a multipart object whose checksum is COMPOSITE, the
	// one kind whose parts carry checksums a client can verify. Then Parts
	// is one page of them (PartNumber, Size and Checksum set), MaxParts
	// the page size used, and Truncated and NextPartNumberMarker continue
	// the listing.
	PartsListed          bool
	Parts                []Part
	MaxParts             int
	Truncated            bool
	NextPartNumberMarker int
}
