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

// queryPair is one decoded query parameter, already re-encoded.
type queryPair struct{ name, value string }

// canonicalQuery returns the SigV4 canonical query string of rawQuery:
// every parameter decoded, re-encoded with UriEncode, and sorted by name
// then value. It leaves out X-Amz-Signature when skipSignature is set
// (presigned URLs sign everything but their own signature).
func canonicalQuery(rawQuery string, skipSignature bool) string {
	if rawQuery == "" {
		return ""
	}
	pairs := make([]queryPair, 0, strings.Count(rawQuery, "&")+1)
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		name = queryUnescape(name)
		if skipSignature && name == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, queryPair{
			name:  string(uriEncode(nil, name, false)),
			value: string(uriEncode(nil, queryUnescape(value), false)),
		})
	}
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
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
		if r.Host != "" {
			return []string{r.Host}
		}
		return []string{r.URL.Host}
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
	if vs, ok := r.Header[name]; ok {
		return vs
	}
	return r.Header.Values(name)
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
	dst = append(dst, "/"+serviceS3+"/"+scopeTerminator+"\n"...)
	return hex.AppendEncode(dst, sum[:])
}
