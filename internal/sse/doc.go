// Package sse owns the at-rest encryption of object bytes: the streaming
// authenticated format the bytes are stored in, the per-object data keys,
// and the wrapping of those keys under a versioned master key. It holds
// key material only in typed values that never print, and it does no
// storage I/O of its own beyond the master key file; it must not import
// anything else of coffer's.
//
// # Stream format
//
// Object bytes are stored as a DARE 2.0 stream (github.com/minio/sio,
// Apache-2.0), AES-256-GCM only. The plaintext is cut into packages of
// 64 KiB (the last one may be shorter, never empty); each package is
//
//	header (16 bytes): version 0x20 | cipher 0x00 | payload length-1 (uint16 LE) | nonce (12 bytes)
//	ciphertext (payload length) | GCM tag (16 bytes)
//
// so a stream of n plaintext bytes is n + 32·⌈n/64 KiB⌉ bytes long, and an
// empty plaintext is an empty stream. The nonce is 96 random bits drawn once
// per stream; package i is sealed under that nonce with its last 32 bits
// XORed with i and its top bit set only on the final package, and with the
// header's first four bytes as additional data. Every object (and every
// multipart part) gets a fresh random DataKey, so no (key, nonce) pair ever
// repeats. What that gives, checked by the tests:
//
//   - a changed byte anywhere fails the GCM tag of its package;
//   - moved or swapped packages fail, because the sequence number is in the
//     nonce;
//   - truncation at a package boundary fails, because the last package
//     read is not marked final (and reads check the stream's length
//     against the plaintext size the caller recorded); bytes after the
//     final package fail;
//   - another object's stream, under another key, fails its first tag.
//
// Packages are sealed independently, so a range read maps its plaintext
// range to the packages that hold it (MapRange) and decrypts only those,
// starting the sequence number at the first one.
//
// Why DARE (sio) rather than Tink's streaming AEAD: sio is a small
// dependency (golang.org/x/crypto and x/sys, which coffer already has)
// with the io.Reader/io.Writer API the object path uses, its decryption
// can start at any package (Config.SequenceNumber), which a range read
// needs, and its size arithmetic is exact and public. Tink's Go streaming
// AEAD decrypts only from the start of a stream (no seekable reader in
// Go), and comes with keysets and protocol buffers coffer does not use.
// DARE 2.0 has carried MinIO's SSE-S3 and SSE-C data for years and has a
// published specification. Only the Go standard library's AES-GCM is used
// for both the stream and the key wrap: no cipher is implemented here.
//
// # Keys
//
// A DataKey is 32 random bytes from crypto/rand. It is stored only wrapped
// (WrappedKey) by a key-encryption key derived with HKDF-SHA256 from one
// version of the master key in a Keyring, under AES-256-GCM with caller
// context (bucket, key, version id) as additional data, so a wrapped key
// copied to another object's record does not unwrap. See WrappedKey for
// the wrap's byte layout. Rotation adds a master key version (Rotate);
// Rewrap moves a wrapped key to it without touching the object's bytes;
// Remove retires a version once nothing is wrapped under it.
//
// The master key lives outside the data it protects when the operator
// wants it to: a file (LoadKeyringFile, which refuses a file its group or
// others may access) or an environment variable's value (ParseKeyring),
// both as hex text, one VERSION:HEX entry per version.
// GenerateKeyringFile creates a first one and never overwrites.
package sse
