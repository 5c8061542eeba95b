package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/encoding/httpbinding"
	miniosigner "github.com/minio/minio-go/v7/pkg/signer"
)

// diffTime is the signing time of the differential tests.
var diffTime = time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)

var diffKeys = []string{
	"a.txt", "dir/sub/file", "with space", "plus+sign", "equals=sign",
	"literal%2Fpercent", "tilde~x", "unicode-ключ-日本語", "semi;colon",
	"star*bang!quote'(paren)", "amp&and", "hash#frag", "question?mark",
	"a//double", "trailing/", "@at:colon", "emoji-😀", "dollar$comma,",
	"%", "100%25", "sp ace/+/=/~",
}

var diffQueries = []string{
	"", "acl", "uploads", "prefix=a%20b&delimiter=%2F",
	"list-type=2&prefix=x%2By", "tagging&versionId=abc",
	"a=1&a=2&b=", "response-content-disposition=attachment%3B%20filename%3D%22x%20y.txt%22",
	"max-keys=10&marker=~tilde", "prefix=a+b", "key=%E6%97%A5%E6%9C%AC",
}

// sdkRequest builds a client request the way the aws-sdk-go-v2 S3 client
// does: the key escaped with its path escaping, RawPath set.
func sdkRequest(t testing.TB, method, key, rawQuery, body string) *http.Request {
	t.Helper()
	u := &url.URL{
		Scheme:   "http",
		Host:     "127.0.0.1:9000",
		Path:     "/bucket/" + key,
		RawPath:  "/bucket/" + httpbinding.EscapePath(key, false),
		RawQuery: rawQuery,
	}
	r, err := http.NewRequest(method, u.String(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.URL = u
	if body == "" {
		r.Body = http.NoBody
		r.ContentLength = 0
	}
	return r
}

// toServer serializes a client request and parses it back as a server
// would, so the verifier sees exactly what crosses the wire.
func toServer(t testing.TB, r *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var diffCreds = aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecretKey}

// s3Signer is aws-sdk-go-v2's signer configured as its S3 client
// configures it: paths are escaped once, by the client.
func s3Signer() *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
}

// mutations returns one-byte changes of a server request that must break
// its signature.
func mutations(r *http.Request) map[string]func(*http.Request) {
	m := map[string]func(*http.Request){
		"path byte": func(r *http.Request) {
			p, q, hasQuery := strings.Cut(r.RequestURI, "?")
			b := []byte(p)
			i := len("/bucket/")
			if b[i] == 'Z' {
				b[i] = 'Y'
			} else {
				b[i] = 'Z'
			}
			r.RequestURI = string(b)
			if hasQuery {
				r.RequestURI += "?" + q
			}
		},
		"method": func(r *http.Request) { r.Method = "HEAD" },
		"host":   func(r *http.Request) { r.Host = "127.0.0.1:9001" },
		"header": func(r *http.Request) { r.Header.Set("X-Amz-Meta-Color", "bluf") },
	}
	if r.URL.RawQuery != "" {
		m["query"] = func(r *http.Request) {
			r.URL.RawQuery = "x-mutated=1&" + r.URL.RawQuery
		}
	}
	return m
}

// TestDifferentialHeader signs requests with aws-sdk-go-v2's signer and
// checks that they verify, and that one-byte changes do not.
func TestDifferentialHeader(t *testing.T) {
	v, _ := newTestVerifier(diffTime)
	for _, key := range diffKeys {
		for _, q := range diffQueries {
			body := "hello " + key
			sign := func() *http.Request {
				r := sdkRequest(t, "PUT", key, q, body)
				r.Header.Set("X-Amz-Content-Sha256", sha256Hex(body))
				r.Header.Set("X-Amz-Meta-Color", "  blue   and  green ")
				r.Header.Add("X-Amz-Meta-Multi", "one")
				r.Header.Add("X-Amz-Meta-Multi", " two ")
				r.Header.Set("Content-Type", "text/plain")
				if err := s3Signer().SignHTTP(context.Background(), diffCreds, r, sha256Hex(body), "s3", "us-east-1", diffTime); err != nil {
					t.Fatal(err)
				}
				return toServer(t, r)
			}
			name := key + "?" + q
			r := sign()
			res, err := v.Verify(r)
			if err != nil {
				t.Errorf("%s: Verify = %v, want success", name, err)
				continue
			}
			if got, err := io.ReadAll(res.Body); err != nil || string(got) != body {
				t.Errorf("%s: body = %q, %v; want %q", name, got, err, body)
			}
			for what, mutate := range mutations(r) {
				r := sign()
				mutate(r)
				_, err := v.Verify(r)
				wantErr(t, name+": "+what, err, ErrSignatureMismatch)
			}
		}
	}
}

// TestDifferentialPresigned presigns with aws-sdk-go-v2's PresignHTTP.
func TestDifferentialPresigned(t *testing.T) {
	v, clk := newTestVerifier(diffTime)
	for _, key := range diffKeys {
		for _, q := range diffQueries {
			sign := func() *http.Request {
				r := sdkRequest(t, "GET", key, q+"&X-Amz-Expires=900", "")
				if q == "" {
					r.URL.RawQuery = "X-Amz-Expires=900"
				}
				r.Header.Set("X-Amz-Meta-Color", "blue")
				signed, hdr, err := s3Signer().PresignHTTP(context.Background(), diffCreds, r, unsignedPayload, "s3", "us-east-1", diffTime)
				if err != nil {
					t.Fatal(err)
				}
				cr, err := http.NewRequest("GET", signed, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range hdr {
					if k != "Host" {
						cr.Header[k] = vs
					}
				}
				return toServer(t, cr)
			}
			name := key + "?" + q
			res, err := v.Verify(sign())
			if err != nil {
				t.Errorf("%s: Verify = %v, want success", name, err)
				continue
			}
			if res.Method != PresignedV4 {
				t.Errorf("%s: Method = %v, want PresignedV4", name, res.Method)
			}
			r := sign()
			for what, mutate := range mutations(r) {
				r := sign()
				mutate(r)
				_, err := v.Verify(r)
				wantErr(t, name+": "+what, err, ErrSignatureMismatch)
			}
		}
	}
	clk.Advance(901 * time.Second)
	r := sdkRequest(t, "GET", "a", "X-Amz-Expires=900", "")
	signed, _, err := s3Signer().PresignHTTP(context.Background(), diffCreds, r, unsignedPayload, "s3", "us-east-1", diffTime)
	if err != nil {
		t.Fatal(err)
	}
	cr, _ := http.NewRequest("GET", signed, nil)
	_, err = v.Verify(toServer(t, cr))
	wantErr(t, "after expiry", err, ErrExpired)
}

// sha256Hasher adapts sha256 to minio-go's md5simd.Hasher.
type sha256Hasher struct{ hash.Hash }

func (sha256Hasher) Close() {}

// TestDifferentialMinioStreaming sends bodies signed chunk by chunk with
// minio-go's streaming signer, with and without a signed trailer.
func TestDifferentialMinioStreaming(t *testing.T) {
	sizes := []int{0, 1, 65535, 65536, 65537, 3*65536 + 17}
	for _, size := range sizes {
		for _, trailer := range []bool{false, true} {
			payload := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
			r := sdkRequest(t, "PUT", "stream/obj", "", string(payload))
			if size == 0 {
				r.Body = io.NopCloser(bytes.NewReader(nil))
			}
			if trailer {
				r.Trailer = http.Header{"x-amz-checksum-crc32c": {"sOO8/Q=="}}
			}
			r = miniosigner.StreamingSignV4(r, exampleAccessKey, exampleSecretKey, "", "us-east-1", int64(size), diffTime, sha256Hasher{sha256.New()})
			sr := toServer(t, r)
			v, _ := newTestVerifier(diffTime)
			res, err := v.Verify(sr)
			if err != nil {
				t.Fatalf("size %d trailer %v: Verify = %v (content-sha256 %q)", size, trailer, err, sr.Header.Get("X-Amz-Content-Sha256"))
			}
			got, err := io.ReadAll(res.Body)
			if err != nil || !bytes.Equal(got, payload) {
				t.Errorf("size %d trailer %v: read %d bytes, %v; want %d bytes", size, trailer, len(got), err, size)
				continue
			}
			tr, err := res.Trailers()
			if err != nil {
				t.Errorf("size %d: Trailers() error %v", size, err)
			}
			if want := map[bool]string{true: "sOO8/Q==", false: ""}[trailer]; tr.Get("X-Amz-Checksum-Crc32c") != want {
				t.Errorf("size %d: trailer = %q, want %q", size, tr.Get("X-Amz-Checksum-Crc32c"), want)
			}
		}
	}
}
