package operatorapi

import (
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is the operator API's error table: the identity store's
// errors its actions can return, with their code and HTTP status, walked
// with errors.Is. The message is the store's client-safe text
// (iam.ErrorMessage). Errors not listed answer InternalFailure.
var errorRows = []struct {
	err    error
	code   string
	status int
}{
	{iam.ErrValidation, "ValidationError", http.StatusBadRequest},
	{iam.ErrLimitExceeded, "LimitExceeded", http.StatusConflict},
	{iam.ErrEntityAlreadyExists, "EntityAlreadyExists", http.StatusConflict},
}

// errorFor implements queryapi.Options.Errors.
func errorFor(err error) (*queryapi.Error, bool) {
	for _, row := range errorRows {
		if errors.Is(err, row.err) {
			return &queryapi.Error{Status: row.status, Code: row.code, Message: iam.ErrorMessage(err)}, true
		}
	}
	return nil, false
}
