package policy

import "strings"

// Context holds a request's condition keys and their values, the keys that
// Condition blocks test and that ${...} policy variables read. Condition key
// names are case-insensitive (aws:SourceIp and aws:sourceip are one key);
// their values are compared as each operator says.
type Context interface {
	// Lookup returns the values of key and whether the request has the
	// key at all. A key present with no values is a present, empty set.
	Lookup(key string) (values []string, ok bool)
}

// Keys is a Context held in a map. Build it with Set so that key names are
// folded to lower case once.
type Keys map[string][]string

// Set records key's values, replacing any earlier ones.
func (k Keys) Set(key string, values ...string) {
	k[strings.ToLower(key)] = values
}

// Lookup implements Context.
func (k Keys) Lookup(key string) ([]string, bool) {
	v, ok := k[strings.ToLower(key)]
	return v, ok
}
