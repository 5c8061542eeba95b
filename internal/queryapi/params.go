package queryapi

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBody is the largest form body Parse reads. The largest IAM parameter,
// a policy document, is at most 131,072 characters, URL-encoded up to three
// bytes each.
const MaxBody = 1 << 20

// maxMembers bounds member.N indexes so a hostile "x.member.999999999"
// cannot make List allocate a huge slice.
const maxMembers = 1000

// Params are the decoded parameters of one query-protocol request.
type Params struct {
	v url.Values
}

// NewParams returns Params over v, for tests and for callers that already
// decoded a request.
func NewParams(v url.Values) Params { return Params{v: v} }

// Parse decodes r's parameters: the form body of a POST (which must be
// application/x-www-form-urlencoded) or the query of a GET. A POST's query
// string is ignored except for presigned-URL parameters, as in AWS, where
// the body carries the call. Parse reads r.Body (at most MaxBody bytes).
func Parse(r *http.Request) (Params, error) {
	switch r.Method {
	case http.MethodGet:
		return parseQuery(r.URL.RawQuery)
	case http.MethodPost:
	default:
		return Params{}, &Error{Status: http.StatusMethodNotAllowed, Code: "InvalidAction",
			Message: fmt.Sprintf("Method %s is not supported; use POST or GET", r.Method)}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return Params{}, &Error{Status: http.StatusBadRequest, Code: "InvalidParameterValue",
				Message: "Content-Type must be application/x-www-form-urlencoded"}
		}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return Params{}, err
	}
	if len(b) > MaxBody {
		return Params{}, &Error{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge",
			Message: fmt.Sprintf("Request body must be at most %d bytes", MaxBody)}
	}
	p, err := parseQuery(string(b))
	if err != nil {
		return Params{}, err
	}
	// Presigned POSTs may put Action and Version in the query; the body
	// wins where both are present.
	if r.URL.RawQuery != "" {
		if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
			for _, name := range [...]string{"Action", "Version"} {
				if _, ok := p.v[name]; !ok && q.Has(name) {
					p.v[name] = q[name]
				}
			}
		}
	}
	return p, nil
}

// parseQuery decodes an URL-encoded parameter string.
func parseQuery(s string) (Params, error) {
	v, err := url.ParseQuery(s)
	if err != nil {
		return Params{}, &Error{Status: http.StatusNotFound, Code: "MalformedQueryString",
			Message: "The query string is malformed"}
	}
	return Params{v: v}, nil
}

// Has reports whether the parameter is present (possibly empty).
func (p Params) Has(name string) bool { return p.v.Has(name) }

// Get returns the parameter's first value and whether it is present.
func (p Params) Get(name string) (string, bool) {
	vs, ok := p.v[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// String is one string parameter's constraints, as botocore's models
// state them: min and max length in characters and an optional pattern
// that must match the whole value.
type String struct {
	Name     string // the wire name, for example "UserName"
	Field    string // the name in ValidationError texts, for example "userName"
	Required bool
	Min, Max int // length bounds in characters; Max 0 means unbounded
	Pattern  *regexp.Regexp
	Enum     []string // allowed values, when not empty
}

// String returns the validated value of s ("" and false when absent and
// optional). An absent required parameter answers MissingParameter; a
// value outside the constraints answers ValidationError.
func (p Params) String(s String) (string, bool, error) {
	val, ok := p.Get(s.Name)
	if !ok {
		if s.Required {
			return "", false, MissingParameter(s.Name)
		}
		return "", false, nil
	}
	return val, true, s.Check(val)
}

// Check validates val against s.
func (s String) Check(val string) error {
	n := utf8.RuneCountInString(val)
	switch {
	case n < s.Min:
		return Validation(val, s.Field, fmt.Sprintf("Member must have length greater than or equal to %d", s.Min))
	case s.Max > 0 && n > s.Max:
		return Validation(val, s.Field, fmt.Sprintf("Member must have length less than or equal to %d", s.Max))
	case s.Pattern != nil && !fullMatch(s.Pattern, val):
		return Validation(val, s.Field, "Member must satisfy regular expression pattern: "+s.Pattern.String())
	case len(s.Enum) > 0 && !contains(s.Enum, val):
		return Validation(val, s.Field, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
	}
	return nil
}

// fullMatch reports whether re matches all of val (botocore's patterns are
// unanchored, AWS applies them to the whole value).
func fullMatch(re *regexp.Regexp, val string) bool {
	loc := re.FindStringIndex(val)
	return loc != nil && loc[0] == 0 && loc[1] == len(val)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Int returns an integer parameter within [min, max]; absent is (0, false).
func (p Params) Int(name, field string, min, max int64) (int64, bool, error) {
	val, ok := p.Get(name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(val, 10, 64)
	if err != nil {
		return 0, false, InvalidParameterValue(fmt.Sprintf("Value (%s) for parameter %s is invalid. Expected an integer", val, name))
	}
	if n < min {
		return 0, false, Validation(val, field, fmt.Sprintf("Member must have value greater than or equal to %d", min))
	}
	if n > max {
		return 0, false, Validation(val, field, fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
	return n, true, nil
}

// List returns the values of a list parameter sent as name.member.1,
// name.member.2, … in index order. Indexes start at 1 and must be
// contiguous, as the SDKs send them; a gap or a bad index answers
// InvalidParameterValue. An absent list is nil.
func (p Params) List(name string) ([]string, error) {
	prefix := name + ".member."
	var out []string
	for k, vs := range p.v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		i, err := memberIndex(rest, name)
		if err != nil {
			return nil, err
		}
		out = grow(out, i)
		out[i-1] = vs[0]
	}
	if err := contiguous(len(out), func(i int) bool { return p.v.Has(prefix + strconv.Itoa(i+1)) }, name); err != nil {
		return nil, err
	}
	return out, nil
}

// Tag is one Key/Value pair of a map parameter.
type Tag struct {
	Key, Value string
}

// Tags returns a Key/Value list sent as name.member.N.Key and
// name.member.N.Value (IAM's and STS's Tags), in index order. Every member
// needs a Key; a missing Value is the empty string.
func (p Params) Tags(name string) ([]Tag, error) {
	prefix := name + ".member."
	var out []Tag
	seen := map[int]bool{}
	for k, vs := range p.v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, ".")
		if !ok || (field != "Key" && field != "Value") {
			return nil, InvalidParameterValue(fmt.Sprintf("Unknown parameter %s", k))
		}
		i, err := memberIndex(idx, name)
		if err != nil {
			return nil, err
		}
		out = grow(out, i)
		if field == "Key" {
			out[i-1].Key = vs[0]
			seen[i] = true
		} else {
			out[i-1].Value = vs[0]
		}
	}
	if err := contiguous(len(out), func(i int) bool { return seen[i+1] }, name); err != nil {
		return nil, err
	}
	return out, nil
}

// memberIndex parses a 1-based member index.
func memberIndex(s, name string) (int, error) {
	i, err := strconv.Atoi(s)
	if err != nil || i < 1 || i > maxMembers || s[0] == '0' || s[0] == '+' {
		return 0, InvalidParameterValue(fmt.Sprintf("Invalid member index %q in %s", s, name))
	}
	return i, nil
}

// grow extends s so that index i (1-based) exists.
func grow[T any](s []T, i int) []T {
	for len(s) < i {
		var zero T
		s = append(s, zero)
	}
	return s
}

// contiguous fails unless has(i) holds for every i in [0, n).
func contiguous(n int, has func(int) bool, name string) error {
	for i := range n {
		if !has(i) {
			return InvalidParameterValue(fmt.Sprintf("Missing %s.member.%d", name, i+1))
		}
	}
	return nil
}
