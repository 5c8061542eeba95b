package integration_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
)

// sigV2Bucket sends method target (path-style) signed with SigV2 over the
// canonical resource resource, the way botocore's HmacV1Auth signs
// "/bucket/" for a bucket request it sends as "/bucket".
func sigV2Bucket(t *testing.T, e *env, method, target, resource string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, e.srv.Endpoint+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	date := e.srv.Clock.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	m := hmac.New(sha1.New, []byte(e.srv.SecretKey))
	io.WriteString(m, method+"\n\n\n"+date+"\n"+resource)
	req.Header.Set("Authorization", "AWS "+e.srv.AccessKey+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAuth_signatureV2BucketLevel sends bucket-level requests as botocore
// does with signature_version "s3": the path "/bucket", the resource
// "/bucket/" with the sub-resource after it.
func TestAuth_signatureV2BucketLevel(t *testing.T) {
	e := newEnv(t)
	nb := e.bucket + "-v2"
	for _, tc := range []struct{ method, target, resource string }{
		{"PUT", "/" + nb, "/" + nb + "/"},                            // CreateBucket
		{"GET", "/" + nb + "?prefix=a&max-keys=5", "/" + nb + "/"},   // ListObjects
		{"GET", "/" + nb + "?list-type=2", "/" + nb + "/"},           // ListObjectsV2
		{"GET", "/" + nb + "?location", "/" + nb + "/?location"},     // GetBucketLocation
		{"GET", "/" + nb + "?versioning", "/" + nb + "/?versioning"}, // GetBucketVersioning
		{"GET", "/" + nb + "?uploads", "/" + nb + "/?uploads"},       // ListMultipartUploads
		{"DELETE", "/" + nb, "/" + nb + "/"},                         // DeleteBucket
	} {
		status, body := sigV2Bucket(t, e, tc.method, tc.target, tc.resource)
		if status/100 != 2 {
			t.Errorf("%s %s signed over %s = %d %s, want success", tc.method, tc.target, tc.resource, status, body)
		}
	}
	status, body := sigV2Bucket(t, e, "GET", "/"+e.bucket+"?versioning", "/"+e.bucket+"/?acl")
	if status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("GET ?versioning signed over ?acl = %d %s, want 403 SignatureDoesNotMatch", status, body)
	}
}
