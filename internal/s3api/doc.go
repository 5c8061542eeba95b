// Package s3api is the S3 wire: it routes path-style and virtual-hosted-style
// requests to an Operation, authenticates them through a Verifier, asks the
// Authorizer once per resource, parses headers and XML into the object
// service's typed requests and renders the results and errors as S3 does.
//
// It owns no S3 semantics: buckets, versions, conditions and checksums are
// the object service's business. It is also the only place where a domain
// error becomes an S3 error code (errors.go).
package s3api
