package s3api

import "net/http"

// headerSet writes response headers whose names are already in canonical
// form, taking every value slice from one backing array. http.Header.Set
// canonicalizes the name and allocates a one-element slice per header; a
// GET of a small object sets about a dozen, so on that path the
// difference is a measurable share of the request's allocations.
type headerSet struct {
	h    http.Header
	vals []string
}

// newHeaderSet returns a headerSet for h with room for n values before
// it allocates again.
func newHeaderSet(h http.Header, n int) headerSet {
	return headerSet{h: h, vals: make([]string, 0, n)}
}

// set replaces the values of name, which must be canonical (as
// http.CanonicalHeaderKey returns it), with v. Each value slice is capped
// at its one element, so a later Add on it copies rather than overwrites
// the next header's value.
func (s *headerSet) set(name, v string) {
	s.vals = append(s.vals, v)
	n := len(s.vals)
	s.h[name] = s.vals[n-1 : n : n]
}
