package s3api

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/acl"
)

const (
	testOwnerID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
	testOtherID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
)

// aclDocExample is the PutObjectAcl request body of the S3 API reference's
// example, with the grants AWS shows.
const aclDocExample = `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>` + testOwnerID + `</ID><DisplayName>CustomersName@amazon.com</DisplayName></Owner>
  <AccessControlList>
    <Grant>
      <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">
        <ID>` + testOwnerID + `</ID><DisplayName>CustomersName@amazon.com</DisplayName>
      </Grantee>
      <Permission>FULL_CONTROL</Permission>
    </Grant>
    <Grant>
      <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="AmazonCustomerByEmail">
        <EmailAddress>xyz@amazon.com</EmailAddress>
      </Grantee>
      <Permission>WRITE_ACP</Permission>
    </Grant>
    <Grant>
      <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">
        <URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>
      </Grantee>
      <Permission>READ</Permission>
    </Grant>
  </AccessControlList>
</AccessControlPolicy>`

func TestParseACLBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []acl.Grant
		wantErr error
	}{
		{name: "aws example", body: aclDocExample, want: []acl.Grant{
			{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: testOwnerID}, Permission: acl.FullControl},
			{Grantee: acl.Grantee{Type: acl.Email, Email: "xyz@amazon.com"}, Permission: acl.WriteACP},
			{Grantee: acl.Grantee{Type: acl.Group, URI: acl.AllUsers}, Permission: acl.Read},
		}},
		{name: "empty list", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList/></AccessControlPolicy>`, want: []acl.Grant{}},
		{name: "any xsi prefix", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:type="CanonicalUser"><ID>x</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
			want: []acl.Grant{{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: "x"}, Permission: acl.Read}}},
		{name: "no owner", body: `<AccessControlPolicy><AccessControlList/></AccessControlPolicy>`, wantErr: errMalformedACL},
		{name: "no list", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner></AccessControlPolicy>`, wantErr: errMalformedACL},
		{name: "no type", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee><ID>x</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`, wantErr: errMalformedACL},
		{name: "bad permission", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>x</ID></Grantee><Permission>ALL</Permission></Grant></AccessControlList></AccessControlPolicy>`, wantErr: errMalformedACL},
		{name: "group without uri", body: `<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><ID>x</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`, wantErr: errMalformedACL},
		{name: "not xml", body: `{"Grants":[]}`, wantErr: errMalformedACL},
		{name: "other root", body: `<Policy/>`, wantErr: errMalformedACL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := parseACLBody([]byte(tt.body))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("parseACLBody error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseACLBody (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseACLHeaders(t *testing.T) {
	tests := []struct {
		name    string
		hdr     map[string]string
		want    aclRequest
		wantErr error
	}{
		{name: "none", hdr: nil, want: aclRequest{}},
		{name: "canned", hdr: map[string]string{"X-Amz-Acl": "public-read"}, want: aclRequest{canned: "public-read"}},
		{name: "unknown canned", hdr: map[string]string{"X-Amz-Acl": "public"}, wantErr: errInvalidArgument},
		// The S3 API reference's x-amz-grant-read example.
		{name: "aws example", hdr: map[string]string{"X-Amz-Grant-Read": `emailAddress="xyz@amazon.com", emailAddress="abc@amazon.com"`},
			want: aclRequest{explicit: true, grants: []acl.Grant{
				{Grantee: acl.Grantee{Type: acl.Email, Email: "xyz@amazon.com"}, Permission: acl.Read},
				{Grantee: acl.Grantee{Type: acl.Email, Email: "abc@amazon.com"}, Permission: acl.Read}}}},
		{name: "each kind", hdr: map[string]string{
			"X-Amz-Grant-Full-Control": `id="` + testOtherID + `"`,
			"X-Amz-Grant-Write":        `uri="http://acs.amazonaws.com/groups/s3/LogDelivery"`,
		}, want: aclRequest{explicit: true, grants: []acl.Grant{
			{Grantee: acl.Grantee{Type: acl.Group, URI: acl.LogDelivery}, Permission: acl.Write},
			{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: testOtherID}, Permission: acl.FullControl}}}},
		{name: "unquoted", hdr: map[string]string{"X-Amz-Grant-Read-Acp": `id=abc`},
			want: aclRequest{explicit: true, grants: []acl.Grant{{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: "abc"}, Permission: acl.ReadACP}}}},
		{name: "unknown grantee kind", hdr: map[string]string{"X-Amz-Grant-Read": `user="bob"`}, wantErr: errInvalidArgument},
		{name: "no value", hdr: map[string]string{"X-Amz-Grant-Read": `id=""`}, wantErr: errInvalidArgument},
		{name: "no pair", hdr: map[string]string{"X-Amz-Grant-Read": `bob`}, wantErr: errInvalidArgument},
		{name: "empty", hdr: map[string]string{"X-Amz-Grant-Write-Acp": ` `}, wantErr: errInvalidArgument},
		{name: "canned and grants", hdr: map[string]string{"X-Amz-Acl": "private", "X-Amz-Grant-Read": `id="x"`}, wantErr: errCannedAndGrants},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.hdr {
				h.Set(k, v)
			}
			got, err := parseACLHeaders(h)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("parseACLHeaders error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(aclRequest{})); diff != "" {
				t.Errorf("parseACLHeaders (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAccessControlPolicyXML pins the rendering to S3's: the xsi
// namespace declared on each Grantee, ID and DisplayName for a user, URI
// for a group.
func TestAccessControlPolicyXML(t *testing.T) {
	p := accessControlPolicy{Owner: &owner{ID: testOwnerID, DisplayName: "owner"}, Grants: []grantXML{
		{Grantee: granteeXML{Type: "CanonicalUser", ID: testOwnerID, DisplayName: "owner"}, Permission: "FULL_CONTROL"},
		{Grantee: granteeXML{Type: "Group", URI: acl.AllUsers}, Permission: "READ"},
	}}
	want := `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + testOwnerID + `</ID><DisplayName>owner</DisplayName></Owner>` +
		`<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + testOwnerID +
		`</ID><DisplayName>owner</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
		`<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>` +
		`</AccessControlList></AccessControlPolicy>`
	if got := string(p.appendXML(nil)); got != want {
		t.Errorf("appendXML =\n%s\nwant\n%s", got, want)
	}
	// What is rendered reads back.
	_, grants, err := parseACLBody(p.appendXML(nil))
	if err != nil || len(grants) != 2 || grants[1].Grantee.URI != acl.AllUsers {
		t.Errorf("parseACLBody(rendered) = %+v, %v", grants, err)
	}
}

func FuzzParseACLBody(f *testing.F) {
	f.Add(aclDocExample)
	f.Add(`<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList/></AccessControlPolicy>`)
	f.Add(`<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>x</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	f.Fuzz(func(t *testing.T, body string) {
		owner, grants, err := parseACLBody([]byte(body))
		if err != nil {
			if !errors.Is(err, errMalformedACL) {
				t.Fatalf("parseACLBody(%q) error %v is not MalformedACLError", body, err)
			}
			return
		}
		if owner == "" || len(grants) > acl.MaxGrants {
			t.Fatalf("parseACLBody(%q) = %q, %d grants", body, owner, len(grants))
		}
		// Every accepted grant renders and reads back the same.
		p := accessControlPolicy{Owner: &ownerElem{ID: owner}}
		for _, g := range grants {
			p.Grants = append(p.Grants, grantXML{Grantee: granteeXML{Type: string(g.Grantee.Type), ID: g.Grantee.ID,
				Email: g.Grantee.Email, URI: g.Grantee.URI}, Permission: string(g.Permission)})
		}
		_, again, err := parseACLBody(p.appendXML(nil))
		if err != nil {
			t.Fatalf("rendered ACL of %q does not parse: %v", body, err)
		}
		if len(again) != len(grants) {
			t.Fatalf("round trip of %q: %d grants, want %d", body, len(again), len(grants))
		}
	})
}

// ownerElem is owner, named apart for the fuzz body's readability.
type ownerElem = owner

func FuzzParseGrantHeader(f *testing.F) {
	for _, s := range []string{`emailAddress="xyz@amazon.com", emailAddress="abc@amazon.com"`, `id="` + testOtherID + `"`,
		`uri="http://acs.amazonaws.com/groups/global/AllUsers"`, `id=abc`, `user="bob"`, `,,`, `id="a,b"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		grants, err := parseGrantHeader(v, acl.Read)
		if err != nil {
			if !errors.Is(err, errInvalidArgument) {
				t.Fatalf("parseGrantHeader(%q) error %v is not InvalidArgument", v, err)
			}
			return
		}
		if len(grants) == 0 {
			t.Fatalf("parseGrantHeader(%q) accepted no grant", v)
		}
		for _, g := range grants {
			val := g.Grantee.ID + g.Grantee.Email + g.Grantee.URI
			if val == "" || strings.Contains(val, `"`) || g.Permission != acl.Read {
				t.Fatalf("parseGrantHeader(%q) = %+v", v, g)
			}
		}
	})
}
