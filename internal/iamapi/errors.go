package iamapi

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is IAM's error table: domain errors of package iam to their
// IAM code and HTTP status, walked with errors.Is. Errors not listed
// answer InternalFailure. Rows are added with the identity store's errors
// (NoSuchEntity 404, EntityAlreadyExists 409, LimitExceeded 409,
// DeleteConflict 409, MalformedPolicyDocument 400, InvalidInput 400).
var errorRows = []queryapi.ErrorRow{
	// Rows of the user, access key, group, MFA and account actions.
	{Err: iam.ErrNoSuchEntity, Answer: queryapi.Error{Status: http.StatusNotFound, Code: "NoSuchEntity"}},
	{Err: iam.ErrEntityAlreadyExists, Answer: queryapi.Error{Status: http.StatusConflict, Code: "EntityAlreadyExists"}},
	{Err: iam.ErrLimitExceeded, Answer: queryapi.Error{Status: http.StatusConflict, Code: "LimitExceeded"}},
	{Err: iam.ErrDeleteConflict, Answer: queryapi.Error{Status: http.StatusConflict, Code: "DeleteConflict"}},
	{Err: iam.ErrInvalidInput, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput"}},
	{Err: iam.ErrValidation, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	{Err: iam.ErrInvalidAuthenticationCode, Answer: queryapi.Error{Status: http.StatusForbidden, Code: "InvalidAuthenticationCode"}},
	{Err: iam.ErrMalformedPolicyDocument, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument"}},
	{Err: iam.ErrUnmodifiableEntity, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "UnmodifiableEntity"}},
}

// errorFor implements queryapi.Options.Errors.
var errorFor = queryapi.ErrorTable(errorRows)
