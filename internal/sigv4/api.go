// Package sigv4 authenticates S3 requests: AWS Signature Version 4 in the
// Authorization header and in presigned query strings, the aws-chunked
// streaming payloads (signed chunks, unsigned and signed trailers), browser
// POST uploads with a POST policy, and legacy Signature Version 2 (header and
// presigned query). It yields a Principal; it never decides access.
//
// It reaches credentials through the narrow Credentials interface, so it
// imports no store and no IAM code.
package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/coffer-s3/coffer/internal/principal"
)

// Principal is who a request was authenticated as. It is defined in
// package principal, which imports no wire, so that domain packages (kms's
// Caller, and through it the object service) can name it.
type Principal = principal.Principal

// Credential is a secret and the principal it authenticates.
type Credential struct {
	AccessKey string
	SecretKey string
	// SessionToken, when set, marks temporary credentials: requests must
	// carry it in x-amz-security-token (header, query or POST field).
	SessionToken string
	Principal    Principal
}

// Credentials looks up access keys. It returns ErrUnknownAccessKey (possibly
// wrapped) for a key it does not know.
type Credentials interface {
	Lookup(ctx context.Context, accessKey string) (Credential, error)
}

// Method says how a request was authenticated.
type Method int

// Authentication methods.
const (
	Anonymous Method = iota
	HeaderV4
	PresignedV4
	HeaderV2
	PresignedV2
	PostPolicy
)

// Result is a successful authentication.
type Result struct {
	Principal Principal
	Method    Method
	// Body replaces the request body. It yields the decoded payload (the
	// aws-chunked framing removed) and returns an error wrapping one of the
	// payload errors below from the Read that would otherwise return io.EOF
	// when the payload does not match what was signed: the hex SHA-256 in
	// x-amz-content-sha256, a chunk signature, the trailer signature.
	Body io.ReadCloser
	// DecodedLength is the payload length: x-amz-decoded-content-length for
	// aws-chunked bodies, else Content-Length (-1 if unknown).
	DecodedLength int64
	// Trailers returns the trailing headers of an aws-chunked body (for
	// example x-amz-checksum-crc64nvme). It is valid only after Body
	// returned io.EOF; before that it returns ErrTrailerNotRead.
	Trailers func() (http.Header, error)
}

// Authentication errors. The s3api package maps each to its S3 error code.
var (
	ErrUnknownAccessKey         = errors.New("sigv4: unknown access key")           // InvalidAccessKeyId
	ErrSignatureMismatch        = errors.New("sigv4: signature does not match")     // SignatureDoesNotMatch
	ErrRequestTimeTooSkewed     = errors.New("sigv4: request time too skewed")      // RequestTimeTooSkewed
	ErrExpired                  = errors.New("sigv4: presigned request expired")    // AccessDenied "Request has expired"
	ErrMalformedAuthorization   = errors.New("sigv4: malformed authorization")      // AuthorizationHeaderMalformed
	ErrMalformedPresigned       = errors.New("sigv4: malformed presigned query")    // AuthorizationQueryParametersError
	ErrMissingDate              = errors.New("sigv4: missing date")                 // AccessDenied
	ErrMissingContentSHA256     = errors.New("sigv4: missing x-amz-content-sha256") // InvalidRequest
	ErrUnsupportedAlgorithm     = errors.New("sigv4: unsupported algorithm")        // InvalidArgument / NotImplemented
	ErrContentSHA256Mismatch    = errors.New("sigv4: payload sha256 mismatch")      // XAmzContentSHA256Mismatch
	ErrChunkSignatureMismatch   = errors.New("sigv4: chunk signature mismatch")     // SignatureDoesNotMatch
	ErrMalformedChunk           = errors.New("sigv4: malformed aws-chunked body")   // InvalidRequest / IncompleteBody
	ErrIncompleteBody           = errors.New("sigv4: body ended early")             // IncompleteBody
	ErrDecodedLengthMismatch    = errors.New("sigv4: decoded length mismatch")      // IncompleteBody
	ErrTrailerNotRead           = errors.New("sigv4: trailer not read yet")
	ErrMalformedTrailer         = errors.New("sigv4: malformed trailer")             // MalformedTrailerError
	ErrMissingSecurityHeader    = errors.New("sigv4: missing required header")       // MissingSecurityHeader
	ErrPostPolicyViolation      = errors.New("sigv4: post policy condition failed")  // AccessDenied "Invalid according to Policy"
	ErrMalformedPostRequest     = errors.New("sigv4: malformed POST request")        // MalformedPOSTRequest
	ErrInvalidPolicyDocument    = errors.New("sigv4: invalid POST policy document")  // InvalidPolicyDocument
	ErrSignatureVersionMismatch = errors.New("sigv4: unsupported signature version") // InvalidRequest
	ErrInvalidToken             = errors.New("sigv4: invalid security token")        // InvalidToken
	ErrInvalidContentSHA256     = errors.New("sigv4: invalid x-amz-content-sha256")  // InvalidArgument
	ErrHeadersNotSigned         = errors.New("sigv4: x-amz-* header not signed")     // AccessDenied "There were headers present in the request which were not signed"
)
