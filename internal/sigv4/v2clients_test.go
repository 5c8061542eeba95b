package sigv4

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	miniosigner "github.com/minio/minio-go/v7/pkg/signer"
)

// botocoreQSA is botocore's HmacV1Auth.QSAOfInterest (botocore 1.43).
var botocoreQSA = []string{
	"accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging",
	"partNumber", "policy", "requestPayment", "torrent", "versioning",
	"versionId", "versions", "website", "uploads", "uploadId",
	"response-content-type", "response-content-language", "response-expires",
	"response-cache-control", "response-content-disposition",
	"response-content-encoding", "delete", "lifecycle", "tagging", "restore",
	"storageClass", "notification", "replication", "analytics", "metrics",
	"inventory", "select", "select-type", "object-lock",
}

// botocoreSignV2 signs r as botocore's HmacV1Auth does: the canonical
// resource is authPath (the operation's "/{Bucket}/" or "/{Bucket}/{Key+}"
// whatever the URL's addressing style) followed by the query parameters of
// interest split on '&' and the first '=', values unquoted, sorted by name
// and joined back with '='. It is a port of canonical_string and
// canonical_resource, kept independent of the verifier's code.
func botocoreSignV2(r *http.Request, authPath, accessKey, secretKey string) {
	r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	cs := r.Method + "\n"
	for _, h := range []string{"Content-Md5", "Content-Type", "Date"} {
		cs += strings.TrimSpace(r.Header.Get(h)) + "\n"
	}
	var amz []string
	for name, vs := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-") {
			trimmed := make([]string, len(vs))
			for i, v := range vs {
				trimmed[i] = strings.TrimSpace(v)
			}
			amz = append(amz, n+":"+strings.Join(trimmed, ","))
		}
	}
	slices.Sort(amz)
	for _, h := range amz {
		cs += h + "\n"
	}
	cs += authPath
	if q := r.URL.RawQuery; q != "" {
		var qsa [][]string
		for part := range strings.SplitSeq(q, "&") {
			nv := strings.SplitN(part, "=", 2)
			if !slices.Contains(botocoreQSA, nv[0]) {
				continue
			}
			if len(nv) == 2 {
				v, err := url.PathUnescape(nv[1])
				if err == nil {
					nv[1] = v
				}
			}
			qsa = append(qsa, nv)
		}
		slices.SortStableFunc(qsa, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		if len(qsa) > 0 {
			joined := make([]string, len(qsa))
			for i, nv := range qsa {
				joined[i] = strings.Join(nv, "=")
			}
			cs += "?" + strings.Join(joined, "&")
		}
	}
	r.Header.Set("Authorization", "AWS "+accessKey+":"+signV2(secretKey, []byte(cs)))
}

// v2Case is one request in the shapes SigV2 clients send: target is the
// path-style request target, bucket-level or object-level.
type v2Case struct {
	method, target string
}

var v2Cases = []v2Case{
	{"PUT", "/bucket"},                         // CreateBucket
	{"GET", "/bucket"},                         // ListObjects
	{"GET", "/bucket?prefix=a%2Fb&max-keys=5"}, // ListObjects, unsigned params
	{"GET", "/bucket?list-type=2&prefix=x"},    // ListObjectsV2
	{"GET", "/bucket?location"},                // GetBucketLocation
	{"PUT", "/bucket?versioning"},              // PutBucketVersioning
	{"GET", "/bucket?uploads"},                 // ListMultipartUploads
	{"GET", "/bucket?tagging"},
	{"POST", "/bucket?delete"}, // DeleteObjects
	{"DELETE", "/bucket"},      // DeleteBucket
	{"PUT", "/bucket/photos/puppy.jpg"},
	{"GET", "/bucket/a%20b%2Bc?acl"},
	{"PUT", "/bucket/k?uploadId=1&partNumber=2"},
	{"GET", "/bucket/k?versionId=3&response-content-type=text%2Fplain"},
	{"PUT", "/bucket/k?retention"},
	{"PUT", "/bucket/k?legal-hold"},
	{"PUT", "/bucket?encryption"},
}

// split returns the bucket, the rest of the path after it and the query.
func (c v2Case) split() (bucket, rest, query string) {
	path, query, _ := strings.Cut(c.target, "?")
	bucket, rest, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return bucket, rest, query
}

// url returns the URL of c path-style or virtual-hosted.
func (c v2Case) url(vhost bool) string {
	bucket, rest, query := c.split()
	u := "http://127.0.0.1:9000/" + bucket
	if rest != "" {
		u += "/" + rest
	}
	if vhost {
		u = "http://" + bucket + ".s3.example.com/" + rest
	}
	if query != "" {
		u += "?" + query
	}
	return u
}

func v2Verifier(now time.Time, vhost bool) *Verifier {
	return New(Options{Credentials: exampleCreds(), Clock: fixedClock(now), VirtualHostBucket: func(r *http.Request) string {
		if vhost {
			return strings.Split(r.Host, ".")[0]
		}
		return ""
	}})
}

func newV2Request(t *testing.T, c v2Case, vhost bool) *http.Request {
	t.Helper()
	r, err := http.NewRequest(c.method, c.url(vhost), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Amz-Meta-A", "1")
	return r
}

// TestSignV2Botocore signs bucket-level and object-level requests, with
// and without sub-resources, path-style and virtual-hosted, the way
// botocore's HmacV1Auth does (Config(signature_version="s3")): the path
// sent for a bucket is "/bucket" (or "/" on the bucket's host) while the
// signed resource is "/bucket/". A tampered header must still fail.
func TestSignV2Botocore(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, vhost := range []bool{false, true} {
		v := v2Verifier(now, vhost)
		for _, c := range v2Cases {
			bucket, rest, _ := c.split()
			authPath := "/" + bucket + "/" + rest
			r := newV2Request(t, c, vhost)
			botocoreSignV2(r, authPath, exampleAccessKey, exampleSecretKey)
			res, err := v.Verify(toServer(t, r))
			if err != nil {
				t.Errorf("%s %s vhost=%v: Verify = %v, want success", c.method, c.target, vhost, err)
			} else if res.Method != HeaderV2 {
				t.Errorf("Method = %v, want HeaderV2", res.Method)
			}
			r.Header.Set("X-Amz-Meta-A", "2")
			_, err = v.Verify(toServer(t, r))
			wantErr(t, c.method+" "+c.target+" tampered", err, ErrSignatureMismatch)
		}
	}
}

// TestSignV2MinioBucket signs the same requests with minio-go's SignV2 and
// PreSignV2, which sign the path as sent.
func TestSignV2MinioBucket(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, vhost := range []bool{false, true} {
		v := v2Verifier(now, vhost)
		for _, c := range v2Cases {
			signed := miniosigner.SignV2(*newV2Request(t, c, vhost), exampleAccessKey, exampleSecretKey, vhost)
			if _, err := v.Verify(toServer(t, signed)); err != nil {
				t.Errorf("SignV2 %s %s vhost=%v: Verify = %v", c.method, c.target, vhost, err)
			}
			signed.Header.Set("X-Amz-Meta-A", "2")
			_, err := v.Verify(toServer(t, signed))
			wantErr(t, "SignV2 "+c.target+" tampered", err, ErrSignatureMismatch)
			pre := miniosigner.PreSignV2(*newV2Request(t, c, vhost), exampleAccessKey, exampleSecretKey, 60, vhost)
			if _, err := v.Verify(toServer(t, pre)); err != nil {
				t.Errorf("PreSignV2 %s %s vhost=%v: Verify = %v", c.method, c.target, vhost, err)
			}
		}
	}
}

// TestResourcesV2 pins the canonicalized resources tried for a request:
// AWS's form first, then the other spellings real signers produce.
func TestResourcesV2(t *testing.T) {
	tests := []struct {
		target, vhost string
		want          []string
	}{
		{"/", "", []string{"/"}},
		{"/bucket", "", []string{"/bucket", "/bucket/"}},
		{"/bucket/", "", []string{"/bucket/"}},
		{"/bucket?acl", "", []string{"/bucket?acl", "/bucket/?acl"}},
		{"/", "bucket", []string{"/bucket/"}},
		{"/k?retention", "bucket", []string{"/bucket/k", "/bucket/k?retention"}},
		{"/bucket/k?tagging", "", []string{"/bucket/k?tagging", "/bucket/k"}},
		{"/bucket/k?prefix=a&uploadId=2&partNumber=1", "", []string{"/bucket/k?partNumber=1&uploadId=2"}},
	}
	for _, tt := range tests {
		r := newReq(t, "GET", tt.target, "h", "")
		v := New(Options{VirtualHostBucket: func(*http.Request) string { return tt.vhost }})
		if got := v.resourcesV2(r); !slices.Equal(got, tt.want) {
			t.Errorf("resourcesV2(%s, vhost %q) = %q, want %q", tt.target, tt.vhost, got, tt.want)
		}
	}
}

// botocoreScript signs the requests given as JSON on stdin with botocore's
// own HmacV1Auth and prints their headers as JSON.
const botocoreScript = `
import json, sys
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for c in json.load(sys.stdin):
    r = AWSRequest(method=c["method"], url=c["url"], headers=c["headers"])
    r.auth_path = c["auth_path"]
    HmacV1Auth(Credentials(c["access_key"], c["secret_key"])).add_auth(r)
    out.append(dict(r.headers.items()))
json.dump(out, sys.stdout)
`

// TestSignV2BotocoreItself runs botocore's HmacV1Auth, when python3 and
// botocore are installed, on the cases TestSignV2Botocore signs with the
// port, so the port is checked against the real signer where it can be.
func TestSignV2BotocoreItself(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	if exec.Command(python, "-c", "import botocore").Run() != nil {
		t.Skip("botocore is not installed for python3")
	}
	type job struct {
		Method    string            `json:"method"`
		URL       string            `json:"url"`
		AuthPath  string            `json:"auth_path"`
		Headers   map[string]string `json:"headers"`
		AccessKey string            `json:"access_key"`
		SecretKey string            `json:"secret_key"`
	}
	type sent struct {
		c     v2Case
		vhost bool
	}
	var jobs []job
	var cases []sent
	for _, vhost := range []bool{false, true} {
		for _, c := range v2Cases {
			bucket, rest, _ := c.split()
			jobs = append(jobs, job{c.method, c.url(vhost), "/" + bucket + "/" + rest,
				map[string]string{"Content-Type": "text/plain", "x-amz-meta-a": "1"}, exampleAccessKey, exampleSecretKey})
			cases = append(cases, sent{c, vhost})
		}
	}
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", botocoreScript)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore signer: %v", err)
	}
	var signed []map[string]string
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(jobs) {
		t.Fatalf("botocore signer output %q: %v", out, err)
	}
	// botocore dates its signature now; the verifier's clock follows.
	now := time.Now().UTC()
	for i, s := range cases {
		r := newV2Request(t, s.c, s.vhost)
		for name, v := range signed[i] {
			r.Header.Set(name, v)
		}
		if _, err := v2Verifier(now, s.vhost).Verify(toServer(t, r)); err != nil {
			t.Errorf("botocore %s %s vhost=%v: Verify = %v, want success", s.c.method, s.c.target, s.vhost, err)
		}
	}
}

// s3cmdSubresources are the sub-resources s3cmd 2.x signs (its
// SUBRESOURCES_TO_INCLUDE: AWS's original list plus delete and cors).
var s3cmdSubresources = []string{
	"acl", "cors", "delete", "lifecycle", "location", "logging",
	"notification", "partNumber", "policy", "requestPayment", "torrent",
	"uploadId", "uploads", "versionId", "versioning", "versions", "website",
}

// s3cmdSignV2 signs r the way s3cmd does with signature_v2 = True: the
// resource is "/" + bucket + the path after it (s3cmd always sends a
// bucket as "/bucket/" path-style), then only the sub-resources on its own
// list, in the order sent, as "name" or "name=value".
func s3cmdSignV2(r *http.Request, accessKey, secretKey string) {
	r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	sts := r.Method + "\n\n" + r.Header.Get("Content-Type") + "\n" + r.Header.Get("Date") + "\n"
	var amz []string
	for name, vs := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-") {
			amz = append(amz, n+":"+vs[0])
		}
	}
	slices.Sort(amz)
	for _, h := range amz {
		sts += h + "\n"
	}
	sts += r.URL.EscapedPath()
	var subs []string
	for part := range strings.SplitSeq(r.URL.RawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		if slices.Contains(s3cmdSubresources, name) {
			subs = append(subs, part)
		}
	}
	if len(subs) > 0 {
		sts += "?" + strings.Join(subs, "&")
	}
	r.Header.Set("Authorization", "AWS "+accessKey+":"+signV2(secretKey, []byte(sts)))
}

// TestSignV2S3cmd signs the requests s3cmd sends for mb, ls, info, setacl,
// settagging, del --recursive and multipart uploads, which do not sign
// tagging and the newer sub-resources.
func TestSignV2S3cmd(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	v := v2Verifier(now, false)
	for _, tc := range []struct{ method, target string }{
		{"PUT", "/bucket/"},
		{"GET", "/bucket/?prefix=tree%2F&delimiter=%2F"},
		{"GET", "/bucket/?location"},
		{"PUT", "/bucket/k?acl"},
		{"PUT", "/bucket/k?tagging"},
		{"POST", "/bucket/?delete"},
		{"POST", "/bucket/k?uploads"},
		{"PUT", "/bucket/k?partNumber=2&uploadId=abc"},
		{"DELETE", "/bucket/"},
	} {
		r, err := http.NewRequest(tc.method, "http://127.0.0.1:9000"+tc.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("X-Amz-Meta-A", "1")
		s3cmdSignV2(r, exampleAccessKey, exampleSecretKey)
		if _, err := v.Verify(toServer(t, r)); err != nil {
			t.Errorf("s3cmd %s %s: Verify = %v, want success", tc.method, tc.target, err)
		}
		r.Header.Set("X-Amz-Meta-A", "2")
		_, err = v.Verify(toServer(t, r))
		wantErr(t, "s3cmd "+tc.target+" tampered", err, ErrSignatureMismatch)
	}
}
