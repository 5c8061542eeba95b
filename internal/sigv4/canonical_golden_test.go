package sigv4

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestCanonicalGolden keeps the canonical requests and strings to sign of
// AWS's S3 SigV4 examples, and of requests with awkward keys and queries,
// in testdata/canonical. Run with -update to regenerate after an
// intended change, and review the diff.
func TestCanonicalGolden(t *testing.T) {
	tests := []struct {
		name, method, target, host, signed, payload string
		headers                                     map[string]string
	}{
		{
			name: "aws-get-object", method: "GET", target: "/test.txt", host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z"},
			signed:  "host;range;x-amz-content-sha256;x-amz-date", payload: emptySHA256,
		},
		{
			name: "aws-put-object", method: "PUT", target: "/test$file.text", host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{
				"Date": "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Date": "20130524T000000Z", "X-Amz-Storage-Class": "REDUCED_REDUNDANCY",
				"X-Amz-Content-Sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
			},
			signed:  "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
			payload: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		},
		{
			name: "aws-get-lifecycle", method: "GET", target: "/?lifecycle", host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z"},
			signed:  "host;x-amz-content-sha256;x-amz-date", payload: emptySHA256,
		},
		{
			name: "aws-list-objects", method: "GET", target: "/?max-keys=2&prefix=J", host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z"},
			signed:  "host;x-amz-content-sha256;x-amz-date", payload: emptySHA256,
		},
		{
			name: "aws-presigned-get", method: "GET",
			target: "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			host:   "examplebucket.s3.amazonaws.com", signed: "host", payload: unsignedPayload,
		},
		{
			name: "awkward-key-and-query", method: "PUT",
			target: "/bucket/a%20b+c%3D%E6%97%A5~/%2F?z=1&a=%2b+&prefix=x%2Fy&acl",
			host:   "127.0.0.1:9000",
			headers: map[string]string{
				"X-Amz-Date": "20130524T000000Z", "X-Amz-Meta-Spaces": "  a   b  ", "X-Amz-Content-Sha256": unsignedPayload,
			},
			signed: "host;x-amz-content-sha256;x-amz-date;x-amz-meta-spaces", payload: unsignedPayload,
		},
	}
	sc := scope{accessKey: exampleAccessKey, date: "20130524", region: "us-east-1"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq(t, tt.method, tt.target, tt.host, "")
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			primary, _ := canonicalURIs(r)
			cr := canonicalRequest{
				uri:           primary,
				query:         canonicalQuery(r.URL.RawQuery, true),
				signedHeaders: tt.signed,
				payloadHash:   tt.payload,
			}
			canon := cr.appendTo(nil, r)
			sts := appendStringToSign(nil, "20130524T000000Z", sc, canon)
			got := string(canon) + "\n----\n" + string(sts) + "\n"
			path := filepath.Join("testdata", "canonical", tt.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("canonical request and string to sign differ from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
