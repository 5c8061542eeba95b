package queryapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Error is an error answer of a query-protocol service: the HTTP status and
// the Code and Message of the ErrorResponse envelope. Receiver marks a
// server-side fault (Type Receiver instead of Sender).
type Error struct {
	Status   int
	Code     string
	Message  string
	Receiver bool
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Validation returns the ValidationError IAM and STS answer for one value
// outside its constraints, with their exact text: "1 validation error
// detected: Value 'x' at 'userName' failed to satisfy constraint: Member
// must have length less than or equal to 64".
func Validation(value, field, constraint string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "ValidationError",
		Message: fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)}
}

// MissingParameter answers a request without a required parameter.
func MissingParameter(name string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "MissingParameter",
		Message: fmt.Sprintf("The request must contain the parameter %s", name)}
}

// InvalidParameterValue answers a parameter that cannot be decoded.
func InvalidParameterValue(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue", Message: msg}
}

// NotImplemented answers an action that AWS defines and coffer does not
// serve yet.
func NotImplemented(action string) *Error {
	return &Error{Status: http.StatusNotImplemented, Code: "NotImplemented",
		Message: action + " is not implemented yet"}
}

// Errors common to every query-protocol service (AWS "Common Errors").
var (
	errMissingAction = &Error{Status: http.StatusBadRequest, Code: "MissingAction",
		Message: "The request must contain the parameter Action"}
	errMissingToken = &Error{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
		Message: "Request is missing Authentication Token"}
	errInternal = &Error{Status: http.StatusInternalServerError, Code: "InternalFailure", Receiver: true,
		Message: "The request processing has failed because of an unknown error, exception or failure."}
)

// invalidAction answers an unknown action or version with AWS's text.
func invalidAction(action, version string) *Error {
	if version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	return &Error{Status: http.StatusBadRequest, Code: "InvalidAction",
		Message: fmt.Sprintf("Could not find operation %s for version %s", action, version)}
}

// accessDenied answers a denied call the way IAM and STS do: naming the
// resource when the action has one ("on resource: arn:aws:iam::…:role/x")
// and saying whether a policy denied it explicitly.
func accessDenied(p sigv4.Principal, action, resource string, d policy.Decision) *Error {
	on := ""
	if resource != "" {
		on = " on resource: " + resource
	}
	reason := fmt.Sprintf("because no identity-based policy allows the %s action", action)
	if d.Outcome == policy.ExplicitDeny {
		reason = d.Reason()
	}
	return &Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: fmt.Sprintf("User: %s is not authorized to perform: %s%s %s", p.ARN, action, on, reason)}
}

// authErrors maps sigv4's sentinels to the query services' answers. Order
// matters only where one error wraps another.
var authErrors = []struct {
	err error
	e   Error
}{
	{sigv4.ErrUnknownAccessKey, Error{Status: http.StatusForbidden, Code: "InvalidClientTokenId",
		Message: "The security token included in the request is invalid."}},
	{sigv4.ErrInvalidToken, Error{Status: http.StatusForbidden, Code: "InvalidClientTokenId",
		Message: "The security token included in the request is invalid."}},
	{sigv4.ErrMissingSecurityHeader, Error{Status: http.StatusForbidden, Code: "InvalidClientTokenId",
		Message: "The security token included in the request is invalid."}},
	{sigv4.ErrSignatureMismatch, Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}},
	{sigv4.ErrContentSHA256Mismatch, Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}},
	{sigv4.ErrRequestTimeTooSkewed, Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "Signature expired: the request time is more than 15 minutes away from the server's time."}},
	{sigv4.ErrExpired, Error{Status: http.StatusBadRequest, Code: "RequestExpired",
		Message: "Request has expired."}},
	{sigv4.ErrHeadersNotSigned, Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "There were headers present in the request which were not signed."}},
}

// incompleteSignature is for every malformed-signature error; its message
// is the sigv4 detail, which never holds secrets.
var incompleteSignature = []error{
	sigv4.ErrMalformedAuthorization, sigv4.ErrMalformedPresigned, sigv4.ErrMissingDate,
	sigv4.ErrUnsupportedAlgorithm, sigv4.ErrInvalidContentSHA256, sigv4.ErrMissingContentSHA256,
	sigv4.ErrSignatureVersionMismatch,
}

// authError returns the answer for an authentication failure, or nil if
// err is not one.
func authError(err error) *Error {
	if se, ok := errors.AsType[*sigv4.ScopeError](err); ok {
		msg := fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", se.Region)
		if se.Service != se.WantService {
			msg = fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", se.WantService)
		}
		return &Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
	}
	for _, row := range authErrors {
		if errors.Is(err, row.err) {
			e := row.e
			return &e
		}
	}
	for _, s := range incompleteSignature {
		if errors.Is(err, s) {
			msg := strings.TrimPrefix(err.Error(), "sigv4: ")
			return &Error{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: msg}
		}
	}
	return nil
}

// ErrorRow is one row of a query wire's error table: a domain error and
// the answer it gets. A Message in Answer is the default text, used when
// the domain error carries no client-safe message of its own.
type ErrorRow struct {
	Err    error
	Answer Error
}

// ErrorTable returns an Options.Errors that walks rows in order with
// errors.Is, so a wire's table is its one place where a domain error
// becomes a code. The answer's message is the identity store's
// client-safe text for the error (iam.ErrorMessage) when it has one, else
// the row's.
func ErrorTable(rows []ErrorRow) func(error) (*Error, bool) {
	return func(err error) (*Error, bool) {
		for _, row := range rows {
			if errors.Is(err, row.Err) {
				e := row.Answer
				if msg := iam.ErrorMessage(err); msg != "" {
					e.Message = msg
				}
				return &e, true
			}
		}
		return nil, false
	}
}
