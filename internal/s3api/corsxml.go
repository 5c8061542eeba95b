package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/cors"
)

// corsConfigurationXML renders a CORS configuration with each rule's
// elements in the order S3 writes them.
func corsConfigurationXML(cfg cors.Config) corsConfigurationDoc {
	doc := corsConfigurationDoc{Rules: make([]corsRuleDoc, len(cfg.Rules))}
	for i, r := range cfg.Rules {
		doc.Rules[i] = corsRuleDoc{
			ID:             r.ID,
			AllowedMethods: r.AllowedMethods,
			AllowedOrigins: r.AllowedOrigins,
			AllowedHeaders: r.AllowedHeaders,
			MaxAgeSeconds:  r.MaxAgeSeconds,
			ExposeHeaders:  r.ExposeHeaders,
		}
	}
	return doc
}

type corsConfigurationDoc struct {
	XMLName xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CORSConfiguration"`
	Rules   []corsRuleDoc `xml:"CORSRule"`
}

type corsRuleDoc struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	MaxAgeSeconds  *int32   `xml:"MaxAgeSeconds,omitempty"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
}

// parseCORSXML decodes a CORSConfiguration document strictly, as S3
// does: an unknown element, text between elements, an element given
// twice that may appear once, or a MaxAgeSeconds that is not a 32-bit
// count is MalformedXML. Names compare with case; any namespace is
// accepted. The values are kept as sent; cors.Config.Validate checks them.
func parseCORSXML(data []byte) (cors.Config, error) {
	if len(data) > cors.MaxConfigSize {
		return cors.Config{}, fmt.Errorf("%w: cors configuration of %d bytes", errMalformedXML, len(data))
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	root, err := nextElement(d)
	if err != nil {
		return cors.Config{}, err
	}
	if root == nil || root.Name.Local != "CORSConfiguration" {
		return cors.Config{}, fmt.Errorf("%w: root is not CORSConfiguration", errMalformedXML)
	}
	var cfg cors.Config
	for {
		child, err := nextElement(d)
		if err != nil {
			return cors.Config{}, err
		}
		if child == nil {
			break
		}
		if child.Name.Local != "CORSRule" {
			return cors.Config{}, fmt.Errorf("%w: %s in CORSConfiguration", errMalformedXML, child.Name.Local)
		}
		if len(cfg.Rules) == cors.MaxRules {
			return cors.Config{}, fmt.Errorf("%w: more than %d rules", errMalformedXML, cors.MaxRules)
		}
		r, err := parseCORSRule(d)
		if err != nil {
			return cors.Config{}, err
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	if tok, err := nextElement(d); tok != nil || !errors.Is(err, errXMLEOF) {
		return cors.Config{}, fmt.Errorf("%w: content after the root element", errMalformedXML)
	}
	return cfg, nil
}

func parseCORSRule(d *xml.Decoder) (cors.Rule, error) {
	var (
		r              cors.Rule
		haveID, haveMA bool
	)
	for {
		el, err := nextElement(d)
		if err != nil {
			return r, err
		}
		if el == nil {
			return r, nil
		}
		v, err := elementText(d)
		if err != nil {
			return r, err
		}
		switch el.Name.Local {
		case "ID":
			if haveID {
				return r, fmt.Errorf("%w: ID twice", errMalformedXML)
			}
			r.ID, haveID = v, true
		case "AllowedOrigin":
			r.AllowedOrigins = append(r.AllowedOrigins, v)
		case "AllowedMethod":
			r.AllowedMethods = append(r.AllowedMethods, v)
		case "AllowedHeader":
			r.AllowedHeaders = append(r.AllowedHeaders, v)
		case "ExposeHeader":
			r.ExposeHeaders = append(r.ExposeHeaders, v)
		case "MaxAgeSeconds":
			if haveMA {
				return r, fmt.Errorf("%w: MaxAgeSeconds twice", errMalformedXML)
			}
			n, err := parseMaxAge(v)
			if err != nil {
				return r, err
			}
			r.MaxAgeSeconds, haveMA = &n, true
		default:
			return r, fmt.Errorf("%w: %s in CORSRule", errMalformedXML, el.Name.Local)
		}
	}
}

// parseMaxAge accepts decimal digits only (leading zeros allowed) that
// fit a signed 32-bit count.
func parseMaxAge(v string) (int32, error) {
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, fmt.Errorf("%w: MaxAgeSeconds %q", errMalformedXML, v)
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: MaxAgeSeconds %q", errMalformedXML, v)
	}
	return int32(n), nil
}

// errXMLEOF ends nextElement at the end of the document; anywhere but
// after the root element it is MalformedXML.
var errXMLEOF = fmt.Errorf("%w: end of document", errMalformedXML)

// nextElement returns the next child element's start, or nil at the end
// element of the current one. Comments, processing instructions and
// whitespace are skipped; other text or a directive (DOCTYPE) is
// MalformedXML. At the end of the document it returns errXMLEOF.
func nextElement(d *xml.Decoder) (*xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, errXMLEOF
		}
		if err != nil {
			return nil, errors.Join(errMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, fmt.Errorf("%w: text between elements", errMalformedXML)
			}
		case xml.Directive:
			return nil, fmt.Errorf("%w: directive", errMalformedXML)
		}
	}
}

// elementText reads the text of an element whose start was just read, up
// to its end. A child element is MalformedXML.
func elementText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", errors.Join(errMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("%w: element %s in a value", errMalformedXML, t.Name.Local)
		case xml.Directive:
			return "", fmt.Errorf("%w: directive", errMalformedXML)
		}
	}
}
