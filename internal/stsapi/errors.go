package stsapi

import (
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is STS's error table: domain errors to their STS code and
// HTTP status, walked with errors.Is. The message is the domain error's
// client-safe text (iam.ErrorMessage) when it has one. Errors not listed
// answer InternalFailure.
var errorRows = []struct {
	err error
	e   queryapi.Error
}{
	// Expired temporary credentials, as the query APIs answer them.
	{iam.ErrExpiredToken, queryapi.Error{Status: http.StatusForbidden, Code: "ExpiredToken",
		Message: "The security token included in the request is expired"}},
	{iam.ErrMalformedPolicyDocument, queryapi.Error{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument"}},
	{iam.ErrPackedPolicyTooLarge, queryapi.Error{Status: http.StatusBadRequest, Code: "PackedPolicyTooLarge"}},
	{iam.ErrMFAFailed, queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied"}},
	{iam.ErrSessionRefused, queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied"}},
	{iam.ErrValidation, queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	// More than 10 PolicyArns; STS has no LimitExceeded code.
	{iam.ErrLimitExceeded, queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	// A PolicyArns entry that names no policy.
	{iam.ErrNoSuchEntity, queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue"}},
	{iam.ErrInvalidInput, queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue"}},
}

// errorFor implements queryapi.Options.Errors for STS.
func errorFor(err error) (*queryapi.Error, bool) {
	for _, row := range errorRows {
		if errors.Is(err, row.err) {
			e := row.e
			if msg := iam.ErrorMessage(err); msg != "" {
				e.Message = msg
			}
			return &e, true
		}
	}
	return nil, false
}
