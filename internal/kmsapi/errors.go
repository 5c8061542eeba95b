package kmsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// wireError is an answer in the JSON protocol's error shape:
// {"__type": Code, "message": Message}.
type wireError struct {
	Code    string
	Status  int
	Message string
}

func (e *wireError) Error() string { return "kmsapi: " + e.Code + ": " + e.Message }

// errorBody is the JSON protocol's error document: clients take the code
// from __type and the text from message.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

var errMissingToken = &wireError{Code: "MissingAuthenticationTokenException", Status: http.StatusBadRequest,
	Message: "Missing Authentication Token"}

func unknownOperation(name string) *wireError {
	if unsupported[name] {
		return &wireError{Code: "UnsupportedOperationException", Status: http.StatusBadRequest,
			Message: "coffer does not implement " + name}
	}
	return &wireError{Code: "UnknownOperationException", Status: http.StatusBadRequest}
}

// errorTable is the one place a key service error becomes a KMS code
// ("Common Errors" and each operation's Errors section of the AWS KMS
// API Reference: client errors are HTTP 400, AccessDeniedException
// included; KMSInternalException is 500). Rows are walked in order with
// errors.Is.
var errorTable = []struct {
	err  error
	code string
}{
	{kms.ErrNotFound, "NotFoundException"},
	{kms.ErrDisabled, "DisabledException"},
	{kms.ErrInvalidState, "KMSInvalidStateException"},
	{kms.ErrInvalidCiphertext, "InvalidCiphertextException"},
	{kms.ErrIncorrectKey, "IncorrectKeyException"},
	{kms.ErrAccessDenied, "AccessDeniedException"},
	{kms.ErrValidation, "ValidationException"},
	{kms.ErrAlreadyExists, "AlreadyExistsException"},
	{kms.ErrInvalidAliasName, "InvalidAliasNameException"},
	{kms.ErrMalformedPolicy, "MalformedPolicyDocumentException"},
	{kms.ErrUnsupported, "UnsupportedOperationException"},
	{kms.ErrLimitExceeded, "LimitExceededException"},
	{kms.ErrInvalidKeyUsage, "InvalidKeyUsageException"},
	{kms.ErrInvalidGrantToken, "InvalidGrantTokenException"},
	{kms.ErrInvalidGrantID, "InvalidGrantIdException"},
	{kms.ErrInvalidMarker, "InvalidMarkerException"},
	{kms.ErrInvalidArn, "InvalidArnException"},
	{kms.ErrTag, "TagException"},
	{kms.ErrInvalidMac, "KMSInvalidMacException"},
}

// defaultMessages are the texts of errors that carry none of their own.
var defaultMessages = map[string]string{
	"InvalidCiphertextException": "",
	"AccessDeniedException":      "Access denied",
	"NotFoundException":          "Key not found",
}

// authErrors maps sigv4's failures to the JSON services' answers.
var authErrors = []struct {
	err error
	e   wireError
}{
	{sigv4.ErrUnknownAccessKey, wireError{"UnrecognizedClientException", http.StatusBadRequest, "The security token included in the request is invalid."}},
	{sigv4.ErrInvalidToken, wireError{"UnrecognizedClientException", http.StatusBadRequest, "The security token included in the request is invalid."}},
	{sigv4.ErrSignatureMismatch, wireError{"InvalidSignatureException", http.StatusBadRequest, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}},
	{sigv4.ErrContentSHA256Mismatch, wireError{"InvalidSignatureException", http.StatusBadRequest, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}},
	{sigv4.ErrHeadersNotSigned, wireError{"InvalidSignatureException", http.StatusBadRequest, "There were headers present in the request which were not signed."}},
	{sigv4.ErrRequestTimeTooSkewed, wireError{"InvalidSignatureException", http.StatusBadRequest, "Signature expired: the request time is more than 5 minutes away from the server's time."}},
	{sigv4.ErrExpired, wireError{"InvalidSignatureException", http.StatusBadRequest, "Signature expired."}},
}

// ErrorCode names err as the KMS wire does: the code and the message a
// client would read. The key service's audit log uses it, so the log and
// the client agree.
func ErrorCode(err error) (code, message string) {
	e := answer(err)
	return e.Code, e.Message
}

// answer chooses the wire answer for err; anything unknown is
// KMSInternalException with nothing internal in it.
func answer(err error) *wireError {
	if e, ok := errors.AsType[*wireError](err); ok {
		return e
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			msg := kms.Message(err)
			if msg == "" {
				msg = defaultMessages[row.code]
			}
			return &wireError{Code: row.code, Status: http.StatusBadRequest, Message: msg}
		}
	}
	if _, ok := errors.AsType[*sigv4.ScopeError](err); ok {
		return &wireError{"InvalidSignatureException", http.StatusBadRequest, "Credential should be scoped to a valid region or service."}
	}
	for _, row := range authErrors {
		if errors.Is(err, row.err) {
			e := row.e
			return &e
		}
	}
	if errors.Is(err, sigv4.ErrMalformedAuthorization) || errors.Is(err, sigv4.ErrMissingDate) ||
		errors.Is(err, sigv4.ErrUnsupportedAlgorithm) || errors.Is(err, sigv4.ErrSignatureVersionMismatch) ||
		errors.Is(err, sigv4.ErrMalformedPresigned) || errors.Is(err, sigv4.ErrInvalidContentSHA256) {
		return &wireError{"IncompleteSignatureException", http.StatusBadRequest, "The request signature does not conform to AWS standards."}
	}
	return errInternal
}

var errInternal = &wireError{Code: "KMSInternalException", Status: http.StatusInternalServerError,
	Message: "We encountered an internal error. Please try again."}

// fail writes err's answer; an internal error is logged with the request
// id and the client learns nothing of it.
func (h *Handler) fail(ctx context.Context, w http.ResponseWriter, err error) {
	e := answer(err)
	if e == errInternal {
		h.log.ErrorContext(ctx, "kms internal failure", "err", err)
	}
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(errorBody{Type: e.Code, Message: e.Message})
	writeJSON(w, e.Status, bytes.TrimSpace(b.Bytes()))
}
