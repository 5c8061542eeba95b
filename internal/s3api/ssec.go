package s3api

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/coffer-s3/coffer/internal/object"
)

// The SSE-C request and response headers: objectPrefix or
// copySourcePrefix, then one of the sseC* names.
const (
	objectPrefix     = "X-Amz-"
	copySourcePrefix = "X-Amz-Copy-Source-"
	sseCAlgorithm    = "Server-Side-Encryption-Customer-Algorithm"
	sseCKey          = "Server-Side-Encryption-Customer-Key"
	sseCKeyMD5       = "Server-Side-Encryption-Customer-Key-Md5"

	hdrSSECAlgorithm = objectPrefix + sseCAlgorithm
	hdrSSECKeyMD5    = objectPrefix + sseCKeyMD5
)

// customerKey is a validated set of SSE-C headers: the key and its MD5
// as the client sent it (base64), which responses echo.
type customerKey struct {
	key *object.CustomerKey
	md5 string
}

// objectKey returns the key for the object service; nil for none.
func (c *customerKey) objectKey() *object.CustomerKey {
	if c == nil {
		return nil
	}
	return c.key
}

// hasCustomerKey reports whether any SSE-C header (with prefix) is set.
func hasCustomerKey(h http.Header, prefix string) bool {
	return h.Get(prefix+sseCAlgorithm) != "" || h.Get(prefix+sseCKey) != "" || h.Get(prefix+sseCKeyMD5) != ""
}

// The messages S3 answers malformed SSE-C headers with.
const (
	msgSSECInsecure  = "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."
	msgSSECNoAlg     = "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm."
	msgSSECNoKey     = "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."
	msgSSECBadKey    = "The secret key was invalid for the specified algorithm."
	msgSSECNoMD5     = "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key."
	msgSSECMD5Differ = "The calculated MD5 hash of the key did not match the hash that was provided."
)

// parseCustomerKey reads the SSE-C headers with prefix (objectPrefix for
// the object's, copySourcePrefix for a copy source's): nil when none is set;
// else the algorithm must be AES256, the key 32 bytes in base64 and the
// MD5 that of the key, each refused as S3 refuses it. secure says the
// request arrived over TLS (or the operator allowed plain HTTP): S3
// refuses customer keys sent in the clear.
func parseCustomerKey(h http.Header, prefix string, secure bool) (*customerKey, error) {
	if !hasCustomerKey(h, prefix) {
		return nil, nil
	}
	if !secure {
		return nil, withMessage(errInvalidRequest, msgSSECInsecure)
	}
	switch alg := h.Get(prefix + sseCAlgorithm); alg {
	case object.SSES3:
	case "":
		return nil, withMessage(errInvalidArgument, msgSSECNoAlg)
	default:
		return nil, errInvalidEncryptionAlg
	}
	b64 := h.Get(prefix + sseCKey)
	if b64 == "" {
		return nil, withMessage(errInvalidArgument, msgSSECNoKey)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		return nil, withMessage(errInvalidArgument, msgSSECBadKey)
	}
	defer clear(raw)
	key, err := object.NewCustomerKey(raw)
	if err != nil {
		return nil, withMessage(errInvalidArgument, msgSSECBadKey)
	}
	sent := h.Get(prefix + sseCKeyMD5)
	if sent == "" {
		return nil, withMessage(errInvalidArgument, msgSSECNoMD5)
	}
	sum := key.MD5()
	want := base64.StdEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return nil, withMessage(errInvalidArgument, msgSSECMD5Differ)
	}
	return &customerKey{key: key, md5: want}, nil
}

// customerKey parses the request's SSE-C headers with prefix.
func (h *Handler) customerKey(req *request, prefix string) (*customerKey, error) {
	return parseCustomerKey(req.r.Header, prefix, req.r.TLS != nil || h.allowInsecureSSEC)
}
