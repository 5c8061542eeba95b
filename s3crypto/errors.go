package s3crypto

import "errors"

// Errors returned by the client. They wrap the detail (which field, which
// algorithm) but never key material. Errors from S3 and KMS themselves are
// passed through wrapped, so errors.As finds the SDK's error types.
var (
	// ErrNotEncrypted: the object carries no envelope of any known format
	// and has no instruction file.
	ErrNotEncrypted = errors.New("s3crypto: object is not client-side encrypted (no x-amz-key-v2 metadata and no instruction file)")
	// ErrUnsupported: the envelope names a format or algorithm this
	// package does not read (legacy v1, AES/CBC, the "kms" wrap without
	// context, a key-committing format, a tag length other than 128 bits).
	ErrUnsupported = errors.New("s3crypto: unsupported encryption format")
	// ErrInvalidEnvelope: the envelope is malformed or inconsistent.
	ErrInvalidEnvelope = errors.New("s3crypto: invalid encryption envelope")
	// ErrAuthentication: the ciphertext, IV or content key does not
	// authenticate; nothing of the object is returned.
	ErrAuthentication = errors.New("s3crypto: object failed authentication (altered, or not what its envelope describes)")
	// ErrTooLarge: the object exceeds Options.MaxSize.
	ErrTooLarge = errors.New("s3crypto: object larger than the client's size limit")
	// ErrUnsupportedRequest: the request asks for something client-side
	// encryption cannot honour (a range, a part number, a checksum or
	// Content-MD5 of the plaintext, an appending write, envelope names in
	// its own metadata).
	ErrUnsupportedRequest = errors.New("s3crypto: request not supported with client-side encryption")
)
