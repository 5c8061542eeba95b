package s3api

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/object"
)

// unsupportedHeaders ask for features coffer does not have yet. Ignoring
// them would be worse than refusing: a client asking for customer-provided
// KMS encryption must not believe it got it.
// X-Amz-Server-Side-Encryption is checked by parseSSE, the SSE-KMS headers
// by parseKMS, the SSE-C headers by parseCustomerKey.
var unsupportedHeaders = []string{
	"X-Amz-Website-Redirect-Location",
}

// checkWriteHeaders refuses the headers of a write that coffer cannot
// honour. (ACL headers are read by writeACL.)
func checkWriteHeaders(h http.Header) error {
	asked, err := parseSSE(h)
	if err != nil {
		return err
	}
	kms, err := parseKMS(h)
	if err != nil {
		return err
	}
	if (asked || kms != nil) && hasCustomerKey(h, objectPrefix) {
		return withMessage(errInvalidArgument, "Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
	}
	for _, name := range unsupportedHeaders {
		if h.Get(name) != "" {
			return withMessage(errHeaderNotImplemented, "A header you provided implies functionality that is not implemented: "+name)
		}
	}
	return nil
}

// sseHeader is the request and response header of server-side encryption.
const sseHeader = "X-Amz-Server-Side-Encryption"

// parseSSE reads x-amz-server-side-encryption: AES256 (SSE-S3) asks for
// encryption at rest, which coffer gives every object by default; aws:kms
// is parseKMS's (and answered 501 by the object service when no key
// service is configured); dual-layer aws:kms:dsse is not implemented; any
// other value is InvalidArgument, as S3 answers it.
func parseSSE(h http.Header) (asked bool, err error) {
	switch v := h.Get(sseHeader); v {
	case "":
		return false, nil
	case object.SSES3:
		return true, nil
	case object.SSEKMS:
		return false, nil
	case "aws:kms:dsse":
		return false, withMessage(errHeaderNotImplemented, "A header you provided implies functionality that is not implemented: "+sseHeader)
	default:
		return false, withMessage(errInvalidArgument, "The encryption method specified is not supported")
	}
}

// setSSEHeader sends x-amz-server-side-encryption for a version or part
// encrypted at rest under coffer's keys, as S3 does on every write and
// read of one; for one encrypted under a customer key it echoes the
// key's algorithm and MD5 instead (ck, the request's key, may be nil when
// the request did not give it).
func setSSEHeader(hdr http.Header, sse string, ck *customerKey) {
	switch {
	case sse == object.SSECustomer && ck != nil:
		hdr.Set(hdrSSECAlgorithm, object.SSES3)
		hdr.Set(hdrSSECKeyMD5, ck.md5)
	case sse == object.SSES3, sse == object.SSEKMS:
		hdr.Set(sseHeader, sse)
	}
}

// checkReadHeaders refuses, on GET and HEAD of an object, the headers
// that ask for an encryption: S3 answers 400 InvalidArgument, since how
// an object is decrypted follows from how it was stored (only SSE-C
// keys are given on reads).
func checkReadHeaders(h http.Header) error {
	for _, name := range []string{sseHeader, "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"} {
		if _, ok := h[name]; ok {
			return withMessage(errInvalidArgument, "x-amz-server-side-encryption header is not supported for this operation.")
		}
	}
	return nil
}

// checkCreateBucketHeaders refuses CreateBucket options coffer cannot
// honour yet.
func checkCreateBucketHeaders(h http.Header) error {
	return checkWriteHeaders(h)
}
