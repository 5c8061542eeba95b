package kms

import (
	"errors"
	"fmt"
)

// Further errors of the key service, beside the contract's (kms.go).
var (
	// ErrValidation: a parameter is missing or out of range
	// (ValidationException).
	ErrValidation = errors.New("kms: invalid parameter")
	// ErrAlreadyExists: an alias by that name exists
	// (AlreadyExistsException).
	ErrAlreadyExists = errors.New("kms: already exists")
	// ErrInvalidAliasName: the alias name is malformed or reserved
	// (InvalidAliasNameException).
	ErrInvalidAliasName = errors.New("kms: invalid alias name")
	// ErrMalformedPolicy: the key policy is not a valid key policy, or
	// would lock the caller out (MalformedPolicyDocumentException).
	ErrMalformedPolicy = errors.New("kms: malformed key policy")
	// ErrUnsupported: the key cannot do that, for example rotate an
	// AWS-managed key on demand (UnsupportedOperationException).
	ErrUnsupported = errors.New("kms: unsupported operation")
	// ErrLimitExceeded: a quota is reached (LimitExceededException).
	ErrLimitExceeded = errors.New("kms: limit exceeded")
	// ErrInvalidKeyUsage: the key's usage does not allow the operation
	// (InvalidKeyUsageException).
	ErrInvalidKeyUsage = errors.New("kms: invalid key usage")
	// ErrInvalidGrantToken: a grant token is malformed or names no grant
	// (InvalidGrantTokenException).
	ErrInvalidGrantToken = errors.New("kms: invalid grant token")
	// ErrInvalidGrantID: no grant by that id on the key
	// (InvalidGrantIdException).
	ErrInvalidGrantID = errors.New("kms: invalid grant id")
	// ErrInvalidMarker: a paging marker this service did not issue
	// (InvalidMarkerException).
	ErrInvalidMarker = errors.New("kms: invalid marker")
	// ErrInvalidMac: VerifyMac's MAC is not the message's under the key
	// (KMSInvalidMacException).
	ErrInvalidMac = errors.New("kms: invalid mac")
	// ErrTag: a tag key or value is malformed or reserved (TagException).
	ErrTag = errors.New("kms: invalid tag")
	// ErrInvalidArn: a malformed ARN (InvalidArnException).
	ErrInvalidArn = errors.New("kms: invalid arn")
)

// Error is a service error with a message the client may read. Err is one
// of the package's sentinels.
type Error struct {
	Err error
	Msg string
}

func (e *Error) Error() string { return e.Err.Error() + ": " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Message returns the client-safe text of err, or "" when it has none.
func Message(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Msg
	}
	return ""
}

func errorf(sentinel error, format string, args ...any) error {
	return &Error{Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) error { return errorf(ErrValidation, format, args...) }
