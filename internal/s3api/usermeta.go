package s3api

import (
	"encoding/base64"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// User-defined metadata is Unicode text; an HTTP header carries bytes. AWS's
// "Working with object metadata" guide settles the mapping: values of
// x-amz-meta-* headers are "character decoded as per RFC 2047 before
// storing and encoded as per RFC 2047 to make them mail-safe before
// returning. If the string contains only US-ASCII characters, it is
// presented as is." Header bytes outside US-ASCII that are not in an
// encoded-word are read as ISO-8859-1, HTTP's historical header charset:
// S3 answers a raw UTF-8 "ö" (C3 B6) with "=?UTF-8?B?w4PCtg==?=", two
// characters, as MinIO's maintainers observed against AWS (minio/minio
// pull request 21282). So a client that sends encoded-words gets its value
// back byte for byte, and one that sends raw bytes gets them back in the
// form S3 gives.

// parseHeaderUserMeta collects the x-amz-meta-* headers of a request as
// parseUserMeta does, reading bytes outside US-ASCII as ISO-8859-1.
func parseHeaderUserMeta(h http.Header) (map[string]string, error) {
	text := make(http.Header)
	for name, values := range h {
		if !strings.HasPrefix(name, metaPrefix) {
			continue
		}
		vs := make([]string, len(values))
		for i, v := range values {
			vs[i] = latin1ToUTF8(v)
		}
		text[name] = vs
	}
	return parseUserMeta(text)
}

// parseUserMeta collects x-amz-meta-* fields whose values are already
// text (headers through parseHeaderUserMeta, POST form fields as sent)
// under their lower-case names without the prefix, RFC 2047 encoded-words
// decoded, enforcing S3's 2 KB limit on the UTF-8 bytes of names and
// values.
func parseUserMeta(h http.Header) (map[string]string, error) {
	var meta map[string]string
	size := 0
	for name, values := range h {
		suffix, ok := strings.CutPrefix(name, metaPrefix)
		if !ok || suffix == "" {
			continue
		}
		if meta == nil {
			meta = make(map[string]string)
		}
		k := strings.ToLower(suffix)
		v := decodeMetaValue(strings.Join(values, ","))
		meta[k] = v
		size += len(k) + len(v)
	}
	if size > maxUserMetaSize {
		return nil, errMetadataTooLarge
	}
	return meta, nil
}

// decodeMetaValue decodes the RFC 2047 encoded-words in v. A value whose
// encoded-words do not decode (a malformed word, a charset other than
// UTF-8, ISO-8859-1 and US-ASCII) is kept as sent.
func decodeMetaValue(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	var dec mime.WordDecoder
	d, err := dec.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// encodeMetaValue renders a stored value for a response header: as is when
// it is printable US-ASCII, else as one RFC 2047 encoded-word of its UTF-8
// bytes, "=?UTF-8?B?...?=", the form S3 sends (upper-case B, one word).
func encodeMetaValue(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c > '~' {
			return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
		}
	}
	return v
}

// latin1ToUTF8 reads the bytes of s as ISO-8859-1 and returns them as
// UTF-8 text; a US-ASCII s is returned unchanged.
func latin1ToUTF8(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return string(b)
}
