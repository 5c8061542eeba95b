package cors

import (
	"errors"
	"fmt"
	"strings"
)

// Limits of a CORS configuration, as S3 documents them.
const (
	// MaxRules is the most rules a configuration may hold.
	MaxRules = 100
	// MaxIDLength is the longest rule ID, in bytes.
	MaxIDLength = 255
	// MaxConfigSize is the largest configuration document, in bytes.
	MaxConfigSize = 64 << 10
)

// Rule is one CORSRule. Its slices keep the order the client sent: S3
// renders them back, and the allowed methods appear in that order in
// Access-Control-Allow-Methods.
type Rule struct {
	ID             string
	AllowedOrigins []string
	AllowedMethods []string
	AllowedHeaders []string
	ExposeHeaders  []string
	// MaxAgeSeconds is how long a browser may cache a preflight answer;
	// nil when the rule names none.
	MaxAgeSeconds *int32
}

// Config is a bucket's CORS configuration: rules tried in order.
type Config struct {
	Rules []Rule
}

// ErrMalformed reports a configuration whose structure S3 rejects as
// MalformedXML: no rule, too many rules, a rule without an origin or a
// method, an ID that is too long.
var ErrMalformed = errors.New("cors: malformed configuration")

// RuleError reports a value of a well-formed rule that S3 rejects with
// InvalidRequest. Message is S3's text for it, safe to show the client.
type RuleError struct {
	Message string
}

func (e *RuleError) Error() string { return "cors: " + e.Message }

// Validate checks c against S3's rules. Structural problems
// (ErrMalformed) are reported before invalid values (*RuleError), and
// within a rule the methods are checked first, then the origins, the
// allowed headers and the exposed headers, which is the order in which S3
// reports them.
func (c *Config) Validate() error {
	if len(c.Rules) == 0 {
		return fmt.Errorf("%w: no CORSRule", ErrMalformed)
	}
	if len(c.Rules) > MaxRules {
		return fmt.Errorf("%w: %d rules, limit %d", ErrMalformed, len(c.Rules), MaxRules)
	}
	for i, r := range c.Rules {
		switch {
		case len(r.AllowedOrigins) == 0:
			return fmt.Errorf("%w: rule %d has no AllowedOrigin", ErrMalformed, i+1)
		case len(r.AllowedMethods) == 0:
			return fmt.Errorf("%w: rule %d has no AllowedMethod", ErrMalformed, i+1)
		case len(r.ID) > MaxIDLength:
			return fmt.Errorf("%w: rule %d ID of %d bytes", ErrMalformed, i+1, len(r.ID))
		case r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0:
			return fmt.Errorf("%w: rule %d MaxAgeSeconds %d", ErrMalformed, i+1, *r.MaxAgeSeconds)
		}
	}
	for _, r := range c.Rules {
		if err := r.validateValues(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Rule) validateValues() error {
	for _, m := range r.AllowedMethods {
		if !ValidMethod(m) {
			return &RuleError{"Found unsupported HTTP method in CORS config. Unsupported method is " + m}
		}
	}
	for _, o := range r.AllowedOrigins {
		if strings.Count(o, "*") > 1 {
			return &RuleError{fmt.Sprintf("AllowedOrigin %q can not have more than one wildcard.", o)}
		}
	}
	for _, h := range r.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return &RuleError{fmt.Sprintf("AllowedHeader %q can not have more than one wildcard.", h)}
		}
	}
	for _, h := range r.ExposeHeaders {
		if strings.Contains(h, "*") {
			return &RuleError{fmt.Sprintf("ExposeHeader %q contains wildcard. We currently do not support wildcard for ExposeHeader.", h)}
		}
	}
	return nil
}

// ValidMethod reports whether m is a method a CORS rule may allow and a
// preflight may ask about: GET, PUT, POST, DELETE or HEAD, in upper case.
func ValidMethod(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "HEAD":
		return true
	}
	return false
}

// Clone returns a deep copy of c.
func (c *Config) Clone() Config {
	out := Config{Rules: make([]Rule, len(c.Rules))}
	for i, r := range c.Rules {
		out.Rules[i] = Rule{
			ID:             r.ID,
			AllowedOrigins: append([]string(nil), r.AllowedOrigins...),
			AllowedMethods: append([]string(nil), r.AllowedMethods...),
			AllowedHeaders: append([]string(nil), r.AllowedHeaders...),
			ExposeHeaders:  append([]string(nil), r.ExposeHeaders...),
		}
		if r.MaxAgeSeconds != nil {
			v := *r.MaxAgeSeconds
			out.Rules[i].MaxAgeSeconds = &v
		}
	}
	return out
}
