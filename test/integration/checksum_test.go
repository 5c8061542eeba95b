package integration_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/crc64nvme"
	"github.com/minio/minio-go/v7"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// sum returns the base64 checksum of data with algorithm a, as S3 headers
// carry it.
func sum(t *testing.T, a types.ChecksumAlgorithm, data []byte) string {
	t.Helper()
	return b64(rawSum(t, a, data))
}

func rawSum(t *testing.T, a types.ChecksumAlgorithm, data []byte) []byte {
	t.Helper()
	var h hash.Hash
	switch a {
	case types.ChecksumAlgorithmCrc32:
		h = crc32.NewIEEE()
	case types.ChecksumAlgorithmCrc32c:
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case types.ChecksumAlgorithmSha256:
		h = sha256.New()
	case types.ChecksumAlgorithmCrc64nvme:
		h = crc64nvme.New()
	default:
		t.Fatalf("no checksum for %s", a)
	}
	h.Write(data)
	return h.Sum(nil)
}

// compositeSum is S3's composite checksum: the checksum of the parts' raw
// checksums, "-" and the part count.
func compositeSum(t *testing.T, a types.ChecksumAlgorithm, parts ...[]byte) string {
	t.Helper()
	var all []byte
	for _, p := range parts {
		all = append(all, rawSum(t, a, p)...)
	}
	return fmt.Sprintf("%s-%d", sum(t, a, all), len(parts))
}

// checksumOf picks the response field for algorithm a.
func checksumOf(a types.ChecksumAlgorithm, crc32, crc32c, sha256, crc64 *string) string {
	switch a {
	case types.ChecksumAlgorithmCrc32:
		return aws.ToString(crc32)
	case types.ChecksumAlgorithmCrc32c:
		return aws.ToString(crc32c)
	case types.ChecksumAlgorithmSha256:
		return aws.ToString(sha256)
	case types.ChecksumAlgorithmCrc64nvme:
		return aws.ToString(crc64)
	}
	return ""
}

func TestPutObject_sdkChecksums(t *testing.T) {
	e := newEnv(t)
	body := randBytes(t, 100_000)
	tests := []struct {
		name string
		algo types.ChecksumAlgorithm // "" lets the SDK choose its default
		want types.ChecksumAlgorithm
	}{
		// Over plain HTTP the SDK sends its default CRC32 as a header;
		// over TLS as a trailer (TestPutObject_sdkTrailerChecksums).
		{"sdk default", "", types.ChecksumAlgorithmCrc32},
		{"CRC32", types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32},
		{"CRC32C", types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc32c},
		{"SHA256", types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmSha256},
		{"CRC64NVME", types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmCrc64nvme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "ck-" + tt.name
			put := e.put(t, key, body, func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = tt.algo })
			if got, want := checksumOf(tt.want, put.ChecksumCRC32, put.ChecksumCRC32C, put.ChecksumSHA256, put.ChecksumCRC64NVME), sum(t, tt.want, body); got != want {
				t.Errorf("PutObject %s checksum = %q, want %q", tt.want, got, want)
			}
			get, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			// Reading to EOF makes the SDK validate the checksum it received.
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(get.Body); err != nil {
				t.Fatalf("GetObject body (SDK validates the checksum): %v", err)
			}
			get.Body.Close()
			if got, want := checksumOf(tt.want, get.ChecksumCRC32, get.ChecksumCRC32C, get.ChecksumSHA256, get.ChecksumCRC64NVME), sum(t, tt.want, body); got != want {
				t.Errorf("GetObject(ChecksumMode ENABLED) %s = %q, want %q", tt.want, got, want)
			}
			if get.ChecksumType != types.ChecksumTypeFullObject {
				t.Errorf("GetObject ChecksumType = %q, want FULL_OBJECT", get.ChecksumType)
			}
		})
	}
}

func TestPutObject_noChecksumStoresCRC64NVME(t *testing.T) {
	e := newEnv(t)
	body := []byte("no checksum sent")
	c := e.srv.S3(func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired })
	if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(head.ChecksumCRC64NVME), sum(t, types.ChecksumAlgorithmCrc64nvme, body); got != want {
		t.Errorf("HeadObject CRC64NVME = %q, want %q (S3 stores one when the client sends none)", got, want)
	}
}

func TestPutObject_wrongChecksum(t *testing.T) {
	e := newEnv(t)
	wrong := make([]byte, 4)
	binary.BigEndian.PutUint32(wrong, 12345)
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("bad"),
		Body: bytes.NewReader([]byte("data")), ChecksumCRC32: aws.String(b64(wrong))})
	wantCode(t, "PutObject(wrong x-amz-checksum-crc32)", err, "BadDigest", 400)
}

func TestCompleteMultipartUpload_checksums(t *testing.T) {
	e := newEnv(t)
	p1, p2 := randBytes(t, 5*mib), randBytes(t, 4321)
	whole := append(append([]byte{}, p1...), p2...)
	tests := []struct {
		algo types.ChecksumAlgorithm
		typ  types.ChecksumType
		want string
	}{
		{types.ChecksumAlgorithmCrc32, types.ChecksumTypeComposite, compositeSum(t, types.ChecksumAlgorithmCrc32, p1, p2)},
		{types.ChecksumAlgorithmSha256, types.ChecksumTypeComposite, compositeSum(t, types.ChecksumAlgorithmSha256, p1, p2)},
		{types.ChecksumAlgorithmCrc32, types.ChecksumTypeFullObject, sum(t, types.ChecksumAlgorithmCrc32, whole)},
		{types.ChecksumAlgorithmCrc64nvme, types.ChecksumTypeFullObject, sum(t, types.ChecksumAlgorithmCrc64nvme, whole)},
	}
	for _, tt := range tests {
		name := string(tt.algo) + "_" + string(tt.typ)
		t.Run(name, func(t *testing.T) {
			u := e.createUpload(t, name, func(in *s3.CreateMultipartUploadInput) {
				in.ChecksumAlgorithm = tt.algo
				in.ChecksumType = tt.typ
			})
			for i, p := range [][]byte{p1, p2} {
				out := u.part(t, int32(i+1), p, func(in *s3.UploadPartInput) { in.ChecksumAlgorithm = tt.algo })
				if got, want := checksumOf(tt.algo, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA256, out.ChecksumCRC64NVME), sum(t, tt.algo, p); got != want {
					t.Errorf("UploadPart(%d) %s = %q, want %q", i+1, tt.algo, got, want)
				}
			}
			done, err := u.complete(t)
			if err != nil {
				t.Fatalf("CompleteMultipartUpload: %v", err)
			}
			if got := checksumOf(tt.algo, done.ChecksumCRC32, done.ChecksumCRC32C, done.ChecksumSHA256, done.ChecksumCRC64NVME); got != tt.want {
				t.Errorf("Complete %s = %q, want %q", tt.algo, got, tt.want)
			}
			if done.ChecksumType != tt.typ {
				t.Errorf("Complete ChecksumType = %q, want %q", done.ChecksumType, tt.typ)
			}
			head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(name), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			if got := checksumOf(tt.algo, head.ChecksumCRC32, head.ChecksumCRC32C, head.ChecksumSHA256, head.ChecksumCRC64NVME); got != tt.want {
				t.Errorf("HeadObject %s = %q, want %q", tt.algo, got, tt.want)
			}
			if head.ChecksumType != tt.typ {
				t.Errorf("HeadObject ChecksumType = %q, want %q", head.ChecksumType, tt.typ)
			}
		})
	}
}

// TestPutObject_sdkTrailerChecksums uses TLS, where the SDK sends its
// checksums as aws-chunked trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
// CRC32 by default, or the algorithm asked for.
func TestPutObject_sdkTrailerChecksums(t *testing.T) {
	e := newEnv(t, coffertest.WithTLS())
	body := randBytes(t, 300_000)
	tests := []struct {
		name string
		algo types.ChecksumAlgorithm
		want types.ChecksumAlgorithm
	}{
		{"sdk default", "", types.ChecksumAlgorithmCrc32},
		{"CRC64NVME", types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmCrc64nvme},
		{"SHA256", types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmSha256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "trailer-" + tt.name
			// An unseekable body makes the SDK stream it; it has to use a
			// trailer for the checksum.
			_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
				Body: io.MultiReader(bytes.NewReader(body)), ContentLength: aws.Int64(int64(len(body))), ChecksumAlgorithm: tt.algo})
			if err != nil {
				t.Fatalf("PutObject over TLS: %v", err)
			}
			get, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(get.Body)
			get.Body.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("GetObject = %d bytes, %v; want the %d bytes put", len(got), err, len(body))
			}
			if got, want := checksumOf(tt.want, get.ChecksumCRC32, get.ChecksumCRC32C, get.ChecksumSHA256, get.ChecksumCRC64NVME), sum(t, tt.want, body); got != want {
				t.Errorf("stored %s = %q, want %q", tt.want, got, want)
			}
		})
	}
	// A multipart upload over TLS sends each part's checksum as a trailer.
	u := e.createUpload(t, "trailer-mpu", func(in *s3.CreateMultipartUploadInput) {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	})
	p1, p2 := randBytes(t, 5*mib), randBytes(t, 1000)
	u.part(t, 1, p1, func(in *s3.UploadPartInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32 })
	u.part(t, 2, p2, func(in *s3.UploadPartInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32 })
	done, err := u.complete(t)
	if err != nil {
		t.Fatalf("CompleteMultipartUpload over TLS: %v", err)
	}
	if got, want := aws.ToString(done.ChecksumCRC32), compositeSum(t, types.ChecksumAlgorithmCrc32, p1, p2); got != want {
		t.Errorf("Complete CRC32 = %q, want %q", got, want)
	}
}

func TestMinio_putObjectTLS(t *testing.T) {
	e := newEnv(t, coffertest.WithTLS())
	body := randBytes(t, 17*mib)
	if _, err := e.srv.Minio().PutObject(ctx(t), e.bucket, "tls", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("minio PutObject over TLS: %v", err)
	}
	if got := e.getBody(t, "tls"); !bytes.Equal(got, body) {
		t.Error("object put by minio-go over TLS reads back different")
	}
}
