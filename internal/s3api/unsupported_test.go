package s3api

import (
	"testing"
)

func TestUnsupportedHeaders(t *testing.T) {
	runHandlerCases(t, []handlerCase{
		{name: "private acl", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Acl": "private"}, status: 200},
		{name: "owner acl", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Acl": "bucket-owner-full-control"}, status: 200},
		{name: "public acl", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Acl": "public-read"},
			status: 400, code: "AccessControlListNotSupported"},
		{name: "grant", method: "POST", target: "/b/k?uploads", header: map[string]string{"X-Amz-Grant-Read": "id=1"},
			status: 400, code: "AccessControlListNotSupported"},
		{name: "bucket acl", method: "PUT", target: "/b", header: map[string]string{"X-Amz-Acl": "public-read-write"},
			status: 400, code: "InvalidBucketAclWithObjectOwnership"},
		{name: "sse-c over http", method: "PUT", target: "/b/k?partNumber=1&uploadId=u", body: "x",
			header: map[string]string{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"}, status: 400, code: "InvalidRequest"},
		{name: "sse-s3 put", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Server-Side-Encryption": "AES256"}, status: 200},
		{name: "sse-s3 upload", method: "POST", target: "/b/k?uploads", header: map[string]string{"X-Amz-Server-Side-Encryption": "AES256"}, status: 200},
		{name: "sse invalid", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Server-Side-Encryption": "AES128"},
			status: 400, code: "InvalidArgument"},
		{name: "sse lower case", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Server-Side-Encryption": "aes256"},
			status: 400, code: "InvalidArgument"},
		{name: "sse-kms put", method: "PUT", target: "/b/k", body: "x", header: map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms"},
			status: 501, code: "NotImplemented"},
		{name: "dsse-kms upload", method: "POST", target: "/b/k?uploads", header: map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms:dsse"},
			status: 501, code: "NotImplemented"},
		{name: "sse-s3 get", method: "GET", target: "/b/k", header: map[string]string{"X-Amz-Server-Side-Encryption": "AES256"},
			status: 400, code: "InvalidArgument"},
		{name: "sse-kms head", method: "HEAD", target: "/b/k", header: map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms"},
			status: 400},
		{name: "kms key id get", method: "GET", target: "/b/k", header: map[string]string{"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "k"},
			status: 400, code: "InvalidArgument"},
		{name: "sse-kms copy", method: "PUT", target: "/b/k", header: map[string]string{"X-Amz-Copy-Source": "b/j", "X-Amz-Server-Side-Encryption": "aws:kms"},
			status: 501, code: "NotImplemented"},
	})
}
