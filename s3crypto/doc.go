// Package s3crypto reads and writes client-side encrypted objects in the
// message format of the AWS S3 Encryption Client, version 2, so that the
// server, coffer or Amazon S3, never sees the plaintext. It wraps an
// aws-sdk-go-v2 S3 client and a KMS client (coffer's KMS API or AWS KMS);
// objects it writes are readable by AWS's encryption clients and the other
// way round.
//
// The format, for each object:
//
//   - a fresh 256-bit content key from KMS GenerateDataKey (KeySpec AES_256)
//     under the caller's KMS key, with an encryption context that holds
//     "aws:x-amz-cek-alg": "AES/GCM/NoPadding" and any context the caller
//     adds;
//   - the object body is AES-256-GCM of the plaintext under that key with a
//     random 96-bit IV and no additional data, the 128-bit tag appended;
//   - the instruction (envelope) travels as user metadata, x-amz-meta-*:
//     x-amz-key-v2 (base64 of the KMS ciphertext blob), x-amz-iv (base64),
//     x-amz-cek-alg "AES/GCM/NoPadding", x-amz-tag-len "128",
//     x-amz-wrap-alg "kms+context", x-amz-matdesc (the encryption context
//     as a JSON object) and x-amz-unencrypted-content-length.
//
// GetObject also reads an envelope kept in an instruction file (the object
// KEY.instruction, a JSON object with the same names) when the object
// itself carries none; PutObject always writes the envelope as metadata.
//
// GetObject authenticates the whole object before returning any plaintext,
// so it holds the object in memory: objects larger than Options.MaxSize
// (64 MiB unless set, as the AWS Java client's default buffer) are refused
// with ErrTooLarge, on both put and get. Ranged reads and reads by part
// number are refused (ErrUnsupportedRequest): GCM cannot authenticate a
// part of the object. Only the v2 format with kms+context wrapping is
// read; the legacy formats (x-amz-key, AES/CBC, the "kms" wrap without
// context) and the key-committing format of later clients are refused with
// ErrUnsupported, naming what was found.
//
// Key material stays in this package: data keys are used for one object and
// cleared afterwards, and no error or log line carries them.
package s3crypto
