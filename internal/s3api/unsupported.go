package s3api

import (
	"net/http"
	"strings"
)

// unsupportedHeaders ask for features coffer does not have yet. Ignoring
// them would be worse than refusing: a client asking for object lock,
// customer-provided keys or KMS encryption must not believe it got them.
var unsupportedHeaders = []string{
	"X-Amz-Server-Side-Encryption",
	"X-Amz-Server-Side-Encryption-Customer-Algorithm",
	"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm",
	"X-Amz-Website-Redirect-Location",
}

// checkWriteHeaders refuses the headers of a write that coffer cannot
// honour. Canned ACLs other than the owner-only ones and grant headers
// fail as they do on an S3 bucket whose object ownership is "bucket owner
// enforced" (the S3 default since 2023): coffer has no ACLs.
func checkWriteHeaders(h http.Header) error {
	switch acl := h.Get("X-Amz-Acl"); acl {
	case "", "private", "bucket-owner-full-control":
	default:
		return errACLNotSupported
	}
	for name := range h {
		if strings.HasPrefix(name, "X-Amz-Grant-") {
			return errACLNotSupported
		}
	}
	for _, name := range unsupportedHeaders {
		if h.Get(name) != "" {
			return withMessage(errHeaderNotImplemented, "A header you provided implies functionality that is not implemented: "+name)
		}
	}
	return nil
}

// checkCreateBucketHeaders refuses CreateBucket options coffer cannot
// honour yet.
func checkCreateBucketHeaders(h http.Header) error {
	return checkWriteHeaders(h)
}
