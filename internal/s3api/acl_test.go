package s3api

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/object"
)

func objectWriter(env *testEnv) {
	env.obj.bucket = object.Bucket{Name: "b", Owner: "000000000000", Ownership: acl.ObjectWriter}
}

func TestACLHandlers(t *testing.T) {
	const owner = "000000000000" // without an account directory, ids are account ids
	ownerFull := []acl.Grant{{Grantee: acl.Grantee{Type: acl.CanonicalUser, ID: owner}, Permission: acl.FullControl}}
	publicRead := append(ownerFull[:1:1], acl.Grant{Grantee: acl.Grantee{Type: acl.Group, URI: acl.AllUsers}, Permission: acl.Read})
	runHandlerCases(t, []handlerCase{
		{name: "put bucket acl canned", method: "PUT", target: "/b?acl", setup: objectWriter,
			header: map[string]string{"X-Amz-Acl": "public-read"}, status: 200,
			call: aclCall{Op: "PutBucketACL", Bucket: "b", Grants: publicRead}},
		{name: "put bucket acl body", method: "PUT", target: "/b?acl", setup: objectWriter, body: aclDocExampleFor(owner), status: 200,
			call: aclCall{Op: "PutBucketACL", Bucket: "b", Grants: ownerFull, OwnerOnly: true}},
		{name: "put bucket acl header and body", method: "PUT", target: "/b?acl", setup: objectWriter,
			header: map[string]string{"X-Amz-Acl": "private"}, body: aclDocExampleFor(owner), status: 400, code: "UnexpectedContent"},
		{name: "put bucket acl nothing", method: "PUT", target: "/b?acl", setup: objectWriter, status: 400, code: "MissingSecurityHeader"},
		{name: "put bucket acl malformed", method: "PUT", target: "/b?acl", setup: objectWriter, body: "<AccessControlPolicy>", status: 400, code: "MalformedACLError"},
		{name: "put bucket acl unknown canned", method: "PUT", target: "/b?acl", setup: objectWriter,
			header: map[string]string{"X-Amz-Acl": "public"}, status: 400, code: "InvalidArgument"},
		{name: "put bucket acl by email without a directory", method: "PUT", target: "/b?acl", setup: objectWriter,
			header: map[string]string{"X-Amz-Grant-Read": `emailAddress="a@example.com"`}, status: 400, code: "UnresolvableGrantByEmailAddress"},
		{name: "put bucket acl public, ACLs disabled", method: "PUT", target: "/b?acl",
			header: map[string]string{"X-Amz-Acl": "public-read"}, status: 400, code: "AccessControlListNotSupported"},
		{name: "put object acl version", method: "PUT", target: "/b/k?acl&versionId=v1", setup: objectWriter,
			header: map[string]string{"X-Amz-Acl": "public-read"}, status: 200,
			call: aclCall{Op: "PutObjectACL", Bucket: "b", Key: "k", VersionID: "v1", Grants: publicRead}},
		{name: "get ownership controls", method: "GET", target: "/b?ownershipControls", setup: objectWriter, status: 200,
			call: aclCall{Op: "GetBucketOwnership", Bucket: "b"}},
		{name: "put ownership controls", method: "PUT", target: "/b?ownershipControls", setup: objectWriter, status: 200,
			body: `<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>`,
			call: aclCall{Op: "PutBucketOwnership", Bucket: "b", Ownership: acl.BucketOwnerPreferred}},
		{name: "put ownership controls two rules", method: "PUT", target: "/b?ownershipControls", status: 400, code: "MalformedXML",
			body: `<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>`},
		{name: "delete ownership controls", method: "DELETE", target: "/b?ownershipControls", status: 204,
			call: aclCall{Op: "DeleteBucketOwnership", Bucket: "b"}},
		{name: "create bucket bad ownership", method: "PUT", target: "/nb", header: map[string]string{"X-Amz-Object-Ownership": "Mine"},
			status: 400, code: "InvalidArgument"},
		{name: "create bucket object writer public", method: "PUT", target: "/nb",
			header: map[string]string{"X-Amz-Object-Ownership": "ObjectWriter", "X-Amz-Acl": "public-read"}, status: 200,
			call: object.CreateBucketInput{Name: "nb", Owner: owner, OwnedOK: true, Ownership: acl.ObjectWriter, ACL: publicRead}},
	})
}

// aclDocExampleFor is an AccessControlPolicy giving owner FULL_CONTROL.
func aclDocExampleFor(owner string) string {
	return `<AccessControlPolicy><Owner><ID>` + owner + `</ID></Owner><AccessControlList><Grant>` +
		`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + owner + `</ID></Grantee>` +
		`<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`
}
