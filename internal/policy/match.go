package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
	return appendGlob(make([]pelem, 0, len(text)), text)
}

// appendGlob appends text to a pattern, '*' and '?' as wildcards.
func appendGlob(pat []pelem, text string) []pelem {
	for _, r := range text {
		switch r {
		case '*', '?':
			pat = append(pat, pelem{wild: byte(r)})
		default:
			pat = append(pat, pelem{r: r})
		}
	}
	return pat
}

// literal appends text to a pattern as literal runes: the value of a
// policy variable, or ${*}, ${?} and ${$}, never act as wildcards.
func literal(pat []pelem, text string) []pelem {
	for _, r := range text {
		pat = append(pat, pelem{r: r})
	}
	return pat
}

// patMatch reports whether s matches pat as a whole. It backtracks only
// to the last '*', so it runs in O(len(pat)·len(s)) at worst.
func patMatch(pat []pelem, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0 // the last '*', and where its run ends in s
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case p < len(pat) && pat[p].wild == '*':
			star, mark = p, i
			p++
		case p < len(pat) && (pat[p].wild == '?' || pat[p].wild == 0 && pat[p].r == r):
			p++
			i += n
		case star >= 0:
			_, m := utf8.DecodeRuneInString(s[mark:])
			mark += m
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p].wild == '*' {
		p++
	}
	return p == len(pat)
}

// globMatch reports whether s matches pattern as a whole, where '*' in
// pattern matches any run of characters ('/' and ':' included) and '?'
// any one character. With fold, letters match whatever their case, as if
// both sides were lowered with strings.ToLower. It is patMatch(
// compileGlob(pattern, fold), s) without building the pattern: it runs
// on every statement of every request, so it allocates nothing. It
// backtracks only to the last '*', so it runs in O(len(pattern)·len(s))
// at worst.
func globMatch(pattern, s string, fold bool) bool {
	p, i := 0, 0
	star, mark := -1, 0 // just after the last '*', and where its run ends in s
	for i < len(s) {
		if p < len(pattern) {
			pr, pn := utf8.DecodeRuneInString(pattern[p:])
			if pr == '*' {
				p += pn
				star, mark = p, i
				continue
			}
			sr, sn := utf8.DecodeRuneInString(s[i:])
			if pr == '?' || pr == sr || fold && unicode.ToLower(pr) == unicode.ToLower(sr) {
				p, i = p+pn, i+sn
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last '*' take one more character and retry from there.
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		p, i = star, mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchAction reports whether action (as "service:Name") matches
// pattern. Action names are case-insensitive: "s3:getobject" is
// "s3:GetObject".
func matchAction(pattern, action string) bool {
	return globMatch(pattern, action, true)
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
		if !substitute || !strings.Contains(r, "${") {
			hit = globMatch(r, resource, false)
		} else {
			pat, ok := resourcePattern(r, ctx)
			hit = ok && patMatch(pat, resource)
		}
		if hit {
			break
		}
	}
	return hit != s.NotResource
}

// resourcePattern compiles a Resource entry holding policy variables,
// substituting them.
func resourcePattern(r string, ctx Context) ([]pelem, bool) {
	pat := make([]pelem, 0, len(r)+32)
	for {
		i := strings.Index(r, "${")
		if i < 0 {
			return appendGlob(pat, r), true
		}
		pat = appendGlob(pat, r[:i])
		inner := r[i+2:]
		j := closingBrace(inner)
		if j < 0 {
			// An unterminated variable has no value.
			return nil, false
		}
		v, ok := resolve(piece{text: inner[:j], variable: true}, ctx)
		if !ok {
			return nil, false
		}
		pat = literal(pat, v)
		r = inner[j+1:]
	}
}

// MatchesAction reports whether the statement's Action or NotAction
// covers action (case-insensitive, with wildcards). The policy simulator
// uses it to find the statements, and so the condition keys, that bear on
// an action.
func (s *Statement) MatchesAction(action string) bool { return s.matchesAction(action) }
