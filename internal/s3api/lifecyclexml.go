package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
)

// maxLifecycleXML bounds a lifecycle configuration document: 1,000 rules
// of a few hundred bytes each.
const maxLifecycleXML = 2 << 20

// parseLifecycleXML decodes a LifecycleConfiguration document strictly,
// as S3 does: an unknown element, text between elements, an element
// given twice that may appear once, a number or date that does not parse,
// or a Status other than Enabled or Disabled is MalformedXML. It accepts
// both shapes clients send: the current one (a <Filter>) and the older
// PutBucketLifecycle one (a top-level <Prefix>); giving both or neither is
// MalformedXML. Limits and combinations are checked by Validate.
func parseLifecycleXML(data []byte) (rules.Config, error) {
	if len(data) > maxLifecycleXML {
		return rules.Config{}, fmt.Errorf("%w: lifecycle configuration of %d bytes", errMalformedXML, len(data))
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	root, err := nextElement(d)
	if err != nil {
		return rules.Config{}, err
	}
	if root == nil || root.Name.Local != "LifecycleConfiguration" {
		return rules.Config{}, fmt.Errorf("%w: root is not LifecycleConfiguration", errMalformedXML)
	}
	var cfg rules.Config
	for {
		child, err := nextElement(d)
		if err != nil {
			return rules.Config{}, err
		}
		if child == nil {
			break
		}
		if child.Name.Local != "Rule" {
			return rules.Config{}, fmt.Errorf("%w: %s in LifecycleConfiguration", errMalformedXML, child.Name.Local)
		}
		if len(cfg.Rules) == rules.MaxRules {
			return rules.Config{}, fmt.Errorf("%w: more than %d rules", errMalformedXML, rules.MaxRules)
		}
		r, err := parseLifecycleRule(d)
		if err != nil {
			return rules.Config{}, err
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	if tok, err := nextElement(d); tok != nil || !errors.Is(err, errXMLEOF) {
		return rules.Config{}, fmt.Errorf("%w: content after the root element", errMalformedXML)
	}
	return cfg, nil
}

// once tracks the elements of one parent that may appear only once.
type once map[string]bool

func (o once) see(name string) error {
	if o[name] {
		return fmt.Errorf("%w: %s twice", errMalformedXML, name)
	}
	o[name] = true
	return nil
}

func parseLifecycleRule(d *xml.Decoder) (rules.Rule, error) {
	var r rules.Rule
	seen := once{}
	for {
		el, err := nextElement(d)
		if err != nil {
			return r, err
		}
		if el == nil {
			break
		}
		name := el.Name.Local
		if name != "Transition" && name != "NoncurrentVersionTransition" {
			if err := seen.see(name); err != nil {
				return r, err
			}
		}
		switch name {
		case "ID":
			r.ID, err = elementText(d)
		case "Prefix":
			r.Filter.Prefix, err = elementText(d)
			r.Filter.Form = rules.FormLegacyPrefix
		case "Status":
			var s string
			if s, err = elementText(d); err == nil {
				switch s {
				case "Enabled":
					r.Enabled = true
				case "Disabled":
				default:
					err = fmt.Errorf("%w: Status %q", errMalformedXML, s)
				}
			}
		case "Filter":
			r.Filter, err = parseLifecycleFilter(d)
		case "Expiration":
			r.Expiration, err = parseExpiration(d)
		case "NoncurrentVersionExpiration":
			r.NoncurrentExpiration, err = parseNoncurrentExpiration(d)
		case "AbortIncompleteMultipartUpload":
			r.AbortDays, err = parseAbort(d)
		case "Transition":
			var t rules.Transition
			if t, err = parseTransition(d); err == nil {
				r.Transitions = append(r.Transitions, t)
			}
		case "NoncurrentVersionTransition":
			var t rules.NoncurrentTransition
			if t, err = parseNoncurrentTransition(d); err == nil {
				r.NoncurrentTransitions = append(r.NoncurrentTransitions, t)
			}
		default:
			err = fmt.Errorf("%w: %s in Rule", errMalformedXML, name)
		}
		if err != nil {
			return r, err
		}
	}
	switch {
	case !seen["Status"]:
		return r, fmt.Errorf("%w: Rule without Status", errMalformedXML)
	case seen["Filter"] && seen["Prefix"], !seen["Filter"] && !seen["Prefix"]:
		return r, fmt.Errorf("%w: a Rule needs exactly one of Filter and Prefix", errMalformedXML)
	}
	return r, nil
}

// parseLifecycleFilter reads a <Filter>: no predicate, exactly one, or an
// <And> of at least two.
func parseLifecycleFilter(d *xml.Decoder) (rules.Filter, error) {
	var f rules.Filter
	n, err := parsePredicates(d, &f, true)
	if err != nil {
		return f, err
	}
	switch {
	case n > 1:
		return f, fmt.Errorf("%w: Filter with more than one predicate outside And", errMalformedXML)
	case n == 1 && f.Form != rules.FormAnd:
		f.Form = rules.FormSingle
	}
	return f, nil
}

// parsePredicates reads the predicates of a <Filter> (top) or an <And>
// into f and returns how many there were.
func parsePredicates(d *xml.Decoder, f *rules.Filter, top bool) (int, error) {
	n := 0
	seen := once{}
	for {
		el, err := nextElement(d)
		if err != nil {
			return n, err
		}
		if el == nil {
			return n, nil
		}
		n++
		name := el.Name.Local
		if name != "Tag" {
			if err := seen.see(name); err != nil {
				return n, err
			}
		}
		switch {
		case name == "Prefix":
			f.Prefix, err = elementText(d)
		case name == "Tag":
			var t rules.Tag
			if t, err = parseLifecycleTag(d); err == nil {
				f.Tags = append(f.Tags, t)
			}
		case name == "ObjectSizeGreaterThan":
			f.SizeGreaterThan, err = parseSize(d, name)
		case name == "ObjectSizeLessThan":
			f.SizeLessThan, err = parseSize(d, name)
		case name == "And" && top:
			var m int
			if m, err = parsePredicates(d, f, false); err == nil && m < 2 {
				err = fmt.Errorf("%w: And needs at least two predicates", errMalformedXML)
			}
			f.Form = rules.FormAnd
		default:
			err = fmt.Errorf("%w: %s in Filter", errMalformedXML, name)
		}
		if err != nil {
			return n, err
		}
	}
}

func parseLifecycleTag(d *xml.Decoder) (rules.Tag, error) {
	var t rules.Tag
	seen := once{}
	for {
		el, err := nextElement(d)
		if err != nil {
			return t, err
		}
		if el == nil {
			break
		}
		if err := seen.see(el.Name.Local); err != nil {
			return t, err
		}
		v, err := elementText(d)
		if err != nil {
			return t, err
		}
		switch el.Name.Local {
		case "Key":
			t.Key = v
		case "Value":
			t.Value = v
		default:
			return t, fmt.Errorf("%w: %s in Tag", errMalformedXML, el.Name.Local)
		}
	}
	if !seen["Key"] || !seen["Value"] {
		return t, fmt.Errorf("%w: Tag needs Key and Value", errMalformedXML)
	}
	return t, nil
}

// fields reads the text children of a simple element into a map, each
// at most once; names outside allowed are MalformedXML.
func fields(d *xml.Decoder, parent string, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for {
		el, err := nextElement(d)
		if err != nil {
			return nil, err
		}
		if el == nil {
			return out, nil
		}
		name := el.Name.Local
		if !slices.Contains(allowed, name) {
			return nil, fmt.Errorf("%w: %s in %s", errMalformedXML, name, parent)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%w: %s twice", errMalformedXML, name)
		}
		if out[name], err = elementText(d); err != nil {
			return nil, err
		}
	}
}

// parseInt parses a decimal count; anything else is MalformedXML.
func parseInt(name, v string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q", errMalformedXML, name, v)
	}
	return int(n), nil
}

// positive parses a count that S3 requires to be a positive integer
// (InvalidArgument with msg otherwise).
func positive(name, v, msg string) (int, error) {
	n, err := parseInt(name, v)
	if err != nil {
		return 0, err
	}
	if n <= 0 {
		return 0, &rules.Error{Kind: rules.ErrInvalidArgument, Message: msg}
	}
	return n, nil
}

func parseSize(d *xml.Decoder, name string) (*int64, error) {
	v, err := elementText(d)
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q", errMalformedXML, name, v)
	}
	return &n, nil
}

// parseLifecycleDate accepts the ISO 8601 forms clients send: a full
// timestamp (with or without fractional seconds) or a bare date.
func parseLifecycleDate(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: Date %q", errMalformedXML, v)
}

func parseExpiration(d *xml.Decoder) (*rules.Expiration, error) {
	f, err := fields(d, "Expiration", "Days", "Date", "ExpiredObjectDeleteMarker")
	if err != nil {
		return nil, err
	}
	e := &rules.Expiration{}
	if v, ok := f["Days"]; ok {
		if e.Days, err = positive("Days", v, "'Days' for Expiration action must be a positive integer"); err != nil {
			return nil, err
		}
	}
	if v, ok := f["Date"]; ok {
		if e.Date, err = parseLifecycleDate(v); err != nil {
			return nil, err
		}
	}
	if v, ok := f["ExpiredObjectDeleteMarker"]; ok {
		if e.DeleteMarker, err = parseLifecycleBool("ExpiredObjectDeleteMarker", v); err != nil {
			return nil, err
		}
		e.DeleteMarkerSet = true
	}
	return e, nil
}

func parseLifecycleBool(name, v string) (bool, error) {
	switch strings.TrimSpace(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%w: %s %q", errMalformedXML, name, v)
}

func parseNoncurrentExpiration(d *xml.Decoder) (*rules.NoncurrentExpiration, error) {
	f, err := fields(d, "NoncurrentVersionExpiration", "NoncurrentDays", "NewerNoncurrentVersions")
	if err != nil {
		return nil, err
	}
	v, ok := f["NoncurrentDays"]
	if !ok {
		return nil, fmt.Errorf("%w: NoncurrentVersionExpiration without NoncurrentDays", errMalformedXML)
	}
	ne := &rules.NoncurrentExpiration{}
	if ne.Days, err = positive("NoncurrentDays", v, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"); err != nil {
		return nil, err
	}
	if v, ok := f["NewerNoncurrentVersions"]; ok {
		if ne.Newer, err = positive("NewerNoncurrentVersions", v, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer"); err != nil {
			return nil, err
		}
	}
	return ne, nil
}

func parseAbort(d *xml.Decoder) (int, error) {
	f, err := fields(d, "AbortIncompleteMultipartUpload", "DaysAfterInitiation")
	if err != nil {
		return 0, err
	}
	v, ok := f["DaysAfterInitiation"]
	if !ok {
		return 0, fmt.Errorf("%w: AbortIncompleteMultipartUpload without DaysAfterInitiation", errMalformedXML)
	}
	return positive("DaysAfterInitiation", v, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
}

func parseTransition(d *xml.Decoder) (rules.Transition, error) {
	var t rules.Transition
	f, err := fields(d, "Transition", "Days", "Date", "StorageClass")
	if err != nil {
		return t, err
	}
	if v, ok := f["Days"]; ok {
		if t.Days, err = parseInt("Days", v); err != nil {
			return t, err
		}
		if t.Days < 0 {
			return t, &rules.Error{Kind: rules.ErrInvalidArgument, Message: "'Days' in Transition action must be a non-negative integer"}
		}
	}
	if v, ok := f["Date"]; ok {
		if t.Date, err = parseLifecycleDate(v); err != nil {
			return t, err
		}
	}
	if _, days := f["Days"]; days == !t.Date.IsZero() {
		return t, fmt.Errorf("%w: Transition needs exactly one of Days and Date", errMalformedXML)
	}
	t.StorageClass = f["StorageClass"]
	return t, nil
}

func parseNoncurrentTransition(d *xml.Decoder) (rules.NoncurrentTransition, error) {
	var t rules.NoncurrentTransition
	f, err := fields(d, "NoncurrentVersionTransition", "NoncurrentDays", "StorageClass", "NewerNoncurrentVersions")
	if err != nil {
		return t, err
	}
	v, ok := f["NoncurrentDays"]
	if !ok {
		return t, fmt.Errorf("%w: NoncurrentVersionTransition without NoncurrentDays", errMalformedXML)
	}
	if t.Days, err = parseInt("NoncurrentDays", v); err != nil {
		return t, err
	}
	if v, ok := f["NewerNoncurrentVersions"]; ok {
		if t.Newer, err = positive("NewerNoncurrentVersions", v, "'NewerNoncurrentVersions' for NoncurrentVersionTransition action must be a positive integer"); err != nil {
			return t, err
		}
	}
	t.StorageClass = f["StorageClass"]
	return t, nil
}
