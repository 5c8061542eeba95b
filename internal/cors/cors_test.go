package cors

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func i32(v int32) *int32 { return &v }

func minimal() Rule {
	return Rule{AllowedOrigins: []string{"https://example.com"}, AllowedMethods: []string{"GET"}}
}

func TestValidate(t *testing.T) {
	with := func(f func(*Rule)) Config {
		r := minimal()
		f(&r)
		return Config{Rules: []Rule{r}}
	}
	many := Config{}
	for range MaxRules + 1 {
		many.Rules = append(many.Rules, minimal())
	}
	tests := []struct {
		name string
		cfg  Config
		// malformed wants ErrMalformed; msg wants a *RuleError with it.
		malformed bool
		msg       string
	}{
		{name: "minimal", cfg: Config{Rules: []Rule{minimal()}}},
		{name: "100 rules", cfg: Config{Rules: many.Rules[:MaxRules]}},
		{name: "one wildcard each", cfg: with(func(r *Rule) {
			r.AllowedOrigins = []string{"*", "https://*.example.com", "https://example.com:*"}
			r.AllowedHeaders = []string{"*", "x-amz-*", "x-*-id"}
		})},
		{name: "ID of 255", cfg: with(func(r *Rule) { r.ID = strings.Repeat("a", 255) })},
		{name: "MaxAgeSeconds 0", cfg: with(func(r *Rule) { r.MaxAgeSeconds = i32(0) })},
		{name: "no rule", cfg: Config{}, malformed: true},
		{name: "101 rules", cfg: many, malformed: true},
		{name: "no origin", cfg: with(func(r *Rule) { r.AllowedOrigins = nil }), malformed: true},
		{name: "no method", cfg: with(func(r *Rule) { r.AllowedMethods = nil }), malformed: true},
		{name: "ID of 256", cfg: with(func(r *Rule) { r.ID = strings.Repeat("a", 256) }), malformed: true},
		{name: "negative max age", cfg: with(func(r *Rule) { r.MaxAgeSeconds = i32(-1) }), malformed: true},
		{name: "PATCH", cfg: with(func(r *Rule) { r.AllowedMethods = []string{"GET", "PATCH"} }),
			msg: "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
		{name: "lower-case get", cfg: with(func(r *Rule) { r.AllowedMethods = []string{"get"} }),
			msg: "Found unsupported HTTP method in CORS config. Unsupported method is get"},
		{name: "two origin wildcards", cfg: with(func(r *Rule) { r.AllowedOrigins = []string{"https://*.example.*"} }),
			msg: `AllowedOrigin "https://*.example.*" can not have more than one wildcard.`},
		{name: "two header wildcards", cfg: with(func(r *Rule) { r.AllowedHeaders = []string{"x-*-meta-*"} }),
			msg: `AllowedHeader "x-*-meta-*" can not have more than one wildcard.`},
		{name: "expose wildcard", cfg: with(func(r *Rule) { r.ExposeHeaders = []string{"ETag", "x-amz-*"} }),
			msg: `ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.`},
		{name: "method before origin", cfg: with(func(r *Rule) {
			r.AllowedOrigins = []string{"*.*"}
			r.AllowedMethods = []string{"PATCH"}
		}), msg: "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
		{name: "structure before values", cfg: Config{Rules: []Rule{
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}},
			{AllowedOrigins: []string{"*"}},
		}}, malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			var re *RuleError
			switch {
			case tt.malformed:
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Validate() = %v, want ErrMalformed", err)
				}
			case tt.msg != "":
				if !errors.As(err, &re) || re.Message != tt.msg {
					t.Fatalf("Validate() = %v, want RuleError %q", err, tt.msg)
				}
			case err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "https://example.com", true},
		{"*", "null", true},
		{"https://example.com", "https://example.com", true},
		{"https://example.com", "http://example.com", false},
		{"https://example.com", "https://example.com/", false},
		{"https://example.com", "https://EXAMPLE.com", false},
		{"https://*.example.com", "https://www.example.com", true},
		{"https://*.example.com", "https://a.b.example.com", true},
		{"https://*.example.com", "https://.example.com", true},
		{"https://*.example.com", "https://WWW.example.com", true},
		{"https://*.example.com", "https://example.com", false},
		{"https://*.example.com", "https://www.example.com:8443", false},
		{"https://example.com:*", "https://example.com:8443", true},
		{"https://example.com:*", "https://example.com", false},
		{"http*://example.com", "https://example.com", true},
		{"https://a*a", "https://aa", true},
		{"https://a*a", "https://a", false},
		{"ab*ba", "aba", false},
		{"prefix*", "prefix", true},
		{"prefix*", "bla.prefix", false},
		{"", "", true},
		{"", "https://example.com", false},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	site := Rule{
		ID:             "site",
		AllowedOrigins: []string{"https://example.com", "https://*.example.com"},
		AllowedMethods: []string{"GET", "PUT", "DELETE"},
		AllowedHeaders: []string{"Content-Type", "x-amz-*"},
		ExposeHeaders:  []string{"ETag", "x-amz-request-id"},
		MaxAgeSeconds:  i32(3000),
	}
	public := Rule{ID: "public", AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}}
	cfg := Config{Rules: []Rule{site, public}}
	tests := []struct {
		name           string
		origin, method string
		headers        []string
		want           [][2]string // nil: no rule matches
	}{
		{name: "exact origin", origin: "https://example.com", method: "PUT", want: [][2]string{
			{"Access-Control-Allow-Origin", "https://example.com"},
			{"Access-Control-Allow-Methods", "GET, PUT, DELETE"},
			{"Access-Control-Expose-Headers", "ETag, x-amz-request-id"},
			{"Access-Control-Max-Age", "3000"},
			{"Access-Control-Allow-Credentials", "true"},
			{"Vary", Vary},
		}},
		{name: "requested headers", origin: "https://app.example.com", method: "PUT",
			headers: ParseRequestHeaders("Content-Type,X-Amz-Date ,  x-amz-meta-Name"), want: [][2]string{
				{"Access-Control-Allow-Origin", "https://app.example.com"},
				{"Access-Control-Allow-Methods", "GET, PUT, DELETE"},
				{"Access-Control-Allow-Headers", "content-type, x-amz-date, x-amz-meta-name"},
				{"Access-Control-Expose-Headers", "ETag, x-amz-request-id"},
				{"Access-Control-Max-Age", "3000"},
				{"Access-Control-Allow-Credentials", "true"},
				{"Vary", Vary},
			}},
		{name: "only the literal * allows", origin: "https://example.org", method: "GET", want: [][2]string{
			{"Access-Control-Allow-Origin", "*"},
			{"Access-Control-Allow-Methods", "GET, HEAD"},
			{"Vary", Vary},
		}},
		{name: "method only the second rule allows", origin: "https://example.com", method: "HEAD", want: [][2]string{
			{"Access-Control-Allow-Origin", "*"},
			{"Access-Control-Allow-Methods", "GET, HEAD"},
			{"Vary", Vary},
		}},
		{name: "origin in another case", origin: "https://EXAMPLE.com", method: "PUT"},
		{name: "method no rule allows", origin: "https://example.com", method: "POST"},
		{name: "header no rule allows", origin: "https://example.com", method: "PUT",
			headers: []string{"content-type", "authorization"}},
		{name: "header for a rule without AllowedHeader", origin: "https://example.org", method: "GET",
			headers: []string{"content-type"}},
		{name: "empty origin", origin: "", method: "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := cfg.Find(tt.origin, tt.method, tt.headers)
			if !ok {
				if tt.want != nil {
					t.Fatalf("Find(%q, %q, %q) found no rule", tt.origin, tt.method, tt.headers)
				}
				return
			}
			if tt.want == nil {
				t.Fatalf("Find(%q, %q, %q) = rule %q, want none", tt.origin, tt.method, tt.headers, m.Rule.ID)
			}
			if diff := cmp.Diff(tt.want, m.Headers()); diff != "" {
				t.Errorf("Headers() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindLiteralStarWins(t *testing.T) {
	// A rule naming both the origin and "*" answers "*" without
	// credentials, whichever comes first.
	cfg := Config{Rules: []Rule{{AllowedOrigins: []string{"https://example.com", "*"}, AllowedMethods: []string{"GET"}}}}
	m, ok := cfg.Find("https://example.com", "GET", nil)
	if !ok || m.AllowOrigin != "*" || m.Credentials() {
		t.Fatalf("Find = %+v, %v; want AllowOrigin * without credentials", m, ok)
	}
}

func TestClone(t *testing.T) {
	c := Config{Rules: []Rule{{ID: "a", AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, MaxAgeSeconds: i32(5)}}}
	d := c.Clone()
	d.Rules[0].AllowedOrigins[0] = "x"
	*d.Rules[0].MaxAgeSeconds = 6
	if c.Rules[0].AllowedOrigins[0] != "*" || *c.Rules[0].MaxAgeSeconds != 5 {
		t.Fatalf("Clone shares memory with the original: %+v", c.Rules[0])
	}
}
