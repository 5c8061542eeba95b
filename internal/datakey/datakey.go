// Package datakey is the contract between the object service and a key
// service for SSE-KMS: what is asked (a data key under a KMS key, the
// decryption of one), what comes back, and the errors. The key service
// (internal/kms) satisfies it and decides access itself, through the one
// authorization call, for the caller the request names. It lives apart
// from kms so that the object service depends on the contract only, not
// on the identity store and wire code the key service needs.
package datakey

import (
	"errors"

	"github.com/coffer-s3/coffer/internal/principal"
)

// Errors of the key service. The KMS wire and the S3 wire each map them to
// their own codes in one table.
var (
	// ErrNotFound: no key (or alias) by that id, ARN or name in the
	// caller's account (NotFoundException).
	ErrNotFound = errors.New("kms: key not found")
	// ErrDisabled: the key is disabled (DisabledException).
	ErrDisabled = errors.New("kms: key is disabled")
	// ErrInvalidState: the key's state does not allow the operation, for
	// example pending deletion (KMSInvalidStateException).
	ErrInvalidState = errors.New("kms: key state does not allow the operation")
	// ErrInvalidCiphertext: the ciphertext is malformed, was changed, or
	// the encryption context differs from the one it was made with
	// (InvalidCiphertextException).
	ErrInvalidCiphertext = errors.New("kms: invalid ciphertext")
	// ErrIncorrectKey: the ciphertext was not made under the key the
	// caller named (IncorrectKeyException).
	ErrIncorrectKey = errors.New("kms: ciphertext is under another key")
	// ErrAccessDenied: the key policy, grants and IAM policies do not allow
	// the caller the operation (AccessDeniedException). The denial's reason
	// is logged, never returned.
	ErrAccessDenied = errors.New("kms: access denied")
)

// Caller is who asks for a key operation, as the wire authenticated them.
type Caller struct {
	// Principal is sigv4.Principal (an alias of principal.Principal).
	Principal principal.Principal
	// ViaService is the service that calls on the principal's behalf, as
	// kms:ViaService sees it ("s3.REGION.amazonaws.com"), or "" when the
	// principal called KMS directly.
	ViaService string
	// Conditions are the request's own condition keys (aws:SourceIp,
	// aws:SecureTransport, ...), keyed by condition key.
	Conditions map[string][]string
}

// DataKeyRequest asks for a fresh 256-bit data key under a KMS key.
type DataKeyRequest struct {
	Caller Caller
	// KeyID names the KMS key: key id, key ARN, alias name ("alias/x") or
	// alias ARN. The S3 side passes "alias/aws/s3" for the account's
	// AWS-managed key, which the service creates on first use.
	KeyID string
	// EncryptionContext is bound to the ciphertext; Decrypt must be given
	// the same map.
	EncryptionContext map[string]string
	// NumberOfBytes is the data key's length, 1 to 1024; 0 means 32.
	NumberOfBytes int
}

// DataKey is a data key in plaintext and encrypted under a KMS key.
type DataKey struct {
	// Plaintext is the 32-byte key. The caller owns it and must clear it
	// when done.
	Plaintext []byte
	// CiphertextBlob is the key encrypted under the KMS key; it names the
	// key and its material version, so Decrypt needs no key id.
	CiphertextBlob []byte
	// KeyARN is the KMS key's ARN (never an alias).
	KeyARN string
}

// DecryptRequest asks for the plaintext of a CiphertextBlob.
type DecryptRequest struct {
	Caller            Caller
	CiphertextBlob    []byte
	EncryptionContext map[string]string
	// KeyID, if set, must name the key the ciphertext is under
	// (ErrIncorrectKey otherwise).
	KeyID string
}

// Decrypted is a Decrypt's result.
type Decrypted struct {
	// Plaintext belongs to the caller, who must clear it when done.
	Plaintext []byte
	// KeyARN is the ARN of the key that decrypted it.
	KeyARN string
}
