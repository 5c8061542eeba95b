// Package kms is coffer's key management service: customer keys and their
// rotating material, aliases, key policies and grants, and the
// cryptographic operations of the AWS KMS API. It is the only package that
// holds KMS key material; the material is stored in the metadata store
// wrapped under the at-rest master key.
//
// The requests, results and errors that the S3 side (SSE-KMS) relies on
// are defined in internal/datakey; this file names them here too.
package kms

import "github.com/coffer-s3/coffer/internal/datakey"

// Errors of the key service (see datakey). The KMS wire and the S3 wire
// each map them to their own codes in one table.
var (
	ErrNotFound          = datakey.ErrNotFound
	ErrDisabled          = datakey.ErrDisabled
	ErrInvalidState      = datakey.ErrInvalidState
	ErrInvalidCiphertext = datakey.ErrInvalidCiphertext
	ErrIncorrectKey      = datakey.ErrIncorrectKey
	ErrAccessDenied      = datakey.ErrAccessDenied
)

// The SSE-KMS contract's types (see datakey).
type (
	Caller         = datakey.Caller
	DataKeyRequest = datakey.DataKeyRequest
	DataKey        = datakey.DataKey
	DecryptRequest = datakey.DecryptRequest
	Decrypted      = datakey.Decrypted
)
