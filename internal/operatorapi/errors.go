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

// errorFor implements queryapi.Options.Errors.
var errorFor = queryapi.ErrorTable(errorRows)
