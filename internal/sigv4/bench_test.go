package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkVerifyHeader measures one SigV4 header verification of a
// typical SDK GET (signing key cached, as in steady state).
func BenchmarkVerifyHeader(b *testing.B) {
	r := sdkRequest(b, "GET", "photos/2026/puppy.jpg", "versionId=3", "")
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	r.Header.Set("Range", "bytes=0-9")
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.0")
	if err := s3Signer().SignHTTP(context.Background(), diffCreds, r, emptySHA256, "s3", "us-east-1", diffTime); err != nil {
		b.Fatal(err)
	}
	sr := toServer(b, r)
	v, _ := newTestVerifier(diffTime)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(sr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkedDecode measures decoding throughput of aws-chunked
// bodies in 64 KiB chunks.
func BenchmarkChunkedDecode(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16) // 8 MiB
	for _, mode := range []string{streamingSigned, streamingUnsignedTrailer} {
		b.Run(mode, func(b *testing.B) {
			cfg := fuzzChunkConfig(mode == streamingSigned, mode == streamingUnsignedTrailer)
			cfg.decoded = int64(len(payload))
			e := &testEncoder{signed: cfg.signed, key: cfg.chain.key, stamp: cfg.chain.stamp, sc: cfg.chain.scope, prev: cfg.chain.seed}
			var body strings.Builder
			for off := 0; off < len(payload); off += 64 << 10 {
				body.WriteString(e.chunk(string(payload[off:min(off+64<<10, len(payload))])))
			}
			body.WriteString(e.header(""))
			if cfg.trailer {
				body.WriteString(e.trailer("x-amz-checksum-crc32:AAAAAA=="))
			} else {
				body.WriteString("\r\n")
			}
			encoded := body.String()
			buf := make([]byte, 32<<10)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				c := newChunkedReader(io.NopCloser(strings.NewReader(encoded)), cfg)
				if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{c}, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHashBody measures the x-amz-content-sha256 verifying reader.
func BenchmarkHashBody(b *testing.B) {
	payload := bytes.Repeat([]byte("x"), 8<<20)
	want := sumHex(payload)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		r := &http.Request{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(payload)), ContentLength: int64(len(payload))}
		res := &Result{}
		if err := attachBody(res, r, payloadSHA256, want, chainStart{}); err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{res.Body}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
