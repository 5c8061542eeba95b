package s3api

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Operation names an S3 API operation, spelled as AWS spells it.
type Operation string

// The operations coffer serves.
const (
	OpListBuckets             Operation = "ListBuckets"
	OpCreateBucket            Operation = "CreateBucket"
	OpHeadBucket              Operation = "HeadBucket"
	OpDeleteBucket            Operation = "DeleteBucket"
	OpGetBucketLocation       Operation = "GetBucketLocation"
	OpGetBucketVersioning     Operation = "GetBucketVersioning"
	OpPutBucketVersioning     Operation = "PutBucketVersioning"
	OpListObjectVersions      Operation = "ListObjectVersions"
	OpGetObjectLockConfig     Operation = "GetObjectLockConfiguration"
	OpPutObjectLockConfig     Operation = "PutObjectLockConfiguration"
	OpGetObjectRetention      Operation = "GetObjectRetention"
	OpPutObjectRetention      Operation = "PutObjectRetention"
	OpGetObjectLegalHold      Operation = "GetObjectLegalHold"
	OpPutObjectLegalHold      Operation = "PutObjectLegalHold"
	OpPutObject               Operation = "PutObject"
	OpGetObject               Operation = "GetObject"
	OpHeadObject              Operation = "HeadObject"
	OpDeleteObject            Operation = "DeleteObject"
	OpDeleteObjects           Operation = "DeleteObjects"
	OpCopyObject              Operation = "CopyObject"
	OpGetObjectTagging        Operation = "GetObjectTagging"
	OpPutObjectTagging        Operation = "PutObjectTagging"
	OpDeleteObjectTagging     Operation = "DeleteObjectTagging"
	OpListObjects             Operation = "ListObjects"
	OpListObjectsV2           Operation = "ListObjectsV2"
	OpCreateMultipartUpload   Operation = "CreateMultipartUpload"
	OpUploadPart              Operation = "UploadPart"
	OpUploadPartCopy          Operation = "UploadPartCopy"
	OpCompleteMultipartUpload Operation = "CompleteMultipartUpload"
	OpAbortMultipartUpload    Operation = "AbortMultipartUpload"
	OpListParts               Operation = "ListParts"
	OpListMultipartUploads    Operation = "ListMultipartUploads"
	OpPostObject              Operation = "PostObject"
	OpGetBucketTagging        Operation = "GetBucketTagging"
	OpPutBucketTagging        Operation = "PutBucketTagging"
	OpDeleteBucketTagging     Operation = "DeleteBucketTagging"
	OpGetBucketPolicy         Operation = "GetBucketPolicy"
	OpPutBucketPolicy         Operation = "PutBucketPolicy"
	OpDeleteBucketPolicy      Operation = "DeleteBucketPolicy"
	OpGetBucketPolicyStatus   Operation = "GetBucketPolicyStatus"
	OpGetPublicAccessBlock    Operation = "GetPublicAccessBlock"
	OpPutPublicAccessBlock    Operation = "PutPublicAccessBlock"
	OpDeletePublicAccessBlock Operation = "DeletePublicAccessBlock"
	OpGetBucketCors           Operation = "GetBucketCors"
	OpPutBucketCors           Operation = "PutBucketCors"
	OpDeleteBucketCors        Operation = "DeleteBucketCors"
	OpGetBucketEncryption     Operation = "GetBucketEncryption"
	OpPutBucketEncryption     Operation = "PutBucketEncryption"
	OpDeleteBucketEncryption  Operation = "DeleteBucketEncryption"
	OpGetBucketLifecycle      Operation = "GetBucketLifecycleConfiguration"
	OpPutBucketLifecycle      Operation = "PutBucketLifecycleConfiguration"
	OpDeleteBucketLifecycle   Operation = "DeleteBucketLifecycle"
	OpGetBucketAcl            Operation = "GetBucketAcl"
	OpPutBucketAcl            Operation = "PutBucketAcl"
	OpGetObjectAcl            Operation = "GetObjectAcl"
	OpPutObjectAcl            Operation = "PutObjectAcl"

	OpGetBucketOwnershipControls    Operation = "GetBucketOwnershipControls"
	OpPutBucketOwnershipControls    Operation = "PutBucketOwnershipControls"
	OpDeleteBucketOwnershipControls Operation = "DeleteBucketOwnershipControls"
	// OpPreflight is a browser's CORS preflight: OPTIONS on any resource,
	// answered from the bucket's CORS rules without authentication.
	OpPreflight           Operation = "OptionsPreflight"
	OpGetObjectAttributes Operation = "GetObjectAttributes"
	// OpSelectObjectContent is answered as AWS answers an account S3
	// Select is closed to (select.go).
	OpSelectObjectContent Operation = "SelectObjectContent"
	// OpRestoreObject restores a temporary copy of a GLACIER or
	// DEEP_ARCHIVE object.
	OpRestoreObject Operation = "RestoreObject"
	// OpMethodNotAllowed is a method the addressed resource does not take.
	OpMethodNotAllowed Operation = "MethodNotAllowed"
)

// target is the kind of resource a request addresses.
type target int

const (
	targetService target = iota // no bucket
	targetBucket                // a bucket, no key
	targetObject                // a key in a bucket
)

// route is one row of the routing table. A request matches when its method
// and target equal the row's, every query parameter in query is present
// (a "name=value" entry also requires the value), header (if set) is
// present and, if form is set, the body is multipart/form-data.
type route struct {
	method string
	target target
	query  []string
	header string
	form   bool
	op     Operation
}

// routes is searched in order; the first match wins, so the rows with more
// conditions come before the plainer rows of the same method and target.
var routes = []route{
	{method: http.MethodGet, target: targetService, op: OpListBuckets},

	{method: http.MethodGet, target: targetBucket, query: []string{"location"}, op: OpGetBucketLocation},
	{method: http.MethodGet, target: targetBucket, query: []string{"uploads"}, op: OpListMultipartUploads},
	{method: http.MethodGet, target: targetBucket, query: []string{"versioning"}, op: OpGetBucketVersioning},
	{method: http.MethodGet, target: targetBucket, query: []string{"versions"}, op: OpListObjectVersions},
	{method: http.MethodPut, target: targetBucket, query: []string{"versioning"}, op: OpPutBucketVersioning},
	{method: http.MethodGet, target: targetBucket, query: []string{"object-lock"}, op: OpGetObjectLockConfig},
	{method: http.MethodPut, target: targetBucket, query: []string{"object-lock"}, op: OpPutObjectLockConfig},
	{method: http.MethodGet, target: targetBucket, query: []string{"tagging"}, op: OpGetBucketTagging},
	{method: http.MethodPut, target: targetBucket, query: []string{"tagging"}, op: OpPutBucketTagging},
	{method: http.MethodDelete, target: targetBucket, query: []string{"tagging"}, op: OpDeleteBucketTagging},
	{method: http.MethodGet, target: targetBucket, query: []string{"policy"}, op: OpGetBucketPolicy},
	{method: http.MethodPut, target: targetBucket, query: []string{"policy"}, op: OpPutBucketPolicy},
	{method: http.MethodDelete, target: targetBucket, query: []string{"policy"}, op: OpDeleteBucketPolicy},
	{method: http.MethodGet, target: targetBucket, query: []string{"policyStatus"}, op: OpGetBucketPolicyStatus},
	{method: http.MethodGet, target: targetBucket, query: []string{"publicAccessBlock"}, op: OpGetPublicAccessBlock},
	{method: http.MethodPut, target: targetBucket, query: []string{"publicAccessBlock"}, op: OpPutPublicAccessBlock},
	{method: http.MethodDelete, target: targetBucket, query: []string{"publicAccessBlock"}, op: OpDeletePublicAccessBlock},
	{method: http.MethodGet, target: targetBucket, query: []string{"cors"}, op: OpGetBucketCors},
	{method: http.MethodPut, target: targetBucket, query: []string{"cors"}, op: OpPutBucketCors},
	{method: http.MethodDelete, target: targetBucket, query: []string{"cors"}, op: OpDeleteBucketCors},
	{method: http.MethodGet, target: targetBucket, query: []string{"encryption"}, op: OpGetBucketEncryption},
	{method: http.MethodPut, target: targetBucket, query: []string{"encryption"}, op: OpPutBucketEncryption},
	{method: http.MethodDelete, target: targetBucket, query: []string{"encryption"}, op: OpDeleteBucketEncryption},
	// The older GetBucketLifecycle and PutBucketLifecycle use the same
	// requests; one handler serves both shapes of the document.
	{method: http.MethodGet, target: targetBucket, query: []string{"lifecycle"}, op: OpGetBucketLifecycle},
	{method: http.MethodPut, target: targetBucket, query: []string{"lifecycle"}, op: OpPutBucketLifecycle},
	{method: http.MethodDelete, target: targetBucket, query: []string{"lifecycle"}, op: OpDeleteBucketLifecycle},
	{method: http.MethodGet, target: targetBucket, query: []string{"acl"}, op: OpGetBucketAcl},
	{method: http.MethodPut, target: targetBucket, query: []string{"acl"}, op: OpPutBucketAcl},
	{method: http.MethodGet, target: targetBucket, query: []string{"ownershipControls"}, op: OpGetBucketOwnershipControls},
	{method: http.MethodPut, target: targetBucket, query: []string{"ownershipControls"}, op: OpPutBucketOwnershipControls},
	{method: http.MethodDelete, target: targetBucket, query: []string{"ownershipControls"}, op: OpDeleteBucketOwnershipControls},
	{method: http.MethodGet, target: targetBucket, query: []string{"list-type=2"}, op: OpListObjectsV2},
	{method: http.MethodGet, target: targetBucket, op: OpListObjects},
	{method: http.MethodHead, target: targetBucket, op: OpHeadBucket},
	{method: http.MethodPut, target: targetBucket, op: OpCreateBucket},
	{method: http.MethodDelete, target: targetBucket, op: OpDeleteBucket},
	{method: http.MethodPost, target: targetBucket, query: []string{"delete"}, op: OpDeleteObjects},
	{method: http.MethodPost, target: targetBucket, form: true, op: OpPostObject},

	{method: http.MethodGet, target: targetObject, query: []string{"uploadId"}, op: OpListParts},
	{method: http.MethodGet, target: targetObject, query: []string{"acl"}, op: OpGetObjectAcl},
	{method: http.MethodPut, target: targetObject, query: []string{"acl"}, op: OpPutObjectAcl},
	{method: http.MethodGet, target: targetObject, query: []string{"tagging"}, op: OpGetObjectTagging},
	{method: http.MethodGet, target: targetObject, query: []string{"retention"}, op: OpGetObjectRetention},
	{method: http.MethodGet, target: targetObject, query: []string{"legal-hold"}, op: OpGetObjectLegalHold},
	{method: http.MethodGet, target: targetObject, query: []string{"attributes"}, op: OpGetObjectAttributes},
	{method: http.MethodPut, target: targetObject, query: []string{"retention"}, op: OpPutObjectRetention},
	{method: http.MethodPut, target: targetObject, query: []string{"legal-hold"}, op: OpPutObjectLegalHold},
	{method: http.MethodGet, target: targetObject, op: OpGetObject},
	{method: http.MethodHead, target: targetObject, op: OpHeadObject},
	{method: http.MethodPut, target: targetObject, query: []string{"partNumber", "uploadId"}, header: "X-Amz-Copy-Source", op: OpUploadPartCopy},
	{method: http.MethodPut, target: targetObject, query: []string{"partNumber", "uploadId"}, op: OpUploadPart},
	{method: http.MethodPut, target: targetObject, query: []string{"tagging"}, op: OpPutObjectTagging},
	{method: http.MethodPut, target: targetObject, header: "X-Amz-Copy-Source", op: OpCopyObject},
	{method: http.MethodPut, target: targetObject, op: OpPutObject},
	{method: http.MethodDelete, target: targetObject, query: []string{"uploadId"}, op: OpAbortMultipartUpload},
	{method: http.MethodDelete, target: targetObject, query: []string{"tagging"}, op: OpDeleteObjectTagging},
	{method: http.MethodDelete, target: targetObject, op: OpDeleteObject},
	{method: http.MethodPost, target: targetObject, query: []string{"uploads"}, op: OpCreateMultipartUpload},
	{method: http.MethodPost, target: targetObject, query: []string{"uploadId"}, op: OpCompleteMultipartUpload},
	{method: http.MethodPost, target: targetObject, query: []string{"select"}, op: OpSelectObjectContent},
	{method: http.MethodPost, target: targetObject, query: []string{"restore"}, op: OpRestoreObject},
}

// unimplemented lists the sub-resources coffer recognises but does not
// serve yet. A request naming one answers 501 NotImplemented rather than
// falling through to a plain object or bucket operation, which would
// silently do the wrong thing (a PUT ?acl must never overwrite an object).
// stem names the operation: the method's verb is put in front of it.
var unimplemented = []struct {
	sub         string
	bucketStem  string
	objectStem  string
	bucketGetOp Operation // overrides "Get"+bucketStem when set
	objectOp    Operation // overrides verb+objectStem when set
	// objectGetServed: a GET of the object sub-resource is a route of
	// its own; only the other methods are unimplemented.
	objectGetServed bool
	// bucketServed lists the methods of the bucket sub-resource that are
	// routes of their own; the others stay unimplemented.
	bucketServed []string
}{
	{sub: "accelerate", bucketStem: "BucketAccelerateConfiguration"},
	{sub: "analytics", bucketStem: "BucketAnalyticsConfiguration"},
	{sub: "attributes", objectStem: "ObjectAttributes", objectGetServed: true},
	{sub: "intelligent-tiering", bucketStem: "BucketIntelligentTieringConfiguration"},
	{sub: "inventory", bucketStem: "BucketInventoryConfiguration"},
	{sub: "lifecycle", bucketStem: "BucketLifecycleConfiguration", bucketServed: []string{http.MethodGet, http.MethodPut, http.MethodDelete}},
	{sub: "logging", bucketStem: "BucketLogging"},
	{sub: "metrics", bucketStem: "BucketMetricsConfiguration"},
	{sub: "notification", bucketStem: "BucketNotificationConfiguration"},
	{sub: "policy", bucketStem: "BucketPolicy", bucketServed: []string{http.MethodGet, http.MethodPut, http.MethodDelete}},
	{sub: "policyStatus", bucketStem: "BucketPolicyStatus", bucketServed: []string{http.MethodGet}},
	{sub: "publicAccessBlock", bucketStem: "PublicAccessBlock", bucketServed: []string{http.MethodGet, http.MethodPut, http.MethodDelete}},
	{sub: "replication", bucketStem: "BucketReplication"},
	{sub: "requestPayment", bucketStem: "BucketRequestPayment"},
	{sub: "torrent", objectStem: "ObjectTorrent"},
	{sub: "website", bucketStem: "BucketWebsite"},
}

// verbs prefix an unimplemented sub-resource's stem to name its operation.
var verbs = map[string]string{
	http.MethodGet:    "Get",
	http.MethodHead:   "Head",
	http.MethodPut:    "Put",
	http.MethodPost:   "Post",
	http.MethodDelete: "Delete",
}

// Route is where a request goes: the operation and the resource it names.
type Route struct {
	Op          Operation
	Bucket, Key string
	// Implemented is false for a recognised sub-resource coffer does not
	// serve yet (501 NotImplemented).
	Implemented bool
	// VirtualHost is true when the bucket came from the Host header.
	VirtualHost bool
}

// router resolves requests to Routes.
type router struct {
	domains []string // lower case, without a leading dot
}

func newRouter(domains []string) *router {
	rt := &router{}
	for _, d := range domains {
		// A port in a configured domain would never match: hostBucket
		// compares host names without theirs.
		if h, _, err := net.SplitHostPort(d); err == nil {
			d = h
		}
		d = strings.ToLower(strings.Trim(d, "."))
		if d != "" {
			rt.domains = append(rt.domains, d)
		}
	}
	return rt
}

// hostBucket returns the bucket named by a virtual-hosted-style Host
// header, or "" for a path-style request.
func (rt *router) hostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	for _, d := range rt.domains {
		if b, ok := strings.CutSuffix(host, "."+d); ok && b != "" {
			return b
		}
	}
	return ""
}

// resolve routes r. query is r's parsed query string.
func (rt *router) resolve(r *http.Request, query url.Values) Route {
	if rte, ok := controlRoute(r); ok {
		return rte
	}
	var rte Route
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := rt.hostBucket(r.Host); b != "" {
		rte.Bucket, rte.Key, rte.VirtualHost = b, path, true
	} else {
		rte.Bucket, rte.Key, _ = strings.Cut(path, "/")
	}
	if r.Method == http.MethodOptions {
		// Whatever the query names, an OPTIONS request is a preflight
		// for the request it describes; it never reaches an operation.
		rte.Op, rte.Implemented = OpPreflight, true
		return rte
	}
	if rte.Bucket == "" && rte.Key != "" {
		// "//key": a key with no bucket addresses nothing.
		rte.Op, rte.Implemented = OpMethodNotAllowed, true
		return rte
	}
	tgt := targetService
	switch {
	case rte.Key != "":
		tgt = targetObject
	case rte.Bucket != "":
		tgt = targetBucket
	}
	if op, ok := unimplementedOp(r.Method, tgt, query); ok {
		rte.Op = op
		return rte
	}
	for _, row := range routes {
		if row.matches(r, tgt, query) {
			rte.Op, rte.Implemented = row.op, true
			return rte
		}
	}
	rte.Op, rte.Implemented = OpMethodNotAllowed, true
	return rte
}

func unimplementedOp(method string, tgt target, query url.Values) (Operation, bool) {
	if tgt == targetService {
		return "", false
	}
	for _, u := range unimplemented {
		if _, ok := query[u.sub]; !ok {
			continue
		}
		stem := u.bucketStem
		if tgt == targetBucket && slices.Contains(u.bucketServed, method) {
			continue
		}
		if tgt == targetObject {
			if u.objectGetServed && method == http.MethodGet {
				continue
			}
			if u.objectOp != "" {
				return u.objectOp, true
			}
			stem = u.objectStem
		}
		if stem == "" {
			continue
		}
		if method == http.MethodGet && tgt == targetBucket && u.bucketGetOp != "" {
			return u.bucketGetOp, true
		}
		return Operation(verbs[method] + stem), true
	}
	return "", false
}

func (row *route) matches(r *http.Request, tgt target, query url.Values) bool {
	if row.method != r.Method || row.target != tgt {
		return false
	}
	for _, q := range row.query {
		name, want, hasValue := strings.Cut(q, "=")
		got, ok := query[name]
		if !ok || (hasValue && (len(got) == 0 || got[0] != want)) {
			return false
		}
	}
	if row.header != "" && r.Header.Get(row.header) == "" {
		return false
	}
	if row.form && !isMultipartForm(r) {
		return false
	}
	return true
}

func isMultipartForm(r *http.Request) bool {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	return strings.HasPrefix(ct, "multipart/form-data")
}
