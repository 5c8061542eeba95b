package policy

import "strings"

// pelem is one element of a wildcard pattern: a literal rune, or '*' (any
// run of characters, '/' and ':' included) or '?' (any one character).
type pelem struct {
	r    rune
	wild byte // 0 for a literal, '*' or '?'
}

// compileGlob turns text into a pattern where '*' and '?' are wildcards.
// With fold, letters are lowered so that matching ignores case.
func compileGlob(text string, fold bool) []pelem {
	if fold {
		text = strings.ToLower(text)
	}
	out := make([]pelem, 0, len(text))
	for _, r := range text {
		switch r {
		case '*', '?':
			out = append(out, pelem{wild: byte(r)})
		default:
			out = append(out, pelem{r: r})
		}
	}
	return out
}

// literal appends text to a pattern as literal runes: the value of a
// policy variable, or ${*}, ${?} and ${$}, never act as wildcards.
func literal(pat []pelem, text string) []pelem {
	for _, r := range text {
		pat = append(pat, pelem{r: r})
	}
	return pat
}

// globMatch reports whether s matches pat as a whole. It backtracks only
// to the last '*', so it runs in O(len(pat)·len(s)) at worst.
func globMatch(pat []pelem, s string) bool {
	rs := []rune(s)
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(rs) {
		switch {
		case p < len(pat) && pat[p].wild == '*':
			star, mark = p, i
			p++
		case p < len(pat) && (pat[p].wild == '?' || pat[p].wild == 0 && pat[p].r == rs[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p].wild == '*' {
		p++
	}
	return p == len(pat)
}

// matchAction reports whether action (as "service:Name") matches
// pattern. Action names are case-insensitive: "s3:getobject" is
// "s3:GetObject".
func matchAction(pattern, action string) bool {
	return globMatch(compileGlob(pattern, true), strings.ToLower(action))
}

// matchesAction applies Action or NotAction.
func (s *Statement) matchesAction(action string) bool {
	hit := false
	for _, a := range s.Action {
		if matchAction(a, action) {
			hit = true
			break
		}
	}
	return hit != s.NotAction
}

// matchesResource applies Resource or NotResource. Resource ARNs are
// case-sensitive. A statement without either (a trust policy's) applies
// to the resource it is attached to. With substitute, ${...} are policy
// variables read from ctx; an entry whose variable has no value matches
// nothing (AWS: such a value "is effectively null"), so in NotResource it
// excludes nothing.
func (s *Statement) matchesResource(resource string, substitute bool, ctx Context) bool {
	if s.Resource == nil {
		return true
	}
	hit := false
	for _, r := range s.Resource {
		pat, ok := resourcePattern(r, substitute, ctx)
		if ok && globMatch(pat, resource) {
			hit = true
			break
		}
	}
	return hit != s.NotResource
}

// resourcePattern compiles a Resource entry, substituting variables.
func resourcePattern(r string, substitute bool, ctx Context) ([]pelem, bool) {
	if !substitute || !strings.Contains(r, "${") {
		return compileGlob(r, false), true
	}
	var pat []pelem
	for _, piece := range splitVariables(r) {
		if !piece.variable {
			pat = append(pat, compileGlob(piece.text, false)...)
			continue
		}
		v, ok := resolve(piece, ctx)
		if !ok {
			return nil, false
		}
		pat = literal(pat, v)
	}
	return pat, true
}

// MatchesAction reports whether the statement's Action or NotAction
// covers action (case-insensitive, with wildcards). The policy simulator
// uses it to find the statements, and so the condition keys, that bear on
// an action.
func (s *Statement) MatchesAction(action string) bool { return s.matchesAction(action) }
