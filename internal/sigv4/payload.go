package sigv4

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Values of x-amz-content-sha256 other than a hex digest. They are wire
// constants and must never change.
const (
	unsignedPayload          = "UNSIGNED-PAYLOAD"
	streamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	streamingECDSAPrefix     = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
)

// payloadMode is how the body relates to the signature.
type payloadMode int

const (
	payloadUnsigned payloadMode = iota
	payloadSHA256
	payloadChunkedSigned
	payloadChunkedSignedTrailer
	payloadChunkedUnsignedTrailer
)

// parsePayloadMode classifies an x-amz-content-sha256 value.
func parsePayloadMode(s string) (payloadMode, error) {
	switch s {
	case unsignedPayload:
		return payloadUnsigned, nil
	case streamingSigned:
		return payloadChunkedSigned, nil
	case streamingSignedTrailer:
		return payloadChunkedSignedTrailer, nil
	case streamingUnsignedTrailer:
		return payloadChunkedUnsignedTrailer, nil
	}
	if strings.HasPrefix(s, streamingECDSAPrefix) {
		return 0, fmt.Errorf("%w: %s", ErrUnsupportedAlgorithm, s)
	}
	var sum [sha256.Size]byte
	if decodeHex32(&sum, s) {
		return payloadSHA256, nil
	}
	return 0, ErrInvalidContentSHA256
}

// chainStart is what signed chunks chain from: the signing key, the
// request time and scope, and the seed (header) signature.
type chainStart struct {
	key   []byte
	stamp string
	scope scope
	seed  string
}

// attachBody sets res.Body, res.DecodedLength and res.Trailers for the
// payload mode of r.
func attachBody(res *Result, r *http.Request, mode payloadMode, payload string, chain chainStart) error {
	body := bodyOf(r)
	res.DecodedLength = r.ContentLength
	res.Trailers = noTrailers
	switch mode {
	case payloadUnsigned:
		res.Body = body
	case payloadSHA256:
		if r.ContentLength == 0 && strings.EqualFold(payload, emptySHA256) {
			// Go guarantees an empty body here; nothing to hash.
			res.Body = body
			break
		}
		hb := &hashBody{r: body, h: sha256.New()}
		decodeHex32(&hb.want, payload)
		res.Body = hb
	default:
		decoded := int64(-1)
		if s := r.Header.Get("X-Amz-Decoded-Content-Length"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("%w: bad x-amz-decoded-content-length", ErrMalformedChunk)
			}
			decoded = n
		}
		cfg := chunkedConfig{
			signed:   mode == payloadChunkedSigned || mode == payloadChunkedSignedTrailer,
			trailer:  mode == payloadChunkedSignedTrailer || mode == payloadChunkedUnsignedTrailer,
			decoded:  decoded,
			expected: parseTrailerNames(r.Header.Values("X-Amz-Trailer")),
			chain:    chain,
		}
		c := newChunkedReader(body, cfg)
		res.Body = c
		res.DecodedLength = decoded
		res.Trailers = c.Trailers
	}
	return nil
}

// parseTrailerNames splits x-amz-trailer values into lowercase names.
func parseTrailerNames(vals []string) []string {
	var names []string
	for _, v := range vals {
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// bodyOf returns r.Body, or an empty body when there is none.
func bodyOf(r *http.Request) io.ReadCloser {
	if r.Body == nil {
		return http.NoBody
	}
	return r.Body
}

// noTrailers is Result.Trailers for bodies that cannot carry trailers.
func noTrailers() (http.Header, error) { return nil, nil }

// hashBody passes a body through while hashing it, and replaces the final
// io.EOF with an error wrapping ErrContentSHA256Mismatch if the digest is
// not the signed one.
type hashBody struct {
	r    io.ReadCloser
	h    hash.Hash
	want [sha256.Size]byte
	err  error
}

func (b *hashBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	if err == io.EOF {
		var sum [sha256.Size]byte
		if got := b.h.Sum(sum[:0]); string(got) != string(b.want[:]) {
			err = fmt.Errorf("%w: body hashes to %x", ErrContentSHA256Mismatch, got)
		}
		b.err = err
	}
	return n, err
}

func (b *hashBody) Close() error { return b.r.Close() }
