package policy

import (
	"fmt"
	"strings"
)

// ArnEquals, ArnLike, ArnNotEquals and ArnNotLike match an ARN "case
// sensitively. Each of the six colon-delimited components of the ARN is
// checked separately and each can include multi-character match wildcards
// (*) or single-character match wildcards (?)". The equal and like forms
// behave identically. The sixth component, the resource, is the rest of
// the ARN and may itself hold colons, which its wildcards cross; the first
// five never let a wildcard run past their colon. A policy value without
// six components makes the condition unevaluable; a request value without
// them matches nothing.

// condArnParts is the number of colon-delimited components of an ARN:
// arn:partition:service:region:account-id:resource.
const condArnParts = 6

func compileArnLike(want []string) (condMatcher, error) {
	patterns := make([][]string, len(want))
	for i, w := range want {
		p := strings.SplitN(w, ":", condArnParts)
		if len(p) != condArnParts {
			return nil, fmt.Errorf("value %q is not an ARN", w)
		}
		patterns[i] = p
	}
	return func(v string) bool {
		parts := strings.SplitN(v, ":", condArnParts)
		if len(parts) != condArnParts {
			return false
		}
		for _, p := range patterns {
			if arnLikeMatch(p, parts) {
				return true
			}
		}
		return false
	}, nil
}

func arnLikeMatch(pattern, parts []string) bool {
	for i := range condArnParts {
		if !likeMatch(pattern[i], parts[i]) {
			return false
		}
	}
	return true
}
