package iamapi

import (
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is IAM's error table: domain errors of package iam to their
// IAM code and HTTP status, walked with errors.Is. Errors not listed
// answer InternalFailure. Rows are added with the identity store's errors
// (NoSuchEntity 404, EntityAlreadyExists 409, LimitExceeded 409,
// DeleteConflict 409, MalformedPolicyDocument 400, InvalidInput 400).
var errorRows = []struct {
	err error
	e   queryapi.Error
}{
	// Rows of the user, access key, group, MFA and account actions.
	{iam.ErrNoSuchEntity, queryapi.Error{Status: http.StatusNotFound, Code: "NoSuchEntity"}},
	{iam.ErrEntityAlreadyExists, queryapi.Error{Status: http.StatusConflict, Code: "EntityAlreadyExists"}},
	{iam.ErrLimitExceeded, queryapi.Error{Status: http.StatusConflict, Code: "LimitExceeded"}},
	{iam.ErrDeleteConflict, queryapi.Error{Status: http.StatusConflict, Code: "DeleteConflict"}},
	{iam.ErrInvalidInput, queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput"}},
	{iam.ErrValidation, queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	{iam.ErrInvalidAuthenticationCode, queryapi.Error{Status: http.StatusForbidden, Code: "InvalidAuthenticationCode"}},
	{iam.ErrMalformedPolicyDocument, queryapi.Error{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument"}},
	{iam.ErrUnmodifiableEntity, queryapi.Error{Status: http.StatusBadRequest, Code: "UnmodifiableEntity"}},
}

// errorFor implements queryapi.Options.Errors for IAM.
func errorFor(err error) (*queryapi.Error, bool) {
	for _, row := range errorRows {
		if errors.Is(err, row.err) {
			e := row.e
			e.Message = iam.ErrorMessage(err)
			return &e, true
		}
	}
	return nil, false
}
