package stsapi

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is STS's error table: domain errors to their STS code and
// HTTP status, walked with errors.Is. The message is the domain error's
// client-safe text (iam.ErrorMessage) when it has one. Errors not listed
// answer InternalFailure.
var errorRows = []queryapi.ErrorRow{
	// Expired temporary credentials, as the query APIs answer them.
	{Err: iam.ErrExpiredToken, Answer: queryapi.Error{Status: http.StatusForbidden, Code: "ExpiredToken",
		Message: "The security token included in the request is expired"}},
	{Err: iam.ErrMalformedPolicyDocument, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument"}},
	{Err: iam.ErrPackedPolicyTooLarge, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "PackedPolicyTooLarge"}},
	{Err: iam.ErrMFAFailed, Answer: queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied"}},
	{Err: iam.ErrSessionRefused, Answer: queryapi.Error{Status: http.StatusForbidden, Code: "AccessDenied"}},
	{Err: iam.ErrValidation, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	// More than 10 PolicyArns; STS has no LimitExceeded code.
	{Err: iam.ErrLimitExceeded, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	// A PolicyArns entry that names no policy.
	{Err: iam.ErrNoSuchEntity, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue"}},
	{Err: iam.ErrInvalidInput, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue"}},
}

// errorFor implements queryapi.Options.Errors.
var errorFor = queryapi.ErrorTable(errorRows)
