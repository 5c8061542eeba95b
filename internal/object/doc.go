// Package object owns S3 semantics over the meta and blob stores: buckets,
// objects, versions, delete markers, multipart uploads, listings, tagging,
// checksums and conditional writes.
//
// It speaks typed Go requests and returns Go errors (errors.go); it never
// imports net/http or encoding/xml and never decides access: callers
// authorize first and pass what they learned in the request.
package object
