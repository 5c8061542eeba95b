package s3crypto

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
)

// knownAnswers are AES-256-GCM encryptions under kaKey and kaIV with no
// additional data, computed independently with Python's cryptography
// package:
//
//	AESGCM(bytes(range(32))).encrypt(bytes(range(0xa0, 0xac)), pt, None).hex()
var knownAnswers = []struct {
	plain, cipherHex string
}{
	{"", "5c699625af4b93a0f8220a2a6119c5d0"},
	{"coffer client-side encryption known answer\n",
		"85771a4b20b922dc0e0ce2bd7357b3b714c97975fcd43015ec7a4fe9118b1e6fbd0129dfce4c204a3aee0e56bf04c2d3715bf6843f44e20f469928"},
}

func newTestClient(t *testing.T, opts Options) (*Client, *fakeS3, *fakeKMS) {
	t.Helper()
	fs, fk := newFakeS3(), newFakeKMS()
	if opts.KeyID == "" {
		opts.KeyID = "alias/cse"
	}
	c, err := New(fs, fk, opts)
	if err != nil {
		t.Fatal(err)
	}
	c.rand = bytes.NewReader(bytes.Repeat(kaIV(), 64))
	return c, fs, fk
}

func put(t *testing.T, c *Client, key string, body []byte) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("b"), Key: aws.String(key), Body: bytes.NewReader(body),
	}); err != nil {
		t.Fatalf("PutObject(%s) = %v", key, err)
	}
}

func get(c *Client, key string) ([]byte, error) {
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err == nil && aws.ToInt64(out.ContentLength) != int64(len(b)) {
		return nil, errors.New("ContentLength is not the plaintext's length")
	}
	return b, err
}

// kaMetadata is the envelope another v2 client writes for the known answers.
func kaMetadata(plainLen string) map[string]string {
	return map[string]string{
		"x-amz-key-v2":                     base64.StdEncoding.EncodeToString([]byte("wrapped-data-key-blob")),
		"x-amz-iv":                         base64.StdEncoding.EncodeToString(kaIV()),
		"x-amz-cek-alg":                    "AES/GCM/NoPadding",
		"x-amz-tag-len":                    "128",
		"x-amz-wrap-alg":                   "kms+context",
		"x-amz-matdesc":                    `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}`,
		"x-amz-unencrypted-content-length": plainLen,
	}
}

func TestPutObject_knownAnswer(t *testing.T) {
	for _, ka := range knownAnswers {
		c, fs, fk := newTestClient(t, Options{})
		put(t, c, "k", []byte(ka.plain))
		o := fs.object("k")
		if got := hex.EncodeToString(o.body); got != ka.cipherHex {
			t.Errorf("stored body of %q = %s, want %s", ka.plain, got, ka.cipherHex)
		}
		if d := cmp.Diff(kaMetadata(itoa(len(ka.plain))), o.meta); d != "" {
			t.Errorf("stored metadata (-want +got):\n%s", d)
		}
		if d := cmp.Diff(map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}, fk.ctx); d != "" {
			t.Errorf("GenerateDataKey encryption context (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"alias/cse"}, fk.keyIDs); d != "" {
			t.Errorf("GenerateDataKey key ids (-want +got):\n%s", d)
		}
	}
}

func TestGetObject_knownAnswer(t *testing.T) {
	for _, ka := range knownAnswers {
		c, fs, fk := newTestClient(t, Options{})
		fk.ctx = map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}
		body, _ := hex.DecodeString(ka.cipherHex)
		// Upper-case names, as some servers return them.
		meta := map[string]string{}
		for k, v := range kaMetadata(itoa(len(ka.plain))) {
			meta[strings.ToUpper(k[:1])+k[1:]] = v
		}
		fs.put("k", body, meta)
		got, err := get(c, "k")
		if err != nil || string(got) != ka.plain {
			t.Errorf("GetObject = %q, %v; want %q", got, err, ka.plain)
		}
	}
}

func TestRoundTrip_sizes(t *testing.T) {
	c, _, _ := newTestClient(t, Options{EncryptionContext: map[string]string{"team": "blue"}})
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 15, 16, 17, 32 << 10, 32<<10 + 1, 200_000} {
		body := make([]byte, n)
		for i := range body {
			body[i] = byte(r.UintN(256))
		}
		put(t, c, "k", body)
		got, err := get(c, "k")
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("round trip of %d bytes: got %d bytes, %v", n, len(got), err)
		}
	}
}

func TestGetObject_tampered(t *testing.T) {
	ka := knownAnswers[1]
	body, _ := hex.DecodeString(ka.cipherHex)
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	tests := []struct {
		name string
		body []byte
		meta func(map[string]string)
		want error
	}{
		{"first ciphertext byte", flip(body, 0), nil, ErrAuthentication},
		{"last tag byte", flip(body, len(body)-1), nil, ErrAuthentication},
		{"truncated", body[:len(body)-1], nil, ErrAuthentication},
		{"shorter than a tag", body[:5], nil, ErrAuthentication},
		{"iv", body, func(m map[string]string) {
			m["x-amz-iv"] = base64.StdEncoding.EncodeToString(flip(kaIV(), 3))
		}, ErrAuthentication},
		{"plaintext length is not trusted", body, func(m map[string]string) { m["x-amz-unencrypted-content-length"] = "7" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fs, fk := newTestClient(t, Options{})
			fk.ctx = map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}
			meta := kaMetadata(itoa(len(ka.plain)))
			if tt.meta != nil {
				tt.meta(meta)
			}
			fs.put("k", tt.body, meta)
			got, err := get(c, "k")
			if !errors.Is(err, tt.want) || (err != nil && got != nil) {
				t.Fatalf("GetObject = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
	t.Run("encryption context", func(t *testing.T) {
		c, fs, fk := newTestClient(t, Options{})
		fk.ctx = map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}
		meta := kaMetadata("43")
		meta["x-amz-matdesc"] = `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","team":"red"}`
		fs.put("k", body, meta)
		if got, err := get(c, "k"); err == nil || got != nil || !strings.Contains(err.Error(), "InvalidCiphertextException") {
			t.Fatalf("GetObject with a changed context = %q, %v; want KMS's refusal", got, err)
		}
	})
}

func TestGetObject_envelopes(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]string)
		want error
	}{
		{"v1 format", func(m map[string]string) { m["x-amz-key"] = m["x-amz-key-v2"]; delete(m, "x-amz-key-v2") }, ErrUnsupported},
		{"key-committing format", func(m map[string]string) { m["x-amz-3"] = "x"; delete(m, "x-amz-key-v2") }, ErrUnsupported},
		{"kms wrap without context", func(m map[string]string) { m["x-amz-wrap-alg"] = "kms" }, ErrUnsupported},
		{"AES wrap", func(m map[string]string) { m["x-amz-wrap-alg"] = "AES/GCM" }, ErrUnsupported},
		{"no wrap", func(m map[string]string) { delete(m, "x-amz-wrap-alg") }, ErrInvalidEnvelope},
		{"AES/CBC content", func(m map[string]string) { m["x-amz-cek-alg"] = "AES/CBC/PKCS5Padding" }, ErrUnsupported},
		{"no content algorithm", func(m map[string]string) { delete(m, "x-amz-cek-alg") }, ErrInvalidEnvelope},
		{"96-bit tag", func(m map[string]string) { m["x-amz-tag-len"] = "96" }, ErrUnsupported},
		{"no tag length means 128", func(m map[string]string) { delete(m, "x-amz-tag-len") }, nil},
		{"16-byte IV", func(m map[string]string) { m["x-amz-iv"] = base64.StdEncoding.EncodeToString(make([]byte, 16)) }, ErrInvalidEnvelope},
		{"IV not base64", func(m map[string]string) { m["x-amz-iv"] = "!!!" }, ErrInvalidEnvelope},
		{"empty wrapped key", func(m map[string]string) { m["x-amz-key-v2"] = "" }, ErrInvalidEnvelope},
		{"matdesc without the algorithm", func(m map[string]string) { m["x-amz-matdesc"] = `{"team":"blue"}` }, ErrInvalidEnvelope},
		{"matdesc binds another algorithm", func(m map[string]string) {
			m["x-amz-matdesc"] = `{"aws:x-amz-cek-alg":"AES/CBC/PKCS5Padding"}`
		}, ErrInvalidEnvelope},
		{"matdesc not JSON", func(m map[string]string) { m["x-amz-matdesc"] = `{` }, ErrInvalidEnvelope},
		{"matdesc with a number", func(m map[string]string) { m["x-amz-matdesc"] = `{"aws:x-amz-cek-alg":1}` }, ErrInvalidEnvelope},
		{"no envelope and no instruction file", func(m map[string]string) { clear(m) }, ErrNotEncrypted},
	}
	ka := knownAnswers[1]
	body, _ := hex.DecodeString(ka.cipherHex)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fs, fk := newTestClient(t, Options{})
			fk.ctx = map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}
			meta := kaMetadata("43")
			tt.edit(meta)
			fs.put("k", body, meta)
			got, err := get(c, "k")
			if !errors.Is(err, tt.want) {
				t.Fatalf("GetObject = %q, %v; want %v", got, err, tt.want)
			}
			if err == nil && string(got) != ka.plain {
				t.Fatalf("GetObject = %q, want %q", got, ka.plain)
			}
		})
	}
}

func TestGetObject_instructionFile(t *testing.T) {
	ka := knownAnswers[1]
	body, _ := hex.DecodeString(ka.cipherHex)
	m := kaMetadata("43")
	// As the Java client writes it: the tag length a JSON number.
	inst := `{"x-amz-key-v2":"` + m["x-amz-key-v2"] + `","x-amz-iv":"` + m["x-amz-iv"] +
		`","x-amz-cek-alg":"AES/GCM/NoPadding","x-amz-tag-len":128,"x-amz-wrap-alg":"kms+context",` +
		`"x-amz-matdesc":"{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}"}`
	c, fs, fk := newTestClient(t, Options{})
	fk.ctx = map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}
	fs.put("k", body, map[string]string{"other": "x"})
	fs.put("k.instruction", []byte(inst), map[string]string{"x-amz-crypto-instr-file": ""})
	got, err := get(c, "k")
	if err != nil || string(got) != ka.plain {
		t.Fatalf("GetObject with an instruction file = %q, %v", got, err)
	}
	fs.put("k.instruction", []byte(`["not an object"]`), nil)
	if _, err := get(c, "k"); !errors.Is(err, ErrInvalidEnvelope) {
		t.Fatalf("GetObject with a malformed instruction file = %v, want ErrInvalidEnvelope", err)
	}
}

func TestRequests_refused(t *testing.T) {
	c, _, _ := newTestClient(t, Options{MaxSize: 1000})
	ctx := context.Background()
	puts := map[string]*s3.PutObjectInput{
		"Content-MD5":           {ContentMD5: aws.String("x")},
		"a checksum value":      {ChecksumSHA256: aws.String("x")},
		"an append":             {WriteOffsetBytes: aws.Int64(5)},
		"an envelope name":      {Metadata: map[string]string{"X-Amz-Matdesc": "{}"}},
		"a legacy name":         {Metadata: map[string]string{"x-amz-key": "x"}},
		"nil":                   nil,
		"a body over MaxSize":   {Body: bytes.NewReader(make([]byte, 1001))},
		"a length over MaxSize": {Body: bytes.NewReader(make([]byte, 10)), ContentLength: aws.Int64(1001)},
	}
	for name, in := range puts {
		if _, err := c.PutObject(ctx, in); !errors.Is(err, ErrUnsupportedRequest) && !errors.Is(err, ErrTooLarge) {
			t.Errorf("PutObject with %s = %v, want a refusal", name, err)
		}
	}
	for name, in := range map[string]*s3.GetObjectInput{
		"a range":       {Bucket: aws.String("b"), Key: aws.String("k"), Range: aws.String("bytes=0-1")},
		"a part number": {Bucket: aws.String("b"), Key: aws.String("k"), PartNumber: aws.Int32(1)},
	} {
		if _, err := c.GetObject(ctx, in); !errors.Is(err, ErrUnsupportedRequest) {
			t.Errorf("GetObject with %s = %v, want ErrUnsupportedRequest", name, err)
		}
	}
	put(t, c, "k", make([]byte, 1000))
	small, _ := New(c.s3, c.kms, Options{MaxSize: 999})
	if _, err := get(small, "k"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("GetObject over MaxSize = %v, want ErrTooLarge", err)
	}
}

func TestNew_options(t *testing.T) {
	fs, fk := newFakeS3(), newFakeKMS()
	for name, o := range map[string]Options{
		"reserved context key": {EncryptionContext: map[string]string{"aws:x-amz-cek-alg": "x"}},
		"negative MaxSize":     {MaxSize: -1},
		"MaxSize over GCM's":   {MaxSize: MaxSizeLimit + 1},
	} {
		if _, err := New(fs, fk, o); err == nil {
			t.Errorf("New with %s succeeded", name)
		}
	}
	if _, err := New(nil, fk, Options{}); err == nil {
		t.Error("New without an S3 client succeeded")
	}
	c, err := New(fs, fk, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{}); err == nil {
		t.Error("PutObject without a KeyID succeeded")
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		n, hint, limit int64
		wantErr        bool
	}{
		{0, 0, 10, false},
		{10, 10, 10, false},
		{10, 0, 10, false},
		{11, 0, 10, true},
		{11, 5, 10, true},
		{100_000, 3, 100_000, false},
		{100_001, 100_000, 100_000, true},
		{5, -1, 10, false},
	}
	for _, tt := range tests {
		data := bytes.Repeat([]byte{7}, int(tt.n))
		got, err := readLimited(iotestOneByte(data), tt.hint, tt.limit, tagSize)
		if tt.wantErr {
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("readLimited(%d bytes, hint %d, limit %d) = %v, want ErrTooLarge", tt.n, tt.hint, tt.limit, err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, data) || cap(got)-len(got) < tagSize {
			t.Errorf("readLimited(%d bytes, hint %d, limit %d) = %d bytes (cap %d), %v", tt.n, tt.hint, tt.limit, len(got), cap(got), err)
		}
	}
}

// iotestOneByte reads b in short, uneven pieces.
func iotestOneByte(b []byte) io.Reader {
	return &shortReader{b: b}
}

type shortReader struct {
	b []byte
	i int
}

func (r *shortReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	r.i++
	n := min(len(p), len(r.b), 1+r.i%7000)
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
