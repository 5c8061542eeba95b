package stsapi

import (
	"net/url"
	"testing"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// FuzzParseRoleRequest feeds AssumeRole's and GetSessionToken's parameter
// readers arbitrary query strings: no panic, and a parsed request keeps
// its documented limits.
func FuzzParseRoleRequest(f *testing.F) {
	// Seeds: the AssumeRole example of AWS's API reference (shortened),
	// then malformed member lists.
	f.Add("RoleArn=arn:aws:iam::123456789012:role/demo&RoleSessionName=testAssumeRoleSession&DurationSeconds=3600" +
		"&Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn&TransitiveTagKeys.member.1=Project&ExternalId=123ABC" +
		"&PolicyArns.member.1.arn=arn:aws:iam::123456789012:policy/demopolicy1&SourceIdentity=Alice")
	f.Add("RoleArn=arn:aws:iam::123456789012:role/demo&RoleSessionName=ab&Tags.member.2.Key=x&Tags.member.01.Value=y")
	f.Add("RoleArn=arn:aws:iam::123456789012:role/demo&RoleSessionName=ab&TransitiveTagKeys.member.999999=x&SerialNumber=GAHT12345678")
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		p := queryapi.NewParams(v)
		r, err := parseRoleRequest(p)
		if err == nil && (len(r.tags) > maxSessionTags || len(r.transitive) > maxSessionTags ||
			r.duration < 900 || r.duration > 43200 || (r.serial == "") != (r.code == "")) {
			t.Errorf("parseRoleRequest(%q) = %+v", q, r)
		}
		_, _, _ = mfaCode(p)
	})
}
