package s3api

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
)

const (
	// maxKeyLength is S3's limit on an object key, in bytes.
	maxKeyLength = 1024
	// maxUserMetaSize is S3's limit on the user-defined metadata of a PUT:
	// the sum of the names (without "x-amz-meta-") and values, in bytes.
	maxUserMetaSize = 2 << 10
	// maxPutSize is the largest single PUT S3 accepts: 5 GiB.
	maxPutSize = 5 << 30
	// maxPartNumber is the highest part number of a multipart upload.
	maxPartNumber = 10000
	// maxListKeys is the most entries one listing page returns.
	maxListKeys = 1000
	// defaultContentType is what GET returns for an object stored without one.
	defaultContentType = "binary/octet-stream"
	// isoMillis is the timestamp format of S3's XML bodies.
	isoMillis  = "2006-01-02T15:04:05.000Z"
	metaPrefix = "X-Amz-Meta-"
)

// parseRange parses a Range header. S3, like RFC 9110, ignores a Range it
// cannot parse and serves the whole object, so every syntax problem yields
// nil; only satisfiability (a start beyond the object) is an error, and the
// object service decides it. S3 serves one range per request, so a list of
// ranges is ignored too.
func parseRange(s string) *object.Range {
	spec, ok := strings.CutPrefix(strings.TrimSpace(s), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil
	}
	if first == "" {
		n, ok := parseOffset(last)
		if !ok || n == 0 {
			return nil
		}
		return &object.Range{Start: -1, End: n}
	}
	start, ok := parseOffset(first)
	if !ok {
		return nil
	}
	if last == "" {
		return &object.Range{Start: start, End: -1}
	}
	end, ok := parseOffset(last)
	if !ok || end < start {
		return nil
	}
	return &object.Range{Start: start, End: end}
}

// parseOffset parses a non-negative decimal byte offset.
func parseOffset(s string) (int64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parseCopyRange parses x-amz-copy-source-range, which unlike Range must be
// exactly bytes=first-last.
func parseCopyRange(s string) (*object.Range, error) {
	if s == "" {
		return nil, nil
	}
	rng := parseRange(s)
	if rng == nil || rng.Start < 0 || rng.End < 0 {
		return nil, errInvalidCopyRange
	}
	return rng, nil
}

// parseHTTPDate parses the three date formats HTTP allows (RFC 1123,
// RFC 850, ANSI C). A date S3 cannot parse is ignored, so this returns nil.
func parseHTTPDate(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return nil
	}
	return &t
}

// parseConditions reads the If-* headers, or with prefix
// "X-Amz-Copy-Source-" the copy-source conditions.
func parseConditions(h http.Header, prefix string) object.Conditions {
	return object.Conditions{
		IfMatch:           h.Get(prefix + "If-Match"),
		IfNoneMatch:       h.Get(prefix + "If-None-Match"),
		IfModifiedSince:   parseHTTPDate(h.Get(prefix + "If-Modified-Since")),
		IfUnmodifiedSince: parseHTTPDate(h.Get(prefix + "If-Unmodified-Since")),
	}
}

// parseWriteConditions reads the conditional-write headers of PutObject,
// CopyObject and CompleteMultipartUpload. S3 accepts only "*" in
// If-None-Match on a write.
func parseWriteConditions(h http.Header) (object.WriteConditions, error) {
	c := object.WriteConditions{IfMatch: h.Get("If-Match"), IfNoneMatch: h.Get("If-None-Match")}
	if c.IfNoneMatch != "" && c.IfNoneMatch != "*" {
		return c, withMessage(errHeaderNotImplemented, "A header you provided implies functionality that is not implemented: If-None-Match accepts only *")
	}
	return c, nil
}

// parseContentMD5 decodes Content-MD5: base64 of 16 bytes, or nil when absent.
func parseContentMD5(h http.Header) ([]byte, error) {
	v, ok := h["Content-Md5"]
	if !ok {
		return nil, nil
	}
	sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v[0]))
	if err != nil || len(sum) != md5.Size {
		return nil, errInvalidDigest
	}
	return sum, nil
}

// parseStandardHeaders reads the HTTP headers S3 stores with an object. The
// aws-chunked content coding describes the transfer, not the object, so it
// is removed from Content-Encoding.
func parseStandardHeaders(h http.Header) object.Headers {
	return object.Headers{
		ContentType:        h.Get("Content-Type"),
		ContentEncoding:    stripAWSChunked(h.Values("Content-Encoding")),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            h.Get("Expires"),
	}
}

// stripAWSChunked returns the Content-Encoding S3 stores: the client's
// value byte for byte with the aws-chunked codings and their separators
// taken out ("aws-chunked,gzip" stores "gzip", "deflate, gzip" stays
// "deflate, gzip", "aws-chunked" alone stores none). AWS's chunked upload
// guide says S3 "stores the resulting object without the aws-chunked value
// in the content-encoding header". Several header lines (aws-sdk-go-v2
// adds aws-chunked as a line of its own) combine as RFC 9110 says, with
// ", ".
func stripAWSChunked(values []string) string {
	ce := strings.Join(values, ", ")
	if !hasAWSChunked(ce) {
		return ce
	}
	var kept []string
	for c := range strings.SplitSeq(ce, ",") {
		if !strings.EqualFold(strings.TrimSpace(c), "aws-chunked") {
			kept = append(kept, c)
		}
	}
	return strings.TrimSpace(strings.Join(kept, ","))
}

// hasAWSChunked reports whether the Content-Encoding list ce names the
// aws-chunked coding.
func hasAWSChunked(ce string) bool {
	for c := range strings.SplitSeq(ce, ",") {
		if strings.EqualFold(strings.TrimSpace(c), "aws-chunked") {
			return true
		}
	}
	return false
}

// isAWSChunked reports whether the body uses the aws-chunked framing.
func isAWSChunked(h http.Header) bool {
	if strings.HasPrefix(h.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		return true
	}
	return slices.ContainsFunc(h.Values("Content-Encoding"), hasAWSChunked)
}

// parseTagging parses x-amz-tagging: URL query form, "k1=v1&k2=v2".
// Duplicate keys are InvalidTag; the other tag rules are the service's.
func parseTagging(s string) ([]object.Tag, error) {
	if s == "" {
		return nil, nil
	}
	var tags []object.Tag
	seen := make(map[string]bool)
	for pair := range strings.SplitSeq(s, "&") {
		if pair == "" {
			continue
		}
		rawK, rawV, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(rawK)
		if err != nil {
			return nil, withMessage(errInvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		v, err := url.QueryUnescape(rawV)
		if err != nil {
			return nil, withMessage(errInvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		if seen[k] {
			return nil, withMessage(errInvalidTag, "Cannot provide multiple Tags with the same key")
		}
		seen[k] = true
		tags = append(tags, object.Tag{Key: k, Value: v})
	}
	return tags, nil
}

// parsePartNumber parses a part number, 1..10000.
func parsePartNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPartNumber {
		return 0, errInvalidPartNumber
	}
	return n, nil
}

// parseMaxKeys parses max-keys (and max-uploads, max-parts): absent gives
// def, a non-integer or negative value is InvalidArgument, more than 1000 is
// clipped to 1000 as S3 does.
func parseMaxKeys(q url.Values, name string, def int) (int, error) {
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 {
		return 0, withMessage(errInvalidMaxKeys, fmt.Sprintf("Provided %s not an integer or within integer range", name))
	}
	return min(n, maxListKeys), nil
}

// quoteETag renders a stored ETag as S3 sends it, in double quotes.
func quoteETag(etag string) string {
	if etag == "" {
		return ""
	}
	return `"` + etag + `"`
}

// setObjectHeaders writes the headers GET and HEAD return for info.
func setObjectHeaders(hs *headerSet, info *object.ObjectInfo) {
	if info.ETag != "" {
		hs.set("Etag", quoteETag(info.ETag))
	}
	if !info.LastModified.IsZero() {
		hs.set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	}
	ct := info.Headers.ContentType
	if ct == "" {
		ct = defaultContentType
	}
	hs.set("Content-Type", ct)
	for _, f := range [...]struct{ name, v string }{
		{"Content-Encoding", info.Headers.ContentEncoding},
		{"Content-Disposition", info.Headers.ContentDisposition},
		{"Content-Language", info.Headers.ContentLanguage},
		{"Cache-Control", info.Headers.CacheControl},
		{"Expires", info.Headers.Expires},
	} {
		if f.v != "" {
			hs.set(f.name, f.v)
		}
	}
	if len(info.UserMeta) > 0 {
		keys := make([]string, 0, len(info.UserMeta))
		for k := range info.UserMeta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		// S3 sends metadata names in lower case, and botocore keeps the
		// case of the name it receives, so the names bypass Go's
		// canonical form. Values outside US-ASCII go out RFC 2047
		// encoded (usermeta.go).
		for _, k := range keys {
			hs.set("x-amz-meta-"+k, encodeMetaValue(info.UserMeta[k]))
		}
	}
	if info.VersionID != "" {
		hs.set("X-Amz-Version-Id", info.VersionID)
	}
	if info.LockMode != "" {
		hs.set("X-Amz-Object-Lock-Mode", string(info.LockMode))
		hs.set("X-Amz-Object-Lock-Retain-Until-Date", isoTime(info.RetainUntil))
	}
	if info.LegalHold {
		hs.set("X-Amz-Object-Lock-Legal-Hold", "ON")
	}
	if info.TagCount > 0 {
		hs.set("X-Amz-Tagging-Count", strconv.Itoa(info.TagCount))
	}
	if info.StorageClass != "" && info.StorageClass != "STANDARD" {
		hs.set("X-Amz-Storage-Class", info.StorageClass)
	}
	if info.Restore != nil {
		hs.set("X-Amz-Restore", restoreHeader(info.Restore))
	}
	// An SSE-C version's headers echo the request's key (setSSEHeader).
	switch info.ServerSideEncryption {
	case object.SSES3:
		hs.set("X-Amz-Server-Side-Encryption", info.ServerSideEncryption)
	case object.SSEKMS:
		hs.set("X-Amz-Server-Side-Encryption", info.ServerSideEncryption)
		hs.set(hdrKMSKeyID, info.SSEKMSKeyID)
		if info.BucketKeyEnabled {
			hs.set(hdrKMSBucketKey, "true")
		}
	}
	hs.set("Accept-Ranges", "bytes")
}

// responseOverrides are the GET query parameters that replace a response
// header (signed requests only, as in S3).
var responseOverrides = []struct{ param, header string }{
	{"response-content-type", "Content-Type"},
	{"response-content-language", "Content-Language"},
	{"response-expires", "Expires"},
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
}

func hasResponseOverrides(q url.Values) bool {
	for _, o := range responseOverrides {
		if _, ok := q[o.param]; ok {
			return true
		}
	}
	return false
}

func applyResponseOverrides(h http.Header, q url.Values) {
	for _, o := range responseOverrides {
		if v := q.Get(o.param); v != "" {
			h.Set(o.header, v)
		}
	}
}

// isoTime formats t as the XML bodies do: ISO 8601, milliseconds, UTC.
func isoTime(t time.Time) string { return t.UTC().Format(isoMillis) }
