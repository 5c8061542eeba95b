package s3api

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// The SSE-KMS request and response headers.
const (
	hdrKMSKeyID     = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	hdrKMSContext   = "X-Amz-Server-Side-Encryption-Context"
	hdrKMSBucketKey = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
)

// maxKMSContext bounds the encoded encryption context header; KMS
// itself limits a context to 8 KiB.
const maxKMSContext = 8 << 10

// S3's messages for SSE-KMS headers it refuses.
const (
	msgKMSNeedsHeader = "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
	msgKMSContext     = "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map"
	msgKMSBucketKey   = "The header 'x-amz-server-side-encryption-bucket-key-enabled' must be true or false"
	msgKMSSigV4       = "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4."
)

// parseKMS reads the SSE-KMS headers of a write (or a POST form's
// fields): nil unless x-amz-server-side-encryption is aws:kms. The key
// id and the encryption context need aws:kms; the bucket key flag is
// ignored without it, as it only matters to SSE-KMS.
func parseKMS(h http.Header) (*object.KMSEncryption, error) {
	if h.Get(sseHeader) != object.SSEKMS {
		if h.Get(hdrKMSKeyID) != "" || h.Get(hdrKMSContext) != "" {
			return nil, withMessage(errInvalidArgument, msgKMSNeedsHeader)
		}
		return nil, nil
	}
	k := &object.KMSEncryption{KeyID: strings.TrimSpace(h.Get(hdrKMSKeyID))}
	if v := h.Get(hdrKMSContext); v != "" {
		ctx, err := parseKMSContext(v)
		if err != nil {
			return nil, err
		}
		k.Context = ctx
	}
	if v := h.Get(hdrKMSBucketKey); v != "" {
		var b bool
		switch {
		case strings.EqualFold(v, "true"):
			b = true
		case strings.EqualFold(v, "false"):
		default:
			return nil, withMessage(errInvalidArgument, msgKMSBucketKey)
		}
		k.BucketKey = &b
	}
	return k, nil
}

// parseKMSContext decodes x-amz-server-side-encryption-context: base64
// of a JSON object whose values are strings, non-empty.
func parseKMSContext(v string) (map[string]string, error) {
	bad := withMessage(errInvalidArgument, msgKMSContext)
	if len(v) > maxKMSContext {
		return nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || !utf8.Valid(raw) {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return nil, bad
	}
	for k := range m {
		if k == "" {
			return nil, bad
		}
	}
	return m, nil
}

// kmsCaller is who the key service authorizes for the request's SSE-KMS
// data keys: its principal, calling through S3 in this region. It is nil
// for a request that may not use SSE-KMS: anonymous, or signed with
// Signature Version 2.
func (h *Handler) kmsCaller(req *request) *kms.Caller {
	if req.auth == nil || req.auth.Principal.Anonymous {
		return nil
	}
	switch req.auth.Method {
	case sigv4.HeaderV4, sigv4.PresignedV4:
	case sigv4.PostPolicy:
		if req.postSigV2() {
			return nil
		}
	default:
		return nil
	}
	host, _, err := net.SplitHostPort(req.r.RemoteAddr)
	if err != nil {
		host = req.r.RemoteAddr
	}
	return &kms.Caller{
		Principal:  req.auth.Principal,
		ViaService: "s3." + h.region + ".amazonaws.com",
		Conditions: map[string][]string{
			"aws:SourceIp":        {host},
			"aws:SecureTransport": {strconv.FormatBool(req.r.TLS != nil)},
		},
	}
}

// writeKMS is the SSE-KMS of a write with headers hdr (checked by
// checkWriteHeaders) and its caller; a request that asks for SSE-KMS
// without Signature Version 4 is refused, as S3 refuses it.
func (h *Handler) writeKMS(req *request, hdr http.Header) (*object.KMSEncryption, *kms.Caller, error) {
	k, err := parseKMS(hdr)
	if err != nil {
		return nil, nil, err
	}
	if k != nil && !h.hasKMS() {
		return nil, nil, object.ErrKMSNotAvailable
	}
	caller := h.kmsCaller(req)
	if k != nil && caller == nil {
		return nil, nil, withMessage(errInvalidArgument, msgKMSSigV4)
	}
	return k, caller, nil
}

// kmsSupporter is the optional ability of the object service to say
// whether it has a key service for SSE-KMS.
type kmsSupporter interface{ SupportsKMS() bool }

// hasKMS reports whether the object service can give SSE-KMS; one that
// cannot say cannot. A request asking for SSE-KMS is refused with 501
// before anything else happens when it cannot.
func (h *Handler) hasKMS() bool {
	ks, ok := h.objects.(kmsSupporter)
	return ok && ks.SupportsKMS()
}

// setKMSHeaders sends the SSE-KMS response headers of a version, part or
// upload: the key's ARN and, when a bucket key made its data keys,
// bucket-key-enabled. x-amz-server-side-encryption itself is
// setSSEHeader's.
func setKMSHeaders(hdr http.Header, sse, keyID string, bucketKey bool) {
	if sse != object.SSEKMS {
		return
	}
	hdr.Set(hdrKMSKeyID, keyID)
	if bucketKey {
		hdr.Set(hdrKMSBucketKey, "true")
	}
}

// echoKMSContext answers a write that gave an encryption context with it,
// as S3 does.
func echoKMSContext(w http.Header, sse string, req http.Header) {
	if v := req.Get(hdrKMSContext); v != "" && sse == object.SSEKMS {
		w.Set(hdrKMSContext, v)
	}
}
