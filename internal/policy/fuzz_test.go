package policy

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzSeeds are documents from AWS's documentation and a few broken ones.
var fuzzSeeds = []string{
	// "IAM policy elements: Variables and tags", Introduction.
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket"],"Condition":{"StringLike":{"s3:prefix":["marketing/*"]}}},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/marketing/*"]}]}`,
	// Specifying default values.
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}/*"}}`,
	// Bucket policy examples: public read, TLS only.
	`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*"]},{"Sid":"RestrictToTLSRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
	// A trust policy.
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}}`,
	// NotPrincipal.
	`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/r/s","arn:aws:iam::444455556666:role/r","arn:aws:iam::444455556666:root"]},"Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`,
	`{"Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"*"}}`,
	`{"Statement":[]}`,
	`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Effect":"Deny"}}`,
	`[{"Statement":1}]`,
	``,
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		for k := range kindNames {
			f.Add([]byte(s), uint8(k))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, kind uint8) {
		k := Kind(kind%uint8(len(kindNames)) + 1)
		p, err := Parse(doc, k)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a policy with error %v", err)
			}
			return
		}
		// The canonical form parses back to the same policy, and is a
		// fixed point.
		out, err := p.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		q, err := parse(out, k)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, out)
		}
		if diff := cmp.Diff(p, q, ignoreCompiled); diff != "" {
			t.Fatalf("round trip changed the policy (-first +second):\n%s\n%s", diff, out)
		}
		again, _ := q.MarshalJSON()
		if !bytes.Equal(out, again) {
			t.Fatalf("canonical form is not stable:\n%s\n%s", out, again)
		}
	})
}

func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/marketing/x", uint8(2), "alice", "false")
	}
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`,
		"s3:PutObject", "arn:aws:s3:::b/alice/k", uint8(0), "alice", "true")
	denyAll := []Attached{{Name: "deny", Policy: &Policy{Kind: Managed, Statements: []Statement{{Effect: Deny, Action: []string{"*"}, Resource: []string{"*"}}}}}}
	f.Fuzz(func(t *testing.T, doc, action, resource string, typ uint8, username, secure string) {
		if len(doc) > 4096 || len(resource) > 1024 || len(action) > 256 {
			return // keep each run fast; Parse's own bounds are FuzzParse's
		}
		ctx := Keys{}
		ctx.Set("aws:username", username)
		ctx.Set("aws:SecureTransport", secure)
		p := Principal{Type: PrincipalType(typ % 7), Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/" + username,
			RoleARN: "arn:aws:iam::111122223333:role/r", ServiceName: "s3.amazonaws.com", Provider: "accounts.google.com"}
		req := Request{Principal: p, Action: action, Resource: resource, ResourceAccount: "111122223333", Context: ctx}
		var sets []PolicySet
		if id, err := Parse([]byte(doc), Managed); err == nil {
			sets = append(sets, PolicySet{Identity: []Attached{{Name: "id", Policy: id}}})
		}
		if res, err := Parse([]byte(doc), Bucket); err == nil {
			sets = append(sets, PolicySet{Resource: &Attached{Name: "res", Policy: res}})
		}
		for _, set := range sets {
			d := Evaluate(req, set)
			if d2 := Evaluate(req, set); d != d2 {
				t.Fatalf("Evaluate is not deterministic: %v then %v", d, d2)
			}
			if d.Outcome != Allowed && d.Outcome != ExplicitDeny && d.Outcome != ImplicitDeny {
				t.Fatalf("Evaluate = %v", d)
			}
			// An explicit deny anywhere wins.
			set.Identity = append(set.Identity, denyAll...)
			if d := Evaluate(req, set); d.Outcome != ExplicitDeny {
				t.Fatalf("with a deny-all identity policy Evaluate = %v", d)
			}
		}
		// With no policies only the root user is allowed.
		if d := Evaluate(req, PolicySet{}); d.Allowed() != (p.Type == Root) {
			t.Fatalf("Evaluate(no policies) = %v for %v", d, p.Type)
		}
	})
}
