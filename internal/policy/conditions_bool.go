package policy

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Bool compares a request value with "true" or "false", ignoring case (a
// policy may write the JSON literal true, which arrives as its text "true").
// A policy value that is neither makes the condition unevaluable; a request
// value that is neither matches nothing.
func compileBool(want []string) (condMatcher, error) {
	for _, w := range want {
		if !isCondBoolText(w) {
			return nil, fmt.Errorf("value %q is neither true nor false", w)
		}
	}
	return func(v string) bool {
		if !isCondBoolText(v) {
			return false
		}
		for _, w := range want {
			if strings.EqualFold(v, w) {
				return true
			}
		}
		return false
	}, nil
}

func isCondBoolText(s string) bool {
	return strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
}

// compileBinaryEquals compares the request value, which holds the raw
// bytes of a binary context key, "byte for byte against a base-64 encoded
// representation of the binary value in the policy". A policy value that
// is not base64 (standard alphabet, padded or not) makes the condition
// unevaluable.
func compileBinaryEquals(want []string) (condMatcher, error) {
	raw := make([]string, len(want))
	for i, w := range want {
		b, err := base64.StdEncoding.DecodeString(w)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(w)
		}
		if err != nil {
			return nil, fmt.Errorf("value %q is not base64", w)
		}
		raw[i] = string(b)
	}
	return func(v string) bool {
		for _, r := range raw {
			if v == r {
				return true
			}
		}
		return false
	}, nil
}
