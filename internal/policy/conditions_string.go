package policy

import (
	"strings"
	"unicode/utf8"
)

// String condition operators: StringEquals and StringNotEquals compare
// exactly and case-sensitively, the IgnoreCase forms fold case, and
// StringLike / StringNotLike match case-sensitively with the wildcards `*`
// (any run of characters, the empty run included) and `?` (exactly one
// character) anywhere in the policy value.

func compileStringEquals(want []string) (condMatcher, error) {
	return func(v string) bool {
		for _, w := range want {
			if v == w {
				return true
			}
		}
		return false
	}, nil
}

func compileStringEqualsIgnoreCase(want []string) (condMatcher, error) {
	return func(v string) bool {
		for _, w := range want {
			if strings.EqualFold(v, w) {
				return true
			}
		}
		return false
	}, nil
}

func compileStringLike(want []string) (condMatcher, error) {
	return func(v string) bool {
		for _, w := range want {
			if likeMatch(w, v) {
				return true
			}
		}
		return false
	}, nil
}

// likeMatch reports whether s matches pattern, where `*` matches any
// run of characters and `?` exactly one character; every other character
// matches itself, byte for byte. It backtracks only to the last `*`, so
// its cost is at most len(pattern)*len(s) steps whatever the input.
func likeMatch(pattern, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0 // where the last `*` is, and where its match ends
	for si < len(s) {
		if pi < len(pattern) {
			switch pattern[pi] {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			default:
				_, n := utf8.DecodeRuneInString(pattern[pi:])
				if si+n <= len(s) && s[si:si+n] == pattern[pi:pi+n] {
					pi, si = pi+n, si+n
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last `*` take one more character and retry from there.
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		pi, si = starP+1, starS
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
