package s3api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRouterAWSExamples routes the sample requests of AWS's S3 API
// reference, each in virtual-hosted style (as documented) and in path
// style, and checks the operation, bucket and key.
func TestRouterAWSExamples(t *testing.T) {
	tests := []struct {
		doc     string // the AWS API reference page the request comes from
		method  string
		target  string // path and query, virtual-hosted style
		header  map[string]string
		bucket  string // "" for service-level requests
		key     string
		op      Operation
		missing bool // recognised but not implemented (501)
	}{
		{doc: "ListBuckets", method: "GET", target: "/", op: OpListBuckets},
		{doc: "CreateBucket", method: "PUT", target: "/", bucket: "examplebucket", op: OpCreateBucket},
		{doc: "HeadBucket", method: "HEAD", target: "/", bucket: "examplebucket", op: OpHeadBucket},
		{doc: "DeleteBucket", method: "DELETE", target: "/", bucket: "examplebucket", op: OpDeleteBucket},
		{doc: "GetBucketLocation", method: "GET", target: "/?location", bucket: "examplebucket", op: OpGetBucketLocation},
		{doc: "ListObjects", method: "GET", target: "/?prefix=N&marker=Ned&max-keys=40", bucket: "quotes", op: OpListObjects},
		{doc: "ListObjects", method: "GET", target: "/", bucket: "quotes", op: OpListObjects},
		{doc: "ListObjectsV2", method: "GET", target: "/?list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf", bucket: "examplebucket", op: OpListObjectsV2},
		{doc: "ListObjectsV2", method: "GET", target: "/?list-type=2&delimiter=/&prefix=photos/2006/", bucket: "example-bucket", op: OpListObjectsV2},
		{doc: "ListObjectsV2", method: "GET", target: "/?list-type=2&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2FwwVcZ6lB0sVZU5a2F6WbKSyMkcZY", bucket: "bucket", op: OpListObjectsV2},
		{doc: "ListMultipartUploads", method: "GET", target: "/?uploads&max-uploads=3", bucket: "example-bucket", op: OpListMultipartUploads},
		{doc: "ListMultipartUploads", method: "GET", target: "/?uploads&delimiter=/&prefix=photos/2006/", bucket: "example-bucket", op: OpListMultipartUploads},
		{doc: "DeleteObjects", method: "POST", target: "/?delete", bucket: "bucketname", op: OpDeleteObjects},
		{doc: "PutObject", method: "PUT", target: "/my-image.jpg", bucket: "mybucket", key: "my-image.jpg", op: OpPutObject},
		{doc: "PutObject", method: "PUT", target: "/example-object", header: map[string]string{"x-amz-tagging": "tag1=value1&tag2=value2"}, bucket: "examplebucket", key: "example-object", op: OpPutObject},
		{doc: "GetObject", method: "GET", target: "/my-image.jpg", bucket: "bucket", key: "my-image.jpg", op: OpGetObject},
		{doc: "GetObject", method: "GET", target: "/myObject?versionId=3/L4kqtJlcpXroDTDmpUMLUo", bucket: "bucket", key: "myObject", op: OpGetObject},
		{doc: "GetObject", method: "GET", target: "/Junk3.txt?response-cache-control=No-cache&response-content-disposition=attachment%3B%20filename%3Dtesting.txt&response-content-encoding=x-gzip&response-content-language=mi%2C%20en&response-expires=Thu%2C%2001%20Dec%201994%2016:00:00%20GMT", bucket: "bucket", key: "Junk3.txt", op: OpGetObject},
		{doc: "GetObject", method: "GET", target: "/example-object", header: map[string]string{"Range": "bytes=0-9"}, bucket: "examplebucket", key: "example-object", op: OpGetObject},
		{doc: "HeadObject", method: "HEAD", target: "/my-image.jpg", bucket: "bucket", key: "my-image.jpg", op: OpHeadObject},
		{doc: "DeleteObject", method: "DELETE", target: "/my-second-image.jpg", bucket: "bucket", key: "my-second-image.jpg", op: OpDeleteObject},
		{doc: "DeleteObject", method: "DELETE", target: "/my-third-image.jpg?versionId=UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ", bucket: "bucket", key: "my-third-image.jpg", op: OpDeleteObject},
		{doc: "CopyObject", method: "PUT", target: "/my-second-image.jpg", header: map[string]string{"x-amz-copy-source": "/bucket/my-image.jpg"}, bucket: "bucket", key: "my-second-image.jpg", op: OpCopyObject},
		{doc: "CopyObject", method: "PUT", target: "/my-second-image.jpg", header: map[string]string{"x-amz-copy-source": "/bucket/my-image.jpg?versionId=3/L4kqtJlcpXroDTDmpUMLUo"}, bucket: "bucket", key: "my-second-image.jpg", op: OpCopyObject},
		{doc: "GetObjectTagging", method: "GET", target: "/example-object?tagging", bucket: "examplebucket", key: "example-object", op: OpGetObjectTagging},
		{doc: "PutObjectTagging", method: "PUT", target: "/object-key?tagging", bucket: "examplebucket", key: "object-key", op: OpPutObjectTagging},
		{doc: "DeleteObjectTagging", method: "DELETE", target: "/exampleobject?tagging", bucket: "examplebucket", key: "exampleobject", op: OpDeleteObjectTagging},
		{doc: "CreateMultipartUpload", method: "POST", target: "/example-object?uploads", bucket: "example-bucket", key: "example-object", op: OpCreateMultipartUpload},
		{doc: "UploadPart", method: "PUT", target: "/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", bucket: "example-bucket", key: "my-movie.m2ts", op: OpUploadPart},
		{doc: "UploadPartCopy", method: "PUT", target: "/newobject?partNumber=2&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", header: map[string]string{"x-amz-copy-source": "/source-bucket/sourceobject", "x-amz-copy-source-range": "bytes=500-6291456"}, bucket: "target-bucket", key: "newobject", op: OpUploadPartCopy},
		{doc: "CompleteMultipartUpload", method: "POST", target: "/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA", bucket: "example-bucket", key: "example-object", op: OpCompleteMultipartUpload},
		{doc: "AbortMultipartUpload", method: "DELETE", target: "/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ", bucket: "example-bucket", key: "example-object", op: OpAbortMultipartUpload},
		{doc: "ListParts", method: "GET", target: "/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2&part-number-marker=1", bucket: "example-bucket", key: "example-object", op: OpListParts},
		{doc: "POST Object", method: "POST", target: "/", header: map[string]string{"Content-Type": "multipart/form-data; boundary=9431149156168"}, bucket: "sigv4examplebucket", op: OpPostObject},
		{doc: "PutBucketTagging", method: "PUT", target: "/?tagging", bucket: "examplebucket", op: OpPutBucketTagging},
		{doc: "GetBucketTagging", method: "GET", target: "/?tagging", bucket: "examplebucket", op: OpGetBucketTagging},
		{doc: "DeleteBucketTagging", method: "DELETE", target: "/?tagging", bucket: "examplebucket", op: OpDeleteBucketTagging},
		{doc: "PutBucketCors", method: "PUT", target: "/?cors", bucket: "examplebucket", op: OpPutBucketCors},
		{doc: "GetBucketCors", method: "GET", target: "/?cors", bucket: "examplebucket", op: OpGetBucketCors},
		{doc: "DeleteBucketCors", method: "DELETE", target: "/?cors", bucket: "examplebucket", op: OpDeleteBucketCors},
		{doc: "OPTIONS object", method: "OPTIONS", target: "/exampleobject", bucket: "examplebucket", key: "exampleobject", op: OpPreflight},
		{doc: "OPTIONS object with a sub-resource", method: "OPTIONS", target: "/exampleobject?acl", bucket: "examplebucket", key: "exampleobject", op: OpPreflight},
		{doc: "OPTIONS bucket", method: "OPTIONS", target: "/", bucket: "examplebucket", op: OpPreflight},
		{doc: "OPTIONS service", method: "OPTIONS", target: "/", op: OpPreflight},
		{doc: "keys with slashes", method: "GET", target: "/photos/2006/February/sample.jpg", bucket: "examplebucket", key: "photos/2006/February/sample.jpg", op: OpGetObject},

		// Recognised sub-resources that coffer does not serve yet.
		{doc: "GetBucketVersioning", method: "GET", target: "/?versioning", bucket: "examplebucket", op: "GetBucketVersioning"},
		{doc: "PutBucketVersioning", method: "PUT", target: "/?versioning", bucket: "bucket", op: "PutBucketVersioning"},
		{doc: "ListObjectVersions", method: "GET", target: "/?versions", bucket: "examplebucket", op: "ListObjectVersions"},
		{doc: "GetBucketAcl", method: "GET", target: "/?acl", bucket: "examplebucket", op: "GetBucketAcl"},
		{doc: "PutObjectAcl", method: "PUT", target: "/my-image.jpg?acl", bucket: "examplebucket", key: "my-image.jpg", op: "PutObjectAcl"},
		{doc: "GetBucketPolicy", method: "GET", target: "/?policy", bucket: "examplebucket", op: OpGetBucketPolicy},
		{doc: "PutBucketPolicy", method: "PUT", target: "/?policy", bucket: "examplebucket", op: OpPutBucketPolicy},
		{doc: "DeleteBucketPolicy", method: "DELETE", target: "/?policy", bucket: "examplebucket", op: OpDeleteBucketPolicy},
		{doc: "GetBucketPolicyStatus", method: "GET", target: "/?policyStatus", bucket: "examplebucket", op: OpGetBucketPolicyStatus},
		// Only GET is an operation on ?policyStatus: a PUT must never become a CreateBucket.
		{doc: "PUT ?policyStatus", method: "PUT", target: "/?policyStatus", bucket: "examplebucket", op: "PutBucketPolicyStatus", missing: true},
		{doc: "POST ?policy", method: "POST", target: "/?policy", bucket: "examplebucket", op: "PostBucketPolicy", missing: true},
		{doc: "GetPublicAccessBlock", method: "GET", target: "/?publicAccessBlock", bucket: "examplebucket", op: OpGetPublicAccessBlock},
		{doc: "DeletePublicAccessBlock", method: "DELETE", target: "/?publicAccessBlock", bucket: "examplebucket", op: OpDeletePublicAccessBlock},
		{doc: "DeleteBucketLifecycle", method: "DELETE", target: "/?lifecycle", bucket: "examplebucket", op: OpDeleteBucketLifecycle},
		{doc: "GetBucketLifecycleConfiguration", method: "GET", target: "/?lifecycle", bucket: "examplebucket", op: OpGetBucketLifecycle},
		{doc: "PutBucketLifecycleConfiguration", method: "PUT", target: "/?lifecycle", bucket: "examplebucket", op: OpPutBucketLifecycle},
		{doc: "POST ?lifecycle", method: "POST", target: "/?lifecycle", bucket: "examplebucket", op: "PostBucketLifecycleConfiguration", missing: true},
		{doc: "GetBucketEncryption", method: "GET", target: "/?encryption", bucket: "examplebucket", op: OpGetBucketEncryption},
		{doc: "PutBucketEncryption", method: "PUT", target: "/?encryption", bucket: "examplebucket", op: OpPutBucketEncryption},
		{doc: "DeleteBucketEncryption", method: "DELETE", target: "/?encryption", bucket: "examplebucket", op: OpDeleteBucketEncryption},
		{doc: "PutObjectLockConfiguration", method: "PUT", target: "/?object-lock", bucket: "examplebucket", op: "PutObjectLockConfiguration"},
		{doc: "PutObjectRetention", method: "PUT", target: "/my-image.jpg?retention", bucket: "examplebucket", key: "my-image.jpg", op: "PutObjectRetention"},
		{doc: "GetObjectLegalHold", method: "GET", target: "/my-image.jpg?legal-hold", bucket: "examplebucket", key: "my-image.jpg", op: "GetObjectLegalHold"},
		{doc: "GetBucketLogging", method: "GET", target: "/?logging", bucket: "examplebucket", op: "GetBucketLogging", missing: true},
		{doc: "PutBucketReplication", method: "PUT", target: "/?replication", bucket: "examplebucket", op: "PutBucketReplication", missing: true},
		{doc: "GetBucketWebsite", method: "GET", target: "/?website", bucket: "examplebucket", op: "GetBucketWebsite", missing: true},
		{doc: "PutBucketNotificationConfiguration", method: "PUT", target: "/?notification", bucket: "examplebucket", op: "PutBucketNotificationConfiguration", missing: true},
		{doc: "GetBucketOwnershipControls", method: "GET", target: "/?ownershipControls", bucket: "examplebucket", op: "GetBucketOwnershipControls"},
		{doc: "PutPublicAccessBlock", method: "PUT", target: "/?publicAccessBlock", bucket: "examplebucket", op: OpPutPublicAccessBlock},
		{doc: "GetObjectAttributes", method: "GET", target: "/example-object?attributes", bucket: "examplebucket", key: "example-object", op: "GetObjectAttributes"},
		// Only GET is an operation on ?attributes: a PUT must never become a PutObject.
		{doc: "PUT ?attributes", method: "PUT", target: "/example-object?attributes", bucket: "examplebucket", key: "example-object", op: "PutObjectAttributes", missing: true},
		{doc: "RestoreObject", method: "POST", target: "/archived.jpg?restore", bucket: "examplebucket", key: "archived.jpg", op: OpRestoreObject},
		{doc: "SelectObjectContent", method: "POST", target: "/exampleobject.csv?select&select-type=2", bucket: "examplebucket", key: "exampleobject.csv", op: OpSelectObjectContent},

		// Methods a resource does not take.
		{doc: "no such operation", method: "POST", target: "/my-image.jpg", bucket: "examplebucket", key: "my-image.jpg", op: OpMethodNotAllowed},
		{doc: "no such operation", method: "PUT", target: "/", op: OpMethodNotAllowed},
		{doc: "no such operation", method: "PATCH", target: "/k", bucket: "b", key: "k", op: OpMethodNotAllowed},
	}
	rt := newRouter([]string{"s3.amazonaws.com", "s3.local"})
	for _, tc := range tests {
		for _, style := range []string{"virtual", "path"} {
			name := tc.doc + "/" + tc.method + " " + tc.target + "/" + style
			t.Run(name, func(t *testing.T) {
				host, target := "s3.amazonaws.com", tc.target
				if tc.bucket != "" {
					if style == "virtual" {
						host = tc.bucket + ".s3.amazonaws.com"
					} else {
						target = "/" + tc.bucket + tc.target
					}
				}
				r := httptest.NewRequest(tc.method, "http://"+host+target, nil)
				for k, v := range tc.header {
					r.Header.Set(k, v)
				}
				got := rt.resolve(r, r.URL.Query())
				want := Route{Op: tc.op, Bucket: tc.bucket, Key: tc.key, Implemented: !tc.missing,
					VirtualHost: style == "virtual" && tc.bucket != ""}
				if got != want {
					t.Errorf("resolve(%s %s Host:%s) = %+v, want %+v", tc.method, target, host, got, want)
				}
			})
		}
	}
}

func TestHostBucket(t *testing.T) {
	rt := newRouter([]string{"s3.local", ".Example.COM.", "s3.test:9000", ""})
	tests := []struct{ host, want string }{
		{"s3.local", ""},
		{"s3.local:9000", ""},
		{"photos.s3.local", "photos"},
		{"photos.s3.local:9000", "photos"},
		{"my.dotted.bucket.s3.local", "my.dotted.bucket"},
		{"PHOTOS.S3.LOCAL", "photos"},
		{"b.example.com", "b"},
		{"127.0.0.1:9000", ""},
		{"[::1]:9000", ""},
		{"other.host", ""},
		{"xs3.local", ""},
		{"b.s3.test:9000", "b"},
		{"b.s3.test", "b"},
		{"s3.test:9000", ""},
	}
	for _, tc := range tests {
		if got := rt.hostBucket(tc.host); got != tc.want {
			t.Errorf("hostBucket(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
}

// TestRoutesCoverOps checks that the routing table and the operation table
// agree: every routed operation has a handler and every handler a route.
func TestRoutesCoverOps(t *testing.T) {
	routed := map[Operation]bool{}
	for _, r := range routes {
		routed[r.op] = true
		if _, ok := ops[r.op]; !ok && r.op != OpPostObject {
			t.Errorf("route to %s has no entry in ops", r.op)
		}
	}
	for _, op := range []Operation{OpGetAccountPublicAccessBlock, OpPutAccountPublicAccessBlock, OpDeleteAccountPublicAccessBlock} {
		routed[op] = true // controlRoute leads to them
	}
	for op, spec := range ops {
		if !routed[op] {
			t.Errorf("ops has %s but no route leads to it", op)
		}
		if spec.action != "" && !strings.HasPrefix(spec.action, "s3:") {
			t.Errorf("ops[%s].action = %q, want an s3: action", op, spec.action)
		}
	}
	if _, ok := routed[OpPostObject]; !ok {
		t.Error("no route to PostObject")
	}
}

// TestOperationActions pins the IAM action each operation is authorized
// as, following AWS's list of S3 actions ("Actions, resources, and
// condition keys for Amazon S3"). Bucket policies will name these.
func TestOperationActions(t *testing.T) {
	want := map[Operation]string{
		OpListBuckets:             "s3:ListAllMyBuckets",
		OpCreateBucket:            "s3:CreateBucket",
		OpHeadBucket:              "s3:ListBucket",
		OpDeleteBucket:            "s3:DeleteBucket",
		OpGetBucketLocation:       "s3:GetBucketLocation",
		OpGetBucketVersioning:     "s3:GetBucketVersioning",
		OpPutBucketVersioning:     "s3:PutBucketVersioning",
		OpListObjectVersions:      "s3:ListBucketVersions",
		OpGetObjectLockConfig:     "s3:GetBucketObjectLockConfiguration",
		OpPutObjectLockConfig:     "s3:PutBucketObjectLockConfiguration",
		OpGetObjectRetention:      "s3:GetObjectRetention",
		OpPutObjectRetention:      "s3:PutObjectRetention",
		OpGetObjectLegalHold:      "s3:GetObjectLegalHold",
		OpPutObjectLegalHold:      "s3:PutObjectLegalHold",
		OpPutObject:               "s3:PutObject",
		OpGetObject:               "s3:GetObject",
		OpHeadObject:              "s3:GetObject",
		OpDeleteObject:            "s3:DeleteObject",
		OpDeleteObjects:           "", // s3:DeleteObject per key, in the handler
		OpCopyObject:              "s3:PutObject",
		OpGetObjectAttributes:     "s3:GetObjectAttributes",
		OpGetObjectTagging:        "s3:GetObjectTagging",
		OpPutObjectTagging:        "s3:PutObjectTagging",
		OpDeleteObjectTagging:     "s3:DeleteObjectTagging",
		OpGetBucketTagging:        "s3:GetBucketTagging",
		OpPutBucketTagging:        "s3:PutBucketTagging",
		OpDeleteBucketTagging:     "s3:PutBucketTagging",
		OpGetBucketCors:           "s3:GetBucketCORS",
		OpPutBucketCors:           "s3:PutBucketCORS",
		OpDeleteBucketCors:        "s3:PutBucketCORS",
		OpGetBucketEncryption:     "s3:GetEncryptionConfiguration",
		OpPutBucketEncryption:     "s3:PutEncryptionConfiguration",
		OpDeleteBucketEncryption:  "s3:PutEncryptionConfiguration",
		OpGetBucketLifecycle:      "s3:GetLifecycleConfiguration",
		OpPutBucketLifecycle:      "s3:PutLifecycleConfiguration",
		OpDeleteBucketLifecycle:   "s3:PutLifecycleConfiguration",
		OpListObjects:             "s3:ListBucket",
		OpListObjectsV2:           "s3:ListBucket",
		OpCreateMultipartUpload:   "s3:PutObject",
		OpUploadPart:              "s3:PutObject",
		OpUploadPartCopy:          "s3:PutObject",
		OpCompleteMultipartUpload: "s3:PutObject",
		OpAbortMultipartUpload:    "s3:AbortMultipartUpload",
		OpListParts:               "s3:ListMultipartUploadParts",
		OpListMultipartUploads:    "s3:ListBucketMultipartUploads",
		OpSelectObjectContent:     "s3:GetObject",
		OpRestoreObject:           "s3:RestoreObject",
		OpGetBucketPolicy:         "s3:GetBucketPolicy",
		OpPutBucketPolicy:         "s3:PutBucketPolicy",
		OpDeleteBucketPolicy:      "s3:DeleteBucketPolicy",
		OpGetBucketPolicyStatus:   "s3:GetBucketPolicyStatus",
		OpGetPublicAccessBlock:    "s3:GetBucketPublicAccessBlock",
		OpPutPublicAccessBlock:    "s3:PutBucketPublicAccessBlock",
		OpDeletePublicAccessBlock: "s3:PutBucketPublicAccessBlock",

		OpGetAccountPublicAccessBlock:    "s3:GetAccountPublicAccessBlock",
		OpPutAccountPublicAccessBlock:    "s3:PutAccountPublicAccessBlock",
		OpDeleteAccountPublicAccessBlock: "s3:PutAccountPublicAccessBlock",

		OpGetBucketAcl:                  "s3:GetBucketAcl",
		OpPutBucketAcl:                  "s3:PutBucketAcl",
		OpGetObjectAcl:                  "s3:GetObjectAcl",
		OpPutObjectAcl:                  "s3:PutObjectAcl",
		OpGetBucketOwnershipControls:    "s3:GetBucketOwnershipControls",
		OpPutBucketOwnershipControls:    "s3:PutBucketOwnershipControls",
		OpDeleteBucketOwnershipControls: "s3:PutBucketOwnershipControls",
	}
	for op, spec := range ops {
		w, ok := want[op]
		if !ok {
			t.Errorf("%s has no expected action in this test", op)
			continue
		}
		if spec.action != w {
			t.Errorf("ops[%s].action = %q, want %q", op, spec.action, w)
		}
	}
	for _, op := range []Operation{OpCopyObject, OpUploadPartCopy} {
		if !ops[op].copySource {
			t.Errorf("%s does not authorize s3:GetObject on its source", op)
		}
	}
}

// TestControlRoute checks S3 Control requests as botocore sends them: the
// account id in front of the endpoint's host (which, with a configured
// domain, would otherwise read as a virtual-hosted bucket), the path under
// /v20180820/ and the x-amz-account-id header.
func TestControlRoute(t *testing.T) {
	rt := newRouter([]string{"localhost"})
	tests := []struct {
		method, url string
		account     string
		want        Route
	}{
		{"GET", "http://111122223333.localhost:9000/v20180820/configuration/publicAccessBlock", "111122223333",
			Route{Op: OpGetAccountPublicAccessBlock, Implemented: true}},
		{"PUT", "http://127.0.0.1:9000/v20180820/configuration/publicAccessBlock", "111122223333",
			Route{Op: OpPutAccountPublicAccessBlock, Implemented: true}},
		{"DELETE", "http://111122223333.localhost/v20180820/configuration/publicAccessBlock", "111122223333",
			Route{Op: OpDeleteAccountPublicAccessBlock, Implemented: true}},
		{"POST", "http://localhost/v20180820/configuration/publicAccessBlock", "111122223333",
			Route{Op: OpMethodNotAllowed, Implemented: true}},
		{"GET", "http://localhost/v20180820/jobs", "111122223333", Route{Op: OpS3Control}},
		// Without the header it is an object request in bucket v20180820.
		{"GET", "http://localhost:9000/v20180820/configuration/publicAccessBlock", "",
			Route{Op: OpGetObject, Bucket: "v20180820", Key: "configuration/publicAccessBlock", Implemented: true}},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.url, nil)
		if tt.account != "" {
			r.Header.Set("X-Amz-Account-Id", tt.account)
		}
		if got := rt.resolve(r, r.URL.Query()); got != tt.want {
			t.Errorf("resolve(%s %s, account %q) = %+v, want %+v", tt.method, tt.url, tt.account, got, tt.want)
		}
	}
}
