package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreCompiled compares policies by what they say: a Condition's
// compiled form is derived from its fields.
var ignoreCompiled = cmpopts.IgnoreUnexported(Condition{})

// TestParse_compilesConditions checks that Parse compiles exactly the
// conditions whose values hold no policy variable, and that a compiled
// condition decides as the same condition compiled at evaluation.
func TestParse_compilesConditions(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
		"IpAddress":{"aws:SourceIp":["127.0.0.0/8","::1/128"]},
		"StringLike":{"s3:prefix":["home/${aws:username}/*"]},
		"DateLessThan":{"aws:CurrentTime":"2100-01-01T00:00:00Z"},
		"NumericLessThan":{"s3:max-keys":"not a number"},
		"Null":{"aws:TokenIssueTime":"true"}}}]}`
	p, err := Parse([]byte(doc), UserInline)
	if err != nil {
		t.Fatal(err)
	}
	ctxs := []Keys{{}, {}, {}}
	ctxs[0].Set("aws:SourceIp", "127.0.0.1")
	ctxs[0].Set("aws:CurrentTime", "2026-01-01T00:00:00Z")
	ctxs[0].Set("s3:max-keys", "5")
	ctxs[1].Set("aws:SourceIp", "192.0.2.1")
	ctxs[1].Set("aws:TokenIssueTime", "2026-01-01T00:00:00Z")
	ctxs[2].Set("aws:CurrentTime", "2101-01-01T00:00:00Z")
	for _, c := range p.Statements[0].Condition {
		if got, want := c.compiled != nil, !hasVariable(c.Values); got != want {
			t.Errorf("%s %s: compiled = %v, want %v", c.Operator, c.Key, got, want)
		}
		if c.compiled == nil {
			continue
		}
		for i, ctx := range ctxs {
			gotOK, gotErr := c.compiled.eval(c.Key, ctx)
			wantOK, wantErr := evalCondition(c.Operator, c.Key, c.Values, ctx)
			if gotOK != wantOK || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("%s %s, context %d: compiled = %v, %v; at evaluation = %v, %v", c.Operator, c.Key, i, gotOK, gotErr, wantOK, wantErr)
			}
		}
	}
}
