package integration_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// checksumAlgs are the five algorithms with their x-amz-checksum-* header
// suffix and digest size.
var checksumAlgs = []struct {
	algo types.ChecksumAlgorithm
	name string
	size int
}{
	{types.ChecksumAlgorithmCrc32, "crc32", 4},
	{types.ChecksumAlgorithmCrc32c, "crc32c", 4},
	{types.ChecksumAlgorithmCrc64nvme, "crc64nvme", 8},
	{types.ChecksumAlgorithmSha1, "sha1", 20},
	{types.ChecksumAlgorithmSha256, "sha256", 32},
}

// malformedChecksums are values of an x-amz-checksum-* header that are not
// a checksum of the algorithm at all, given the algorithm's digest size.
func malformedChecksums(size int) map[string]string {
	return map[string]string{
		"not base64":      "!!not-base64!!",
		"unpadded":        strings.TrimRight(base64.StdEncoding.EncodeToString(make([]byte, size+1)), "="),
		"one byte short":  base64.StdEncoding.EncodeToString(make([]byte, size-1)),
		"one byte long":   base64.StdEncoding.EncodeToString(make([]byte, size+1)),
		"url-safe base64": strings.ReplaceAll(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, size)), "/", "_"),
	}
}

// wantMalformedChecksum checks AWS's answer to a malformed checksum value:
// 400 InvalidRequest naming the header, not BadDigest (which is for a
// well-formed checksum that does not match the body).
func wantMalformedChecksum(t *testing.T, what string, got rawResponse, header string) {
	t.Helper()
	want := "Value for " + header + " header is invalid."
	if got.status != 400 || got.code != "InvalidRequest" || got.message != want {
		t.Errorf("%s = %d %s %q, want 400 InvalidRequest %q", what, got.status, got.code, got.message, want)
	}
}

// TestPutObject_malformedChecksumValue sends each algorithm's header with
// values that are not base64 or decode to the wrong length (AWS answers
// "InvalidRequest: Value for x-amz-checksum-crc32 header is invalid." for
// "i9aeUgg=", five bytes, in aws-sdk-java-v2's tests against S3), then a
// well-formed value that does not match (BadDigest).
func TestPutObject_malformedChecksumValue(t *testing.T) {
	e := newEnv(t)
	for _, a := range checksumAlgs {
		header := "x-amz-checksum-" + a.name
		for name, v := range malformedChecksums(a.size) {
			got := signedRaw(t, e.srv, "PUT", "/"+e.bucket+"/k", http.Header{http.CanonicalHeaderKey(header): {v}}, []byte("hello"), "")
			wantMalformedChecksum(t, "PutObject("+header+" "+name+")", got, header)
		}
		got := signedRaw(t, e.srv, "PUT", "/"+e.bucket+"/k", http.Header{http.CanonicalHeaderKey(header): {base64.StdEncoding.EncodeToString(make([]byte, a.size))}}, []byte("hello"), "")
		if want := "The " + strings.ToUpper(a.name) + " you specified did not match the calculated checksum."; got.status != 400 || got.code != "BadDigest" || got.message != want {
			t.Errorf("PutObject(%s zero) = %d %s %q, want 400 BadDigest %q", header, got.status, got.code, got.message, want)
		}
	}
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "HeadObject after refused puts", err, "NotFound", 404)
}

// TestUploadPart_malformedChecksumValue is the same for UploadPart.
func TestUploadPart_malformedChecksumValue(t *testing.T) {
	e := newEnv(t)
	for _, a := range checksumAlgs {
		u := e.createUpload(t, "mpu-"+a.name, func(in *s3.CreateMultipartUploadInput) { in.ChecksumAlgorithm = a.algo })
		target := fmt.Sprintf("/%s/%s?partNumber=1&uploadId=%s", e.bucket, u.key, u.id)
		header := "x-amz-checksum-" + a.name
		for name, v := range malformedChecksums(a.size) {
			got := signedRaw(t, e.srv, "PUT", target, http.Header{http.CanonicalHeaderKey(header): {v}}, []byte("part"), "")
			wantMalformedChecksum(t, "UploadPart("+header+" "+name+")", got, header)
		}
		got := signedRaw(t, e.srv, "PUT", target, http.Header{http.CanonicalHeaderKey(header): {base64.StdEncoding.EncodeToString(make([]byte, a.size))}}, []byte("part"), "")
		if got.status != 400 || got.code != "BadDigest" {
			t.Errorf("UploadPart(%s zero) = %d %s %q, want 400 BadDigest", header, got.status, got.code, got.message)
		}
		parts, err := e.s3.ListParts(ctx(t), &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id)})
		if err != nil {
			t.Fatal(err)
		}
		if len(parts.Parts) != 0 {
			t.Errorf("ListParts after refused parts = %d parts, want none", len(parts.Parts))
		}
	}
}

// TestPutObject_malformedTrailerChecksum sends the checksum as an
// aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), malformed and
// then well-formed but wrong.
func TestPutObject_malformedTrailerChecksum(t *testing.T) {
	e := newEnv(t)
	send := func(target, header, value string) rawResponse {
		body := "5\r\nhello\r\n0\r\n" + header + ":" + value + "\r\n\r\n"
		return signedRaw(t, e.srv, "PUT", target, http.Header{
			"Content-Encoding":             {"aws-chunked"},
			"X-Amz-Decoded-Content-Length": {"5"},
			"X-Amz-Trailer":                {header},
		}, []byte(body), "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	}
	for _, a := range checksumAlgs {
		header := "x-amz-checksum-" + a.name
		u := e.createUpload(t, "mpu-"+a.name, func(in *s3.CreateMultipartUploadInput) { in.ChecksumAlgorithm = a.algo })
		targets := map[string]string{
			"PutObject":  "/" + e.bucket + "/k",
			"UploadPart": fmt.Sprintf("/%s/%s?partNumber=1&uploadId=%s", e.bucket, u.key, u.id),
		}
		for op, target := range targets {
			for name, v := range malformedChecksums(a.size) {
				wantMalformedChecksum(t, op+"(trailer "+header+" "+name+")", send(target, header, v), header)
			}
			got := send(target, header, base64.StdEncoding.EncodeToString(make([]byte, a.size)))
			if got.status != 400 || got.code != "BadDigest" {
				t.Errorf("%s(trailer %s zero) = %d %s %q, want 400 BadDigest", op, header, got.status, got.code, got.message)
			}
		}
	}
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "HeadObject after refused puts", err, "NotFound", 404)
}
