package cors

import (
	"strconv"
	"strings"
)

// Vary is the Vary header S3 sends with every CORS answer: the answer
// depends on these request headers, so caches must key on them.
const Vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// Match is the rule that allows a request and what the response tells
// the browser.
type Match struct {
	// Rule is the first rule that allows the request.
	Rule *Rule
	// AllowOrigin is "*" when the rule allows every origin with the
	// literal "*", otherwise the request's origin.
	AllowOrigin string
	// AllowHeaders are the requested headers, lower-cased, for a
	// preflight that named some.
	AllowHeaders []string
}

// Credentials reports whether the answer allows credentials: S3 allows
// them unless the rule allows every origin.
func (m *Match) Credentials() bool { return m.AllowOrigin != "*" }

// Headers returns the response headers of the match, in the order S3
// sends them, as name/value pairs.
func (m *Match) Headers() [][2]string {
	h := make([][2]string, 0, 7)
	h = append(h, [2]string{"Access-Control-Allow-Origin", m.AllowOrigin})
	h = append(h, [2]string{"Access-Control-Allow-Methods", strings.Join(m.Rule.AllowedMethods, ", ")})
	if len(m.AllowHeaders) > 0 {
		h = append(h, [2]string{"Access-Control-Allow-Headers", strings.Join(m.AllowHeaders, ", ")})
	}
	if len(m.Rule.ExposeHeaders) > 0 {
		h = append(h, [2]string{"Access-Control-Expose-Headers", strings.Join(m.Rule.ExposeHeaders, ", ")})
	}
	if m.Rule.MaxAgeSeconds != nil {
		h = append(h, [2]string{"Access-Control-Max-Age", strconv.FormatInt(int64(*m.Rule.MaxAgeSeconds), 10)})
	}
	if m.Credentials() {
		h = append(h, [2]string{"Access-Control-Allow-Credentials", "true"})
	}
	return append(h, [2]string{"Vary", Vary})
}

// Find returns the first rule of c that allows origin to use method with
// the request headers headers (lower-cased names, as ParseRequestHeaders
// returns them). An actual request passes nil headers: AllowedHeader
// applies to preflight requests only. ok is false when no rule allows
// the request.
func (c *Config) Find(origin, method string, headers []string) (m Match, ok bool) {
	if origin == "" {
		return Match{}, false
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		if !r.allowsMethod(method) || !r.allowsHeaders(headers) {
			continue
		}
		matched, any := r.allowsOrigin(origin)
		if !matched {
			continue
		}
		m = Match{Rule: r, AllowOrigin: origin, AllowHeaders: headers}
		if any {
			m.AllowOrigin = "*"
		}
		return m, true
	}
	return Match{}, false
}

// allowsOrigin reports whether one of the rule's origins matches origin
// and whether the rule holds the literal "*". Origins compare with case.
func (r *Rule) allowsOrigin(origin string) (matched, any bool) {
	for _, o := range r.AllowedOrigins {
		if o == "*" {
			any = true
		}
		if !matched && wildcardMatch(o, origin) {
			matched = true
		}
	}
	return matched, any
}

func (r *Rule) allowsMethod(method string) bool {
	for _, m := range r.AllowedMethods {
		if m == method {
			return true
		}
	}
	return false
}

// allowsHeaders reports whether every header is allowed by one of the
// rule's AllowedHeader patterns, compared without case.
func (r *Rule) allowsHeaders(headers []string) bool {
	for _, h := range headers {
		ok := false
		for _, p := range r.AllowedHeaders {
			if wildcardMatch(strings.ToLower(p), h) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// wildcardMatch reports whether s matches pattern, in which at most one
// "*" stands for any run of bytes (a pattern with more never validates;
// here each "*" after the first is taken literally).
func wildcardMatch(pattern, s string) bool {
	prefix, suffix, found := strings.Cut(pattern, "*")
	if !found {
		return pattern == s
	}
	return len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
}

// ParseRequestHeaders splits an Access-Control-Request-Headers value into
// lower-cased header names, dropping empty entries.
func ParseRequestHeaders(v string) []string {
	var out []string
	for _, h := range strings.Split(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, strings.ToLower(h))
		}
	}
	return out
}
