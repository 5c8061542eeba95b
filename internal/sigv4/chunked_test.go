package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

// testEncoder writes aws-chunked bodies, signing chunks as AWS's
// streaming documentation describes, for the decoder's tests.
type testEncoder struct {
	signed bool
	key    []byte
	stamp  string
	sc     scope
	prev   string
}

func (e *testEncoder) sign(algo, hashHex string, withEmpty bool) string {
	sts := algo + "\n" + e.stamp + "\n" + e.sc.String() + "\n" + e.prev + "\n"
	if withEmpty {
		sts += emptySHA256 + "\n"
	}
	sig := signHex(e.key, []byte(sts+hashHex))
	e.prev = sig
	return sig
}

// header returns the chunk header for data.
func (e *testEncoder) header(data string) string {
	if !e.signed {
		return fmt.Sprintf("%x\r\n", len(data))
	}
	return fmt.Sprintf("%x;chunk-signature=%s\r\n", len(data), e.sign(algoV4Payload, sha256Hex(data), true))
}

// chunk returns a complete chunk carrying data.
func (e *testEncoder) chunk(data string) string { return e.header(data) + data + "\r\n" }

// trailer returns trailer lines, signed when the encoder is, and the
// terminating blank line.
func (e *testEncoder) trailer(lines ...string) string {
	var canon, out string
	for _, l := range lines {
		canon += l + "\n"
		out += l + "\r\n"
	}
	if e.signed {
		out += trailerSignatureName + ":" + e.sign(algoV4Trailer, sha256Hex(canon), false) + "\r\n"
	}
	return out + "\r\n"
}

// chunkedRequest builds a request with payload mode mode, signed in its
// Authorization header by aws-sdk-go-v2, whose body build writes with an
// encoder chained from the seed signature.
func chunkedRequest(t testing.TB, mode string, decoded int64, trailers string, build func(e *testEncoder) string) *http.Request {
	t.Helper()
	r := newReq(t, "PUT", "/bucket/key", "127.0.0.1:9000", "")
	r.Header.Set("X-Amz-Content-Sha256", mode)
	r.Header.Set("Content-Encoding", "aws-chunked")
	if decoded >= 0 {
		r.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(decoded))
	}
	if trailers != "" {
		r.Header.Set("X-Amz-Trailer", trailers)
	}
	r.ContentLength = 0
	if err := s3Signer().SignHTTP(context.Background(), diffCreds, r, mode, "s3", "us-east-1", diffTime); err != nil {
		t.Fatal(err)
	}
	authz := r.Header.Get("Authorization")
	e := &testEncoder{
		signed: mode != streamingUnsignedTrailer,
		key:    deriveSigningKey(exampleSecretKey, "20261127", "us-east-1"),
		stamp:  r.Header.Get("X-Amz-Date"),
		sc:     scope{accessKey: exampleAccessKey, date: "20261127", region: "us-east-1"},
		prev:   authz[strings.LastIndex(authz, "=")+1:],
	}
	body := build(e)
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

func TestChunkedDecoding(t *testing.T) {
	big := strings.Repeat("x", 65536)
	small := "hello, world"
	wantData := big + small
	n := int64(len(wantData))
	tests := []struct {
		name     string
		mode     string
		decoded  int64
		trailers string
		build    func(e *testEncoder) string
		want     error
		wantTr   http.Header
	}{
		{
			name: "signed", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.chunk("") + "\r\n" },
		},
		{
			name: "signed without final CRLF", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.header("") },
		},
		{
			name: "signed without decoded length", mode: streamingSigned, decoded: -1,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.chunk("") },
		},
		{
			name: "truncated in data", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big)[:1000] },
			want:  ErrIncompleteBody,
		},
		{
			name: "truncated in header", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small)[:20] },
			want:  ErrIncompleteBody,
		},
		{
			name: "truncated before final chunk", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) },
			want:  ErrIncompleteBody,
		},
		{
			name: "truncated before chunk CRLF", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.header(big) + big },
			want:  ErrIncompleteBody,
		},
		{
			name: "empty body", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return "" },
			want:  ErrIncompleteBody,
		},
		{
			name: "declared size too small", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string {
				h := e.header(big)
				return strings.Replace(h, "10000;", "fff0;", 1) + big + "\r\n"
			},
			want: ErrMalformedChunk,
		},
		{
			name: "bad hex size", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return strings.Replace(e.chunk(big), "10000;", "1000g;", 1) },
			want:  ErrMalformedChunk,
		},
		{
			name: "size too long", mode: streamingUnsignedTrailer, decoded: n,
			build: func(e *testEncoder) string { return "00000000000000010000\r\n" + big + "\r\n" },
			want:  ErrMalformedChunk,
		},
		{
			name: "header with bare LF", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return strings.Replace(e.chunk(big), "\r\n", "\n", 1) },
			want:  ErrMalformedChunk,
		},
		{
			name: "data without CRLF", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.header(big) + big + "XX" + e.chunk(small) },
			want:  ErrMalformedChunk,
		},
		{
			name: "oversize header line", mode: streamingUnsignedTrailer, decoded: n,
			build: func(e *testEncoder) string { return "1;" + strings.Repeat("e", 2*maxChunkLine) + "\r\nx\r\n" },
			want:  ErrMalformedChunk,
		},
		{
			name: "missing chunk signature", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return fmt.Sprintf("%x\r\n%s\r\n", len(big), big) },
			want:  ErrMalformedChunk,
		},
		{
			name: "wrong chunk signature", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string {
				h := e.header(big)
				return flipHex(h, len(h)-3) + big + "\r\n"
			},
			want: ErrChunkSignatureMismatch,
		},
		{
			name: "chunk data changed", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.header(small) + "jello, world\r\n" + e.chunk("") },
			want:  ErrChunkSignatureMismatch,
		},
		{
			name: "decoded length larger", mode: streamingSigned, decoded: n + 1,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.chunk("") },
			want:  ErrDecodedLengthMismatch,
		},
		{
			name: "decoded length smaller", mode: streamingSigned, decoded: n - 1,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.chunk("") },
			want:  ErrDecodedLengthMismatch,
		},
		{
			name: "data after final chunk", mode: streamingSigned, decoded: n,
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + e.header("") + "junk\r\n" },
			want:  ErrMalformedChunk,
		},
		{
			name: "unsigned trailer as AWS SDKs send it", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + "0\r\n" + e.trailer("x-amz-checksum-crc32:AAAAAA==")
			},
			wantTr: http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}},
		},
		{
			name: "unsigned trailer as minio-go sends it", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32c",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + "0\r\n" + "x-amz-checksum-crc32c:sOO8/Q==\n\r\n\r\n"
			},
			wantTr: http.Header{"X-Amz-Checksum-Crc32c": {"sOO8/Q=="}},
		},
		{
			name: "unsigned trailer with chunk extension", mode: streamingUnsignedTrailer, decoded: int64(len(small)), trailers: "x-amz-checksum-sha256",
			build: func(e *testEncoder) string {
				return "c;ext=1\r\n" + small + "\r\n0\r\n" + e.trailer("x-amz-checksum-sha256: abc= ")
			},
			wantTr: http.Header{"X-Amz-Checksum-Sha256": {"abc="}},
		},
		{
			name: "unsigned trailer without final blank line", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n"
			},
			wantTr: http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}},
		},
		{
			name: "trailer truncated", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + "0\r\nx-amz-checksum-crc32:AA" },
			want:  ErrIncompleteBody,
		},
		{
			name: "trailer not announced", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + "0\r\n" + e.trailer("x-amz-checksum-crc32:AAAAAA==", "x-amz-checksum-sha1:x")
			},
			want: ErrMalformedTrailer,
		},
		{
			name: "announced trailer missing", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + "0\r\n\r\n" },
			want:  ErrMalformedTrailer,
		},
		{
			name: "trailer line without colon", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string { return e.chunk(big) + e.chunk(small) + "0\r\nbogus\r\n\r\n" },
			want:  ErrMalformedTrailer,
		},
		{
			name: "too many trailer lines", mode: streamingUnsignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + "0\r\n" + strings.Repeat("x-amz-checksum-crc32:AAAAAA==\r\n", maxTrailerLines+1) + "\r\n"
			},
			want: ErrMalformedTrailer,
		},
		{
			name: "signed trailer", mode: streamingSignedTrailer, decoded: n, trailers: "x-amz-checksum-crc64nvme",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + e.header("") + e.trailer("x-amz-checksum-crc64nvme:AAAAAAAAAAA=")
			},
			wantTr: http.Header{"X-Amz-Checksum-Crc64nvme": {"AAAAAAAAAAA="}},
		},
		{
			name: "signed trailer value changed", mode: streamingSignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + e.header("") + strings.Replace(e.trailer("x-amz-checksum-crc32:AAAAAA=="), "AAAAAA==", "AAAAAB==", 1)
			},
			want: ErrChunkSignatureMismatch,
		},
		{
			name: "wrong trailer signature", mode: streamingSignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				tr := e.trailer("x-amz-checksum-crc32:AAAAAA==")
				i := strings.Index(tr, trailerSignatureName) + len(trailerSignatureName) + 1
				return e.chunk(big) + e.chunk(small) + e.header("") + flipHex(tr, i)
			},
			want: ErrChunkSignatureMismatch,
		},
		{
			name: "signed trailer without signature", mode: streamingSignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + e.header("") + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"
			},
			want: ErrIncompleteBody,
		},
		{
			name: "signed trailer without signature then end", mode: streamingSignedTrailer, decoded: n, trailers: "x-amz-checksum-crc32",
			build: func(e *testEncoder) string {
				return e.chunk(big) + e.chunk(small) + e.header("") + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n\r\n"
			},
			want: ErrMalformedTrailer,
		},
	}
	v, _ := newTestVerifier(diffTime)
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tt.name, oneByte), func(t *testing.T) {
				r := chunkedRequest(t, tt.mode, tt.decoded, tt.trailers, tt.build)
				if oneByte {
					r.Body = io.NopCloser(iotest.OneByteReader(r.Body))
				}
				res, err := v.Verify(r)
				if err != nil {
					t.Fatalf("Verify = %v", err)
				}
				if _, err := res.Trailers(); err != ErrTrailerNotRead {
					t.Errorf("Trailers() before EOF = %v, want ErrTrailerNotRead", err)
				}
				var got []byte
				if oneByte {
					got, err = io.ReadAll(iotest.OneByteReader(res.Body))
				} else {
					got, err = io.ReadAll(res.Body)
				}
				wantErr(t, "reading body", err, tt.want)
				if tt.want != nil {
					return
				}
				if string(got) != wantData && !strings.HasPrefix(tt.name, "unsigned trailer with") {
					t.Errorf("decoded %d bytes, want %d", len(got), len(wantData))
				}
				tr, err := res.Trailers()
				if err != nil {
					t.Fatalf("Trailers() = %v", err)
				}
				if tt.wantTr == nil {
					tt.wantTr = http.Header{}
				}
				if fmt.Sprint(tr) != fmt.Sprint(tt.wantTr) {
					t.Errorf("Trailers() = %v, want %v", tr, tt.wantTr)
				}
				if err := res.Body.Close(); err != nil {
					t.Errorf("Close = %v", err)
				}
			})
		}
	}
}

func TestPayloadSHA256(t *testing.T) {
	body := "Welcome to Amazon S3."
	tests := []struct {
		name, hash, body string
		wantVerify       error
		wantRead         error
	}{
		{name: "matches", hash: sha256Hex(body), body: body},
		{name: "uppercase hex matches", hash: strings.ToUpper(sha256Hex(body)), body: body},
		{name: "body differs", hash: sha256Hex(body), body: body + "!", wantRead: ErrContentSHA256Mismatch},
		{name: "unsigned", hash: unsignedPayload, body: "anything"},
		{name: "not a hash", hash: "abc", body: body, wantVerify: ErrInvalidContentSHA256},
		{name: "ecdsa streaming", hash: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", body: body, wantVerify: ErrUnsupportedAlgorithm},
		{name: "missing", hash: "", body: body, wantVerify: ErrMissingContentSHA256},
	}
	v, _ := newTestVerifier(diffTime)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkRequest(t, "PUT", "k", "", tt.body)
			if tt.hash != "" {
				r.Header.Set("X-Amz-Content-Sha256", tt.hash)
			}
			if err := s3Signer().SignHTTP(context.Background(), diffCreds, r, tt.hash, "s3", "us-east-1", diffTime); err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(toServer(t, r))
			wantErr(t, "Verify", err, tt.wantVerify)
			if err != nil || tt.wantVerify != nil {
				return
			}
			got, err := io.ReadAll(res.Body)
			wantErr(t, "read", err, tt.wantRead)
			if string(got) != tt.body {
				t.Errorf("body = %q, want %q", got, tt.body)
			}
			if res.DecodedLength != int64(len(tt.body)) {
				t.Errorf("DecodedLength = %d, want %d", res.DecodedLength, len(tt.body))
			}
		})
	}
}

// sumHex is hex(sha256(b)).
func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// endless is an io.Reader that repeats a pattern forever and counts what
// was read from it.
type endless struct {
	pattern string
	off     int
	n       int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[e.off]
		e.off = (e.off + 1) % len(e.pattern)
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestChunkedBoundedMemory checks that endless chunk headers and trailers
// are cut off after a bounded amount of input instead of being buffered.
func TestChunkedBoundedMemory(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		pattern string
		trailer bool
		limit   int64
		want    error
	}{
		{"endless chunk header", "1", ";", false, 2 * maxChunkLine, ErrMalformedChunk},
		{"endless trailers", "0\r\n", "x-amz-checksum-crc32:AAAAAA==\r\n", true, 2 * maxChunkLine, ErrMalformedTrailer},
		{"endless blank lines", "0\r\n", "\r\n", true, 2 * maxChunkLine, ErrMalformedTrailer},
		{"endless trailer line", "0\r\n", "x", true, 2 * maxChunkLine, ErrMalformedTrailer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &endless{pattern: tt.pattern}
			cfg := fuzzChunkConfig(false, tt.trailer)
			c := newChunkedReader(io.NopCloser(io.MultiReader(strings.NewReader(tt.prefix), src)), cfg)
			_, err := io.Copy(io.Discard, c)
			wantErr(t, "decode", err, tt.want)
			if src.n > tt.limit {
				t.Errorf("read %d bytes of input before failing, want at most %d", src.n, tt.limit)
			}
		})
	}
}
