package s3api

import (
	"errors"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"io"
	"net/http"
	"os"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// apiError is what a client is told about a failed request: the S3 error
// code, the HTTP status and a message. It never carries internal detail.
type apiError struct {
	Code    string
	Status  int
	Message string
}

// errorRow maps the errors match accepts to one S3 error.
type errorRow struct {
	match func(error) bool
	apiError
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func as[T error]() func(error) bool {
	return func(err error) bool {
		var t T
		return errors.As(err, &t)
	}
}

// Wire-level errors: problems found while parsing a request, before the
// object service sees it. They are rows of the same table as domain errors.
var (
	errMalformedXML          = errors.New("s3api: malformed xml")
	errInvalidDigest         = errors.New("s3api: malformed content-md5")
	errMissingContentLength  = errors.New("s3api: missing content-length")
	errBadContentLength      = errors.New("s3api: malformed content-length")
	errSlowDown              = errors.New("s3api: server at its limit")
	errMissingContentMD5     = errors.New("s3api: missing content-md5 or checksum")
	errInvalidArgument       = errors.New("s3api: invalid argument")
	errInvalidRequest        = errors.New("s3api: invalid request")
	errNotImplemented        = errors.New("s3api: not implemented")
	errHeaderNotImplemented  = errors.New("s3api: header implies unimplemented functionality")
	errMethodNotAllowed      = errors.New("s3api: method not allowed")
	errAccessDenied          = errors.New("s3api: access denied")
	errEntityTooLarge        = errors.New("s3api: entity too large")
	errKeyTooLong            = errors.New("s3api: key too long")
	errInvalidLocation       = errors.New("s3api: invalid location constraint")
	errIllegalLocation       = errors.New("s3api: location constraint not this region")
	errInvalidTag            = errors.New("s3api: invalid tag")
	errMetadataTooLarge      = errors.New("s3api: metadata too large")
	errInvalidPartNumber     = errors.New("s3api: part number out of range")
	errInvalidMaxKeys        = errors.New("s3api: invalid max-keys")
	errInvalidToken          = errors.New("s3api: invalid continuation token")
	errInvalidEncoding       = errors.New("s3api: invalid encoding-type")
	errInvalidCopySource     = errors.New("s3api: invalid copy source")
	errInvalidCopyRange      = errors.New("s3api: invalid copy source range")
	errInvalidDirective      = errors.New("s3api: invalid metadata or tagging directive")
	errInvalidChecksumHeader = errors.New("s3api: invalid checksum header")
	errMultipleChecksums     = errors.New("s3api: more than one checksum header")
	errMissingTrailer        = errors.New("s3api: declared trailer missing")
	errBadDigest             = errors.New("s3api: content-md5 does not match")
	errChecksumMismatch      = errors.New("s3api: checksum does not match")
	errMalformedPOST         = errors.New("s3api: malformed POST request")
	errPostFileMissing       = errors.New("s3api: POST request has no file field")
	errPostTooLarge          = errors.New("s3api: POST pre-data too large")
	errRequestIsNotMultipart = errors.New("s3api: request is not multipart content")
	errCORSMissingOrigin     = errors.New("s3api: preflight without origin")
	errCORSInvalidMethod     = errors.New("s3api: preflight with an invalid method")
	errCORSNotEnabled        = errors.New("s3api: bucket has no cors configuration")
	errCORSNotAllowed        = errors.New("s3api: no cors rule allows the request")
	errCORSNoBucket          = errors.New("s3api: preflight for a missing bucket")
	errInvalidEncryptionAlg  = errors.New("s3api: invalid customer encryption algorithm")
)

// errorTable is the one place where an error becomes an S3 error code. It is
// walked in order with errors.Is / errors.As; the first match wins, so
// struct types that wrap sentinels come before the sentinels. Anything not
// here is InternalError. The codes and statuses are AWS's and must not
// change: clients branch on them.
var errorTable = []errorRow{
	// Struct types.
	{as[*object.RangeError](), apiError{"InvalidRange", http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable"}},
	{as[*object.NotModifiedError](), apiError{"NotModified", http.StatusNotModified, "Not Modified"}},
	// *object.DeleteMarkerError wraps ErrNoSuchKey or ErrMethodNotAllowed
	// and is matched through them; its headers are written by writeError.

	// Object service sentinels.
	{is(object.ErrInvalidBucketName), apiError{"InvalidBucketName", 400, "The specified bucket is not valid."}},
	{is(object.ErrNoSuchBucket), apiError{"NoSuchBucket", 404, "The specified bucket does not exist"}},
	{is(object.ErrBucketAlreadyExists), apiError{"BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}},
	{is(object.ErrBucketAlreadyOwnedByYou), apiError{"BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it."}},
	{is(object.ErrBucketNotEmpty), apiError{"BucketNotEmpty", 409, "The bucket you tried to delete is not empty"}},
	{is(object.ErrKeyTooLong), apiError{"KeyTooLongError", 400, "Your key is too long"}},
	{is(object.ErrInvalidKey), apiError{"InvalidArgument", 400, "Object key is not valid."}},
	{is(object.ErrNoSuchKey), apiError{"NoSuchKey", 404, "The specified key does not exist."}},
	{is(object.ErrNoSuchVersion), apiError{"NoSuchVersion", 404, "The specified version does not exist."}},
	{is(object.ErrInvalidVersionID), apiError{"InvalidArgument", 400, "Invalid version id specified"}},
	{is(object.ErrPreconditionFailed), apiError{"PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"}},
	{is(object.ErrConditionalConflict), apiError{"ConditionalRequestConflict", 409, "A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part."}},
	{is(object.ErrBadDigest), apiError{"BadDigest", 400, "The Content-MD5 you specified did not match what we received."}},
	{is(object.ErrChecksumMismatch), apiError{"BadDigest", 400, "The checksum you specified did not match the calculated checksum."}},
	{is(object.ErrIncompleteBody), apiError{"IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."}},
	{is(object.ErrBodyTooLong), apiError{"InvalidRequest", 400, "The request body is longer than the length it declared."}},
	{is(object.ErrEntityTooLarge), apiError{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"}},
	{is(object.ErrInvalidCopyRequest), apiError{"InvalidRequest", 400, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."}},
	{is(object.ErrInvalidTag), apiError{"InvalidTag", 400, "The tag provided was not a valid tag."}},
	{is(object.ErrInvalidArgument), apiError{"InvalidArgument", 400, "Invalid Argument"}},
	{is(object.ErrNoSuchUpload), apiError{"NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}},
	{is(object.ErrInvalidPart), apiError{"InvalidPart", 400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}},
	{is(object.ErrInvalidPartOrder), apiError{"InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number."}},
	{is(object.ErrEntityTooSmall), apiError{"EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."}},
	// The wire layer checks 1..10000 before calling, so the service only
	// reports a part number beyond the object's parts on a read.
	{is(object.ErrInvalidPartNumber), apiError{"InvalidPartNumber", http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable"}},
	{is(object.ErrMalformedChecksum), apiError{"InvalidRequest", 400, "The checksum value you provided is not valid."}},
	{is(object.ErrInvalidChecksumAlgorithm), apiError{"InvalidRequest", 400, "The checksum algorithm is not valid for this request."}},
	{is(object.ErrMetadataTooLarge), apiError{"MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."}},
	{is(object.ErrInvalidRequest), apiError{"InvalidRequest", 400, "Invalid Request"}},
	{is(object.ErrCopySourceTooLarge), apiError{"InvalidRequest", 400, "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120"}},
	{is(object.ErrInvalidDigest), apiError{"InvalidDigest", 400, "The Content-MD5 you specified is not valid."}},
	{is(object.ErrMethodNotAllowed), apiError{"MethodNotAllowed", 405, "The specified method is not allowed against this resource."}},
	{is(object.ErrInvalidObjectState), apiError{"InvalidObjectState", 403, "The operation is not valid for the object's storage class"}},
	{is(object.ErrRestoreInProgress), apiError{"RestoreAlreadyInProgress", 409, "Object restore is already in progress"}},
	// Only the lifecycle engine transitions versions; a request never
	// sees it, but a row keeps the table whole.
	{is(object.ErrVersionChanged), apiError{"OperationAborted", 409, "A conflicting conditional operation is currently in progress against this resource. Please try again."}},
	{is(object.ErrIllegalVersioningConfiguration), apiError{"IllegalVersioningConfigurationException", 400, "The Versioning element must be specified"}},
	{is(object.ErrInvalidBucketState), apiError{"InvalidBucketState", 409, "The request is not valid with the current state of the bucket."}},
	{is(object.ErrObjectLocked), apiError{"AccessDenied", 403, "Access Denied because object protected by object lock."}},
	{is(object.ErrMFARequired), apiError{"AccessDenied", 403, "Mfa Authentication must be used for this request"}},
	{is(object.ErrMFANotOwner), apiError{"AccessDenied", 403, "This operation may only be performed by the bucket owner"}},
	{is(object.ErrMFAInvalid), apiError{"AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code."}},
	{is(object.ErrNoObjectLock), apiError{"InvalidRequest", 400, "Bucket is missing Object Lock Configuration"}},
	{is(object.ErrPastRetention), apiError{"InvalidArgument", 400, "The retain until date must be in the future!"}},
	{is(object.ErrInvalidRetention), apiError{"InvalidArgument", 400, "Unknown wormMode directive."}},
	{is(object.ErrInvalidRetentionPeriod), apiError{"InvalidRetentionPeriod", 400, "Default retention period must be a positive integer value for Days (at most 36500) or Years (at most 100)."}},
	{is(object.ErrObjectLockConfigurationNotFound), apiError{"ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket"}},
	{is(object.ErrNoSuchTagSet), apiError{"NoSuchTagSet", 404, "The TagSet does not exist"}},
	{is(object.ErrTooManyBucketTags), apiError{"BadRequest", 400, "Bucket tag count cannot be greater than 50"}},
	{is(object.ErrNoSuchCORSConfiguration), apiError{"NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"}},
	{is(object.ErrNoSuchLifecycleConfiguration), apiError{"NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"}},
	// A lifecycle configuration that fails validation carries S3's
	// message for it (*rules.Error); the kind chooses the code.
	{is(rules.ErrMalformed), apiError{"MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema."}},
	{is(rules.ErrInvalidArgument), apiError{"InvalidArgument", 400, "Invalid Argument"}},
	{is(rules.ErrInvalidRequest), apiError{"InvalidRequest", 400, "Invalid Request"}},
	// A server without a key service (and dual-layer SSE-KMS on any
	// server): S3 would accept SSE-KMS, so this is 501 rather than a
	// validation error the client could fix.
	{is(object.ErrKMSNotAvailable), apiError{"NotImplemented", http.StatusNotImplemented, "SSE-KMS is not available on this server (no key management service is configured; aws:kms:dsse is not implemented). Use AES256."}},
	{is(object.ErrKMSSignatureRequired), apiError{"InvalidArgument", 400, msgKMSSigV4}},
	// The key service's refusals of an SSE-KMS read or write, as S3
	// passes them on: "KMS." and the KMS exception's name, 400, except
	// a denied key operation, which is S3's 403 AccessDenied.
	{is(kms.ErrAccessDenied), apiError{"AccessDenied", 403, "Access Denied"}},
	{is(kms.ErrNotFound), apiError{"KMS.NotFoundException", 400, "Invalid keyId"}},
	{is(kms.ErrDisabled), apiError{"KMS.DisabledException", 400, "The KMS key is disabled."}},
	{is(kms.ErrInvalidState), apiError{"KMS.KMSInvalidStateException", 400, "The KMS key is not in a state that allows this operation."}},
	{is(kms.ErrInvalidCiphertext), apiError{"KMS.InvalidCiphertextException", 400, "The ciphertext or its encryption context is not valid."}},
	{is(kms.ErrIncorrectKey), apiError{"KMS.IncorrectKeyException", 400, "The ciphertext was not encrypted under the KMS key specified."}},
	// S3 answers a blocked SSE-C upload 403 AccessDenied ("Blocking or
	// unblocking SSE-C for a general purpose bucket", S3 User Guide).
	// Customer-provided keys (SSE-C), with S3's messages.
	{is(object.ErrCustomerKeyRequired), apiError{"InvalidRequest", 400, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."}},
	{is(object.ErrCustomerKeyMismatch), apiError{"AccessDenied", 403, "Access Denied"}},
	{is(object.ErrCustomerKeyNotApplicable), apiError{"InvalidRequest", 400, "The encryption parameters are not applicable to this object."}},
	{is(object.ErrUploadKeyRequired), apiError{"InvalidRequest", 400, "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters."}},
	{is(object.ErrUploadKeyMismatch), apiError{"InvalidRequest", 400, "The provided encryption parameters did not match the ones used originally."}},
	{is(object.ErrEncryptionTypeBlocked), apiError{"AccessDenied", 403, "The bucket's default encryption configuration blocks uploads with server-side encryption with customer-provided keys (SSE-C)."}},
	// The handler validates a CORS configuration first and sends a
	// *cors.RuleError with S3's message for it; these rows cover the
	// service's own check.
	{is(cors.ErrMalformed), apiError{"MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema."}},
	{as[*cors.RuleError](), apiError{"InvalidRequest", 400, "The CORS configuration is not valid."}},
	{is(object.ErrNoSuchObjectLockConfiguration), apiError{"NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration"}},

	{is(object.ErrNoSuchBucketPolicy), apiError{"NoSuchBucketPolicy", 404, "The bucket policy does not exist"}},
	{is(object.ErrNoSuchPublicAccessBlock), apiError{"NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found"}},
	{is(object.ErrPublicPolicyBlocked), apiError{"AccessDenied", 403, "Access Denied"}},

	// Authentication errors.
	{is(sigv4.ErrUnknownAccessKey), apiError{"InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."}},
	{is(iam.ErrExpiredToken), apiError{"ExpiredToken", 400, "The provided token has expired."}},
	{is(sigv4.ErrSignatureMismatch), apiError{"SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}},
	{is(sigv4.ErrRequestTimeTooSkewed), apiError{"RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."}},
	{is(sigv4.ErrExpired), apiError{"AccessDenied", 403, "Request has expired"}},
	{is(sigv4.ErrMalformedAuthorization), apiError{"AuthorizationHeaderMalformed", 400, "The authorization header is malformed."}},
	{is(sigv4.ErrMalformedPresigned), apiError{"AuthorizationQueryParametersError", 400, "Error parsing the X-Amz-Credential parameter or another authorization query parameter."}},
	{is(sigv4.ErrMissingDate), apiError{"AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"}},
	{is(sigv4.ErrMissingContentSHA256), apiError{"InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256"}},
	{is(sigv4.ErrUnsupportedAlgorithm), apiError{"InvalidArgument", 400, "Unsupported Authorization Type"}},
	{is(sigv4.ErrContentSHA256Mismatch), apiError{"XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed."}},
	{is(sigv4.ErrChunkSignatureMismatch), apiError{"SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}},
	{is(sigv4.ErrMalformedChunk), apiError{"IncompleteBody", 400, "The request body is not valid aws-chunked encoding."}},
	{is(sigv4.ErrIncompleteBody), apiError{"IncompleteBody", 400, "The request body terminated unexpectedly"}},
	{is(sigv4.ErrDecodedLengthMismatch), apiError{"IncompleteBody", 400, "The decoded body length does not match x-amz-decoded-content-length."}},
	// Reading trailers before the body is a bug on our side, not the client's.
	{is(sigv4.ErrTrailerNotRead), apiError{"InternalError", 500, "We encountered an internal error. Please try again."}},
	{is(sigv4.ErrMalformedTrailer), apiError{"MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema."}},
	{is(sigv4.ErrMissingSecurityHeader), apiError{"MissingSecurityHeader", 400, "Your request is missing a required header."}},
	{is(sigv4.ErrPostPolicyViolation), apiError{"AccessDenied", 403, "Invalid according to Policy: Policy Condition failed"}},
	{is(sigv4.ErrMalformedPostRequest), apiError{"MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."}},
	{is(sigv4.ErrInvalidPolicyDocument), apiError{"InvalidPolicyDocument", 400, "The content of the form does not meet the conditions specified in the policy document."}},
	{is(sigv4.ErrSignatureVersionMismatch), apiError{"InvalidRequest", 400, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."}},
	{is(sigv4.ErrInvalidToken), apiError{"InvalidToken", 400, "The provided token is malformed or otherwise invalid."}},
	{is(sigv4.ErrInvalidContentSHA256), apiError{"InvalidArgument", 400, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value."}},
	{is(sigv4.ErrHeadersNotSigned), apiError{"AccessDenied", 403, "There were headers present in the request which were not signed"}},

	// Standard-library errors from reading the request body: a client
	// that sent fewer bytes than its Content-Length, or more than the
	// server's body limit.
	{is(io.ErrUnexpectedEOF), apiError{"IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."}},
	{as[*http.MaxBytesError](), apiError{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"}},

	// Wire-level errors.
	{is(acl.ErrNotSupported), apiError{"AccessControlListNotSupported", 400, "The bucket does not allow ACLs"}},
	{is(acl.ErrOwnershipConflict), apiError{"InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}},
	{is(acl.ErrMalformed), apiError{"MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema"}},
	{is(errMalformedACL), apiError{"MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema"}},
	{is(acl.ErrInvalidGrantee), apiError{"InvalidArgument", 400, "Invalid id"}},
	{is(acl.ErrUnresolvableEmail), apiError{"UnresolvableGrantByEmailAddress", 400, "The e-mail address you provided does not match any account on record."}},
	{is(acl.ErrPublicBlocked), apiError{"AccessDenied", 403, "Access Denied"}},
	{is(acl.ErrUnknownCanned), apiError{"InvalidArgument", 400, "Invalid Argument"}},
	{is(acl.ErrInvalidOwnership), apiError{"InvalidArgument", 400, "Invalid x-amz-object-ownership header"}},
	{is(object.ErrNoOwnershipControls), apiError{"OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found"}},
	{is(errACLHeaderAndBody), apiError{"UnexpectedContent", 400, "This request does not support content"}},
	{is(errCannedAndGrants), apiError{"InvalidRequest", 400, "Specifying both Canned ACLs and Header Grants is not allowed"}},
	{is(errMissingACL), apiError{"MissingSecurityHeader", 400, "Your request was missing a required header"}},
	{is(errMalformedXML), apiError{"MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema."}},
	{is(errInvalidDigest), apiError{"InvalidDigest", 400, "The Content-MD5 you specified is not valid."}},
	// A body or response cut by the server's pacing (the connection's
	// deadline passed, or the client kept below the minimum rate).
	{is(os.ErrDeadlineExceeded), apiError{"RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed."}},
	{is(errSlowDown), apiError{"SlowDown", http.StatusServiceUnavailable, "Please reduce your request rate."}},
	{is(errBadContentLength), apiError{"BadRequest", 400, "An error occurred when parsing the HTTP request: the Content-Length header is not a non-negative integer."}},
	{is(errMissingContentLength), apiError{"MissingContentLength", http.StatusLengthRequired, "You must provide the Content-Length HTTP header."}},
	{is(errMissingContentMD5), apiError{"InvalidRequest", 400, "Missing required header for this request: Content-Md5"}},
	{is(errInvalidArgument), apiError{"InvalidArgument", 400, "Invalid Argument"}},
	{is(errInvalidEncryptionAlg), apiError{"InvalidEncryptionAlgorithmError", 400, "The encryption request you specified is not valid. The valid value is AES256."}},
	{is(errInvalidRequest), apiError{"InvalidRequest", 400, "Invalid Request"}},
	{is(errNotImplemented), apiError{"NotImplemented", http.StatusNotImplemented, "The requested operation is not implemented."}},
	{is(errHeaderNotImplemented), apiError{"NotImplemented", http.StatusNotImplemented, "A header you provided implies functionality that is not implemented."}},
	{is(errMethodNotAllowed), apiError{"MethodNotAllowed", 405, "The specified method is not allowed against this resource."}},
	{is(errAccessDenied), apiError{"AccessDenied", 403, "Access Denied"}},
	{is(errEntityTooLarge), apiError{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"}},
	{is(errKeyTooLong), apiError{"KeyTooLongError", 400, "Your key is too long"}},
	{is(errInvalidLocation), apiError{"InvalidLocationConstraint", 400, "The specified location-constraint is not valid"}},
	{is(errIllegalLocation), apiError{"IllegalLocationConstraintException", 400, "The location constraint is incompatible for the region specific endpoint this request was sent to."}},
	{is(errInvalidTag), apiError{"InvalidTag", 400, "The tag provided was not a valid tag."}},
	{is(errMetadataTooLarge), apiError{"MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."}},
	{is(errInvalidPartNumber), apiError{"InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive"}},
	{is(errInvalidMaxKeys), apiError{"InvalidArgument", 400, "Provided max-keys not an integer or within integer range"}},
	{is(errInvalidToken), apiError{"InvalidArgument", 400, "The continuation token provided is incorrect"}},
	{is(errInvalidEncoding), apiError{"InvalidArgument", 400, "Invalid Encoding Method specified in Request"}},
	{is(errInvalidCopySource), apiError{"InvalidArgument", 400, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"}},
	{is(errInvalidCopyRange), apiError{"InvalidArgument", 400, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"}},
	{is(errInvalidDirective), apiError{"InvalidArgument", 400, "Unknown metadata or tagging directive."}},
	{is(errInvalidChecksumHeader), apiError{"InvalidRequest", 400, "Value for x-amz-checksum header is invalid."}},
	{is(errMultipleChecksums), apiError{"InvalidRequest", 400, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."}},
	{is(errMissingTrailer), apiError{"MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema."}},
	{is(errBadDigest), apiError{"BadDigest", 400, "The Content-MD5 you specified did not match what we received."}},
	{is(errChecksumMismatch), apiError{"BadDigest", 400, "The checksum you specified did not match the calculated checksum."}},
	{is(errMalformedPOST), apiError{"MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."}},
	{is(errPostFileMissing), apiError{"InvalidArgument", 400, "POST requires exactly one file upload per request."}},
	{is(errPostTooLarge), apiError{"MaxPostPreDataLengthExceededError", 400, "Your POST request fields preceding the upload file were too large."}},
	{is(object.ErrInvalidStorageClass), apiError{"InvalidStorageClass", 400, "The storage class you specified is not valid"}},
	// A full disk, or a metadata store that turned read-only after an I/O
	// error, refuses writes with 503 SlowDown: AWS never answers 507, and
	// every SDK retries SlowDown with backoff, which is what a client
	// should do while an operator frees space.
	{is(object.ErrInsufficientSpace), apiError{"SlowDown", http.StatusServiceUnavailable, "Please reduce your request rate."}},
	{is(meta.ErrReadOnly), apiError{"SlowDown", http.StatusServiceUnavailable, "Please reduce your request rate."}},
	{is(errCORSMissingOrigin), apiError{"BadRequest", 400, "Insufficient information. Origin request header needed."}},
	{is(errCORSInvalidMethod), apiError{"BadRequest", 400, "Invalid Access-Control-Request-Method: null"}},
	// "evalution" is AWS's spelling.
	{is(errCORSNotAllowed), apiError{"AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."}},
	{is(errCORSNotEnabled), apiError{"AccessForbidden", 403, "CORSResponse: CORS is not enabled for this bucket."}},
	{is(errCORSNoBucket), apiError{"AccessForbidden", 403, "CORSResponse: Bucket not found"}},
	{is(errMalformedPolicy), apiError{"MalformedPolicy", 400, "This policy contains invalid Json"}},
	{is(errPolicyTooLarge), apiError{"MalformedPolicy", 400, "Policy exceeds the maximum allowed document size."}},
	{is(errInvalidConfirm), apiError{"InvalidArgument", 400, "x-amz-confirm-remove-self-bucket-access must be true or false"}},
	{is(errRequestIsNotMultipart), apiError{"RequestIsNotMultiPartContent", 400, "Bucket POST must be of the enclosure-type multipart/form-data"}},
}

var internalError = apiError{"InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again."}

// headerError is an error about one request header, which S3 names in
// its error document's Header element.
type headerError struct {
	err  error
	name string
}

func (e *headerError) Error() string { return e.err.Error() + ": " + e.name }
func (e *headerError) Unwrap() error { return e.err }

// messageError replaces the table's message for one occurrence of an error,
// for the cases where AWS names the offending header or value.
type messageError struct {
	err error
	msg string
}

func (e *messageError) Error() string { return e.err.Error() + ": " + e.msg }
func (e *messageError) Unwrap() error { return e.err }

// withMessage wraps err so that the client sees msg instead of the table's
// message. msg must be safe to show to the client.
func withMessage(err error, msg string) error { return &messageError{err: err, msg: msg} }

// clientMessager is an error from a lower layer that words its own
// client-safe message, where AWS's message names what the client sent
// (sigv4's POST policy failures: "Invalid Policy: ...").
type clientMessager interface {
	error
	ClientMessage() string
}

// lookupError finds err's row. ok is false when err has no row.
func lookupError(err error) (apiError, bool) {
	for _, row := range errorTable {
		if row.match(err) {
			ae := row.apiError
			var me *messageError
			var cm clientMessager
			switch {
			case errors.As(err, &me):
				ae.Message = me.msg
			case errors.As(err, &cm):
				ae.Message = cm.ClientMessage()
			}
			return ae, true
		}
	}
	return internalError, false
}
