// Package object owns S3 semantics over the meta and blob stores: buckets,
// objects, versions, delete markers, multipart uploads, listings, tagging,
// checksums and conditional writes.
//
// It speaks typed Go requests and returns Go errors (errors.go); it never
// imports net/http or encoding/xml and never decides access: callers
// authorize first and pass what they learned in the request.
//
// Every write follows the same order, which is what makes a crash at any
// instant safe: the body is streamed into a new blob while its MD5 and
// checksums are computed, the length and digests are verified, the blob is
// committed (durable), and only then one meta transaction checks the
// bucket and the preconditions and makes the new version current,
// recording which blobs it owns (keys.go). Blobs the transaction stopped
// referencing are deleted after it commits. A crash between the steps
// leaves at most blobs without a reference, which CollectGarbage removes;
// readers see a version only once its transaction committed. Small objects
// skip the blob and live in meta, in the same transaction.
package object
