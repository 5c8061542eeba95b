package sse

import "errors"

var (
	// ErrNotAuthentic reports stored ciphertext or a wrapped key that
	// fails authentication: the bytes were changed, reordered, truncated
	// or extended, or they belong to another key or context. No plaintext
	// that failed authentication is ever returned.
	ErrNotAuthentic = errors.New("sse: not authentic")
	// ErrUnsupported reports a wrapped key in a format version or with an
	// algorithm this build does not know.
	ErrUnsupported = errors.New("sse: unsupported format")
	// ErrUnknownKeyVersion reports a wrapped key made with a master key
	// version the Keyring does not hold.
	ErrUnknownKeyVersion = errors.New("sse: unknown master key version")
	// ErrInvalidRange reports a plaintext range outside the object.
	ErrInvalidRange = errors.New("sse: invalid range")
	// ErrTooLarge reports a plaintext longer than MaxSize.
	ErrTooLarge = errors.New("sse: plaintext too large")
	// ErrKeyFile reports a master key file or value that cannot be used:
	// malformed, of the wrong size, or readable by others than its owner.
	ErrKeyFile = errors.New("sse: bad master key")
)
