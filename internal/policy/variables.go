package policy

import (
	"fmt"
	"strings"
)

// piece is a run of policy text: plain text, or one ${...} variable.
type piece struct {
	text     string // plain text, or the variable's inside without ${ }
	variable bool
}

// splitVariables cuts s into plain text and ${...} variables. An
// unterminated "${" is kept as a variable with no closing brace, which
// resolve never resolves.
func splitVariables(s string) []piece {
	var out []piece
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			if s != "" {
				out = append(out, piece{text: s})
			}
			return out
		}
		if i > 0 {
			out = append(out, piece{text: s[:i]})
		}
		rest := s[i+2:]
		j := closingBrace(rest)
		if j < 0 {
			return append(out, piece{text: "\x00" + rest, variable: true})
		}
		out = append(out, piece{text: rest[:j], variable: true})
		s = rest[j+1:]
	}
}

// closingBrace finds the '}' that ends a variable, skipping any inside a
// quoted default value (” is an escaped quote there).
func closingBrace(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			quoted = !quoted
		case '}':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// resolve returns a variable's value: ${*}, ${?} and ${$} are the literal
// characters; ${key} is key's value in ctx, which must have exactly one
// (AWS does not substitute multivalued keys); ${key, 'default'} falls
// back to the quoted default. ok is false when there is no value.
func resolve(p piece, ctx Context) (string, bool) {
	switch p.text {
	case "*", "?", "$":
		return p.text, true
	}
	name, def, hasDefault := strings.Cut(p.text, ",")
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\r\n'\x00") {
		return "", false
	}
	if ctx != nil {
		if vals, ok := ctx.Lookup(name); ok && len(vals) == 1 {
			return vals[0], true
		}
	}
	if !hasDefault {
		return "", false
	}
	return unquote(strings.TrimSpace(def))
}

// unquote reads a default value: text in single quotes, ” standing for
// one quote.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\'' {
			if i+1 >= len(inner) || inner[i+1] != '\'' {
				return "", false
			}
			i++
		}
		b.WriteByte(inner[i])
	}
	return b.String(), true
}

// substituteText replaces the variables in a condition value. ok is
// false when a variable has no value.
func substituteText(s string, ctx Context) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for _, p := range splitVariables(s) {
		if !p.variable {
			b.WriteString(p.text)
			continue
		}
		v, ok := resolve(p, ctx)
		if !ok {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// substitutedCondition compiles a condition that Parse left uncompiled
// (its values hold variables, or it was built by hand) for ctx. With
// substitute, a value's variables are replaced by their values and a
// value whose variable has none is dropped. The wildcard operators
// (StringLike, ArnLike and their negations) keep the substituted text
// literal: ${*} matches only a '*', and a tag value holding '?' matches
// only a '?'.
func substitutedCondition(c *Condition, ctx Context, substitute bool) *compiledCondition {
	if !substitute || !hasVariable(c.Values) {
		return compileCondition(c.Operator, c.Key, c.Values)
	}
	o, err := parseCondOperator(c.Operator)
	if err == nil && o.fam.patterns != nil {
		pats := make([][]pelem, 0, len(c.Values))
		for _, v := range c.Values {
			if p, ok := resourcePattern(v, ctx); ok {
				pats = append(pats, p)
			}
		}
		cc := &compiledCondition{o: o, want: c.Values}
		if cc.m, err = o.fam.patterns(pats); err != nil {
			cc.err = fmt.Errorf("policy: condition %s on %s: %w", c.Operator, c.Key, err)
		}
		return cc
	}
	want := make([]string, 0, len(c.Values))
	for _, v := range c.Values {
		if t, ok := substituteText(v, ctx); ok {
			want = append(want, t)
		}
	}
	return compileCondition(c.Operator, c.Key, want)
}

// stringLikePatterns is StringLike over compiled patterns.
func stringLikePatterns(pats [][]pelem) (condMatcher, error) {
	return func(v string) bool {
		for _, p := range pats {
			if patMatch(p, v) {
				return true
			}
		}
		return false
	}, nil
}

// arnLikePatterns is ArnLike over compiled patterns: each pattern is cut
// at its first five colons, as compileArnLike cuts a plain value.
func arnLikePatterns(pats [][]pelem) (condMatcher, error) {
	split := make([][][]pelem, len(pats))
	for i, p := range pats {
		var parts [][]pelem
		start := 0
		for j, e := range p {
			if len(parts) == condArnParts-1 {
				break
			}
			if e.wild == 0 && e.r == ':' {
				parts = append(parts, p[start:j])
				start = j + 1
			}
		}
		parts = append(parts, p[start:])
		if len(parts) != condArnParts {
			return nil, fmt.Errorf("value %d is not an ARN", i)
		}
		split[i] = parts
	}
	return func(v string) bool {
		parts := strings.SplitN(v, ":", condArnParts)
		if len(parts) != condArnParts {
			return false
		}
	next:
		for _, p := range split {
			for k := range condArnParts {
				if !patMatch(p[k], parts[k]) {
					continue next
				}
			}
			return true
		}
		return false
	}, nil
}
