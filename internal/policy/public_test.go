package policy

import (
	"errors"
	"testing"
)

// stmt wraps one statement in a bucket policy document.
func stmt(s string) string {
	return `{"Version":"2012-10-17","Statement":[` + s + `]}`
}

// TestIsPublic checks IsPublic on the S3 User Guide's examples of "The
// meaning of public" and on the pinning keys it lists.
func TestIsPublic(t *testing.T) {
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"public read", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
		{"AWS star", stmt(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
		{"AWS star among others", stmt(`{"Effect":"Allow","Principal":{"AWS":["111122223333","*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
		{"NotPrincipal allow", stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
		{"deny star", stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), false},
		{"fixed account", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`), false},
		{"service principal", stmt(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`), false},
		// The guide's pair: a wildcard VPC is public, a fixed one is not.
		{"SourceVpc wildcard", stmt(`{"Principal":"*","Resource":"*","Action":"s3:PutObject","Effect":"Allow","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}`), true},
		{"SourceVpc fixed", stmt(`{"Principal":"*","Resource":"*","Action":"s3:PutObject","Effect":"Allow","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-91237329"}}}`), false},
		{"SourceIp range", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`), false},
		{"SourceIp everything", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`), true},
		{"NotIpAddress", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`), true},
		{"PrincipalOrgID", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123456"}}}`), false},
		{"PrincipalAccount", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`), false},
		{"SourceArn", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::src"}}}`), false},
		{"SourceAccount", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`), false},
		{"userid role pattern", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:userid":"AROAEXAMPLE:*"}}}`), true},
		{"userid fixed", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:userid":"AIDAEXAMPLE"}}}`), false},
		{"IfExists pins nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}`), true},
		{"variable pins nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}}`), true},
		{"other key pins nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`), true},
		{"referer pins nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), Bucket)
			if err != nil {
				t.Fatal(err)
			}
			if got := IsPublic(p); got != tt.want {
				t.Errorf("IsPublic(%s) = %v, want %v", tt.doc, got, tt.want)
			}
		})
	}
	if IsPublic(nil) {
		t.Error("IsPublic(nil) = true")
	}
}

// TestCheckBucket checks the bucket-specific validation and its S3
// messages.
func TestCheckBucket(t *testing.T) {
	tests := []struct {
		name, doc, msg string
	}{
		{"objects", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), ""},
		{"bucket and objects", stmt(`{"Effect":"Allow","Principal":"*","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), ""},
		{"prefix", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`), ""},
		{"star resource", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), ""},
		{"wildcard bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}`), ""},
		{"case of action", stmt(`{"Effect":"Allow","Principal":"*","Action":"S3:getobject","Resource":"arn:aws:s3:::b/*"}`), ""},
		{"action wildcard", stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}`), ""},
		{"NotResource", stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket","NotResource":"arn:aws:s3:::b/*"}`), ""},
		{"other bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}`), msgInvalidResource},
		{"other service", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:iam::111122223333:user/x"}`), msgInvalidResource},
		{"unknown action", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObjects","Resource":"arn:aws:s3:::b/*"}`), msgInvalidAction},
		{"other service action", stmt(`{"Effect":"Allow","Principal":"*","Action":"iam:CreateUser","Resource":"arn:aws:s3:::b/*"}`), msgInvalidAction},
		{"wildcard matching nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:Frob*","Resource":"arn:aws:s3:::b/*"}`), msgInvalidAction},
		{"object action on bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}`), msgActionResource},
		{"bucket action on objects", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}`), msgActionResource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), Bucket)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckBucket(p, "b")
			var se *SyntaxError
			switch {
			case tt.msg == "" && err != nil:
				t.Errorf("CheckBucket(%s) = %v, want nil", tt.doc, err)
			case tt.msg != "" && (!errors.As(err, &se) || se.Message != tt.msg):
				t.Errorf("CheckBucket(%s) = %v, want message %q", tt.doc, err, tt.msg)
			}
		})
	}
}

// FuzzBucketPolicy parses arbitrary bytes as a bucket policy, checks it
// against a bucket and asks whether it is public: no input may panic, and
// a document that parses must parse again from its own rendering.
func FuzzBucketPolicy(f *testing.F) {
	for _, s := range []string{
		stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
		stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`),
		stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}`),
		stmt(`{"Principal":"*","Resource":"*","Action":"s3:PutObject","Effect":"Allow","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}`),
		`{"Statement":[]}`, `[]`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Parse(doc, Bucket)
		if err != nil {
			return
		}
		_ = CheckBucket(p, "b")
		pub := IsPublic(p)
		out, err := p.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		q, err := Parse(out, Bucket)
		if err != nil {
			t.Fatalf("rendering %s does not parse: %v", out, err)
		}
		if IsPublic(q) != pub {
			t.Errorf("IsPublic changed across a round trip of %s", doc)
		}
	})
}
