package integration_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// insecureSSEC lets the loopback test server take SSE-C keys over plain
// HTTP (--allow-insecure-sse-c).
var insecureSSEC = coffertest.WithConfig(func(c *config.Config) { c.AllowInsecureSSEC = true })

// ssecKey is an SSE-C key as the SDK takes it: the key and its MD5, each
// base64.
type ssecKey struct{ raw, key, md5 string }

func newSSECKey(fill byte) ssecKey {
	raw := strings.Repeat(string(rune('a'+fill%26)), 32)
	sum := md5.Sum([]byte(raw))
	return ssecKey{raw: raw, key: b64([]byte(raw)), md5: b64(sum[:])}
}

// ssecEnv starts a server that accepts SSE-C over plain HTTP and unblocks
// SSE-C on its bucket, which S3 blocks by default.
func ssecEnv(t *testing.T, opts ...coffertest.Option) *env {
	t.Helper()
	e := newEnv(t, append([]coffertest.Option{insecureSSEC}, opts...)...)
	e.unblockSSEC(t, e.bucket)
	return e
}

func (e *env) unblockSSEC(t *testing.T, bucket string) {
	t.Helper()
	rule := sseRule(types.ServerSideEncryptionAes256, false, types.EncryptionTypeNone)
	if _, err := e.s3.PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}}); err != nil {
		t.Fatalf("PutBucketEncryption(NONE): %v", err)
	}
}

func (e *env) ssecPut(t *testing.T, key string, body []byte, k ssecKey) (*s3.PutObjectOutput, error) {
	t.Helper()
	return e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
}

// ssecGet reads key (a range if rg is set) with k (none if k.key is "").
func (e *env) ssecGet(t *testing.T, key string, k ssecKey, rg string) ([]byte, *s3.GetObjectOutput, error) {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	if rg != "" {
		in.Range = aws.String(rg)
	}
	if k.key != "" {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	}
	out, err := e.s3.GetObject(ctx(t), in)
	if err != nil {
		return nil, nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return b, out, err
}

// checkEcho checks the SSE-C response headers S3 sends back.
func checkEcho(t *testing.T, op string, alg, keyMD5 *string, sse types.ServerSideEncryption, k ssecKey) {
	t.Helper()
	if aws.ToString(alg) != "AES256" || aws.ToString(keyMD5) != k.md5 || sse != "" {
		t.Errorf("%s: customer algorithm %q, key MD5 %q (want AES256, %q), x-amz-server-side-encryption %q (want none)",
			op, aws.ToString(alg), aws.ToString(keyMD5), k.md5, sse)
	}
}

// TestSSEC_putGetHead: an object stored under a customer key reads back
// whole and in ranges at package boundaries with the key only; every
// response echoes the key's algorithm and MD5; the ETag is not the MD5.
func TestSSEC_putGetHead(t *testing.T) {
	e := ssecEnv(t)
	k, wrong := newSSECKey(1), newSSECKey(2)
	for _, size := range []int{10, 200 << 10} { // inline and a blob of several packages
		key := fmt.Sprintf("secret-%d", size)
		body := randBytes(t, size)
		put, err := e.ssecPut(t, key, body, k)
		if err != nil {
			t.Fatalf("PutObject(SSE-C): %v", err)
		}
		checkEcho(t, "PutObject", put.SSECustomerAlgorithm, put.SSECustomerKeyMD5, put.ServerSideEncryption, k)
		if sum := md5.Sum(body); strings.Contains(aws.ToString(put.ETag), fmt.Sprintf("%x", sum)) {
			t.Errorf("PutObject ETag %s is the plaintext's MD5", aws.ToString(put.ETag))
		}
		got, out, err := e.ssecGet(t, key, k, "")
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("GetObject(key): %v, or %d bytes that differ", err, len(got))
		}
		checkEcho(t, "GetObject", out.SSECustomerAlgorithm, out.SSECustomerKeyMD5, out.ServerSideEncryption, k)
		if aws.ToString(out.ETag) != aws.ToString(put.ETag) {
			t.Errorf("GetObject ETag %s, PutObject's %s", aws.ToString(out.ETag), aws.ToString(put.ETag))
		}
		for _, rg := range [][2]int{{0, 1}, {65535, 2}, {65536, 65536}, {size - 3, 3}} {
			if rg[0]+rg[1] > size || rg[0] < 0 {
				continue
			}
			got, _, err := e.ssecGet(t, key, k, fmt.Sprintf("bytes=%d-%d", rg[0], rg[0]+rg[1]-1))
			if err != nil || !bytes.Equal(got, body[rg[0]:rg[0]+rg[1]]) {
				t.Fatalf("GetObject(range %v): %v, or bytes differ", rg, err)
			}
		}
		head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
		if err != nil {
			t.Fatalf("HeadObject(key): %v", err)
		}
		checkEcho(t, "HeadObject", head.SSECustomerAlgorithm, head.SSECustomerKeyMD5, head.ServerSideEncryption, k)

		_, _, err = e.ssecGet(t, key, ssecKey{}, "")
		wantCode(t, "GetObject(no key)", err, "InvalidRequest", 400)
		_, _, err = e.ssecGet(t, key, wrong, "")
		wantCode(t, "GetObject(wrong key)", err, "AccessDenied", 403)
		_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		wantHTTPStatus(t, "HeadObject(no key)", err, 400)
	}
	e.put(t, "plain", []byte("plain"))
	_, _, err := e.ssecGet(t, "plain", k, "")
	wantCode(t, "GetObject(SSE-S3 object with a key)", err, "InvalidRequest", 400)
	attrs, err := e.s3.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String("secret-10"),
		ObjectAttributes:     []types.ObjectAttributes{types.ObjectAttributesObjectSize},
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	if err != nil || aws.ToInt64(attrs.ObjectSize) != 10 {
		t.Fatalf("GetObjectAttributes(key): %v, size %d", err, aws.ToInt64(attrs.ObjectSize))
	}
	_, err = e.s3.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String("secret-10"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	wantCode(t, "GetObjectAttributes(no key)", err, "InvalidRequest", 400)
}

// TestSSEC_badHeaders: malformed SSE-C headers are refused as S3 refuses
// them and store nothing.
func TestSSEC_badHeaders(t *testing.T) {
	e := ssecEnv(t)
	k := newSSECKey(1)
	short := b64([]byte("short"))
	shortSum := md5.Sum([]byte("short"))
	for _, tc := range []struct {
		name        string
		alg, key, m string
		sse         types.ServerSideEncryption
		code        string
	}{
		{"wrong MD5", "AES256", k.key, newSSECKey(2).md5, "", "InvalidArgument"},
		{"short key", "AES256", short, b64(shortSum[:]), "", "InvalidArgument"},
		{"not base64", "AES256", "!!!not-base64!!!", k.md5, "", "InvalidArgument"},
		{"algorithm", "AES128", k.key, k.md5, "", "InvalidEncryptionAlgorithmError"},
		{"with SSE-S3", "AES256", k.key, k.md5, types.ServerSideEncryptionAes256, "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("bad"), Body: strings.NewReader("x"),
				SSECustomerAlgorithm: aws.String(tc.alg), SSECustomerKey: aws.String(tc.key), SSECustomerKeyMD5: aws.String(tc.m),
				ServerSideEncryption: tc.sse})
			wantCode(t, "PutObject", err, tc.code, 400)
		})
	}
	_, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("bad")})
	wantHTTPStatus(t, "HeadObject(bad)", err, 404)
}

// TestSSEC_multipartAndCopy: a multipart upload under a customer key
// needs the key on every part; the object reads back across part
// boundaries; CopyObject and UploadPartCopy read an SSE-C source with the
// copy-source key and write under another.
func TestSSEC_multipartAndCopy(t *testing.T) {
	e := ssecEnv(t, coffertest.WithMinPartSize(1))
	k, k2 := newSSECKey(1), newSSECKey(2)
	b, key := aws.String(e.bucket), aws.String("mp")
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: key,
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	checkEcho(t, "CreateMultipartUpload", up.SSECustomerAlgorithm, up.SSECustomerKeyMD5, up.ServerSideEncryption, k)
	part := func(n int32, body []byte, k ssecKey) (*s3.UploadPartOutput, error) {
		in := &s3.UploadPartInput{Bucket: b, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(body)}
		if k.key != "" {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
		}
		return e.s3.UploadPart(ctx(t), in)
	}
	_, err = part(1, []byte("x"), ssecKey{})
	wantCode(t, "UploadPart(no key)", err, "InvalidRequest", 400)
	_, err = part(1, []byte("x"), k2)
	wantCode(t, "UploadPart(other key)", err, "InvalidRequest", 400)
	p1body, p2body := randBytes(t, 70<<10), randBytes(t, 10<<10)
	p1, err := part(1, p1body, k)
	if err != nil {
		t.Fatalf("UploadPart 1: %v", err)
	}
	checkEcho(t, "UploadPart", p1.SSECustomerAlgorithm, p1.SSECustomerKeyMD5, p1.ServerSideEncryption, k)
	p2, err := part(2, p2body, k)
	if err != nil {
		t.Fatalf("UploadPart 2: %v", err)
	}
	done, err := e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: b, Key: key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: p1.ETag}, {PartNumber: aws.Int32(2), ETag: p2.ETag}}}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if done.ServerSideEncryption != "" {
		t.Errorf("CompleteMultipartUpload: x-amz-server-side-encryption %q for an SSE-C object", done.ServerSideEncryption)
	}
	body := append(append([]byte{}, p1body...), p2body...)
	got, _, err := e.ssecGet(t, "mp", k, "")
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject(multipart): %v, or bytes differ", err)
	}
	got, _, err = e.ssecGet(t, "mp", k, fmt.Sprintf("bytes=%d-%d", 65530, len(p1body)+5))
	if err != nil || !bytes.Equal(got, body[65530:len(p1body)+6]) {
		t.Fatalf("GetObject(range across parts): %v, or bytes differ", err)
	}
	_, _, err = e.ssecGet(t, "mp", k2, "")
	wantCode(t, "GetObject(multipart, wrong key)", err, "AccessDenied", 403)

	src := aws.String(e.bucket + "/mp")
	cp, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: src,
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k2.key), SSECustomerKeyMD5: aws.String(k2.md5)})
	if err != nil {
		t.Fatalf("CopyObject(SSE-C to SSE-C): %v", err)
	}
	checkEcho(t, "CopyObject", cp.SSECustomerAlgorithm, cp.SSECustomerKeyMD5, cp.ServerSideEncryption, k2)
	if got, _, err := e.ssecGet(t, "copy", k2, ""); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject(copy): %v, or bytes differ", err)
	}
	_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy2"), CopySource: src})
	wantCode(t, "CopyObject(no source key)", err, "InvalidRequest", 400)
	// Copy to SSE-S3: the source key alone.
	if _, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("plain-copy"), CopySource: src,
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5)}); err != nil {
		t.Fatalf("CopyObject(SSE-C to SSE-S3): %v", err)
	}
	if got := e.getBody(t, "plain-copy"); !bytes.Equal(got, body) {
		t.Fatal("GetObject(SSE-S3 copy): bytes differ")
	}

	up2, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("pc"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k2.key), SSECustomerKeyMD5: aws.String(k2.md5)})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := e.s3.UploadPartCopy(ctx(t), &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("pc"), UploadId: up2.UploadId, PartNumber: aws.Int32(1),
		CopySource: src, CopySourceRange: aws.String("bytes=100-70000"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k2.key), SSECustomerKeyMD5: aws.String(k2.md5)})
	if err != nil {
		t.Fatalf("UploadPartCopy: %v", err)
	}
	checkEcho(t, "UploadPartCopy", pc.SSECustomerAlgorithm, pc.SSECustomerKeyMD5, pc.ServerSideEncryption, k2)
	if _, err := e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("pc"), UploadId: up2.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: pc.CopyPartResult.ETag}}}}); err != nil {
		t.Fatalf("CompleteMultipartUpload(part copy): %v", err)
	}
	if got, _, err := e.ssecGet(t, "pc", k2, ""); err != nil || !bytes.Equal(got, body[100:70001]) {
		t.Fatalf("GetObject(part copy): %v, or bytes differ", err)
	}
}

// TestSSEC_plainHTTPRefused: without --allow-insecure-sse-c a key sent
// over plain HTTP is refused as S3 refuses it; over TLS it is accepted.
func TestSSEC_plainHTTPRefused(t *testing.T) {
	k := newSSECKey(1)
	e := newEnv(t)
	e.unblockSSEC(t, e.bucket)
	_, err := e.ssecPut(t, "secret", []byte("x"), k)
	wantCode(t, "PutObject(SSE-C over HTTP)", err, "InvalidRequest", 400)
	_, _, err = e.ssecGet(t, "secret", k, "")
	wantCode(t, "GetObject(SSE-C over HTTP)", err, "InvalidRequest", 400)

	tlsEnv := newEnv(t, coffertest.WithTLS())
	tlsEnv.unblockSSEC(t, tlsEnv.bucket)
	if _, err := tlsEnv.ssecPut(t, "secret", []byte("over tls"), k); err != nil {
		t.Fatalf("PutObject(SSE-C over TLS): %v", err)
	}
	if got, _, err := tlsEnv.ssecGet(t, "secret", k, ""); err != nil || string(got) != "over tls" {
		t.Fatalf("GetObject(SSE-C over TLS): %v, %q", err, got)
	}
}

// TestMinio_ssec: minio-go's encrypt.NewSSEC through single and
// multipart puts, stat, get, ranges and a copy to another key.
func TestMinio_ssec(t *testing.T) {
	e := ssecEnv(t)
	mc := e.srv.Minio()
	sse, err := encrypt.NewSSEC([]byte(newSSECKey(3).raw))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := encrypt.NewSSEC([]byte(newSSECKey(4).raw))
	for _, size := range []int{100, 11 << 20} { // single PUT and a 3-part upload
		key := fmt.Sprintf("minio-%d", size)
		body := randBytes(t, size)
		if _, err := mc.PutObject(ctx(t), e.bucket, key, bytes.NewReader(body), int64(size),
			minio.PutObjectOptions{ServerSideEncryption: sse, PartSize: 5 << 20}); err != nil {
			t.Fatalf("minio PutObject(SSE-C, %d): %v", size, err)
		}
		st, err := mc.StatObject(ctx(t), e.bucket, key, minio.StatObjectOptions{ServerSideEncryption: sse})
		if err != nil || st.Size != int64(size) {
			t.Fatalf("minio StatObject: %v, size %d", err, st.Size)
		}
		opts := minio.GetObjectOptions{ServerSideEncryption: sse}
		got := minioGet(t, mc, e.bucket, key, opts)
		if !bytes.Equal(got, body) {
			t.Fatalf("minio GetObject: %d bytes that differ", len(got))
		}
		if err := opts.SetRange(int64(size/2), int64(size/2+70000)); err != nil {
			t.Fatal(err)
		}
		if got := minioGet(t, mc, e.bucket, key, opts); !bytes.Equal(got, body[size/2:min(size, size/2+70001)]) {
			t.Fatal("minio GetObject(range): bytes differ")
		}
		_, err = mc.StatObject(ctx(t), e.bucket, key, minio.StatObjectOptions{})
		if resp := minio.ToErrorResponse(err); resp.StatusCode != 400 {
			t.Fatalf("minio StatObject(no key) = %v, want 400", err)
		}
	}
	if _, err := mc.CopyObject(ctx(t), minio.CopyDestOptions{Bucket: e.bucket, Object: "minio-copy", Encryption: other},
		minio.CopySrcOptions{Bucket: e.bucket, Object: "minio-100", Encryption: encrypt.SSECopy(sse)}); err != nil {
		t.Fatalf("minio CopyObject(SSE-C): %v", err)
	}
	if got := minioGet(t, mc, e.bucket, "minio-copy", minio.GetObjectOptions{ServerSideEncryption: other}); len(got) != 100 {
		t.Fatalf("minio GetObject(copy): %d bytes", len(got))
	}
}

func minioGet(t *testing.T, mc *minio.Client, bucket, key string, opts minio.GetObjectOptions) []byte {
	t.Helper()
	obj, err := mc.GetObject(context.Background(), bucket, key, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("minio GetObject(%s): %v", key, err)
	}
	return b
}

// wantHTTPStatus checks the status of an error of a request whose answer
// has no body (HEAD), which gives the SDK no error code.
func wantHTTPStatus(t *testing.T, op string, err error, want int) {
	t.Helper()
	if got := status(err); err == nil || got != want {
		t.Fatalf("%s = %v (status %d), want status %d", op, err, got, want)
	}
}

// TestPostObject_ssec: a browser upload with the SSE-C form fields is
// stored under the customer key, answers with the key's algorithm and
// MD5, and reads back with the key only.
func TestPostObject_ssec(t *testing.T) {
	e := ssecEnv(t)
	k := newSSECKey(5)
	conds := `{"key":"post-secret"},{"x-amz-server-side-encryption-customer-algorithm":"AES256"},` +
		`["starts-with","$x-amz-server-side-encryption-customer-key",""],["starts-with","$x-amz-server-side-encryption-customer-key-MD5",""]`
	fields := append(signedPost(e, policyDoc(e.bucket, conds)), postField{"key", "post-secret"},
		postField{"x-amz-server-side-encryption-customer-algorithm", "AES256"},
		postField{"x-amz-server-side-encryption-customer-key", k.key},
		postField{"x-amz-server-side-encryption-customer-key-MD5", k.md5})
	status, body := postObject(t, e, fields, fileNamed, []byte("posted secret"))
	if status != 204 {
		t.Fatalf("POST with SSE-C = %d %s, want 204", status, body)
	}
	if got, _, err := e.ssecGet(t, "post-secret", k, ""); err != nil || string(got) != "posted secret" {
		t.Fatalf("GetObject(key): %v, %q", err, got)
	}
	_, _, err := e.ssecGet(t, "post-secret", ssecKey{}, "")
	wantCode(t, "GetObject(no key)", err, "InvalidRequest", 400)

	fields[len(fields)-1].value = newSSECKey(6).md5
	status, body = postObject(t, e, fields, fileNamed, []byte("x"))
	wantPostError(t, status, body, 400, "InvalidArgument", "The calculated MD5 hash of the key did not match the hash that was provided.")
}

// TestBucketPolicy_requireSSEC denies every write of object data that
// does not carry an SSE-C key (s3:x-amz-server-side-encryption-customer-
// algorithm absent), as a bucket that must hold only customer-keyed data
// would: PutObject and CreateMultipartUpload without a key are denied,
// with a key they succeed, and GET (whose context never has the key) is
// not affected.
func TestBucketPolicy_requireSSEC(t *testing.T) {
	e := ssecEnv(t)
	mustPutPolicy(t, e.s3, e.bucket, `{"Version":"2012-10-17","Statement":[{"Sid":"RequireSSEC","Effect":"Deny","Principal":"*",
		"Action":"s3:PutObject","Resource":"arn:aws:s3:::BUCKET/*",
		"Condition":{"Null":{"s3:x-amz-server-side-encryption-customer-algorithm":"true"}}}]}`)
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject without an SSE-C key", err, "AccessDenied", 403)
	_, err = e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp")})
	wantCode(t, "CreateMultipartUpload without an SSE-C key", err, "AccessDenied", 403)
	k := newSSECKey(3)
	if _, err := e.ssecPut(t, "keyed", []byte("customer-keyed"), k); err != nil {
		t.Fatalf("PutObject with an SSE-C key: %v", err)
	}
	got, _, err := e.ssecGet(t, "keyed", k, "")
	if err != nil || string(got) != "customer-keyed" {
		t.Errorf("GetObject with the key = %q, %v", got, err)
	}
}
