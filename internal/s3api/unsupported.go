package s3api

import (
	"net/http"
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
// honour. (ACL headers are read by writeACL.)
func checkWriteHeaders(h http.Header) error {
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
