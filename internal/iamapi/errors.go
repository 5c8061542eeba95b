package iamapi

import (
	"errors"

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
}{}

// errorFor implements queryapi.Options.Errors for IAM.
func errorFor(err error) (*queryapi.Error, bool) {
	for _, row := range errorRows {
		if errors.Is(err, row.err) {
			e := row.e
			return &e, true
		}
	}
	return nil, false
}
