package s3api

import (
	"strconv"
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

// appendEscaped appends s escaped as encoding/xml escapes character data:
// markup characters and whitespace controls as character references,
// anything XML 1.0 cannot carry (and invalid UTF-8) as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
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
		case c < 0x20:
			esc = escFFFD
		case c < utf8.RuneSelf:
			i++
			continue
		default:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && width == 1) || !inXMLCharRange(r) {
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

// appendElem appends <name>escaped value</name>.
func appendElem(b []byte, name, value string) []byte {
	return closeTag(appendEscaped(openTag(b, name), value), name)
}

// appendElemOmitEmpty is appendElem for an ",omitempty" field.
func appendElemOmitEmpty(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendElem(b, name, value)
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
	b = appendElem(b, "Key", o.Key)
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
	return append(b, "</Contents>"...)
}

func appendEntries(b []byte, contents []objectXML, prefixes []commonPrefix) []byte {
	for i := range contents {
		b = contents[i].appendXML(b)
	}
	for _, p := range prefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = appendElem(b, "Prefix", p.Prefix)
		b = append(b, "</CommonPrefixes>"...)
	}
	return b
}

func (r *listBucketResultV2) appendXML(b []byte) []byte {
	b = appendOpenNS(b, "ListBucketResult")
	b = appendElem(b, "Name", r.Name)
	b = appendElem(b, "Prefix", r.Prefix)
	b = appendElemOmitEmpty(b, "Delimiter", r.Delimiter)
	b = appendIntElem(b, "MaxKeys", int64(r.MaxKeys))
	b = appendIntElem(b, "KeyCount", int64(r.KeyCount))
	b = appendBoolElem(b, "IsTruncated", r.IsTruncated)
	b = appendElemOmitEmpty(b, "EncodingType", r.EncodingType)
	if r.ContinuationToken != nil {
		b = appendElem(b, "ContinuationToken", *r.ContinuationToken)
	}
	b = appendElemOmitEmpty(b, "NextContinuationToken", r.NextContinuationToken)
	b = appendElemOmitEmpty(b, "StartAfter", r.StartAfter)
	b = appendEntries(b, r.Contents, r.CommonPrefixes)
	return append(b, "</ListBucketResult>"...)
}

func (r *listBucketResultV1) appendXML(b []byte) []byte {
	b = appendOpenNS(b, "ListBucketResult")
	b = appendElem(b, "Name", r.Name)
	b = appendElem(b, "Prefix", r.Prefix)
	b = appendElem(b, "Marker", r.Marker)
	b = appendElemOmitEmpty(b, "NextMarker", r.NextMarker)
	b = appendIntElem(b, "MaxKeys", int64(r.MaxKeys))
	b = appendElemOmitEmpty(b, "Delimiter", r.Delimiter)
	b = appendBoolElem(b, "IsTruncated", r.IsTruncated)
	b = appendElemOmitEmpty(b, "EncodingType", r.EncodingType)
	b = appendEntries(b, r.Contents, r.CommonPrefixes)
	return append(b, "</ListBucketResult>"...)
}
