package s3api

import (
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlAppender is a response body that renders itself. The listings
// implement it: encoding/xml's reflection was most of a 1,000-key page's
// CPU. Each implementation's output is byte for byte what encoding/xml
// produces for the same value, which FuzzListXMLMatchesEncodingXML checks.
type xmlAppender interface {
	appendXML(b []byte) []byte
}

// Escapes, as encoding/xml writes them.
const (
	escQuot = "&#34;"
	escApos = "&#39;"
	escAmp  = "&amp;"
	escLT   = "&lt;"
	escGT   = "&gt;"
	escTab  = "&#x9;"
	escNL   = "&#xA;"
	escCR   = "&#xD;"
	escFFFD = "\uFFFD"
)

// appendEscaped appends s escaped as encoding/xml escapes character data
// (markup characters and whitespace controls as character references),
// except that the other characters XML 1.0 cannot carry are written as
// S3 writes them, as numeric character references ("&#x1;"), rather than
// as U+FFFD, which would make different keys look the same. Invalid UTF-8,
// which no key holds, is still U+FFFD.
func appendEscaped(b []byte, s string) []byte { return escape(b, s, true) }

// appendEscapedLikeXML appends s escaped exactly as encoding/xml escapes
// character data, for the fields that are not xmlText (tokens, ETags).
func appendEscapedLikeXML(b []byte, s string) []byte { return escape(b, s, false) }

// escape is appendEscaped, or with refs false appendEscapedLikeXML.
func escape(b []byte, s string, refs bool) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		switch {
		case c == '"':
			esc = escQuot
		case c == '\'':
			esc = escApos
		case c == '&':
			esc = escAmp
		case c == '<':
			esc = escLT
		case c == '>':
			esc = escGT
		case c == '\t':
			esc = escTab
		case c == '\n':
			esc = escNL
		case c == '\r':
			esc = escCR
		case c < 0x20 && refs:
			esc = charRef(c)
		case c < 0x20:
			esc = escFFFD
		case c < utf8.RuneSelf:
			i++
			continue
		default:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && width == 1 {
				esc = escFFFD
				break
			}
			if !inXMLCharRange(r) && refs {
				esc = "&#x" + strconv.FormatUint(uint64(r), 16) + ";"
				break
			}
			if !inXMLCharRange(r) {
				esc = escFFFD
				break
			}
			i += width
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// charRefs are the character references of the C0 controls, "&#x0;" to
// "&#x1F;".
var charRefs = func() (refs [0x20]string) {
	for c := range refs {
		refs[c] = "&#x" + strings.ToUpper(strconv.FormatUint(uint64(c), 16)) + ";"
	}
	return refs
}()

func charRef(c byte) string { return charRefs[c] }

// inXMLCharRange reports whether r is a Char of XML 1.0 (for r >= 0x80).
func inXMLCharRange(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// openTag appends <name>; closeTag appends </name>.
func openTag(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, '>')
}

func closeTag(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendElem appends <name>escaped value</name>, as encoding/xml would.
func appendElem(b []byte, name, value string) []byte {
	return closeTag(appendEscapedLikeXML(openTag(b, name), value), name)
}

// appendElemOmitEmpty is appendElem for an ",omitempty" field.
func appendElemOmitEmpty(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendElem(b, name, value)
}

// appendTextElem appends an xmlText element, as its MarshalXML writes it.
func appendTextElem(b []byte, name string, value xmlText) []byte {
	return closeTag(appendEscaped(openTag(b, name), string(value)), name)
}

// appendTextElemOmitEmpty is appendTextElem for an ",omitempty" field.
func appendTextElemOmitEmpty(b []byte, name string, value xmlText) []byte {
	if value == "" {
		return b
	}
	return appendTextElem(b, name, value)
}

func appendIntElem(b []byte, name string, v int64) []byte {
	return closeTag(strconv.AppendInt(openTag(b, name), v, 10), name)
}

func appendBoolElem(b []byte, name string, v bool) []byte {
	return closeTag(strconv.AppendBool(openTag(b, name), v), name)
}

// appendOpenNS opens the root element in S3's namespace.
func appendOpenNS(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ` xmlns="`+s3NS+`">`...)
	return b
}

func (o *objectXML) appendXML(b []byte) []byte {
	b = append(b, "<Contents>"...)
	b = appendTextElem(b, "Key", o.Key)
	b = appendElem(b, "LastModified", o.LastModified)
	b = appendElem(b, "ETag", o.ETag)
	b = appendElemOmitEmpty(b, "ChecksumAlgorithm", o.ChecksumAlgorithm)
	b = appendElemOmitEmpty(b, "ChecksumType", o.ChecksumType)
	b = appendIntElem(b, "Size", o.Size)
	if o.Owner != nil {
		b = append(b, "<Owner>"...)
		b = appendElem(b, "ID", o.Owner.ID)
		b = appendElemOmitEmpty(b, "DisplayName", o.Owner.DisplayName)
		b = append(b, "</Owner>"...)
	}
	b = appendElem(b, "StorageClass", o.StorageClass)
	if r := o.Restore; r != nil {
		b = append(b, "<RestoreStatus>"...)
		b = appendBoolElem(b, "IsRestoreInProgress", r.IsRestoreInProgress)
		b = appendElemOmitEmpty(b, "RestoreExpiryDate", r.RestoreExpiryDate)
		b = append(b, "</RestoreStatus>"...)
	}
	return append(b, "</Contents>"...)
}

func appendEntries(b []byte, contents []objectXML, prefixes []commonPrefix) []byte {
	for i := range contents {
		b = contents[i].appendXML(b)
	}
	for _, p := range prefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = appendTextElem(b, "Prefix", p.Prefix)
		b = append(b, "</CommonPrefixes>"...)
	}
	return b
}

func (r *listBucketResultV2) appendXML(b []byte) []byte {
	b = appendOpenNS(b, "ListBucketResult")
	b = appendElem(b, "Name", r.Name)
	b = appendTextElem(b, "Prefix", r.Prefix)
	b = appendTextElemOmitEmpty(b, "Delimiter", r.Delimiter)
	b = appendIntElem(b, "MaxKeys", int64(r.MaxKeys))
	b = appendIntElem(b, "KeyCount", int64(r.KeyCount))
	b = appendBoolElem(b, "IsTruncated", r.IsTruncated)
	b = appendElemOmitEmpty(b, "EncodingType", r.EncodingType)
	if r.ContinuationToken != nil {
		b = appendElem(b, "ContinuationToken", *r.ContinuationToken)
	}
	b = appendElemOmitEmpty(b, "NextContinuationToken", r.NextContinuationToken)
	b = appendTextElemOmitEmpty(b, "StartAfter", r.StartAfter)
	b = appendEntries(b, r.Contents, r.CommonPrefixes)
	return append(b, "</ListBucketResult>"...)
}

func (r *listBucketResultV1) appendXML(b []byte) []byte {
	b = appendOpenNS(b, "ListBucketResult")
	b = appendElem(b, "Name", r.Name)
	b = appendTextElem(b, "Prefix", r.Prefix)
	b = appendTextElem(b, "Marker", r.Marker)
	b = appendTextElemOmitEmpty(b, "NextMarker", r.NextMarker)
	b = appendIntElem(b, "MaxKeys", int64(r.MaxKeys))
	b = appendTextElemOmitEmpty(b, "Delimiter", r.Delimiter)
	b = appendBoolElem(b, "IsTruncated", r.IsTruncated)
	b = appendElemOmitEmpty(b, "EncodingType", r.EncodingType)
	b = appendEntries(b, r.Contents, r.CommonPrefixes)
	return append(b, "</ListBucketResult>"...)
}

// xmlText is response character data that may hold an object key or
// prefix. encoding/xml writes each character XML 1.0 cannot carry as
// U+FFFD, so two keys differing only in a control character would be
// listed under one name; xmlText is written by appendEscaped instead,
// which writes such characters as S3 does, as numeric character
// references ("&#x1;"). Strict XML 1.0 parsers refuse those, as they
// refuse S3's listings of such keys; encoding-type=url is the way to list
// them that every client can read, as S3's documentation says.
type xmlText string

// MarshalXML implements xml.Marshaler.
func (s xmlText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		Text string `xml:",innerxml"`
	}{string(appendEscaped(nil, string(s)))}, start)
}
