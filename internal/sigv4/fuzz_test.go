package sigv4

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseAuthorizationV4 checks that the Authorization header parser
// never panics and that what it accepts is well-formed.
func FuzzParseAuthorizationV4(f *testing.F) {
	// AWS's "GET object" header example.
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
	// AWS's streaming PUT example, with spaces after the commas as SDKs send.
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class, Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=host,Signature=")
	f.Add("AWS4-HMAC-SHA256 ")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorizationV4(h)
		if err != nil {
			if !errors.Is(err, ErrMalformedAuthorization) && !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !isLowerHex(a.signature, 64) || checkSignedHeaders(a.signedHeaders, ErrMalformedAuthorization) != nil {
			t.Fatalf("accepted malformed %+v", a)
		}
		// Round trip through the canonical spelling.
		again := algoV4 + " Credential=" + a.scope.accessKey + "/" + a.scope.String() +
			", SignedHeaders=" + a.signedHeaders + ", Signature=" + a.signature
		b, err := parseAuthorizationV4(again)
		if err != nil || b != a {
			t.Fatalf("reparse of %q = %+v, %v; want %+v", again, b, err, a)
		}
	})
}

// FuzzParsePresignV4 checks the presigned query parser and the canonical
// query string builder.
func FuzzParsePresignV4(f *testing.F) {
	// AWS's presigned URL example.
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
	// AWS's list objects example query.
	f.Add("max-keys=2&prefix=J")
	f.Add("a=%zz&b=+&&c")
	f.Fuzz(func(t *testing.T, raw string) {
		c := canonicalQuery(raw, false)
		if again := canonicalQuery(c, false); again != c {
			t.Fatalf("canonicalQuery not idempotent: %q -> %q -> %q", raw, c, again)
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parsePresignV4(q)
		if err != nil {
			if !errors.Is(err, ErrMalformedPresigned) && !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if p.expires < 0 || p.expires > MaxPresignExpires || !isLowerHex(p.signature, 64) {
			t.Fatalf("accepted malformed %+v", p)
		}
	})
}

// fuzzChunkConfig is a fixed chain for decoding fuzzed bodies.
func fuzzChunkConfig(signed, trailer bool) chunkedConfig {
	return chunkedConfig{
		signed: signed, trailer: trailer, decoded: -1,
		expected: []string{"x-amz-checksum-crc32"},
		chain: chainStart{
			key: deriveSigningKey(exampleSecretKey, "20130524", "us-east-1"), stamp: "20130524T000000Z",
			scope: scope{accessKey: exampleAccessKey, date: "20130524", region: "us-east-1"},
			seed:  "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
		},
	}
}

// FuzzChunkedDecoder feeds arbitrary bodies to the aws-chunked decoder:
// it must not panic, must end with EOF or a package error, must never
// yield more bytes than it was given, and must read through small
// buffers the same as through large ones.
func FuzzChunkedDecoder(f *testing.F) {
	// The final chunk of AWS's streaming example.
	f.Add([]byte("0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"), true, false)
	// An unsigned body with a CRC32 trailer, as AWS SDKs send it.
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), false, true)
	f.Add([]byte("ffffffffffffffff\r\n"), false, false)
	f.Add([]byte("3;a\r\nabc\r\n0\r\n\r\n"), false, false)
	f.Fuzz(func(t *testing.T, body []byte, signed, trailer bool) {
		decode := func(buf int) ([]byte, error) {
			c := newChunkedReader(io.NopCloser(bytes.NewReader(body)), fuzzChunkConfig(signed, trailer))
			var out bytes.Buffer
			p := make([]byte, buf)
			for {
				n, err := c.Read(p)
				out.Write(p[:n])
				if err != nil {
					return out.Bytes(), err
				}
			}
		}
		got, err := decode(32 << 10)
		if len(got) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(body))
		}
		if err != io.EOF && !isPayloadErr(err) {
			t.Fatalf("error %v is not a payload error", err)
		}
		got1, err1 := decode(1)
		if !bytes.Equal(got, got1) || (err == io.EOF) != (err1 == io.EOF) {
			t.Fatalf("1-byte reads differ: %q, %v vs %q, %v", got1, err1, got, err)
		}
	})
}

func isPayloadErr(err error) bool {
	for _, s := range []error{ErrIncompleteBody, ErrMalformedChunk, ErrChunkSignatureMismatch, ErrMalformedTrailer, ErrDecodedLengthMismatch} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzChunkedRoundTrip encodes a payload into chunks of fuzzed sizes with
// the test encoder and checks that decoding returns it unchanged.
func FuzzChunkedRoundTrip(f *testing.F) {
	// 66560 bytes in 64 KiB chunks, as in AWS's streaming example.
	f.Add(bytes.Repeat([]byte("a"), 66560), []byte{0xff, 0xff}, uint8(0))
	f.Add([]byte("hello, world"), []byte{1, 2, 3}, uint8(1))
	f.Add([]byte{}, []byte{}, uint8(2))
	f.Fuzz(func(t *testing.T, payload, sizes []byte, mode uint8) {
		cfg := fuzzChunkConfig(mode%3 != 2, mode%3 != 0)
		cfg.decoded = int64(len(payload))
		e := &testEncoder{signed: cfg.signed, key: cfg.chain.key, stamp: cfg.chain.stamp, sc: cfg.chain.scope, prev: cfg.chain.seed}
		var body strings.Builder
		rest := payload
		for i := 0; len(rest) > 0; i++ {
			n := 1
			if len(sizes) > 0 {
				n = int(sizes[i%len(sizes)])*256 + 1
			}
			// At most ~512 chunks, so that each run stays fast.
			n = min(max(n, len(payload)/512+1), len(rest))
			body.WriteString(e.chunk(string(rest[:n])))
			rest = rest[n:]
		}
		body.WriteString(e.header(""))
		if cfg.trailer {
			body.WriteString(e.trailer("x-amz-checksum-crc32:AAAAAA=="))
		} else {
			body.WriteString("\r\n")
		}
		c := newChunkedReader(io.NopCloser(strings.NewReader(body.String())), cfg)
		got, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("round trip = %d bytes, %v; want %d bytes", len(got), err, len(payload))
		}
		if tr, err := c.Trailers(); err != nil || cfg.trailer != (tr.Get("x-amz-checksum-crc32") == "AAAAAA==") {
			t.Fatalf("Trailers() = %v, %v", tr, err)
		}
	})
}

// FuzzParsePolicy checks the POST policy parser and Check on arbitrary
// JSON.
func FuzzParsePolicy(f *testing.F) {
	// AWS's POST policy example (decoded).
	raw, _ := base64.StdEncoding.DecodeString(awsPostPolicy)
	f.Add(raw)
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",0,"10"],["eq","$key","a"]]}`))
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{}]}`))
	// s3-tests' POST cases: names in mixed case, top-level members in
	// upper case, a missing list, a simple condition of two members.
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bUcKeT":"b"},["StArTs-WiTh","$KeY","foo"]]}`))
	f.Add([]byte(`{"EXPIRATION":"2030-01-01T00:00:00Z","conditions":[]}`))
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","CONDITIONS":[]}`))
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b","acl":"private"}]}`))
	// Shapes S3 answered with Invalid JSON or a failed condition.
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"success_action_redirect":null},["content-length-range",0,512.0]]}`))
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","success_action_redirect","x"],[null,"$a","b"],[]]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		exp, conds, err := parsePolicy(base64.StdEncoding.EncodeToString(doc))
		if err != nil {
			if !errors.Is(err, ErrInvalidPolicyDocument) {
				t.Fatalf("error %v does not wrap ErrInvalidPolicyDocument", err)
			}
			var pe *policyError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.ClientMessage(), "Invalid Policy: ") {
				t.Fatalf("error %v has no \"Invalid Policy: \" message", err)
			}
			return
		}
		p := &PostResult{Method: PostPolicy, Expiration: exp, Conditions: conds, bucket: "b"}
		for _, c := range conds {
			if c.Op == CondContentLengthRange && (c.Min < 0 || c.Max < c.Min) {
				t.Fatalf("accepted bad range %+v", c)
			}
		}
		fields := map[string]string{"key": "a"}
		for _, c := range conds {
			if c.Field != "" && c.Field != "bucket" {
				fields[c.Field] = c.Value
			}
		}
		if err := p.Check(fields, 0); err != nil && !errors.Is(err, ErrPostPolicyViolation) && !errors.Is(err, ErrMalformedPostRequest) {
			t.Fatalf("Check error %v wraps no sentinel", err)
		}
	})
}
