package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseExamples(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		doc  string
		want *Policy
	}{
		{
			// "IAM policy elements: Variables and tags", Introduction.
			name: "identity with condition",
			kind: Managed,
			doc: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket"],
     "Condition": {"StringLike": {"s3:prefix": ["marketing/*"]}}},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/marketing/*"]}
  ]
}`,
			want: &Policy{Kind: Managed, Version: Version2012, Statements: []Statement{
				{Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{"arn:aws:s3:::amzn-s3-demo-bucket"},
					Condition: []Condition{{Operator: "StringLike", Key: "s3:prefix", Values: []string{"marketing/*"}}}},
				{Effect: Allow, Action: []string{"s3:GetObject", "s3:PutObject"}, Resource: []string{"arn:aws:s3:::amzn-s3-demo-bucket/marketing/*"}},
			}},
		},
		{
			// "IAM JSON policy elements: Statement": a single statement
			// object instead of a list; Version absent.
			name: "statement object, no version",
			kind: UserInline,
			doc:  `{"Statement": {"Sid": "1", "Effect": "Deny", "NotAction": "iam:*", "NotResource": "*"}}`,
			want: &Policy{Kind: UserInline, Statements: []Statement{
				{Sid: "1", Effect: Deny, Action: []string{"iam:*"}, NotAction: true, Resource: []string{"*"}, NotResource: true},
			}},
		},
		{
			// "Bucket policy examples": granting read-only permission to
			// anonymous users.
			name: "public read bucket policy",
			kind: Bucket,
			doc: `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal": "*",
  "Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}`,
			want: &Policy{Kind: Bucket, Version: Version2012, Statements: []Statement{
				{Sid: "PublicRead", Effect: Allow, Principal: &Principals{All: true},
					Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{"arn:aws:s3:::amzn-s3-demo-bucket/*"}},
			}},
		},
		{
			// "AWS JSON policy elements: Principal": a role trust policy
			// for a service and a cross-account role.
			name: "trust policy",
			kind: Trust,
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"Service":"ec2.amazonaws.com","AWS":["arn:aws:iam::123456789012:root","999999999999"]},
  "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}`,
			want: &Policy{Kind: Trust, Version: Version2012, Statements: []Statement{
				{Effect: Allow, Principal: &Principals{Service: []string{"ec2.amazonaws.com"}, AWS: []string{"arn:aws:iam::123456789012:root", "999999999999"}},
					Action:    []string{"sts:AssumeRole"},
					Condition: []Condition{{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}}},
			}},
		},
		{
			// KMS's default key policy: a Sid with spaces is fine outside
			// IAM's own documents.
			name: "key policy",
			kind: Key,
			doc: `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions",
  "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`,
			want: &Policy{Kind: Key, Version: Version2012, ID: "key-default-1", Statements: []Statement{
				{Sid: "Enable IAM User Permissions", Effect: Allow, Principal: &Principals{AWS: []string{"arn:aws:iam::111122223333:root"}},
					Action: []string{"kms:*"}, Resource: []string{"*"}},
			}},
		},
		{
			// "AWS JSON policy elements: NotPrincipal".
			name: "not principal",
			kind: Bucket,
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
  "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/ReadOnlyRoleSession",
  "arn:aws:iam::444455556666:role/cross-account-read-only-role","arn:aws:iam::444455556666:root"]},
  "Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}`,
			want: &Policy{Kind: Bucket, Version: Version2012, Statements: []Statement{
				{Effect: Deny, NotPrincipal: true, Principal: &Principals{AWS: []string{
					"arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/ReadOnlyRoleSession",
					"arn:aws:iam::444455556666:role/cross-account-read-only-role", "arn:aws:iam::444455556666:root"}},
					Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc), tt.kind)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreCompiled); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const stmt = `"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	const pstmt = `"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string // SyntaxError.Message
	}{
		{"not json", Managed, `{"Statement":`, "Syntax errors in policy."},
		{"not json s3", Bucket, `Version`, "Policies must be valid JSON and the first byte must be '{'"},
		{"array document", Managed, `[]`, "Syntax errors in policy."},
		{"trailing data", Managed, `{"Statement":{` + stmt + `}} {}`, "Syntax errors in policy."},
		{"duplicate member", Managed, `{"Statement":{` + stmt + `,"Effect":"Deny"}}`, "Syntax errors in policy."},
		{"duplicate member s3", Bucket, `{"Statement":{` + pstmt + `,"Effect":"Deny"}}`, "This policy contains invalid Json"},
		{"unknown top element", Managed, `{"Statment":[],"Statement":{` + stmt + `}}`, "Syntax errors in policy."},
		{"unknown statement element", Managed, `{"Statement":{` + stmt + `,"Actions":"x"}}`, "Syntax errors in policy."},
		{"missing statement", Managed, `{"Version":"2012-10-17"}`, "Syntax errors in policy."},
		{"empty statement s3", Bucket, `{"Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"bad version", Managed, `{"Version":"2012-10-18","Statement":{` + stmt + `}}`, "Syntax errors in policy."},
		{"id not string", Managed, `{"Id":1,"Statement":{` + stmt + `}}`, "Syntax errors in policy."},
		{"effect lower case", Bucket, `{"Statement":{"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`, "Invalid effect: allow"},
		{"missing effect", Managed, `{"Statement":{"Action":"s3:GetObject","Resource":"*"}}`, "Missing required field Effect"},
		{"principal in identity policy", Managed, `{"Statement":{` + pstmt + `}}`, "Policy document should not specify a principal."},
		{"not principal in session policy", Session, `{"Statement":{"NotPrincipal":"*",` + stmt + `}}`, "Policy document should not specify a principal."},
		{"bucket without principal", Bucket, `{"Statement":{` + stmt + `}}`, "Missing required field Principal"},
		{"trust without principal", Trust, `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "Missing required field Principal"},
		{"trust with resource", Trust, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}`, "Has prohibited field Resource"},
		{"trust with s3 action", Trust, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`, "AssumeRole policy may only specify STS AssumeRole actions."},
		{"missing action", Managed, `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "Policy statement must contain actions."},
		{"missing action s3", Bucket, `{"Statement":{"Effect":"Allow","Principal":"*","Resource":"*"}}`, "Missing required field Action"},
		{"empty action list", Managed, `{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, "Policy statement must contain actions."},
		{"action and not action", Managed, `{"Statement":{` + stmt + `,"NotAction":"s3:*"}}`, "Syntax errors in policy."},
		{"action without vendor", Managed, `{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action two colons", Managed, `{"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, "Actions/Condition can contain only one colon."},
		{"action wildcard vendor", Managed, `{"Statement":{"Effect":"Allow","Action":"s*:GetObject","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"invalid action s3", Bucket, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"*"}}`, "Policy has invalid action"},
		{"action number", Managed, `{"Statement":{"Effect":"Allow","Action":1,"Resource":"*"}}`, "Syntax errors in policy."},
		{"missing resource", Managed, `{"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "Policy statement must contain resources."},
		{"missing resource s3", Bucket, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}`, "Missing required field Resource"},
		{"resource not arn", Managed, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket/*"}}`, `Resource bucket/* must be in ARN format or "*".`},
		{"resource short arn", RoleInline, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}}`, `Resource arn:aws:s3 must be in ARN format or "*".`},
		{"resource not arn s3", Bucket, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"bucket"}}`, "Policy has invalid resource"},
		{"principal string", Bucket, `{"Statement":{"Effect":"Allow","Principal":"123456789012","Action":"s3:*","Resource":"*"}}`, "Invalid principal in policy"},
		{"principal bad arn", Trust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"`},
		{"principal short account", Bucket, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"s3:*","Resource":"*"}}`, "Invalid principal in policy"},
		{"principal unknown type", Bucket, `{"Statement":{"Effect":"Allow","Principal":{"Amazon":"*"},"Action":"s3:*","Resource":"*"}}`, "Invalid principal in policy"},
		{"principal empty object", Key, `{"Statement":{"Effect":"Allow","Principal":{},"Action":"kms:*","Resource":"*"}}`, "Invalid principal in policy: {}"},
		{"principal empty list", Bucket, `{"Statement":{"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:*","Resource":"*"}}`, "Invalid principal in policy"},
		{"condition unknown operator", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEqualz":{"aws:username":"x"}}}}`, "Invalid Condition type : StringEqualz"},
		{"condition key without prefix", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEquals":{"username":"x"}}}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"condition key without prefix s3", Bucket, `{"Statement":{` + pstmt + `,"Condition":{"StringEquals":{"username":"x"}}}}`, "Policy has an invalid condition key"},
		{"condition nested value", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEquals":{"aws:username":{"a":"b"}}}}}`, "Syntax errors in policy."},
		{"condition null value", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEquals":{"aws:username":null}}}}`, "Syntax errors in policy."},
		{"condition duplicate operator", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEquals":{"aws:username":"a"},"StringEquals":{"aws:userid":"b"}}}}`, "Syntax errors in policy."},
		{"sid with space iam", Managed, `{"Statement":{"Sid":"Read all",` + stmt + `}}`, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"sid twice", Managed, `{"Statement":[{"Sid":"A",` + stmt + `},{"Sid":"A",` + stmt + `}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"too deep", Managed, `{"Statement":{` + stmt + `,"Condition":{"StringEquals":{"aws:username":[[[[[["x"]]]]]]}}}}`, "Syntax errors in policy."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), tt.kind)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%s) = %v, want a *SyntaxError", tt.doc, err)
			}
			if se.Message != tt.want {
				t.Errorf("Parse(%s) message = %q, want %q (detail %q)", tt.doc, se.Message, tt.want, se.Detail)
			}
			if !strings.HasPrefix(se.Error(), "policy: ") || se.Detail == "" {
				t.Errorf("Error() = %q, want a detailed policy: error", se.Error())
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	stmt := func(n int) string {
		return `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + strings.Repeat("k", n) + `"}}`
	}
	base := len(stmt(0))
	tests := []struct {
		kind  Kind
		limit int
	}{
		{Managed, 6144}, {UserInline, 2048}, {GroupInline, 5120}, {RoleInline, 10240}, {Session, 2048},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			if tt.kind.Limit() != tt.limit {
				t.Errorf("Limit() = %d, want %d", tt.kind.Limit(), tt.limit)
			}
			if _, err := Parse([]byte(stmt(tt.limit-base)), tt.kind); err != nil {
				t.Errorf("Parse at the limit = %v", err)
			}
			_, err := Parse([]byte(stmt(tt.limit-base+1)), tt.kind)
			var se *SizeError
			if !errors.As(err, &se) || se.Size != tt.limit+1 || se.Limit != tt.limit {
				t.Errorf("Parse over the limit = %v, want SizeError %d > %d", err, tt.limit+1, tt.limit)
			}
		})
	}
	// IAM does not count white space; a session policy's plain text
	// length does.
	spaced := []byte(strings.Replace(stmt(6144-base), ",", " ,\n\t ", -1))
	if _, err := Parse(spaced, Managed); err != nil {
		t.Errorf("Parse(managed with white space) = %v, want white space not counted", err)
	}
	if got, want := Session.Size([]byte(" {} ")), 4; got != want {
		t.Errorf("Session.Size = %d, want %d", got, want)
	}
	if got := Bucket.Limit(); got != 20480 {
		t.Errorf("Bucket.Limit() = %d, want 20480", got)
	}
	if _, err := Parse([]byte(strings.Repeat(" ", 200000)), Bucket); !errors.As(err, new(*SizeError)) {
		t.Errorf("Parse(huge) = %v, want SizeError", err)
	}
	if _, err := Parse([]byte(stmt(0)), Kind(99)); !errors.Is(err, ErrKind) {
		t.Errorf("Parse(Kind(99)) = %v, want ErrKind", err)
	}
}

func TestMarshalCanonical(t *testing.T) {
	doc := `{"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"abc","AWS":"*"},"Action":"s3:GetObject",` +
		`"Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}},"Id":"x","Version":"2012-10-17"}`
	p, err := parse([]byte(doc), Bucket)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"],"CanonicalUser":["abc"]},` +
		`"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"],"Condition":{"StringEquals":{"s3:max-keys":["10"]},"Bool":{"aws:SecureTransport":["true"]}}}]}`
	if string(got) != want {
		t.Errorf("MarshalJSON =\n%s\nwant\n%s", got, want)
	}
}
