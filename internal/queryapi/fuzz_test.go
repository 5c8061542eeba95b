package queryapi

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary form bodies through Parse and the list and map
// decoders. Properties: no panic; a decoded list or map has at most
// maxMembers entries and every index below its length was sent; errors are
// *Error answers.
func FuzzParse(f *testing.F) {
	// Seeds from AWS's IAM and STS API reference request examples.
	f.Add("Action=GetUser&UserName=Bob&Version=2010-05-08")
	f.Add("Action=TagUser&UserName=anika&Tags.member.1.Key=Dept&Tags.member.1.Value=12345&Tags.member.2.Key=Team&Tags.member.2.Value=Accounting&Version=2010-05-08")
	f.Add("Action=CreateOpenIDConnectProvider&ClientIDList.member.1=my-application-ID&ThumbprintList.member.1=c3768084dfb3d2b68b7897bf5f565da8eEXAMPLE&Url=https://server.example.com&Version=2010-05-08")
	f.Add("Action=AssumeRole&PolicyArns.member.1.arn=arn:aws:iam::123456789012:policy/demopolicy1&Tags.member.3.Key=Department&Tags.member.3.Value=Engineering&Version=2011-06-15")
	f.Add("Tags.member.1000.Key=a&Tags.member.1.Key=b")
	f.Add("Tags.member.-1.Key=a&x=%zz")
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p, err := Parse(r)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("Parse error %v is not an *Error", err)
			}
			return
		}
		for _, name := range []string{"Tags", "ClientIDList", "ThumbprintList", "PolicyArns"} {
			if l, err := p.List(name); err == nil {
				checkIndexes(t, p.v, name, len(l))
			}
			if tags, err := p.Tags(name); err == nil {
				checkIndexes(t, p.v, name, len(tags))
				for i, tag := range tags {
					if got, _ := p.Get(name + ".member." + strconv.Itoa(i+1) + ".Key"); got != tag.Key {
						t.Fatalf("Tags(%s)[%d].Key = %q, sent %q", name, i, tag.Key, got)
					}
				}
			}
		}
	})
}

// checkIndexes fails unless n is within bounds and some parameter of
// member i exists for every i < n.
func checkIndexes(t *testing.T, v url.Values, name string, n int) {
	t.Helper()
	if n > maxMembers {
		t.Fatalf("%s decoded %d members, more than %d", name, n, maxMembers)
	}
	for i := 1; i <= n; i++ {
		prefix := name + ".member." + strconv.Itoa(i)
		found := false
		for k := range v {
			if k == prefix || strings.HasPrefix(k, prefix+".") {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%s decoded member %d that was not sent", name, i)
		}
	}
}
