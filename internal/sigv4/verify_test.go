package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	miniosigner "github.com/minio/minio-go/v7/pkg/signer"
)

func TestVerifyAnonymousPayloads(t *testing.T) {
	tests := []struct {
		name, payload, body, want string
		wantVerify, wantRead      error
	}{
		{name: "no header", body: "data", want: "data"},
		{name: "unsigned", payload: unsignedPayload, body: "data", want: "data"},
		{name: "sha256 matches", payload: sha256Hex("data"), body: "data", want: "data"},
		{name: "sha256 differs", payload: sha256Hex("data"), body: "date", want: "date", wantRead: ErrContentSHA256Mismatch},
		{name: "unsigned trailer decoded", payload: streamingUnsignedTrailer, body: "4\r\ndata\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", want: "data"},
		{name: "signed streaming", payload: streamingSigned, body: "x", wantVerify: ErrInvalidContentSHA256},
		{name: "garbage", payload: "nonsense", body: "x", wantVerify: ErrInvalidContentSHA256},
	}
	v, _ := newTestVerifier(diffTime)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq(t, "PUT", "/bucket/key", "127.0.0.1", tt.body)
			if tt.payload != "" {
				r.Header.Set("X-Amz-Content-Sha256", tt.payload)
			}
			r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
			res, err := v.Verify(r)
			wantErr(t, "Verify", err, tt.wantVerify)
			if err != nil || tt.wantVerify != nil {
				return
			}
			if !res.Principal.Anonymous {
				t.Errorf("Principal = %+v, want anonymous", res.Principal)
			}
			got, err := io.ReadAll(res.Body)
			wantErr(t, "read", err, tt.wantRead)
			if string(got) != tt.want {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerifyAnonymous(t *testing.T) {
	v, _ := newTestVerifier(diffTime)
	r := newReq(t, "PUT", "/bucket/key?acl", "127.0.0.1", "data")
	res, err := v.Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != Anonymous || !res.Principal.Anonymous {
		t.Errorf("Verify = %+v, want anonymous", res)
	}
	if b, err := io.ReadAll(res.Body); err != nil || string(b) != "data" {
		t.Errorf("body = %q, %v; want %q", b, err, "data")
	}
	if tr, err := res.Trailers(); tr != nil || err != nil {
		t.Errorf("Trailers() = %v, %v; want nil, nil", tr, err)
	}
}

// signedRequest returns a GET signed by aws-sdk-go-v2 at signTime for
// region, after edit has changed the client request.
func signedRequest(t *testing.T, signTime time.Time, region string, edit func(*http.Request)) *http.Request {
	t.Helper()
	r := sdkRequest(t, "GET", "key", "", "")
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if edit != nil {
		edit(r)
	}
	if err := s3Signer().SignHTTP(context.Background(), diffCreds, r, emptySHA256, "s3", region, signTime); err != nil {
		t.Fatal(err)
	}
	return toServer(t, r)
}

func TestVerifyHeaderV4Errors(t *testing.T) {
	ok := func() *http.Request { return signedRequest(t, diffTime, "us-east-1", nil) }
	setAuth := func(f func(string) string) func() *http.Request {
		return func() *http.Request {
			r := ok()
			r.Header.Set("Authorization", f(r.Header.Get("Authorization")))
			return r
		}
	}
	tests := []struct {
		name string
		req  func() *http.Request
		want error
	}{
		{"valid", ok, nil},
		{"skewed past", func() *http.Request { return signedRequest(t, diffTime.Add(-16*time.Minute), "us-east-1", nil) }, ErrRequestTimeTooSkewed},
		{"skewed future", func() *http.Request { return signedRequest(t, diffTime.Add(16*time.Minute), "us-east-1", nil) }, ErrRequestTimeTooSkewed},
		{"within skew", func() *http.Request { return signedRequest(t, diffTime.Add(14*time.Minute), "us-east-1", nil) }, nil},
		{"wrong region", func() *http.Request { return signedRequest(t, diffTime, "eu-west-1", nil) }, ErrMalformedAuthorization},
		{"unknown key", setAuth(func(s string) string { return strings.Replace(s, exampleAccessKey, "AKIDUNKNOWN", 1) }), ErrUnknownAccessKey},
		{"scope date differs", setAuth(func(s string) string { return strings.Replace(s, "/20261127/", "/20261126/", 1) }), ErrMalformedAuthorization},
		{"wrong service", setAuth(func(s string) string { return strings.Replace(s, "/s3/", "/ec2/", 1) }), ErrMalformedAuthorization},
		{"no signature", setAuth(func(s string) string { return s[:strings.Index(s, ", Signature=")] }), ErrMalformedAuthorization},
		{"short signature", setAuth(func(s string) string { return s[:len(s)-1] }), ErrMalformedAuthorization},
		{"host not signed", setAuth(func(s string) string { return strings.Replace(s, "SignedHeaders=host;", "SignedHeaders=", 1) }), ErrMalformedAuthorization},
		{"sigv4a", setAuth(func(s string) string { return strings.Replace(s, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1) }), ErrUnsupportedAlgorithm},
		{"other scheme", setAuth(func(string) string { return "Bearer abc" }), ErrUnsupportedAlgorithm},
		{"missing date", func() *http.Request { r := ok(); r.Header.Del("X-Amz-Date"); return r }, ErrMissingDate},
		{"bad date", func() *http.Request { r := ok(); r.Header.Set("X-Amz-Date", "yesterday"); return r }, ErrMissingDate},
		{"header and query auth", func() *http.Request {
			r := ok()
			r.URL.RawQuery = "X-Amz-Signature=abc"
			return r
		}, ErrMalformedAuthorization},
		{"unsigned header changed", func() *http.Request { r := ok(); r.Header.Set("X-Amz-Content-Sha256", unsignedPayload); return r }, ErrSignatureMismatch},
	}
	v, _ := newTestVerifier(diffTime)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := v.Verify(tt.req())
			wantErr(t, "Verify", err, tt.want)
			if err == nil && (res.Principal.AccessKey != exampleAccessKey || !res.Principal.Root) {
				t.Errorf("Principal = %+v, want the example root key", res.Principal)
			}
		})
	}
}

func TestVerifyDateHeader(t *testing.T) {
	// A request timed by Date rather than X-Amz-Date: the string to sign
	// uses the Date converted to ISO 8601 basic format.
	v, _ := newTestVerifier(exampleTime)
	r := newReq(t, "GET", "/test.txt", "examplebucket.s3.amazonaws.com", "")
	r.Header.Set("Date", "Fri, 24 May 2013 00:00:00 GMT")
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	sc := scope{accessKey: exampleAccessKey, date: "20130524", region: "us-east-1"}
	cr := canonicalRequest{uri: "/test.txt", signedHeaders: "date;host;x-amz-content-sha256", payloadHash: emptySHA256}
	sts := appendStringToSign(nil, "20130524T000000Z", sc, cr.appendTo(nil, r))
	sig := signHex(deriveSigningKey(exampleSecretKey, "20130524", "us-east-1"), sts)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+exampleAccessKey+"/20130524/us-east-1/s3/aws4_request, SignedHeaders="+cr.signedHeaders+", Signature="+sig)
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}

func TestVerifySessionToken(t *testing.T) {
	creds := staticCreds{"ASIATEMP": {AccessKey: "ASIATEMP", SecretKey: exampleSecretKey, SessionToken: "tok"}}
	v := New(Options{Credentials: creds, Clock: fixedClock(diffTime)})
	sign := func(token string) *http.Request {
		r := sdkRequest(t, "GET", "k", "", "")
		r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		c := diffCreds
		c.AccessKeyID, c.SessionToken = "ASIATEMP", token
		if err := s3Signer().SignHTTP(context.Background(), c, r, emptySHA256, "s3", "us-east-1", diffTime); err != nil {
			t.Fatal(err)
		}
		return toServer(t, r)
	}
	for _, tt := range []struct {
		token string
		want  error
	}{{"tok", nil}, {"", ErrMissingSecurityHeader}, {"other", ErrInvalidToken}} {
		_, err := v.Verify(sign(tt.token))
		wantErr(t, "token "+tt.token, err, tt.want)
	}
}

func TestVerifyNilCredentials(t *testing.T) {
	v := New(Options{Clock: fixedClock(diffTime)})
	_, err := v.Verify(signedRequest(t, diffTime, "us-east-1", nil))
	wantErr(t, "Verify", err, ErrUnknownAccessKey)
}

type failingCreds struct{}

var errStore = errors.New("store down")

func (failingCreds) Lookup(context.Context, string) (Credential, error) {
	return Credential{}, errStore
}

func TestVerifyLookupFailure(t *testing.T) {
	v := New(Options{Credentials: failingCreds{}, Clock: fixedClock(diffTime)})
	_, err := v.Verify(signedRequest(t, diffTime, "us-east-1", nil))
	if !errors.Is(err, errStore) || errors.Is(err, ErrUnknownAccessKey) || errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("Verify = %v, want the store error unchanged in kind", err)
	}
}

// TestSignV2Minio signs SigV2 header and presigned requests with
// minio-go's signer, path-style and virtual-hosted.
func TestSignV2Minio(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, vhost := range []bool{false, true} {
		for _, target := range []string{"/bucket/photos/puppy.jpg", "/bucket/a%20b%2Bc?acl", "/bucket/k?uploadId=1&partNumber=2", "/bucket/k?versionId=3&response-content-type=text%2Fplain&prefix=x"} {
			host := "127.0.0.1:9000"
			path := target
			if vhost {
				host = "bucket.s3.example.com"
				path = strings.TrimPrefix(target, "/bucket")
			}
			mk := func() *http.Request {
				r, err := http.NewRequest("PUT", "http://"+host+path, strings.NewReader("x"))
				if err != nil {
					t.Fatal(err)
				}
				r.Header.Set("Content-Type", "text/plain")
				r.Header.Set("X-Amz-Meta-A", "1")
				return r
			}
			v := New(Options{Credentials: exampleCreds(), Clock: fixedClock(now), VirtualHostBucket: func(r *http.Request) string {
				if vhost {
					return strings.Split(r.Host, ".")[0]
				}
				return ""
			}})
			signed := miniosigner.SignV2(*mk(), exampleAccessKey, exampleSecretKey, vhost)
			res, err := v.Verify(toServer(t, signed))
			if err != nil {
				t.Errorf("SignV2 %s vhost=%v: Verify = %v", target, vhost, err)
			} else if res.Method != HeaderV2 {
				t.Errorf("Method = %v, want HeaderV2", res.Method)
			}
			tampered := toServer(t, miniosigner.SignV2(*mk(), exampleAccessKey, exampleSecretKey, vhost))
			tampered.Header.Set("X-Amz-Meta-A", "2")
			_, err = v.Verify(tampered)
			wantErr(t, "SignV2 tampered", err, ErrSignatureMismatch)

			g, _ := http.NewRequest("GET", "http://"+host+path, nil)
			pre := miniosigner.PreSignV2(*g, exampleAccessKey, exampleSecretKey, 60, vhost)
			res, err = v.Verify(toServer(t, pre))
			if err != nil {
				t.Errorf("PreSignV2 %s vhost=%v: Verify = %v", target, vhost, err)
			} else if res.Method != PresignedV2 {
				t.Errorf("Method = %v, want PresignedV2", res.Method)
			}
		}
	}
}

func TestPresignedV2Errors(t *testing.T) {
	now := time.Unix(1175139000, 0)
	// AWS's query string authentication example (johnsmith form).
	const good = "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620"
	tests := []struct {
		name, target string
		now          time.Time
		want         error
	}{
		{"documented", good, now, nil},
		{"unescaped plus", strings.Replace(good, "%2B", "+", 1), now, nil},
		{"expired", good, time.Unix(1175139621, 0), ErrExpired},
		{"missing expires", strings.Replace(good, "&Expires=1175139620", "", 1), now, ErrMalformedPresigned},
		{"bad expires", strings.Replace(good, "Expires=1175139620", "Expires=soon", 1), now, ErrMalformedPresigned},
		{"expires changed", strings.Replace(good, "Expires=1175139620", "Expires=1175139621", 1), now, ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := New(Options{Credentials: exampleCreds(), Clock: fixedClock(tt.now), VirtualHostBucket: func(*http.Request) string { return "johnsmith" }})
			_, err := v.Verify(newReq(t, "GET", tt.target, "johnsmith.s3.amazonaws.com", ""))
			wantErr(t, "Verify", err, tt.want)
		})
	}
}

func TestHeaderV2Errors(t *testing.T) {
	date := "Tue, 27 Mar 2007 19:36:42 +0000"
	now, _ := parseHTTPDate(date)
	v := New(Options{Credentials: exampleCreds(), Clock: fixedClock(now), VirtualHostBucket: func(*http.Request) string { return "johnsmith" }})
	tests := []struct {
		name  string
		authz string
		date  string
		want  error
	}{
		{"documented", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", date, nil},
		{"no colon", "AWS AKIAIOSFODNN7EXAMPLE", date, ErrMalformedAuthorization},
		{"no date", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "", ErrMissingDate},
		{"skewed", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "Tue, 27 Mar 2007 20:36:42 +0000", ErrRequestTimeTooSkewed},
		{"unknown key", "AWS AKIDOTHER:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", date, ErrUnknownAccessKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq(t, "GET", "/photos/puppy.jpg", "johnsmith.s3.amazonaws.com", "")
			r.Header.Set("Authorization", tt.authz)
			if tt.date != "" {
				r.Header.Set("Date", tt.date)
			}
			_, err := v.Verify(r)
			wantErr(t, "Verify", err, tt.want)
		})
	}
}

func TestStringToSignV2(t *testing.T) {
	// AWS's "Upload" example: x-amz-* headers lowercased, sorted, repeated
	// values joined; CNAME-style virtual host.
	r := newReq(t, "PUT", "/db-backup.dat.gz", "static.johnsmith.net:8080", "")
	r.Header.Set("Date", "Tue, 27 Mar 2007 21:06:08 +0000")
	r.Header.Set("x-amz-acl", "public-read")
	r.Header.Set("content-type", "application/x-download")
	r.Header.Set("Content-MD5", "4gJE4saaMU4BqNR0kLY+lw==")
	r.Header.Add("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net")
	r.Header.Add("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net")
	r.Header.Set("X-Amz-Meta-FileChecksum", "0x02661779")
	r.Header.Set("X-Amz-Meta-ChecksumAlgorithm", "crc32")
	r.Header.Set("Content-Disposition", "attachment; filename=database.dat")
	r.Header.Set("Content-Encoding", "gzip")
	v := New(Options{VirtualHostBucket: func(*http.Request) string { return "static.johnsmith.net" }})
	got := string(v.stringToSignV2(r, r.Header.Get("Date"), nil))
	want := "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n" +
		"x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n" +
		"x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n/static.johnsmith.net/db-backup.dat.gz"
	if got != want {
		t.Errorf("stringToSignV2 =\n%q\nwant\n%q", got, want)
	}
	// The documented signature of this example.
	if sig := signV2(exampleSecretKey, []byte(want)); sig != "ilyl83RwaSoYIEdixDQcA4OnAnc=" {
		t.Errorf("signature = %s, want ilyl83RwaSoYIEdixDQcA4OnAnc=", sig)
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"acl", "acl="},
		{"b=2&a=1&a=0", "a=0&a=1&b=2"},
		{"prefix=a+b", "prefix=a%20b"},
		{"prefix=a%2bb", "prefix=a%2Bb"},
		{"k=%7E~", "k=~~"},
		{"k=%zz", "k=%25zz"},
		{"X-Amz-Signature=x&a=1", "X-Amz-Signature=x&a=1"},
		{"&&a=1&", "a=1"},
		{"a=%2F/", "a=%2F%2F"},
	}
	for _, tt := range tests {
		if got := canonicalQuery(tt.raw, false); got != tt.want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
	if got := canonicalQuery("X-Amz-Signature=x&a=1", true); got != "a=1" {
		t.Errorf("canonicalQuery(skip signature) = %q, want %q", got, "a=1")
	}
}

func TestCanonicalURIs(t *testing.T) {
	tests := []struct{ raw, primary, verbatim string }{
		{"/", "/", ""},
		{"/bucket/key", "/bucket/key", ""},
		{"/b/a%20b", "/b/a%20b", ""},
		{"/b/a+b", "/b/a%2Bb", "/b/a+b"},
		{"/b/a%2Fb", "/b/a/b", "/b/a%2Fb"},
		{"/b/%e6%97%a5", "/b/%E6%97%A5", "/b/%e6%97%a5"},
		{"/b/%7E", "/b/~", "/b/%7E"},
		{"/b/bad%zz", "/b/bad%zz", ""},
	}
	for _, tt := range tests {
		r := &http.Request{RequestURI: tt.raw + "?q=1", URL: &url.URL{}}
		p, v := canonicalURIs(r)
		if p != tt.primary || v != tt.verbatim {
			t.Errorf("canonicalURIs(%q) = %q, %q; want %q, %q", tt.raw, p, v, tt.primary, tt.verbatim)
		}
	}
}

func TestMethodString(t *testing.T) {
	for m, want := range map[Method]string{Anonymous: "anonymous", HeaderV4: "header-v4", PresignedV4: "presigned-v4", HeaderV2: "header-v2", PresignedV2: "presigned-v2", PostPolicy: "post-policy", Method(42): "method(42)"} {
		if got := m.String(); got != want {
			t.Errorf("Method(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}

func TestHeadersNotSigned(t *testing.T) {
	v, _ := newTestVerifier(diffTime)
	r := signedRequest(t, diffTime, "us-east-1", nil)
	r.Header.Set("X-Amz-Acl", "public-read")
	_, err := v.Verify(r)
	wantErr(t, "header auth with added x-amz-acl", err, ErrHeadersNotSigned)

	c := sdkRequest(t, "PUT", "k", "X-Amz-Expires=60", "")
	signed, _, err := s3Signer().PresignHTTP(context.Background(), diffCreds, c, unsignedPayload, "s3", "us-east-1", diffTime)
	if err != nil {
		t.Fatal(err)
	}
	pr, _ := http.NewRequest("PUT", signed, nil)
	sr := toServer(t, pr)
	if _, err := v.Verify(sr); err != nil {
		t.Fatalf("presigned PUT: %v", err)
	}
	sr.Header.Set("X-Amz-Grant-Full-Control", "id=attacker")
	_, err = v.Verify(sr)
	wantErr(t, "presigned with added grant", err, ErrHeadersNotSigned)
}

func TestSigningKeyRotation(t *testing.T) {
	creds := exampleCreds()
	v := New(Options{Credentials: creds, Clock: fixedClock(diffTime)})
	if _, err := v.Verify(signedRequest(t, diffTime, "us-east-1", nil)); err != nil {
		t.Fatal(err)
	}
	c := creds[exampleAccessKey]
	c.SecretKey = "rotated"
	creds[exampleAccessKey] = c
	_, err := v.Verify(signedRequest(t, diffTime, "us-east-1", nil))
	wantErr(t, "after rotation", err, ErrSignatureMismatch)
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		opts Options
		ok   bool
	}{
		{Options{}, true},
		{Options{Region: "eu-west-1", MaxSkew: time.Minute}, true},
		{Options{MaxSkew: -time.Second}, false},
		{Options{Region: "EU West"}, false},
	}
	for _, tt := range tests {
		if err := tt.opts.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.opts, err, tt.ok)
		}
	}
	v := New(Options{})
	if v.region != DefaultRegion || v.maxSkew != DefaultMaxSkew || v.clock == nil || v.log == nil {
		t.Errorf("New(Options{}) defaults = %q %v %v %v", v.region, v.maxSkew, v.clock, v.log)
	}
}

func TestDisableSigV2(t *testing.T) {
	v := New(Options{Credentials: exampleCreds(), Clock: fixedClock(time.Unix(1175139000, 0)), DisableSigV2: true})
	r := newReq(t, "GET", "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620", "johnsmith.s3.amazonaws.com", "")
	_, err := v.Verify(r)
	wantErr(t, "presigned V2", err, ErrSignatureVersionMismatch)
	r = newReq(t, "GET", "/photos/puppy.jpg", "johnsmith.s3.amazonaws.com", "")
	r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
	_, err = v.Verify(r)
	wantErr(t, "header V2", err, ErrSignatureVersionMismatch)
	_, err = v.VerifyPost(context.Background(), "johnsmith", awsPostFields())
	wantErr(t, "POST V2", err, ErrSignatureVersionMismatch)
	if _, err := v.Verify(signedRequest(t, time.Unix(1175139000, 0), "us-east-1", nil)); err != nil {
		t.Errorf("SigV4 with V2 disabled: %v", err)
	}
}
