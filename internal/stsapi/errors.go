package stsapi

import (
	"errors"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// errorRows is STS's error table: domain errors to their STS code and
// HTTP status, walked with errors.Is. Errors not listed answer
// InternalFailure. Rows come with AssumeRole and GetSessionToken
// (MalformedPolicyDocument 400, PackedPolicyTooLarge 400,
// RegionDisabledException 403, ExpiredTokenException 400).
var errorRows = []struct {
	err error
	e   queryapi.Error
}{}

// errorFor implements queryapi.Options.Errors for STS.
func errorFor(err error) (*queryapi.Error, bool) {
	for _, row := range errorRows {
		if errors.Is(err, row.err) {
			e := row.e
			return &e, true
		}
	}
	return nil, false
}
