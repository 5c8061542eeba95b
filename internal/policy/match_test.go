package policy

import (
	"strings"
	"testing"
)

func TestMatchAction(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:GetObject", "s3:GetObject", true},
		// "IAM JSON policy elements: Action": action names are not
		// case sensitive.
		{"s3:getobject", "s3:GetObject", true},
		{"S3:GETOBJECT", "s3:GetObject", true},
		{"s3:Get*", "s3:GetObjectVersion", true},
		{"s3:*Object", "s3:PutObject", true},
		{"s3:*Object", "s3:PutObjectAcl", false},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:Get0bjectX", false},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"iam:*", "s3:GetObject", false},
		{"s3*", "s3:GetObject", true}, // only reachable for NotAction/hand-built statements
	}
	for _, tt := range tests {
		if got := matchAction(tt.pattern, tt.action); got != tt.want {
			t.Errorf("matchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestMatchResource(t *testing.T) {
	tests := []struct {
		pattern, resource string
		want              bool
	}{
		{"*", "arn:aws:s3:::b/k", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/k", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/", true},
		// Wildcards span '/' and ':' in the resource part.
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c:d", true},
		{"arn:aws:s3:::b/*/x", "arn:aws:s3:::b/a/b/x", true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/é", true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/ab", false},
		// ARNs are case sensitive.
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false},
		{"arn:aws:s3:::b/K", "arn:aws:s3:::b/k", false},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/r", true},
		{"arn:aws:s3:::b*", "arn:aws:s3:::bucket2/k", true},
		{"arn:aws:s3:::b/**", "arn:aws:s3:::b/x", true},
		{"arn:aws:s3:::b/*a*a*a*a*a*b", "arn:aws:s3:::b/" + strings.Repeat("a", 200), false},
	}
	for _, tt := range tests {
		s := Statement{Resource: []string{tt.pattern}}
		if got := s.matchesResource(tt.resource, true, Keys{}); got != tt.want {
			t.Errorf("match %q against %q = %v, want %v", tt.resource, tt.pattern, got, tt.want)
		}
		s.NotResource = true
		if got := s.matchesResource(tt.resource, true, Keys{}); got == tt.want {
			t.Errorf("NotResource %q against %q = %v, want %v", tt.resource, tt.pattern, got, !tt.want)
		}
	}
}

func TestVariables(t *testing.T) {
	ctx := Keys{}
	ctx.Set("aws:username", "Bob")
	ctx.Set("aws:PrincipalTag/team", "blue")
	ctx.Set("s3:prefix", "home/Bob/")
	ctx.Set("aws:TagKeys", "a", "b") // multivalued
	ctx.Set("aws:userid", "AIDA*")
	tests := []struct {
		name     string
		pattern  string
		resource string
		want     bool
	}{
		// "IAM policy elements: Variables and tags", Using variables
		// in policies: arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*.
		{"username", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/Bob/x", true},
		{"username other user", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/Alice/x", false},
		{"key names ignore case", "arn:aws:s3:::b/${AWS:UserName}/*", "arn:aws:s3:::b/Bob/x", true},
		{"principal tag", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/blue/x", true},
		{"service key", "arn:aws:s3:::b/${s3:prefix}*", "arn:aws:s3:::b/home/Bob/f", true},
		// Specifying default values: ${aws:PrincipalTag/team, 'company-wide'}.
		{"default unused", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}/*", "arn:aws:s3:::b/blue/x", true},
		{"default used", "arn:aws:s3:::b/${aws:PrincipalTag/dept, 'company-wide'}/*", "arn:aws:s3:::b/company-wide/x", true},
		{"default quote escape", "arn:aws:s3:::b/${aws:nope,'it''s'}", "arn:aws:s3:::b/it's", true},
		{"default with brace", "arn:aws:s3:::b/${aws:nope, 'a}b'}", "arn:aws:s3:::b/a}b", true},
		// Special characters: ${*}, ${?}, ${$} are the literal characters.
		{"literal star", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", true},
		{"literal star is no wildcard", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", false},
		{"literal question", "arn:aws:s3:::b/${?}", "arn:aws:s3:::b/?", true},
		{"literal dollar", "arn:aws:s3:::b/${$}{x}", "arn:aws:s3:::b/${x}", true},
		// A variable's value is literal text, never a wildcard.
		{"value not wildcard", "arn:aws:s3:::b/${aws:userid}", "arn:aws:s3:::b/AIDAXYZ", false},
		{"value literal star", "arn:aws:s3:::b/${aws:userid}", "arn:aws:s3:::b/AIDA*", true},
		// Policy variables with no value match nothing.
		{"missing key", "arn:aws:s3:::b/${aws:PrincipalTag/dept}/*", "arn:aws:s3:::b//x", false},
		{"multivalued key", "arn:aws:s3:::b/${aws:TagKeys}", "arn:aws:s3:::b/a", false},
		{"unterminated", "arn:aws:s3:::b/${aws:username", "arn:aws:s3:::b/${aws:username", false},
		{"empty name", "arn:aws:s3:::b/${}", "arn:aws:s3:::b/", false},
		{"unquoted default", "arn:aws:s3:::b/${aws:nope, x}", "arn:aws:s3:::b/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Statement{Resource: []string{tt.pattern}}
			if got := s.matchesResource(tt.resource, true, ctx); got != tt.want {
				t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.resource, got, tt.want)
			}
		})
	}
	// Version 2008-10-17 has no variables: the text is literal.
	s := Statement{Resource: []string{"arn:aws:s3:::b/${aws:username}"}}
	if !s.matchesResource("arn:aws:s3:::b/${aws:username}", false, ctx) || s.matchesResource("arn:aws:s3:::b/Bob", false, ctx) {
		t.Error("without substitution ${aws:username} must be literal text")
	}
	// An entry whose variable has no value excludes nothing from
	// NotResource.
	s = Statement{Resource: []string{"arn:aws:s3:::b/${aws:nope}"}, NotResource: true}
	if !s.matchesResource("arn:aws:s3:::b/", true, ctx) {
		t.Error("NotResource with an unresolved variable should exclude nothing")
	}
}

func TestSubstituteText(t *testing.T) {
	ctx := Keys{}
	ctx.Set("aws:username", "Bob")
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"home/${aws:username}/*", "home/Bob/*", true},
		{"${aws:username}${aws:username}", "BobBob", true},
		{"no variables", "no variables", true},
		{"${aws:nope}", "", false},
		{"${aws:nope, ''}", "", true},
		{"a${*}b", "a*b", true},
	}
	for _, tt := range tests {
		got, ok := substituteText(tt.in, ctx)
		if got != tt.want || ok != tt.ok {
			t.Errorf("substituteText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzGlobMatch checks globMatch, which matches on the strings as they
// are, against patMatch over the compiled pattern, case-sensitive and
// folded.
func FuzzGlobMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"*", "s3:GetObject"}, {"s3:Get*", "S3:GETOBJECT"}, {"s3:Get?bject", "s3:Get0bject"},
		{"arn:aws:s3:::b/*/x", "arn:aws:s3:::b/a/b/x"}, {"arn:aws:s3:::b/?", "arn:aws:s3:::b/é"},
		{"a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"}, {"**", ""}, {"?", ""}, {"\xff*", "\xfe"}, {"Σ*", "σς"},
		{"K", "\u212a"}, {"*İ", "i̇"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if got, want := globMatch(pattern, s, false), patMatch(compileGlob(pattern, false), s); got != want {
			t.Errorf("globMatch(%q, %q, false) = %v, compiled %v", pattern, s, got, want)
		}
		if got, want := globMatch(pattern, s, true), patMatch(compileGlob(pattern, true), strings.ToLower(s)); got != want {
			t.Errorf("globMatch(%q, %q, true) = %v, compiled %v", pattern, s, got, want)
		}
	})
}
