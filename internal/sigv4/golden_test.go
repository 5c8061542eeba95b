package sigv4

import (
	"net/http"
	"strings"
	"testing"
)

// TestAWSHeaderExamples reproduces the examples of AWS's "Examples:
// Signature Calculations (AWS Signature Version 4), header-based
// authentication" page for S3 (examplebucket, 20130524).
func TestAWSHeaderExamples(t *testing.T) {
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name, method, target, host, body string
		headers                          map[string]string
		signedHeaders, signature         string
	}{
		{
			name: "GET object with range", method: "GET", target: "/test.txt",
			host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{
				"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptyHash,
				"X-Amz-Date": "20130524T000000Z",
			},
			signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
			signature:     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
		},
		{
			name: "PUT object", method: "PUT", target: "/test$file.text",
			host: "examplebucket.s3.amazonaws.com", body: "Welcome to Amazon S3.",
			headers: map[string]string{
				"Date":                 "Fri, 24 May 2013 00:00:00 GMT",
				"X-Amz-Date":           "20130524T000000Z",
				"X-Amz-Storage-Class":  "REDUCED_REDUNDANCY",
				"X-Amz-Content-Sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
			},
			signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
			signature:     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
		},
		{
			name: "GET bucket lifecycle", method: "GET", target: "/?lifecycle",
			host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{
				"X-Amz-Date": "20130524T000000Z", "X-Amz-Content-Sha256": emptyHash,
			},
			signedHeaders: "host;x-amz-content-sha256;x-amz-date",
			signature:     "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
		},
		{
			name: "GET bucket list objects", method: "GET", target: "/?max-keys=2&prefix=J",
			host: "examplebucket.s3.amazonaws.com",
			headers: map[string]string{
				"X-Amz-Date": "20130524T000000Z", "X-Amz-Content-Sha256": emptyHash,
			},
			signedHeaders: "host;x-amz-content-sha256;x-amz-date",
			signature:     "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := newTestVerifier(exampleTime)
			r := newReq(t, tt.method, tt.target, tt.host, tt.body)
			for k, val := range tt.headers {
				r.Header.Set(k, val)
			}
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+exampleAccessKey+
				"/20130524/us-east-1/s3/aws4_request,SignedHeaders="+tt.signedHeaders+",Signature="+tt.signature)
			res, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify = %v, want success", err)
			}
			if res.Method != HeaderV4 || res.Principal.AccessKey != exampleAccessKey {
				t.Errorf("Verify = %+v, want HeaderV4 as %s", res, exampleAccessKey)
			}
			body, err := readAll(t, res)
			if err != nil || string(body) != tt.body {
				t.Errorf("body = %q, %v; want %q", body, err, tt.body)
			}
			// Any one-character change of the signature must fail.
			bad := []byte(tt.signature)
			bad[10] ^= 1
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), tt.signature, string(bad), 1))
			_, err = v.Verify(r)
			wantErr(t, "tampered signature", err, ErrSignatureMismatch)
		})
	}
}

// TestAWSPresignedExample reproduces the presigned URL example of AWS's
// "Authenticating Requests: Using Query Parameters" page.
func TestAWSPresignedExample(t *testing.T) {
	const target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	tests := []struct {
		name   string
		offset string // added to exampleTime
		target string
		want   error
	}{
		{"valid at signing time", "0s", target, nil},
		{"valid just before expiry", "23h59m", target, nil},
		{"expired", "24h1s", target, ErrExpired},
		{"signed in the future", "-16m", target, ErrRequestTimeTooSkewed},
		{"tampered", "0s", strings.Replace(target, "test.txt", "test.txx", 1), ErrSignatureMismatch},
		{"expires too long", "0s", strings.Replace(target, "X-Amz-Expires=86400", "X-Amz-Expires=604801", 1), ErrMalformedPresigned},
		{"bad expires", "0s", strings.Replace(target, "X-Amz-Expires=86400", "X-Amz-Expires=x", 1), ErrMalformedPresigned},
		{"other algorithm", "0s", strings.Replace(target, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1), ErrUnsupportedAlgorithm},
		{"wrong region", "0s", strings.Replace(target, "us-east-1", "eu-west-1", 1), ErrMalformedPresigned},
		{"missing signed headers", "0s", strings.Replace(target, "&X-Amz-SignedHeaders=host", "", 1), ErrMalformedPresigned},
		{"unknown key", "0s", strings.Replace(target, "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLF", 1), ErrUnknownAccessKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, clk := newTestVerifier(exampleTime)
			d, err := parseDuration(tt.offset)
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(d)
			r := newReq(t, "GET", tt.target, "examplebucket.s3.amazonaws.com", "")
			res, err := v.Verify(r)
			wantErr(t, "Verify", err, tt.want)
			if err == nil && res.Method != PresignedV4 {
				t.Errorf("Method = %v, want PresignedV4", res.Method)
			}
		})
	}
}

// TestAWSStreamingExample reproduces AWS's "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" example:
// a 66560-byte object of 'a' sent as a 65536-byte chunk, a 1024-byte chunk
// and the final empty chunk.
func TestAWSStreamingExample(t *testing.T) {
	const (
		seed   = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
		chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
		chunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
		final  = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	)
	build := func(sig1, sig2, sigFinal string) string {
		return "10000;chunk-signature=" + sig1 + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
			"400;chunk-signature=" + sig2 + "\r\n" + strings.Repeat("a", 1024) + "\r\n" +
			"0;chunk-signature=" + sigFinal + "\r\n\r\n"
	}
	flip := func(s string) string { return flipHex(s, 0) }
	tests := []struct {
		name string
		body string
		want error
	}{
		{"as documented", build(chunk1, chunk2, final), nil},
		{"first chunk signature wrong", build(flip(chunk1), chunk2, final), ErrChunkSignatureMismatch},
		{"second chunk signature wrong", build(chunk1, flip(chunk2), final), ErrChunkSignatureMismatch},
		{"final chunk signature wrong", build(chunk1, chunk2, flip(final)), ErrChunkSignatureMismatch},
		{"chunks swapped", build(chunk2, chunk1, final), ErrChunkSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) != 66824 {
				t.Fatalf("body length %d, want the documented Content-Length 66824", len(tt.body))
			}
			v, _ := newTestVerifier(exampleTime)
			r := newReq(t, "PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", tt.body)
			r.Header.Set("X-Amz-Date", "20130524T000000Z")
			r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
			r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
			r.Header.Set("Content-Encoding", "aws-chunked")
			r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
			r.Header.Set("Content-Length", "66824")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
				"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
				"Signature="+seed)
			res, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify = %v, want success", err)
			}
			if res.DecodedLength != 66560 {
				t.Errorf("DecodedLength = %d, want 66560", res.DecodedLength)
			}
			got, err := readAll(t, res)
			wantErr(t, "reading body", err, tt.want)
			if tt.want == nil && string(got) != strings.Repeat("a", 66560) {
				t.Errorf("decoded body of %d bytes, want 66560 'a'", len(got))
			}
			if tt.want == nil {
				if tr, err := res.Trailers(); err != nil || len(tr) != 0 {
					t.Errorf("Trailers() = %v, %v; want none", tr, err)
				}
			}
		})
	}
}

func parseDuration(s string) (d timeDuration, err error) { return parseTimeDuration(s) }

// TestAWSV2Examples reproduces the Signature Version 2 examples of AWS's
// "Signing and authenticating REST requests" page, in the form that page
// had when the signatures were computed (bucket johnsmith, whose name the
// page later replaced without recomputing them).
func TestAWSV2Examples(t *testing.T) {
	tests := []struct {
		name, method, target, host string
		headers                    map[string]string
		vhost                      string
		sig                        string
	}{
		{
			name: "object GET", method: "GET", target: "/photos/puppy.jpg", host: "johnsmith.s3.amazonaws.com",
			headers: map[string]string{"Date": "Tue, 27 Mar 2007 19:36:42 +0000"}, vhost: "johnsmith",
			sig: "bWq2s1WEIj+Ydj0vQ697zp+IXMU=",
		},
		{
			name: "object PUT", method: "PUT", target: "/photos/puppy.jpg", host: "johnsmith.s3.amazonaws.com",
			headers: map[string]string{"Date": "Tue, 27 Mar 2007 21:15:45 +0000", "Content-Type": "image/jpeg"}, vhost: "johnsmith",
			sig: "MyyxeRY7whkBe+bq8fHCL/2kKUg=",
		},
		{
			name: "list", method: "GET", target: "/?prefix=photos&max-keys=50&marker=puppy", host: "johnsmith.s3.amazonaws.com",
			headers: map[string]string{"Date": "Tue, 27 Mar 2007 19:42:41 +0000", "User-Agent": "Mozilla/5.0"}, vhost: "johnsmith",
			sig: "htDYFYduRNen8P9ZfE/s9SuKy0U=",
		},
		{
			name: "fetch acl", method: "GET", target: "/?acl", host: "johnsmith.s3.amazonaws.com",
			headers: map[string]string{"Date": "Tue, 27 Mar 2007 19:44:46 +0000"}, vhost: "johnsmith",
			sig: "c2WLPFtWHVgbEmeEG93a4cG37dM=",
		},
		{
			name: "list all my buckets", method: "GET", target: "/", host: "s3.amazonaws.com",
			headers: map[string]string{"Date": "Wed, 28 Mar 2007 01:29:59 +0000"},
			sig:     "qGdzdERIC03wnaRNKh6OqZehG9s=",
		},
		{
			name: "unicode keys", method: "GET", target: "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", host: "s3.amazonaws.com",
			headers: map[string]string{"Date": "Wed, 28 Mar 2007 01:49:49 +0000"},
			sig:     "DNEZGsoieTZ92F3bUfSPQcbGmlM=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq(t, tt.method, tt.target, tt.host, "")
			for k, val := range tt.headers {
				r.Header.Set(k, val)
			}
			date, err := parseHTTPDate(tt.headers["Date"])
			if err != nil {
				t.Fatal(err)
			}
			v, _ := newTestVerifier(date)
			v.vhostBucket = func(*http.Request) string { return tt.vhost }
			r.Header.Set("Authorization", "AWS "+exampleAccessKey+":"+tt.sig)
			res, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify = %v, want success (string to sign %q)", err, v.stringToSignV2(r, tt.headers["Date"], nil))
			}
			if res.Method != HeaderV2 {
				t.Errorf("Method = %v, want HeaderV2", res.Method)
			}
			r.Header.Set("Date", strings.Replace(tt.headers["Date"], "2007", "2007 ", 1))
			_, err = v.Verify(r)
			wantErr(t, "tampered date", err, ErrSignatureMismatch)
		})
	}
}
