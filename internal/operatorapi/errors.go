package operatorapi

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is the operator API's error table: the identity store's
// errors its actions can return, with their code and HTTP status, walked
// with errors.Is. The message is the store's client-safe text
// (iam.ErrorMessage). Errors not listed answer InternalFailure.
var errorRows = []queryapi.ErrorRow{
	{Err: iam.ErrValidation, Answer: queryapi.Error{Status: http.StatusBadRequest, Code: "ValidationError"}},
	{Err: iam.ErrLimitExceeded, Answer: queryapi.Error{Status: http.StatusConflict, Code: "LimitExceeded"}},
	{Err: iam.ErrEntityAlreadyExists, Answer: queryapi.Error{Status: http.StatusConflict, Code: "EntityAlreadyExists"}},
}

// identityErrors maps errorRows.
var identityErrors = queryapi.ErrorTable(errorRows)

// errorFor implements queryapi.Options.Errors: the master key errors,
// then the identity store's.
func errorFor(err error) (*queryapi.Error, bool) {
	if e, ok := masterKeyErrors(err); ok {
		return e, ok
	}
	if e, ok := lifecycleErrors(err); ok {
		return e, ok
	}
	return identityErrors(err)
}
