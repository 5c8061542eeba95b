package s3api

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

// checksumHeader is the header that carries an algorithm's checksum.
func checksumHeader(alg checksum.Algorithm) string {
	return "X-Amz-Checksum-" + strings.ToLower(string(alg))
}

// decodeChecksum decodes a base64 checksum value and checks its length.
func decodeChecksum(alg checksum.Algorithm, v string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil || len(raw) != alg.Size() {
		return nil, withMessage(errInvalidChecksumHeader, "Value for "+strings.ToLower(checksumHeader(alg))+" header is invalid.")
	}
	return raw, nil
}

// parseExpectedChecksum reads the checksum a client claims for its body:
// an x-amz-checksum-<alg> header, or a trailer named in x-amz-trailer whose
// value trailers yields once the body is read. It also returns the
// algorithm named by x-amz-sdk-checksum-algorithm (or
// x-amz-checksum-algorithm), which asks for a checksum to be computed even
// without an expected value.
func parseExpectedChecksum(hdr http.Header, trailers func() (http.Header, error)) (*object.ExpectedChecksum, checksum.Algorithm, error) {
	var found *object.ExpectedChecksum
	for _, alg := range checksum.Algorithms {
		v := hdr.Get(checksumHeader(alg))
		if v == "" {
			continue
		}
		if found != nil {
			return nil, "", errMultipleChecksums
		}
		raw, err := decodeChecksum(alg, v)
		if err != nil {
			return nil, "", err
		}
		found = &object.ExpectedChecksum{Algorithm: alg, Value: raw}
	}
	if tr := strings.ToLower(strings.TrimSpace(hdr.Get("X-Amz-Trailer"))); tr != "" {
		if algName, ok := strings.CutPrefix(tr, "x-amz-checksum-"); ok {
			alg, err := checksum.ParseAlgorithm(algName)
			if err != nil {
				return nil, "", withMessage(errInvalidChecksumHeader, "The value specified in the x-amz-trailer header is not supported")
			}
			if found != nil {
				return nil, "", errMultipleChecksums
			}
			found = &object.ExpectedChecksum{Algorithm: alg, Trailer: trailerChecksum(alg, tr, trailers)}
		}
	}
	name := hdr.Get("X-Amz-Sdk-Checksum-Algorithm")
	if name == "" {
		name = hdr.Get("X-Amz-Checksum-Algorithm")
	}
	if name == "" {
		return found, "", nil
	}
	alg, err := checksum.ParseAlgorithm(name)
	if err != nil {
		return nil, "", withMessage(errInvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
	}
	if found != nil && found.Algorithm != alg {
		return nil, "", withMessage(errInvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
	}
	return found, alg, nil
}

// namedMismatch gives a checksum mismatch of the body against expected
// the message AWS sends, which names the algorithm ("The CRC32 you
// specified did not match the calculated checksum."). Other errors pass
// through unchanged.
func namedMismatch(err error, expected *object.ExpectedChecksum) error {
	if expected == nil || !errors.Is(err, object.ErrChecksumMismatch) {
		return err
	}
	return withMessage(err, "The "+string(expected.Algorithm)+" you specified did not match the calculated checksum.")
}

// trailerChecksum returns the ExpectedChecksum.Trailer function for a
// checksum sent as the trailer named name.
func trailerChecksum(alg checksum.Algorithm, name string, trailers func() (http.Header, error)) func() ([]byte, error) {
	return func() ([]byte, error) {
		if trailers == nil {
			return nil, errMissingTrailer
		}
		th, err := trailers()
		if err != nil {
			return nil, err
		}
		v := th.Get(name)
		if v == "" {
			return nil, errMissingTrailer
		}
		return decodeChecksum(alg, v)
	}
}

// formatChecksum renders a stored checksum as S3 does: base64, with "-N"
// for a composite checksum of N parts.
func formatChecksum(c *object.Checksum, parts int) string {
	s := base64.StdEncoding.EncodeToString(c.Value)
	if c.Type == checksum.Composite && parts > 0 {
		s += "-" + strconv.Itoa(parts)
	}
	return s
}

// setChecksumHeaders writes x-amz-checksum-<alg> and x-amz-checksum-type.
func setChecksumHeaders(h http.Header, c *object.Checksum, parts int) {
	if c == nil || len(c.Value) == 0 {
		return
	}
	h.Set(checksumHeader(c.Algorithm), formatChecksum(c, parts))
	if c.Type != "" {
		h.Set("X-Amz-Checksum-Type", string(c.Type))
	}
}

// checksumXML fills the per-algorithm checksum elements.
func checksumXML(c *object.Checksum, parts int) checksumFields {
	var f checksumFields
	if c == nil || len(c.Value) == 0 {
		return f
	}
	v := formatChecksum(c, parts)
	switch c.Algorithm {
	case checksum.CRC32:
		f.ChecksumCRC32 = v
	case checksum.CRC32C:
		f.ChecksumCRC32C = v
	case checksum.CRC64NVME:
		f.ChecksumCRC64NVME = v
	case checksum.SHA1:
		f.ChecksumSHA1 = v
	case checksum.SHA256:
		f.ChecksumSHA256 = v
	}
	return f
}

// parseChecksumXML reads the checksum elements of a completed part: the
// one that is set, or nil. More than one is MalformedXML: S3 keeps only
// one algorithm per upload, so a second one cannot be right.
func parseChecksumXML(f checksumFields) (*object.Checksum, error) {
	var found *object.Checksum
	for _, e := range []struct {
		alg checksum.Algorithm
		v   string
	}{
		{checksum.CRC32, f.ChecksumCRC32},
		{checksum.CRC32C, f.ChecksumCRC32C},
		{checksum.CRC64NVME, f.ChecksumCRC64NVME},
		{checksum.SHA1, f.ChecksumSHA1},
		{checksum.SHA256, f.ChecksumSHA256},
	} {
		if e.v == "" {
			continue
		}
		if found != nil {
			return nil, errMalformedXML
		}
		raw, err := decodeChecksum(e.alg, e.v)
		if err != nil {
			return nil, err
		}
		found = &object.Checksum{Algorithm: e.alg, Value: raw}
	}
	return found, nil
}

// maxXMLBody caps the XML bodies coffer decodes: a DeleteObjects body with
// 1000 keys of 1024 bytes fits.
const maxXMLBody = 2 << 20

// readCheckedBody reads a request body of at most maxXMLBody bytes and
// checks it against the Content-MD5 or x-amz-checksum-* the client sent.
// One of them must be present, as S3 demands for the operations its model
// marks httpChecksumRequired (DeleteObjects, PutObjectTagging).
func readCheckedBody(req *request) ([]byte, error) {
	hdr := req.r.Header
	md5sum, err := parseContentMD5(hdr)
	if err != nil {
		return nil, err
	}
	var trailers func() (http.Header, error)
	if req.auth != nil {
		trailers = req.auth.Trailers
	}
	expect, _, err := parseExpectedChecksum(hdr, trailers)
	if err != nil {
		return nil, err
	}
	if md5sum == nil && expect == nil {
		return nil, errMissingContentMD5
	}
	data, err := readCapped(req.body())
	if err != nil {
		return nil, err
	}
	if md5sum != nil {
		if sum := md5.Sum(data); !bytes.Equal(sum[:], md5sum) {
			return nil, errBadDigest
		}
	}
	if expect != nil {
		want := expect.Value
		if expect.Trailer != nil {
			if want, err = expect.Trailer(); err != nil {
				return nil, err
			}
		}
		hh := expect.Algorithm.New()
		hh.Write(data)
		if !bytes.Equal(hh.Sum(nil), want) {
			return nil, errChecksumMismatch
		}
	}
	return data, nil
}
