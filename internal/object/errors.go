package object

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors of the object service. The s3api package maps each one to
// an S3 error code in exactly one table; a test there fails if one is missing.
var (
	ErrInvalidBucketName        = errors.New("object: invalid bucket name")
	ErrNoSuchBucket             = errors.New("object: no such bucket")
	ErrBucketAlreadyExists      = errors.New("object: bucket already exists")
	ErrBucketAlreadyOwnedByYou  = errors.New("object: bucket already owned by you")
	ErrBucketNotEmpty           = errors.New("object: bucket not empty")
	ErrKeyTooLong               = errors.New("object: key too long")
	ErrInvalidKey               = errors.New("object: invalid key")
	ErrNoSuchKey                = errors.New("object: no such key")
	ErrNoSuchVersion            = errors.New("object: no such version")
	ErrInvalidVersionID         = errors.New("object: invalid version id")
	ErrPreconditionFailed       = errors.New("object: precondition failed")
	ErrConditionalConflict      = errors.New("object: conditional request conflict")
	ErrBadDigest                = errors.New("object: content-md5 does not match")
	ErrChecksumMismatch         = errors.New("object: checksum does not match")
	ErrIncompleteBody           = errors.New("object: body shorter than declared length")
	ErrBodyTooLong              = errors.New("object: body longer than declared length")
	ErrEntityTooLarge           = errors.New("object: entity too large")
	ErrInvalidCopyRequest       = errors.New("object: copy onto itself without changes")
	ErrInvalidTag               = errors.New("object: invalid tag")
	ErrInvalidArgument          = errors.New("object: invalid argument")
	ErrNoSuchUpload             = errors.New("object: no such upload")
	ErrInvalidPart              = errors.New("object: invalid part")
	ErrInvalidPartOrder         = errors.New("object: invalid part order")
	ErrEntityTooSmall           = errors.New("object: part too small")
	ErrInvalidPartNumber        = errors.New("object: invalid part number")
	ErrMalformedChecksum        = errors.New("object: malformed checksum")
	ErrInvalidChecksumAlgorithm = errors.New("object: checksum algorithm not valid here")
	ErrMethodNotAllowed         = errors.New("object: method not allowed on a delete marker")
	// ErrInvalidObjectState: the version's storage class does not allow
	// the operation (a GLACIER or DEEP_ARCHIVE version read before a
	// restore, or a restore of a version of another class).
	ErrInvalidObjectState = errors.New("object: operation not valid for the object's storage class")
	// ErrRestoreInProgress: a restore of the version is still going on.
	ErrRestoreInProgress = errors.New("object: restore already in progress")
	// ErrVersionChanged: the version is no longer in the state a caller
	// judged (TransitionVersion); nothing was changed.
	ErrVersionChanged = errors.New("object: version changed since it was judged")
)

// Further sentinel errors, added after the first contract.
var (
	// ErrMetadataTooLarge: user metadata names and values exceed 2 KB
	// (S3 MetadataTooLarge).
	ErrMetadataTooLarge = errors.New("object: user metadata too large")
	// ErrInvalidRequest: a combination of arguments S3 rejects as a whole,
	// such as a checksum type the algorithm cannot have, or both a Range and
	// a PartNumber (S3 InvalidRequest).
	ErrInvalidRequest = errors.New("object: invalid request")
	// ErrCopySourceTooLarge: the source of CopyObject is larger than 5 GiB
	// (S3 InvalidRequest).
	ErrCopySourceTooLarge = errors.New("object: copy source larger than 5 GiB")
	// ErrInvalidDigest: a Content-MD5 that is not 16 bytes (S3 InvalidDigest).
	ErrInvalidDigest = errors.New("object: malformed content-md5")
	// ErrInvalidStorageClass: a storage class a general purpose bucket
	// does not accept (S3 InvalidStorageClass).
	ErrInvalidStorageClass = errors.New("object: invalid storage class")
	// ErrInsufficientSpace: the write was refused, before anything was
	// stored, because the disk is (nearly) full: free space is below the
	// reserve kept for metadata and deletes, or the disk said ENOSPC. The
	// client may retry later (S3 SlowDown, 503).
	ErrInsufficientSpace = errors.New("object: insufficient disk space")
)

// RangeError is returned when a Range cannot be satisfied (416 InvalidRange).
type RangeError struct {
	Size int64 // the object's size, for Content-Range: bytes */Size
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("object: range not satisfiable for size %d", e.Size)
}

// NotModifiedError is returned by a read whose If-None-Match or
// If-Modified-Since says the client's copy is current (304). It carries what
// the 304 response must still show.
type NotModifiedError struct {
	ETag         string
	LastModified time.Time
}

func (e *NotModifiedError) Error() string { return "object: not modified" }

// DeleteMarkerError is returned when the version a read resolves to is a
// delete marker. It wraps ErrNoSuchKey (no version id given) or
// ErrMethodNotAllowed (the marker's version id given), and carries what the
// response headers must show (x-amz-delete-marker, x-amz-version-id).
type DeleteMarkerError struct {
	VersionID    string
	LastModified time.Time
	Err          error
}

func (e *DeleteMarkerError) Error() string { return "object: delete marker: " + e.Err.Error() }

// Unwrap returns the wrapped sentinel.
func (e *DeleteMarkerError) Unwrap() error { return e.Err }

// Sentinel errors of versioning and Object Lock.
var (
	// ErrIllegalVersioningConfiguration: a versioning status other than
	// Enabled or Suspended (S3 IllegalVersioningConfigurationException).
	ErrIllegalVersioningConfiguration = errors.New("object: illegal versioning configuration")
	// ErrInvalidBucketState: the request conflicts with the bucket's
	// state, such as suspending versioning on an Object Lock bucket
	// (S3 InvalidBucketState).
	ErrInvalidBucketState = errors.New("object: invalid bucket state")
)

// Sentinel errors of Object Lock.
var (
	// ErrObjectLocked: the version is protected by retention or a legal
	// hold and cannot be removed, overwritten or have its protection
	// reduced (S3 AccessDenied).
	ErrObjectLocked = errors.New("object: protected by object lock")
	// ErrNoObjectLock: an Object Lock request on a bucket without Object
	// Lock (S3 InvalidRequest).
	ErrNoObjectLock = errors.New("object: bucket has no object lock configuration")
	// ErrPastRetention: a retain-until date that is not in the future
	// (S3 InvalidArgument).
	ErrPastRetention = errors.New("object: retain-until date is not in the future")
	// ErrInvalidRetention: an unknown mode, a mode without a date or a
	// date without a mode, or a default retention with both Days and
	// Years (S3 InvalidArgument or MalformedXML at the wire).
	ErrInvalidRetention = errors.New("object: invalid retention")
	// ErrInvalidRetentionPeriod: a default retention period that is not
	// positive or exceeds MaxRetentionDays or MaxRetentionYears
	// (S3 InvalidRetentionPeriod).
	ErrInvalidRetentionPeriod = errors.New("object: invalid retention period")
	// ErrObjectLockConfigurationNotFound: the bucket has no Object Lock
	// configuration (S3 ObjectLockConfigurationNotFoundError).
	ErrObjectLockConfigurationNotFound = errors.New("object: object lock configuration not found")
	// ErrNoSuchObjectLockConfiguration: the version has no retention or no
	// legal hold (S3 NoSuchObjectLockConfiguration).
	ErrNoSuchObjectLockConfiguration = errors.New("object: version has no object lock configuration")
)

// Sentinel errors of bucket configuration sub-resources.
var (
	// ErrNoSuchTagSet: the bucket has no tags (S3 NoSuchTagSet).
	ErrNoSuchTagSet = errors.New("object: bucket has no tag set")
	// ErrTooManyBucketTags: more than 50 tags for a bucket (S3 BadRequest).
	ErrTooManyBucketTags = errors.New("object: more than 50 bucket tags")
	// ErrNoSuchCORSConfiguration: the bucket has no CORS configuration
	// (S3 NoSuchCORSConfiguration).
	ErrNoSuchCORSConfiguration = errors.New("object: bucket has no cors configuration")
	// ErrNoSuchLifecycleConfiguration: the bucket has no lifecycle
	// configuration (S3 NoSuchLifecycleConfiguration).
	ErrNoSuchLifecycleConfiguration = errors.New("object: bucket has no lifecycle configuration")
)

// Sentinel errors of default bucket encryption.
var (
	// ErrKMSNotAvailable: the configuration asks for SSE-KMS and coffer
	// has no KMS yet (answered 501 NotImplemented).
	ErrKMSNotAvailable = errors.New("object: sse-kms needs a kms, and none is available")
	// ErrEncryptionTypeBlocked: the bucket's BlockedEncryptionTypes
	// refuses the upload's encryption (S3 403 AccessDenied).
	ErrEncryptionTypeBlocked = errors.New("object: encryption type blocked by the bucket")
)
