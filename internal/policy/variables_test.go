package policy

import "testing"

// TestVariableEscapes: ${*}, ${?} and ${$} are the literal characters, and
// so is every variable's value, in StringLike, ArnLike and Resource
// matching ("IAM policy elements: Variables and tags", Special
// characters); in the policy's own text '*' and '?' stay wildcards.
func TestVariableEscapes(t *testing.T) {
	doc := func(resource, condition string) string {
		c := ""
		if condition != "" {
			c = `,"Condition":{` + condition + `}`
		}
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + resource + `"` + c + `}}`
	}
	const obj = "arn:aws:s3:::b/"
	tests := []struct {
		name     string
		doc      string
		resource string
		keys     map[string]string
		want     bool
	}{
		{"resource star escape matches a star", doc(obj+"a${*}", ""), obj + "a*", nil, true},
		{"resource star escape is no wildcard", doc(obj+"a${*}", ""), obj + "abc", nil, false},
		{"resource question escape is no wildcard", doc(obj+"a${?}", ""), obj + "ab", nil, false},
		{"resource question escape matches a question mark", doc(obj+"a${?}", ""), obj + "a?", nil, true},
		{"resource dollar escape", doc(obj+"${$}{x}", ""), obj + "${x}", nil, true},
		{"resource plain star stays wildcard", doc(obj+"${aws:username}/*", ""), obj + "alice/photo", map[string]string{"aws:username": "alice"}, true},
		{"resource variable value is literal", doc(obj+"${aws:PrincipalTag/dir}", ""), obj + "secret", map[string]string{"aws:PrincipalTag/dir": "*"}, false},

		{"like star escape matches a star", doc("*", `"StringLike":{"s3:prefix":"home${*}"}`), obj, map[string]string{"s3:prefix": "home*"}, true},
		{"like star escape is no wildcard", doc("*", `"StringLike":{"s3:prefix":"home${*}"}`), obj, map[string]string{"s3:prefix": "home/alice"}, false},
		{"like question escape is no wildcard", doc("*", `"StringLike":{"s3:prefix":"a${?}"}`), obj, map[string]string{"s3:prefix": "ab"}, false},
		{"like question escape matches a question mark", doc("*", `"StringLike":{"s3:prefix":"a${?}"}`), obj, map[string]string{"s3:prefix": "a?"}, true},
		{"like dollar escape", doc("*", `"StringLike":{"s3:prefix":"${$}{aws:username}"}`), obj, map[string]string{"s3:prefix": "${aws:username}"}, true},
		{"like plain wildcard with variable", doc("*", `"StringLike":{"s3:prefix":"${aws:username}/*"}`), obj, map[string]string{"s3:prefix": "alice/x", "aws:username": "alice"}, true},
		{"like variable value is literal", doc("*", `"StringLike":{"s3:prefix":"${aws:PrincipalTag/p}"}`), obj, map[string]string{"s3:prefix": "anything", "aws:PrincipalTag/p": "*"}, false},
		{"not like star escape", doc("*", `"StringNotLike":{"s3:prefix":"${*}"}`), obj, map[string]string{"s3:prefix": "x"}, true},
		{"not like star escape matching", doc("*", `"StringNotLike":{"s3:prefix":"${*}"}`), obj, map[string]string{"s3:prefix": "*"}, false},
		{"equals star escape", doc("*", `"StringEquals":{"s3:prefix":"${*}"}`), obj, map[string]string{"s3:prefix": "*"}, true},

		{"arn like star escape is no wildcard", doc("*", `"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b${*}"}`), obj, map[string]string{"aws:SourceArn": "arn:aws:s3:::bucket"}, false},
		{"arn like star escape matches a star", doc("*", `"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b${*}"}`), obj, map[string]string{"aws:SourceArn": "arn:aws:s3:::b*"}, true},
		{"arn like wildcard with variable", doc("*", `"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:user/${aws:username}"}`), obj, map[string]string{"aws:SourceArn": "arn:aws:iam::111122223333:user/alice", "aws:username": "alice"}, true},
		{"arn like wildcard stays in its part", doc("*", `"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:user/${aws:username}"}`), obj, map[string]string{"aws:SourceArn": "arn:aws:iam:x:111122223333:user/alice", "aws:username": "alice"}, false},
		{"arn not like question escape", doc("*", `"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b${?}"}`), obj, map[string]string{"aws:SourceArn": "arn:aws:s3:::bx"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, Managed, tt.doc)
			keys := Keys{}
			for k, v := range tt.keys {
				keys.Set(k, v)
			}
			req := Request{
				Principal: Principal{Type: User, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
				Action:    "s3:GetObject", Resource: tt.resource, Context: keys,
			}
			d := Evaluate(req, PolicySet{Identity: []Attached{{Name: "p", Policy: p}}})
			if d.Allowed() != tt.want {
				t.Errorf("allowed = %v, want %v (%+v)", d.Allowed(), tt.want, d)
			}
		})
	}
}
