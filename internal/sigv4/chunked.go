package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
)

// Limits of the aws-chunked decoder. They bound memory whatever the client
// sends: a chunk header or trailer line longer than maxChunkLine is
// rejected, never buffered.
const (
	// maxChunkLine bounds one chunk header or trailer line, CRLF included.
	// Real headers are under 100 bytes ("10000;chunk-signature=<64 hex>").
	maxChunkLine = 4096
	// maxTrailerLines bounds the number of trailer lines.
	maxTrailerLines = 32
	// maxChunkSize bounds the declared size of one chunk (16 GiB, above
	// S3's 5 GiB single-request limit).
	maxChunkSize = 1 << 34
	// trailerSignatureName is the trailer line that signs the trailers.
	trailerSignatureName = "x-amz-trailer-signature"
)

// chunkedConfig describes one aws-chunked body.
type chunkedConfig struct {
	signed   bool     // chunk headers carry chunk-signature
	trailer  bool     // trailing headers follow the final chunk
	decoded  int64    // x-amz-decoded-content-length, -1 if absent
	expected []string // lowercase trailer names announced in x-amz-trailer
	chain    chainStart
}

// chunkedReader decodes an aws-chunked body as it is read:
//
//	hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n
//	[trailer-name:value\r\n ... [x-amz-trailer-signature:sig\r\n]] \r\n
//
// It verifies each chunk signature when the chunk's data has been read, so
// data reaches the caller before its signature is checked; the caller
// must discard what it read if Read fails. Memory is bounded by the
// bufio buffer (maxChunkLine) and the trailer limits.
type chunkedReader struct {
	cfg    chunkedConfig
	body   io.ReadCloser
	br     *bufio.Reader
	h      hash.Hash // sha256 of the current chunk's data, when signed
	prev   string    // previous signature in the chain
	want   string    // signature announced for the current chunk
	remain int64     // bytes of the current chunk not yet read
	total  int64     // decoded bytes read so far
	err    error     // sticky; io.EOF once the body ended well
	trail  http.Header
	done   bool // trailers parsed and verified
	stsBuf []byte
}

func newChunkedReader(body io.ReadCloser, cfg chunkedConfig) *chunkedReader {
	c := &chunkedReader{
		cfg:  cfg,
		body: body,
		br:   bufio.NewReaderSize(body, maxChunkLine),
		prev: cfg.chain.seed,
	}
	if cfg.signed {
		c.h = sha256.New()
	}
	return c
}

// Read implements io.Reader over the decoded payload.
func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.err == nil {
		if c.remain == 0 {
			c.err = c.readChunkHeader()
			continue
		}
		if len(p) == 0 {
			return 0, nil
		}
		if int64(len(p)) > c.remain {
			p = p[:c.remain]
		}
		n, err := c.br.Read(p)
		if n > 0 {
			if c.h != nil {
				c.h.Write(p[:n])
			}
			c.remain -= int64(n)
			c.total += int64(n)
			if c.cfg.decoded >= 0 && c.total > c.cfg.decoded {
				c.err = fmt.Errorf("%w: more than %d bytes", ErrDecodedLengthMismatch, c.cfg.decoded)
			} else if c.remain == 0 {
				c.err = c.endChunk()
			}
		}
		if err != nil && c.err == nil {
			c.err = bodyErr(err, "chunk data")
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, c.err
}

// Close closes the underlying body.
func (c *chunkedReader) Close() error { return c.body.Close() }

// Trailers returns the parsed trailers once the body has been read to
// io.EOF.
func (c *chunkedReader) Trailers() (http.Header, error) {
	if !c.done {
		return nil, ErrTrailerNotRead
	}
	return c.trail, nil
}

// bodyErr converts an error of the underlying body into the decoder's
// terms: a premature end is ErrIncompleteBody, anything else passes
// through.
func bodyErr(err error, where string) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: in %s", ErrIncompleteBody, where)
	}
	return err
}

// readLine returns the next line including its '\n'. The slice is valid
// until the next read. A line longer than maxChunkLine is an error
// wrapping tooLong.
func (c *chunkedReader) readLine(where string, tooLong error) ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	switch {
	case err == nil:
		return line, nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("%w: %s longer than %d bytes", tooLong, where, maxChunkLine)
	default:
		return line, bodyErr(err, where)
	}
}

// readChunkHeader reads "hex-size[;ext]\r\n". For the final (0-size) chunk
// it finishes the body and returns io.EOF or the error that ended it.
func (c *chunkedReader) readChunkHeader() error {
	line, err := c.readLine("chunk header", ErrMalformedChunk)
	if err != nil {
		return err
	}
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return fmt.Errorf("%w: chunk header not terminated by CRLF", ErrMalformedChunk)
	}
	line = line[:len(line)-2]
	sizeHex, ext, _ := bytes.Cut(line, []byte(";"))
	size, err := parseHexSize(sizeHex)
	if err != nil {
		return err
	}
	if c.cfg.signed {
		sig, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
		if !ok || !isLowerHex(string(sig), 64) {
			return fmt.Errorf("%w: missing or bad chunk-signature", ErrMalformedChunk)
		}
		c.want = string(sig)
		c.h.Reset()
	}
	if size > 0 {
		c.remain = size
		return nil
	}
	return c.finish()
}

// parseHexSize parses a chunk size: 1 to 16 hex digits, at most
// maxChunkSize.
func parseHexSize(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 16 {
		return 0, fmt.Errorf("%w: bad chunk size", ErrMalformedChunk)
	}
	var n uint64
	for _, c := range b {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("%w: bad hex in chunk size", ErrMalformedChunk)
		}
		n = n<<4 | uint64(d)
	}
	if n > maxChunkSize {
		return 0, fmt.Errorf("%w: chunk size %d too large", ErrMalformedChunk, n)
	}
	return int64(n), nil
}

// endChunk consumes the CRLF after a chunk's data and checks its
// signature.
func (c *chunkedReader) endChunk() error {
	crlf, err := c.br.Peek(2)
	if err != nil {
		return bodyErr(err, "chunk terminator")
	}
	if crlf[0] != '\r' || crlf[1] != '\n' {
		return fmt.Errorf("%w: chunk data not followed by CRLF (wrong chunk size?)", ErrMalformedChunk)
	}
	c.br.Discard(2)
	return c.checkChunkSignature()
}

// checkChunkSignature verifies the current chunk's signature, chained
// from the previous one:
//
//	AWS4-HMAC-SHA256-PAYLOAD \n stamp \n scope \n prev-sig \n sha256("") \n sha256(data)
func (c *chunkedReader) checkChunkSignature() error {
	if !c.cfg.signed {
		return nil
	}
	var sum [sha256.Size]byte
	b := c.stsPrefix(algoV4Payload)
	b = append(b, emptySHA256+"\n"...)
	b = hex.AppendEncode(b, c.h.Sum(sum[:0]))
	c.stsBuf = b
	got := signHex(c.cfg.chain.key, b)
	if !equalSignature(got, c.want) {
		return fmt.Errorf("%w: chunk ending at byte %d", ErrChunkSignatureMismatch, c.total)
	}
	c.prev = c.want
	return nil
}

// stsPrefix returns the common head of chunk and trailer strings to sign:
// algorithm, time, scope and previous signature, each followed by '\n'.
func (c *chunkedReader) stsPrefix(algo string) []byte {
	b := append(c.stsBuf[:0], algo...)
	b = append(b, '\n')
	b = append(b, c.cfg.chain.stamp...)
	b = append(b, '\n')
	b = append(b, c.cfg.chain.scope.String()...)
	b = append(b, '\n')
	b = append(b, c.prev...)
	b = append(b, '\n')
	return b
}

// finish handles everything after the final chunk header: its signature,
// the trailers, the end of the body and the decoded length.
func (c *chunkedReader) finish() error {
	if err := c.checkChunkSignature(); err != nil {
		return err
	}
	if c.cfg.trailer {
		if err := c.readTrailers(); err != nil {
			return err
		}
	} else {
		line, err := c.readLine("final CRLF", ErrMalformedChunk)
		switch {
		case errors.Is(err, ErrIncompleteBody) && len(line) == 0:
			// Some clients end the body right after the final chunk
			// header; nothing is lost.
		case err != nil:
			return err
		case string(line) != "\r\n":
			return fmt.Errorf("%w: data after final chunk", ErrMalformedChunk)
		}
	}
	if c.cfg.decoded >= 0 && c.total != c.cfg.decoded {
		return fmt.Errorf("%w: got %d bytes, want %d", ErrDecodedLengthMismatch, c.total, c.cfg.decoded)
	}
	c.done = true
	return io.EOF
}

// readTrailers parses trailer lines up to the blank line that ends the
// body, verifying x-amz-trailer-signature for signed trailers. It accepts
// both the CRLF-terminated lines that AWS documents and the bare-LF
// trailer lines followed by a blank line that minio-go sends before the
// signature.
func (c *chunkedReader) readTrailers() error {
	var canon []byte // "name:value\n" per trailer, what the signature covers
	trail := make(http.Header)
	sig := ""
	skipped := false // minio-go's one blank line before the signature
	for i := 0; ; i++ {
		if i == maxTrailerLines {
			return fmt.Errorf("%w: more than %d trailer lines", ErrMalformedTrailer, maxTrailerLines)
		}
		line, err := c.readLine("trailer", ErrMalformedTrailer)
		if err != nil {
			if errors.Is(err, ErrIncompleteBody) && len(line) == 0 && (sig != "" || !c.cfg.signed && len(trail) > 0) {
				break // ended without the final blank line, nothing missing
			}
			return err
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if s == "" {
			if c.cfg.signed && sig == "" && len(trail) > 0 && !skipped {
				skipped = true
				continue
			}
			break
		}
		name, value, ok := strings.Cut(s, ":")
		if !ok {
			return fmt.Errorf("%w: trailer line without ':'", ErrMalformedTrailer)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if name == "" {
			return fmt.Errorf("%w: empty trailer name", ErrMalformedTrailer)
		}
		if name == trailerSignatureName {
			if sig != "" || !isLowerHex(value, 64) {
				return fmt.Errorf("%w: bad trailer signature line", ErrMalformedTrailer)
			}
			sig = value
			continue
		}
		if sig != "" {
			return fmt.Errorf("%w: trailer after the trailer signature", ErrMalformedTrailer)
		}
		if _, dup := trail[http.CanonicalHeaderKey(name)]; dup {
			return fmt.Errorf("%w: trailer %q repeated", ErrMalformedTrailer, name)
		}
		if !contains(c.cfg.expected, name) {
			return fmt.Errorf("%w: trailer %q not announced in x-amz-trailer", ErrMalformedTrailer, name)
		}
		trail.Add(name, value)
		canon = append(canon, name...)
		canon = append(canon, ':')
		canon = append(canon, value...)
		canon = append(canon, '\n')
	}
	for _, name := range c.cfg.expected {
		if trail.Get(name) == "" {
			return fmt.Errorf("%w: trailer %q announced but missing", ErrMalformedTrailer, name)
		}
	}
	if c.cfg.signed && len(trail) > 0 {
		if sig == "" {
			return fmt.Errorf("%w: missing %s", ErrMalformedTrailer, trailerSignatureName)
		}
		sum := sha256.Sum256(canon)
		b := c.stsPrefix(algoV4Trailer)
		b = hex.AppendEncode(b, sum[:])
		c.stsBuf = b
		if !equalSignature(signHex(c.cfg.chain.key, b), sig) {
			return fmt.Errorf("%w: trailer signature", ErrChunkSignatureMismatch)
		}
	}
	c.trail = trail
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
