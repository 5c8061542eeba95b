package iam

import (
	"context"
	"testing"
)

// fiveStatements is a realistic user policy: five statements with
// conditions.
const fiveStatements = `{"Version":"2012-10-17","Statement":[
{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["team/*"]}}},
{"Sid":"ReadWrite","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/team/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Sid":"Home","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/home/${aws:username}/*"},
{"Sid":"NoDeleteOutsideHours","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
{"Sid":"OfficeOnly","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16","127.0.0.0/8"]}}}]}`

// BenchmarkAuthorize compares the warm decision for the root user with
// the one for a user with fiveStatements.
func BenchmarkAuthorize(b *testing.B) {
	e := newEnv(b, func(o *Options) { o.Buckets = owners{"data": RootAccountID} })
	ctx := context.Background()
	ak, _ := e.newUser(b, RootAccountID, "alice")
	must(b, e.s.PutInlinePolicy(ctx, Entity{Account: RootAccountID, Kind: EntityUser, Name: "alice"}, "p", fiveStatements))
	for _, who := range []struct{ name, key string }{{"root", testRootKey}, {"user", ak}} {
		c, err := e.s.Lookup(ctx, who.key)
		must(b, err)
		req := Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "data", Key: "team/a.txt",
			Conditions: map[string][]string{"aws:SecureTransport": {"false"}, "aws:SourceIp": {"127.0.0.1"}}}
		if d := e.s.Authorize(ctx, req); !d.Allowed {
			b.Fatalf("%s denied: %s", who.name, d.Reason)
		}
		b.Run(who.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.s.Authorize(ctx, req)
			}
		})
	}
}

// BenchmarkLookup_warm is the credential lookup of every signed request,
// served from the cache.
func BenchmarkLookup_warm(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	ak, _ := e.newUser(b, RootAccountID, "alice")
	if _, err := e.s.Lookup(ctx, ak); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.s.Lookup(ctx, ak); err != nil {
			b.Fatal(err)
		}
	}
}
