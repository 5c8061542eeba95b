package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// uriEncode appends s encoded as AWS's UriEncode does: every byte except
// the unreserved characters A-Z a-z 0-9 - _ . ~ becomes %XX with uppercase
// hex; '/' is kept when keepSlash is set (object key paths).
func uriEncode(dst []byte, s string, keepSlash bool) []byte {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// rawPath returns the request path exactly as the client sent it, before
// the query string. Signatures cover the client's bytes, so the decoded
// r.URL.Path is not enough ('%2F' and '/' differ there).
func rawPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	return r.URL.EscapedPath()
}

// canonicalURIs returns the canonical URI for S3 (the path decoded once and
// encoded once with UriEncode, so clients that escape more or fewer
// characters than AWS still verify) and, when different, the path exactly
// as sent, which clients that sign their own escaping verbatim (an encoded
// '/', for example) need.
func canonicalURIs(r *http.Request) (primary, verbatim string) {
	raw := rawPath(r)
	if raw == "" {
		return "/", ""
	}
	decoded, err := url.PathUnescape(raw)
	if err != nil {
		return raw, ""
	}
	// Fast path: nothing to re-encode.
	if decoded == raw && isPlainPath(raw) {
		return raw, ""
	}
	enc := string(uriEncode(make([]byte, 0, len(decoded)+16), decoded, true))
	if enc == raw {
		return enc, ""
	}
	return enc, raw
}

func isPlainPath(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUnreserved(s[i]) && s[i] != '/' {
			return false
		}
	}
	return true
}

// queryPair is one query parameter in canonical (re-encoded) form.
type queryPair struct{ name, value string }

// canonicalQuery returns the SigV4 canonical query string of rawQuery:
// every parameter decoded, re-encoded with UriEncode, and sorted by name
// then value. It leaves out X-Amz-Signature when skipSignature is set
// (presigned URLs sign everything but their own signature).
func canonicalQuery(rawQuery string, skipSignature bool) string {
	if rawQuery == "" {
		return ""
	}
	var stack [8]queryPair
	pairs := stack[:0]
	size := 0
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		name = canonicalComponent(name)
		if skipSignature && name == "X-Amz-Signature" {
			continue
		}
		p := queryPair{name: name, value: canonicalComponent(value)}
		pairs = append(pairs, p)
		size += len(p.name) + len(p.value) + 2
	}
	if len(pairs) == 1 && len(rawQuery) == len(pairs[0].name)+len(pairs[0].value)+1 &&
		rawQuery == pairs[0].name+"="+pairs[0].value {
		return rawQuery
	}
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	b := make([]byte, 0, size)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.name...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return string(b)
}

// canonicalComponent returns a query name or value decoded and encoded
// with UriEncode, without allocating when it already is in that form.
func canonicalComponent(s string) string {
	if isCanonicalComponent(s) {
		return s
	}
	return string(uriEncode(make([]byte, 0, len(s)+8), queryUnescape(s), false))
}

// isCanonicalComponent reports whether s is its own canonical form:
// unreserved bytes, and %XX (uppercase hex) escapes of reserved bytes.
func isCanonicalComponent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			continue
		}
		if c != '%' || i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
			return false
		}
		if isUnreserved(unhex(s[i+1])<<4 | unhex(s[i+2])) {
			return false
		}
		i += 2
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// queryUnescape decodes a query component, keeping it verbatim if it is not
// valid percent-encoding (the client signed what it sent).
func queryUnescape(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	d, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return d
}

// headerValues returns the values of the lowercase header name as the
// client sent them. Go moves Host, and on the client side Content-Length
// and Transfer-Encoding, out of r.Header.
func headerValues(r *http.Request, name string) []string {
	switch name {
	case "host":
		return []string{hostOf(r)}
	case "content-length":
		if vs := r.Header.Values(name); len(vs) > 0 {
			return vs
		}
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	case "transfer-encoding":
		if vs := r.Header.Values(name); len(vs) > 0 {
			return vs
		}
		return r.TransferEncoding
	}
	return headerLookup(r.Header, name)
}

// headerLookup returns h's values for a lowercase name, canonicalizing
// the name on the stack instead of allocating as http.Header.Values does.
func headerLookup(h http.Header, lower string) []string {
	var buf [64]byte
	if len(lower) > len(buf) {
		return h.Values(lower)
	}
	b := buf[:len(lower)]
	upper := true
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	if vs, ok := h[string(b)]; ok {
		return vs
	}
	// Names textproto does not canonicalize are stored as sent.
	if vs, ok := h[lower]; ok {
		return vs
	}
	return nil
}

// hostOf returns the Host the client sent.
func hostOf(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	return r.URL.Host
}

// appendTrimmed appends v with leading and trailing whitespace removed and
// runs of spaces collapsed to one, as SigV4's Trimall.
func appendTrimmed(dst []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' {
			if !space {
				dst = append(dst, ' ')
			}
			space = true
			continue
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

// canonicalRequest holds the parts of a SigV4 canonical request that do
// not come straight from the http.Request.
type canonicalRequest struct {
	uri           string
	query         string
	signedHeaders string // "a;b;c" exactly as signed
	payloadHash   string
}

// appendCanonical appends the canonical request of r to dst.
func (c *canonicalRequest) appendTo(dst []byte, r *http.Request) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = append(dst, c.uri...)
	dst = append(dst, '\n')
	dst = append(dst, c.query...)
	dst = append(dst, '\n')
	for name := range strings.SplitSeq(c.signedHeaders, ";") {
		dst = append(dst, name...)
		dst = append(dst, ':')
		if name == "host" {
			// The common case, without headerValues' slice.
			dst = appendTrimmed(dst, hostOf(r))
			dst = append(dst, '\n')
			continue
		}
		for i, v := range headerValues(r, name) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendTrimmed(dst, v)
		}
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = append(dst, c.signedHeaders...)
	dst = append(dst, '\n')
	dst = append(dst, c.payloadHash...)
	return dst
}

// appendStringToSign appends the SigV4 string to sign for a canonical
// request to dst.
func appendStringToSign(dst []byte, stamp string, sc scope, canonical []byte) []byte {
	sum := sha256.Sum256(canonical)
	dst = append(dst, algoV4...)
	dst = append(dst, '\n')
	dst = append(dst, stamp...)
	dst = append(dst, '\n')
	dst = append(dst, sc.date...)
	dst = append(dst, '/')
	dst = append(dst, sc.region...)
	dst = append(dst, '/')
	dst = append(dst, sc.serviceName()...)
	dst = append(dst, "/"+scopeTerminator+"\n"...)
	return hex.AppendEncode(dst, sum[:])
}
