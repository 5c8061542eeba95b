package s3api

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// probeKeys are the condition keys the recording authorizer reads from
// every request's context, in the spelling policies use. Tag keys probe the
// tag "color".
var probeKeys = []string{
	"aws:SourceIp", "aws:SecureTransport", "aws:UserAgent", "aws:Referer",
	"s3:prefix", "s3:delimiter", "s3:max-keys",
	"s3:x-amz-acl", "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id",
	"s3:x-amz-server-side-encryption-customer-algorithm",
	"s3:ExistingObjectTag/color", "s3:RequestObjectTag/color", "s3:RequestObjectTagKeys",
	"s3:object-lock-mode", "s3:object-lock-retain-until-date", "s3:object-lock-remaining-retention-days", "s3:object-lock-legal-hold",
	"s3:VersionId", "s3:x-amz-copy-source", "s3:x-amz-metadata-directive", "s3:x-amz-content-sha256",
	"s3:authType", "s3:signatureversion", "s3:signatureAge", "s3:TlsVersion", "s3:LocationConstraint",
}

// authCall is what one Authorize call was asked: the action, the resource
// ARN and the condition keys present in its context.
type authCall struct {
	Action, Resource string
	Keys             map[string][]string
}

// recordingAuthorizer allows everything and records each question, reading
// the probe keys while the context is valid.
type recordingAuthorizer struct {
	mu    sync.Mutex
	calls []authCall
}

func (a *recordingAuthorizer) Authorize(_ context.Context, req iam.Request) iam.Decision {
	c := authCall{Action: req.Action, Resource: req.Resource, Keys: map[string][]string{}}
	for _, k := range probeKeys {
		if v, ok := req.Context.Lookup(k); ok {
			c.Keys[k] = v
		}
	}
	a.mu.Lock()
	a.calls = append(a.calls, c)
	a.mu.Unlock()
	return iam.Decision{Allowed: true}
}

// methodVerifier authenticates every request as root with a fixed method.
type methodVerifier struct {
	fakeVerifier
	method sigv4.Method
}

func (v *methodVerifier) Verify(r *http.Request) (*sigv4.Result, error) {
	res, err := v.fakeVerifier.Verify(r)
	if err == nil && res.Method != sigv4.Anonymous {
		res.Method = v.method
	}
	return res, err
}

// common are the keys every authenticated SigV4 header request over plain
// HTTP from httptest's client carries.
func common(extra map[string][]string) map[string][]string {
	m := map[string][]string{
		"aws:SourceIp":        {"192.0.2.1"},
		"aws:SecureTransport": {"false"},
		"s3:authType":         {"REST-HEADER"},
		"s3:signatureversion": {"AWS4-HMAC-SHA256"},
		"s3:signatureAge":     {"1890"},
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestAuthorize_RequestPerOperation(t *testing.T) {
	const retention = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2026-03-14T00:00:00Z</RetainUntilDate></Retention>`
	tests := []struct {
		name   string
		method string
		target string
		header map[string]string
		body   string
		setup  func(*fakeObjects)
		want   []authCall
	}{
		{name: "ListBuckets", method: "GET", target: "/",
			want: []authCall{{"s3:ListAllMyBuckets", "arn:aws:s3:::*", common(nil)}}},
		{name: "CreateBucket", method: "PUT", target: "/b",
			header: map[string]string{"X-Amz-Acl": "private"},
			body:   `<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`,
			want: []authCall{{"s3:CreateBucket", "arn:aws:s3:::b", common(map[string][]string{
				"s3:x-amz-acl": {"private"}, "s3:LocationConstraint": {"us-east-1"}})}}},
		{name: "CreateBucket_noBody", method: "PUT", target: "/b",
			want: []authCall{{"s3:CreateBucket", "arn:aws:s3:::b", common(nil)}}},
		{name: "HeadBucket", method: "HEAD", target: "/b",
			want: []authCall{{"s3:ListBucket", "arn:aws:s3:::b", common(nil)}}},
		{name: "DeleteBucket", method: "DELETE", target: "/b",
			want: []authCall{{"s3:DeleteBucket", "arn:aws:s3:::b", common(nil)}}},
		{name: "GetBucketLocation", method: "GET", target: "/b?location",
			want: []authCall{{"s3:GetBucketLocation", "arn:aws:s3:::b", common(nil)}}},
		{name: "GetBucketVersioning", method: "GET", target: "/b?versioning",
			want: []authCall{{"s3:GetBucketVersioning", "arn:aws:s3:::b", common(nil)}}},
		{name: "PutBucketVersioning", method: "PUT", target: "/b?versioning",
			body: `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`,
			want: []authCall{{"s3:PutBucketVersioning", "arn:aws:s3:::b", common(nil)}}},
		{name: "ListObjectVersions", method: "GET", target: "/b?versions&prefix=a/&delimiter=/&max-keys=5",
			want: []authCall{{"s3:ListBucketVersions", "arn:aws:s3:::b", common(map[string][]string{
				"s3:prefix": {"a/"}, "s3:delimiter": {"/"}, "s3:max-keys": {"5"}})}}},
		{name: "ListObjects", method: "GET", target: "/b?prefix=",
			want: []authCall{{"s3:ListBucket", "arn:aws:s3:::b", common(map[string][]string{"s3:prefix": {""}})}}},
		{name: "ListObjectsV2", method: "GET", target: "/b?list-type=2&prefix=home/",
			want: []authCall{{"s3:ListBucket", "arn:aws:s3:::b", common(map[string][]string{"s3:prefix": {"home/"}})}}},
		{name: "GetObjectLockConfiguration", method: "GET", target: "/b?object-lock",
			want: []authCall{{"s3:GetBucketObjectLockConfiguration", "arn:aws:s3:::b", common(nil)}}},
		{name: "PutObjectLockConfiguration", method: "PUT", target: "/b?object-lock",
			header: map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"},
			body:   `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`,
			// The Service Authorization Reference lists no
			// s3:x-amz-content-sha256 for this action.
			want: []authCall{{"s3:PutBucketObjectLockConfiguration", "arn:aws:s3:::b", common(nil)}}},
		{name: "GetObjectRetention", method: "GET", target: "/b/k?retention",
			want: []authCall{{"s3:GetObjectRetention", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "PutObjectRetention", method: "PUT", target: "/b/k?retention", body: retention,
			want: []authCall{{"s3:PutObjectRetention", "arn:aws:s3:::b/k", common(map[string][]string{
				"s3:object-lock-mode": {"GOVERNANCE"}, "s3:object-lock-retain-until-date": {"2026-03-14T00:00:00.000Z"},
				"s3:object-lock-remaining-retention-days": {"10"}})}}},
		{name: "RestoreObject", method: "POST", target: "/b/k?restore&versionId=v1", body: `<RestoreRequest><Days>1</Days></RestoreRequest>`,
			want: []authCall{{"s3:RestoreObject", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "GetObjectLegalHold", method: "GET", target: "/b/k?legal-hold",
			want: []authCall{{"s3:GetObjectLegalHold", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "PutObjectLegalHold", method: "PUT", target: "/b/k?legal-hold", body: `<LegalHold><Status>ON</Status></LegalHold>`,
			want: []authCall{{"s3:PutObjectLegalHold", "arn:aws:s3:::b/k", common(map[string][]string{"s3:object-lock-legal-hold": {"ON"}})}}},
		{name: "PutObject", method: "PUT", target: "/b/dir/k", body: "x",
			header: map[string]string{
				"X-Amz-Acl": "bucket-owner-full-control", "X-Amz-Server-Side-Encryption": "aws:kms",
				"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:us-east-1:000000000000:key/k1",
				"X-Amz-Tagging": "color=blue&size=L", "X-Amz-Object-Lock-Mode": "COMPLIANCE",
				"X-Amz-Object-Lock-Retain-Until-Date": "2026-03-05T05:06:08Z", "X-Amz-Object-Lock-Legal-Hold": "OFF",
				"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD", "User-Agent": "aws-sdk-go-v2/1.0", "Referer": "https://example.com/",
			},
			want: []authCall{{"s3:PutObject", "arn:aws:s3:::b/dir/k", common(map[string][]string{
				"aws:UserAgent": {"aws-sdk-go-v2/1.0"}, "aws:Referer": {"https://example.com/"},
				"s3:x-amz-acl": {"bucket-owner-full-control"}, "s3:x-amz-server-side-encryption": {"aws:kms"},
				"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-east-1:000000000000:key/k1"},
				"s3:RequestObjectTag/color":                      {"blue"}, "s3:RequestObjectTagKeys": {"color", "size"},
				"s3:object-lock-mode": {"COMPLIANCE"}, "s3:object-lock-retain-until-date": {"2026-03-05T05:06:08Z"},
				"s3:object-lock-remaining-retention-days": {"2"}, "s3:object-lock-legal-hold": {"OFF"},
				"s3:x-amz-content-sha256": {"UNSIGNED-PAYLOAD"},
			})}}},
		{name: "GetObject", method: "GET", target: "/b/k?prefix=ignored",
			setup: func(f *fakeObjects) { f.tags = []object.Tag{{Key: "color", Value: "red"}} },
			want:  []authCall{{"s3:GetObject", "arn:aws:s3:::b/k", common(map[string][]string{"s3:ExistingObjectTag/color": {"red"}})}}},
		{name: "GetObject_version", method: "GET", target: "/b/k?versionId=v1",
			want: []authCall{{"s3:GetObjectVersion", "arn:aws:s3:::b/k", common(map[string][]string{"s3:VersionId": {"v1"}})}}},
		{name: "HeadObject", method: "HEAD", target: "/b/k",
			want: []authCall{{"s3:GetObject", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "DeleteObject", method: "DELETE", target: "/b/k",
			want: []authCall{{"s3:DeleteObject", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "DeleteObject_version", method: "DELETE", target: "/b/k?versionId=v2",
			want: []authCall{{"s3:DeleteObjectVersion", "arn:aws:s3:::b/k", common(map[string][]string{"s3:VersionId": {"v2"}})}}},
		{name: "DeleteObjects", method: "POST", target: "/b?delete",
			body: `<Delete><Object><Key>a</Key></Object><Object><Key>c</Key><VersionId>v3</VersionId></Object></Delete>`,
			want: []authCall{
				{"s3:DeleteObject", "arn:aws:s3:::b/a", common(nil)},
				{"s3:DeleteObjectVersion", "arn:aws:s3:::b/c", common(map[string][]string{"s3:VersionId": {"v3"}})},
			}},
		{name: "GetObjectAttributes", method: "GET", target: "/b/k?attributes",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag"},
			want: []authCall{
				{"s3:GetObjectAttributes", "arn:aws:s3:::b/k", common(nil)},
				{"s3:GetObject", "arn:aws:s3:::b/k", common(nil)},
			}},
		{name: "GetObjectAttributes_version", method: "GET", target: "/b/k?attributes&versionId=v1",
			header: map[string]string{"X-Amz-Object-Attributes": "ETag"},
			want: []authCall{
				{"s3:GetObjectVersionAttributes", "arn:aws:s3:::b/k", common(map[string][]string{"s3:VersionId": {"v1"}})},
				{"s3:GetObjectVersion", "arn:aws:s3:::b/k", common(map[string][]string{"s3:VersionId": {"v1"}})},
			}},
		{name: "CopyObject", method: "PUT", target: "/b/dst",
			header: map[string]string{"X-Amz-Copy-Source": "/src/dir%20a/k?versionId=v9", "X-Amz-Metadata-Directive": "REPLACE"},
			want: []authCall{
				{"s3:PutObject", "arn:aws:s3:::b/dst", common(map[string][]string{
					"s3:x-amz-copy-source": {"src/dir a/k"}, "s3:x-amz-metadata-directive": {"REPLACE"}})},
				{"s3:GetObjectVersion", "arn:aws:s3:::src/dir a/k", common(map[string][]string{"s3:VersionId": {"v9"}})},
			}},
		{name: "CopyObject_sse", method: "PUT", target: "/b/dst",
			header: map[string]string{"X-Amz-Copy-Source": "src/k", "X-Amz-Server-Side-Encryption": "AES256"},
			want: []authCall{
				{"s3:PutObject", "arn:aws:s3:::b/dst", common(map[string][]string{
					"s3:x-amz-copy-source": {"src/k"}, "s3:x-amz-server-side-encryption": {"AES256"}})},
				{"s3:GetObject", "arn:aws:s3:::src/k", common(nil)},
			}},
		{name: "GetObjectTagging", method: "GET", target: "/b/k?tagging",
			want: []authCall{{"s3:GetObjectTagging", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "PutObjectTagging", method: "PUT", target: "/b/k?tagging",
			body:  `<Tagging><TagSet><Tag><Key>color</Key><Value>green</Value></Tag></TagSet></Tagging>`,
			setup: func(f *fakeObjects) { f.tags = []object.Tag{{Key: "color", Value: "red"}} },
			want: []authCall{{"s3:PutObjectTagging", "arn:aws:s3:::b/k", common(map[string][]string{
				"s3:ExistingObjectTag/color": {"red"}, "s3:RequestObjectTag/color": {"green"}, "s3:RequestObjectTagKeys": {"color"}})}}},
		{name: "DeleteObjectTagging_version", method: "DELETE", target: "/b/k?tagging&versionId=v1",
			want: []authCall{{"s3:DeleteObjectVersionTagging", "arn:aws:s3:::b/k", common(map[string][]string{"s3:VersionId": {"v1"}})}}},
		{name: "GetBucketTagging", method: "GET", target: "/b?tagging",
			want: []authCall{{"s3:GetBucketTagging", "arn:aws:s3:::b", common(nil)}}},
		{name: "DeleteBucketTagging", method: "DELETE", target: "/b?tagging",
			want: []authCall{{"s3:PutBucketTagging", "arn:aws:s3:::b", common(nil)}}},
		{name: "GetBucketCors", method: "GET", target: "/b?cors",
			want: []authCall{{"s3:GetBucketCORS", "arn:aws:s3:::b", common(nil)}}},
		{name: "DeleteBucketCors", method: "DELETE", target: "/b?cors",
			want: []authCall{{"s3:PutBucketCORS", "arn:aws:s3:::b", common(nil)}}},
		{name: "CreateMultipartUpload", method: "POST", target: "/b/k?uploads",
			header: map[string]string{"X-Amz-Tagging": "color=pink"},
			want: []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", common(map[string][]string{
				"s3:RequestObjectTag/color": {"pink"}, "s3:RequestObjectTagKeys": {"color"}})}}},
		{name: "CreateMultipartUpload_sse", method: "POST", target: "/b/k?uploads",
			header: map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms",
				"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:us-east-1:000000000000:key/k2"},
			want: []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", common(map[string][]string{
				"s3:x-amz-server-side-encryption":                {"aws:kms"},
				"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-east-1:000000000000:key/k2"}})}}},
		// SSE-C: the algorithm header is in s3:PutObject's context (every
		// write of object data), never in GetObject's.
		{name: "UploadPart_ssec", method: "PUT", target: "/b/k?partNumber=1&uploadId=u", body: "x",
			header: map[string]string{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"},
			want: []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", common(map[string][]string{
				"s3:x-amz-server-side-encryption-customer-algorithm": {"AES256"}})}}},
		{name: "GetObject_ssec", method: "GET", target: "/b/k",
			header: map[string]string{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"},
			want:   []authCall{{"s3:GetObject", "arn:aws:s3:::b/k", common(nil)}}},
		// A part's upload chose its encryption when it was created.
		{name: "UploadPart_sse", method: "PUT", target: "/b/k?partNumber=1&uploadId=u", body: "x",
			header: map[string]string{"X-Amz-Server-Side-Encryption": "AES256"},
			want:   []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", common(map[string][]string{"s3:x-amz-server-side-encryption": {"AES256"}})}}},
		{name: "GetBucketEncryption", method: "GET", target: "/b?encryption",
			want: []authCall{{"s3:GetEncryptionConfiguration", "arn:aws:s3:::b", common(nil)}}},
		{name: "PutBucketEncryption", method: "PUT", target: "/b?encryption", body: encryptionDocs["aes256"],
			want: []authCall{{"s3:PutEncryptionConfiguration", "arn:aws:s3:::b", common(nil)}}},
		{name: "DeleteBucketEncryption", method: "DELETE", target: "/b?encryption",
			want: []authCall{{"s3:PutEncryptionConfiguration", "arn:aws:s3:::b", common(nil)}}},
		{name: "UploadPart", method: "PUT", target: "/b/k?partNumber=1&uploadId=u", body: "x",
			want: []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "UploadPartCopy", method: "PUT", target: "/b/k?partNumber=1&uploadId=u",
			header: map[string]string{"X-Amz-Copy-Source": "src/k"},
			want: []authCall{
				{"s3:PutObject", "arn:aws:s3:::b/k", common(map[string][]string{"s3:x-amz-copy-source": {"src/k"}})},
				{"s3:GetObject", "arn:aws:s3:::src/k", common(nil)},
			}},
		{name: "AbortMultipartUpload", method: "DELETE", target: "/b/k?uploadId=u",
			want: []authCall{{"s3:AbortMultipartUpload", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "ListParts", method: "GET", target: "/b/k?uploadId=u",
			want: []authCall{{"s3:ListMultipartUploadParts", "arn:aws:s3:::b/k", common(nil)}}},
		{name: "ListMultipartUploads", method: "GET", target: "/b?uploads&prefix=p",
			want: []authCall{{"s3:ListBucketMultipartUploads", "arn:aws:s3:::b", common(nil)}}},
		{name: "SelectObjectContent", method: "POST", target: "/b/k?select&select-type=2",
			want: []authCall{{"s3:GetObject", "arn:aws:s3:::b/k", common(nil)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The service fails every call but the tag read: only the
			// questions asked before it matter here.
			obj := &fakeObjects{err: errors.New("stop")}
			if tc.setup != nil {
				tc.setup(obj)
			}
			rec := &recordingAuthorizer{}
			h, err := New(Options{Objects: tagReader{obj}, Verifier: &fakeVerifier{}, Authorizer: rec, Clock: clock.NewFake(testTime)})
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			if tc.body != "" || tc.method == http.MethodPut || tc.method == http.MethodPost {
				body = []byte(tc.body)
			}
			r := newReq(tc.method, tc.target, body)
			// Signed 1.89 s before the fake clock's time.
			r.Header.Set("X-Amz-Date", "20260304T050606Z")
			if tc.body != "" {
				sum := md5.Sum([]byte(tc.body))
				r.Header.Set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			h.ServeHTTP(newRecorder(), r)
			if diff := cmp.Diff(tc.want, rec.calls); diff != "" {
				t.Errorf("Authorize calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuthorize_ExistingTagsReadOnlyWhenAsked pins that the object's tags
// are read only when a policy tests s3:ExistingObjectTag/*, and once.
func TestAuthorize_ExistingTagsReadOnlyWhenAsked(t *testing.T) {
	for _, probe := range []bool{false, true} {
		obj := &fakeObjects{get: &object.GetOutput{}, tags: []object.Tag{{Key: "a", Value: "1"}}}
		var got []string
		az := authorizerFunc(func(req iam.Request) iam.Decision {
			if probe {
				for range 2 {
					v, _ := req.Context.Lookup("S3:ExistingObjectTag/a")
					got = append(got, v...)
				}
				if _, ok := req.Context.Lookup("s3:ExistingObjectTag/A"); ok {
					t.Error("tag keys are case-sensitive; A found")
				}
			}
			return iam.Decision{Allowed: true}
		})
		h, err := New(Options{Objects: obj, Verifier: &fakeVerifier{}, Authorizer: az})
		if err != nil {
			t.Fatal(err)
		}
		h.ServeHTTP(newRecorder(), newReq("GET", "/b/k", nil))
		reads := 0
		for _, c := range obj.calls {
			if s, ok := c.([]string); ok && s[0] == "get" {
				reads++
			}
		}
		wantReads := 0
		if probe {
			wantReads = 1
			if diff := cmp.Diff([]string{"1", "1"}, got); diff != "" {
				t.Errorf("tag values (-want +got):\n%s", diff)
			}
		}
		if reads != wantReads {
			t.Errorf("probe=%v: GetObjectTagging called %d times, want %d", probe, reads, wantReads)
		}
	}
}

// tagReader is a fakeObjects whose tag read succeeds whatever its err.
type tagReader struct{ *fakeObjects }

func (f tagReader) GetObjectTagging(_ context.Context, bucket, key, versionID string) ([]object.Tag, string, error) {
	return f.tags, "", nil
}

type authorizerFunc func(iam.Request) iam.Decision

func (f authorizerFunc) Authorize(_ context.Context, req iam.Request) iam.Decision { return f(req) }

func TestAuthKeys_Method(t *testing.T) {
	tests := []struct {
		method           sigv4.Method
		authType, sigVer string
	}{
		{sigv4.Anonymous, "", ""},
		{sigv4.HeaderV4, "REST-HEADER", "AWS4-HMAC-SHA256"},
		{sigv4.PresignedV4, "REST-QUERY-STRING", "AWS4-HMAC-SHA256"},
		{sigv4.HeaderV2, "REST-HEADER", "AWS"},
		{sigv4.PresignedV2, "REST-QUERY-STRING", "AWS"},
		{sigv4.PostPolicy, "POST", "AWS4-HMAC-SHA256"},
	}
	for _, tc := range tests {
		if got := authType(tc.method); got != tc.authType {
			t.Errorf("authType(%v) = %q, want %q", tc.method, got, tc.authType)
		}
		if got := signatureVersion(tc.method, false); got != tc.sigVer {
			t.Errorf("signatureVersion(%v) = %q, want %q", tc.method, got, tc.sigVer)
		}
	}
	if got := signatureVersion(sigv4.PostPolicy, true); got != "AWS" {
		t.Errorf("signatureVersion(POST, v2) = %q, want AWS", got)
	}
}

func TestSignatureAge(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	tests := []struct {
		name   string
		method sigv4.Method
		target string
		header map[string]string
		want   string // "" = absent
	}{
		{"header v4 x-amz-date", sigv4.HeaderV4, "/b/k", map[string]string{"X-Amz-Date": "20260304T050000Z"}, "367890"},
		{"header v4 Date only", sigv4.HeaderV4, "/b/k", map[string]string{"Date": "Wed, 04 Mar 2026 05:06:07 GMT"}, "890"},
		{"header v4 future date within skew", sigv4.HeaderV4, "/b/k", map[string]string{"X-Amz-Date": "20260304T051000Z"}, "0"},
		{"header v4 no date", sigv4.HeaderV4, "/b/k", nil, ""},
		{"presigned v4", sigv4.PresignedV4, "/b/k?X-Amz-Date=20260304T040607Z&X-Amz-Expires=86400", nil, "3600890"},
		{"presigned v4 ignores the header date", sigv4.PresignedV4, "/b/k?X-Amz-Date=20260304T050607Z", map[string]string{"X-Amz-Date": "20260304T000000Z"}, "890"},
		// "In Signature Version 2, this value is always set to 0."
		{"header v2", sigv4.HeaderV2, "/b/k", map[string]string{"Date": "Wed, 04 Mar 2026 04:00:00 GMT"}, "0"},
		{"presigned v2", sigv4.PresignedV2, "/b/k?Expires=1900000000", nil, "0"},
		{"anonymous", sigv4.Anonymous, "/b/k", map[string]string{"X-Amz-Date": "20260304T050000Z"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newReq("GET", tc.target, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			req := &request{r: r, query: r.URL.Query(), auth: &sigv4.Result{Method: tc.method}}
			age, ok := signatureAge(tc.method, req, now)
			got := ""
			if ok {
				got = strconv.FormatInt(age, 10)
			}
			if got != tc.want {
				t.Errorf("signatureAge = %q, want %q", got, tc.want)
			}
		})
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestTLSVersion(t *testing.T) {
	tests := []struct {
		cs   *tls.ConnectionState
		want string
	}{
		{nil, ""},
		{&tls.ConnectionState{Version: tls.VersionTLS10}, "1.0"},
		{&tls.ConnectionState{Version: tls.VersionTLS11}, "1.1"},
		{&tls.ConnectionState{Version: tls.VersionTLS12}, "1.2"},
		{&tls.ConnectionState{Version: tls.VersionTLS13}, "1.3"},
		{&tls.ConnectionState{Version: 0x0300}, ""}, // SSL 3.0: not a TLS version
	}
	for _, tc := range tests {
		if got := tlsVersion(tc.cs); got != tc.want {
			t.Errorf("tlsVersion(%v) = %q, want %q", tc.cs, got, tc.want)
		}
	}
}

// TestAuthKeys_TLSAndMethods runs a request over TLS with each
// authentication method and reads the keys a policy sees.
func TestAuthKeys_TLSAndMethods(t *testing.T) {
	tests := []struct {
		method sigv4.Method
		want   map[string][]string
	}{
		{sigv4.HeaderV4, map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"},
			"s3:authType": {"REST-HEADER"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}, "s3:signatureAge": {"1890"}}},
		{sigv4.HeaderV2, map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"},
			"s3:authType": {"REST-HEADER"}, "s3:signatureversion": {"AWS"}, "s3:signatureAge": {"0"}}},
	}
	for _, tc := range tests {
		rec := &recordingAuthorizer{}
		h, err := New(Options{Objects: &fakeObjects{err: errors.New("stop")}, Verifier: &methodVerifier{method: tc.method}, Authorizer: rec, Clock: clock.NewFake(testTime)})
		if err != nil {
			t.Fatal(err)
		}
		r := newReq("GET", "/b?location", nil)
		r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}
		r.RemoteAddr = "[2001:db8::1]:4711"
		r.Header.Set("X-Amz-Date", "20260304T050606Z")
		h.ServeHTTP(newRecorder(), r)
		if len(rec.calls) != 1 {
			t.Fatalf("%v: %d Authorize calls, want 1", tc.method, len(rec.calls))
		}
		tc.want["aws:SourceIp"] = []string{"2001:db8::1"}
		if diff := cmp.Diff(tc.want, rec.calls[0].Keys); diff != "" {
			t.Errorf("%v: keys (-want +got):\n%s", tc.method, diff)
		}
	}
}

func TestRemainingDays(t *testing.T) {
	now := testTime
	tests := []struct {
		until time.Time
		want  int64
	}{
		{now.Add(-time.Hour), 0},
		{now, 0},
		{now.Add(time.Second), 1},
		{now.Add(24 * time.Hour), 1},
		{now.Add(24*time.Hour + time.Second), 2},
		{now.Add(30 * 24 * time.Hour), 30},
	}
	for _, tc := range tests {
		if got := remainingDays(tc.until, now); got != tc.want {
			t.Errorf("remainingDays(now+%v) = %d, want %d", tc.until.Sub(now), got, tc.want)
		}
	}
}

func TestDenialMessage(t *testing.T) {
	const user = "arn:aws:iam::123456789012:user/MaryMajor"
	tests := []struct {
		name             string
		action, resource string
		d                policy.Decision
		want             string
	}{
		{"implicit identity", "s3:GetObject", "arn:aws:s3:::b/k",
			policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Action: "s3:GetObject"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`},
		{"explicit resource", "s3:GetObject", "arn:aws:s3:::b/k",
			policy.Decision{Outcome: policy.ExplicitDeny, Type: policy.ResourceBased, Policy: "bucket-policy", Action: "s3:GetObject"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a resource-based policy`},
		{"explicit managed identity policy", "s3:DeleteBucket", "arn:aws:s3:::b",
			policy.Decision{Outcome: policy.ExplicitDeny, Type: policy.IdentityBased, Policy: "arn:aws:iam::123456789012:policy/Deny", Action: "s3:DeleteBucket"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:DeleteBucket on resource: "arn:aws:s3:::b" with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/Deny`},
		{"explicit inline identity policy", "s3:DeleteBucket", "arn:aws:s3:::b",
			policy.Decision{Outcome: policy.ExplicitDeny, Type: policy.IdentityBased, Policy: "user/MaryMajor/inline", Action: "s3:DeleteBucket"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:DeleteBucket on resource: "arn:aws:s3:::b" with an explicit deny in an identity-based policy`},
		{"session policy", "s3:PutObject", "arn:aws:s3:::b/k",
			policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.SessionPolicy, Action: "s3:PutObject"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k" because no session policy allows the s3:PutObject action`},
		{"list all my buckets names no resource", "s3:ListAllMyBuckets", "arn:aws:s3:::*",
			policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Action: "s3:ListAllMyBuckets"},
			`User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`},
	}
	for _, tc := range tests {
		if got := denialMessage(user, tc.action, tc.resource, tc.d); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// userVerifier authenticates every request as an IAM user.
type userVerifier struct{ fakeVerifier }

func (v *userVerifier) Verify(r *http.Request) (*sigv4.Result, error) {
	res, err := v.fakeVerifier.Verify(r)
	if err == nil && !res.Principal.Anonymous {
		res.Principal = sigv4.Principal{AccessKey: "AKIAALICE", AccountID: "000000000000", Name: "alice",
			ARN: "arn:aws:iam::000000000000:user/alice", UserID: "AIDAALICE"}
	}
	return res, err
}

// TestDenial_Golden pins the AccessDenied documents: the worded message a
// user of the owner's account reads, the bare one an anonymous caller
// reads, and that HEAD answers 403 without a body.
func TestDenial_Golden(t *testing.T) {
	tests := []struct {
		name, method, target, auth, golden string
	}{
		{"user", "GET", "/b/k", "", "denied-user.xml"},
		{"user list buckets", "GET", "/", "", "denied-user-list-buckets.xml"},
		{"anonymous", "GET", "/b/k", "anonymous", "denied-anonymous.xml"},
		{"user head", "HEAD", "/b/k", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := New(Options{Objects: &fakeObjects{}, Verifier: &userVerifier{}, Authorizer: iam.RootOnly{},
				Logger: slogTo(&logs)})
			if err != nil {
				t.Fatal(err)
			}
			r := newReq(tc.method, tc.target, nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := newRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusForbidden {
				t.Fatalf("status = %d, want 403", w.Code)
			}
			if tc.golden == "" {
				if w.Body.Len() != 0 {
					t.Errorf("HEAD denial has a body: %s", w.Body)
				}
			} else {
				golden(t, tc.golden, w.Body.String())
			}
			for _, want := range []string{`msg="access denied"`, "op=", "action=s3:", "resource=arn:aws:s3:::", "principal=", "reason="} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log %q lacks %q", logs.String(), want)
				}
			}
		})
	}
}

// deleteRecorder records the batches DeleteVersions receives.
type deleteRecorder struct {
	*fakeObjects
	batches []object.DeleteObjectsInput
}

func (d *deleteRecorder) DeleteVersions(ctx context.Context, in object.DeleteObjectsInput) ([]object.DeleteResult, error) {
	d.batches = append(d.batches, in)
	return d.fakeObjects.DeleteVersions(ctx, in)
}

// TestDeleteObjects_bypassPerKey pins that a batch delete asks
// s3:BypassGovernanceRetention on each object and bypasses only where it
// is allowed.
func TestDeleteObjects_bypassPerKey(t *testing.T) {
	obj := &deleteRecorder{fakeObjects: &fakeObjects{}}
	az := &testAuthorizer{deny: map[string]bool{"s3:BypassGovernanceRetention b/locked": true}}
	h, err := New(Options{Objects: obj, Verifier: &fakeVerifier{}, Authorizer: az})
	if err != nil {
		t.Fatal(err)
	}
	body := `<Delete><Object><Key>free</Key></Object><Object><Key>locked</Key></Object></Delete>`
	r := newReq("POST", "/b?delete", []byte(body))
	sum := md5.Sum([]byte(body))
	r.Header.Set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
	r.Header.Set("X-Amz-Bypass-Governance-Retention", "true")
	w := newRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", w.Code, w.Body)
	}
	want := []object.DeleteObjectsInput{
		{Bucket: "b", Objects: []object.ObjectID{{Key: "free", BypassGovernance: true}, {Key: "locked"}}},
	}
	if diff := cmp.Diff(want, obj.batches); diff != "" {
		t.Errorf("DeleteVersions batches (-want +got):\n%s", diff)
	}
	var asked []string
	for _, q := range az.reqs {
		if q.Action == "s3:BypassGovernanceRetention" {
			asked = append(asked, q.Resource)
		}
	}
	if diff := cmp.Diff([]string{"arn:aws:s3:::b/free", "arn:aws:s3:::b/locked"}, asked); diff != "" {
		t.Errorf("bypass questions (-want +got):\n%s", diff)
	}
}

// TestAuthorize_PostObjectKeys pins the keys of a browser POST: its form
// fields stand for the request headers, its tagging document for
// x-amz-tagging, and its signature fields say how it was signed.
func TestAuthorize_PostObjectKeys(t *testing.T) {
	tagging := `<Tagging><TagSet><Tag><Key>color</Key><Value>green</Value></Tag></TagSet></Tagging>`
	tests := []struct {
		name   string
		fields []formField
		want   map[string][]string
	}{
		{"sigv4", []formField{{"key", "k"}, {"acl", "private"}, {"tagging", tagging},
			{"x-amz-server-side-encryption", "AES256"}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-date", "20260304T050606Z"}},
			map[string][]string{"aws:SourceIp": {"192.0.2.1"}, "aws:SecureTransport": {"false"},
				"s3:authType": {"POST"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}, "s3:signatureAge": {"1890"},
				"s3:x-amz-acl": {"private"}, "s3:x-amz-server-side-encryption": {"AES256"},
				"s3:RequestObjectTag/color": {"green"}, "s3:RequestObjectTagKeys": {"color"}}},
		{"sigv2", []formField{{"key", "k"}, {"AWSAccessKeyId", "AKID"}, {"signature", "c2ln"}},
			map[string][]string{"aws:SourceIp": {"192.0.2.1"}, "aws:SecureTransport": {"false"},
				"s3:authType": {"POST"}, "s3:signatureversion": {"AWS"}, "s3:signatureAge": {"0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingAuthorizer{}
			ver := &fakeVerifier{post: &sigv4.PostResult{Principal: rootPrincipal, Method: sigv4.PostPolicy}}
			h, err := New(Options{Objects: &fakeObjects{err: errors.New("stop")}, Verifier: ver, Authorizer: rec, Clock: clock.NewFake(testTime)})
			if err != nil {
				t.Fatal(err)
			}
			ct, body := postBody(t, tc.fields, "f.txt", []byte("x"))
			r := newReq("POST", "/b", body)
			r.Header.Set("Content-Type", ct)
			h.ServeHTTP(newRecorder(), r)
			want := []authCall{{"s3:PutObject", "arn:aws:s3:::b/k", tc.want}}
			if diff := cmp.Diff(want, rec.calls); diff != "" {
				t.Errorf("Authorize calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDenialReason pins the log reason: the policy decision once, with an
// authorizer's own reason in front only when it says something else.
func TestDenialReason(t *testing.T) {
	pd := policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Statement: -1, Action: "s3:GetObject"}
	tests := []struct {
		name string
		d    iam.Decision
		want string
	}{
		{"store", iam.Decision{Reason: pd.String(), Policy: pd}, pd.String()},
		{"own reason", iam.Decision{Reason: "anonymous access is not allowed", Policy: pd}, "anonymous access is not allowed; " + pd.String()},
		{"none", iam.Decision{Policy: pd}, pd.String()},
	}
	for _, tt := range tests {
		if got := denialReason(tt.d); got != tt.want {
			t.Errorf("%s: denialReason = %q, want %q", tt.name, got, tt.want)
		}
	}
}
