package iam

import (
	"errors"
	"fmt"
)

// Domain errors. Each is an IAM error code; the IAM wire maps them in its
// one error table. Functions return them wrapped in an *Error that
// carries AWS's message, so test with errors.Is.
var (
	// ErrNoSuchEntity: the named user, group, role, policy, key or
	// account does not exist (NoSuchEntity, 404).
	ErrNoSuchEntity = errors.New("iam: no such entity")
	// ErrEntityAlreadyExists: the name is taken (EntityAlreadyExists, 409).
	ErrEntityAlreadyExists = errors.New("iam: entity already exists")
	// ErrLimitExceeded: a quota such as two access keys per user or five
	// policy versions (LimitExceeded, 409).
	ErrLimitExceeded = errors.New("iam: limit exceeded")
	// ErrDeleteConflict: the entity still has subordinate entities (keys,
	// policies, group members, attachments) (DeleteConflict, 409).
	ErrDeleteConflict = errors.New("iam: delete conflict")
	// ErrMalformedPolicyDocument: the policy document is not valid
	// (MalformedPolicyDocument, 400).
	ErrMalformedPolicyDocument = errors.New("iam: malformed policy document")
	// ErrInvalidInput: a parameter is not valid (InvalidInput, 400).
	ErrInvalidInput = errors.New("iam: invalid input")
	// ErrValidation: a parameter fails its documented constraints
	// (ValidationError, 400).
	ErrValidation = errors.New("iam: validation error")
	// ErrUnmodifiableEntity: the entity is AWS managed and cannot be
	// changed (UnmodifiableEntity, 400).
	ErrUnmodifiableEntity = errors.New("iam: unmodifiable entity")
	// ErrInvalidAuthenticationCode: the MFA codes given to enable or
	// resynchronize a device are not two consecutive codes of it
	// (InvalidAuthenticationCode, 403).
	ErrInvalidAuthenticationCode = errors.New("iam: invalid authentication code")
	// ErrMFAFailed: an MFA code given to STS (SerialNumber, TokenCode)
	// did not authenticate the caller: the device is not the caller's
	// enabled device, or the code is wrong or already used. STS answers
	// AccessDenied (403) with the *Error's message.
	ErrMFAFailed = errors.New("iam: multi-factor authentication failed")
)

// Error is a domain error with the message AWS returns for it. Message
// never holds a secret, so the wire may send it to the client.
type Error struct {
	// Err is one of the sentinels above.
	Err error
	// Message is AWS's text, such as "The user with name bob cannot be
	// found.".
	Message string
}

func (e *Error) Error() string { return e.Err.Error() + ": " + e.Message }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func errorf(sentinel error, format string, a ...any) error {
	return &Error{Err: sentinel, Message: fmt.Sprintf(format, a...)}
}

func noSuch(kind, name string) error {
	return errorf(ErrNoSuchEntity, "The %s with name %s cannot be found.", kind, name)
}

func exists(kind, name string) error {
	return errorf(ErrEntityAlreadyExists, "%s with name %s already exists.", kind, name)
}

// ErrorMessage returns the client-safe AWS message carried by err (an
// *Error or a *PolicyError, possibly wrapped), or "" when it has none.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var pe *PolicyError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return ""
}
