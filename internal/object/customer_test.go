package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"testing"
)

func testCustomerKey(t testing.TB, b byte) *CustomerKey {
	t.Helper()
	ck, err := NewCustomerKey(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// readWithKey reads [off, off+n) (n < 0: the whole object) with ck.
func readWithKey(e *env, key string, ck *CustomerKey, off, n int64) ([]byte, error) {
	in := GetInput{Bucket: "bkt", Key: key, CustomerKey: ck}
	if n >= 0 {
		in.Range = &Range{Start: off, End: off + n - 1}
	}
	out, err := e.s.GetObject(context.Background(), in)
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// TestCustomerKey_writePaths writes objects under a customer key through
// every write path, with encryption at rest off and no keyring (SSE-C
// needs none) and on, and reads them whole and at every package and part
// boundary with the key.
func TestCustomerKey_writePaths(t *testing.T) {
	ctx := context.Background()
	ck := testCustomerKey(t, 1)
	srcKey := testCustomerKey(t, 2) // the sources of copies have their own key
	paths := []struct {
		name  string
		write func(t *testing.T, e *env, key string, body []byte) []int64
	}{
		{"put", func(t *testing.T, e *env, key string, body []byte) []int64 {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(body), Size: int64(len(body)), CustomerKey: ck})
			checkErr(t, "PutObject", err, nil)
			return nil
		}},
		{"multipart", func(t *testing.T, e *env, key string, body []byte) []int64 {
			up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key, CustomerKey: ck})
			checkErr(t, "CreateMultipartUpload", err, nil)
			if up.ServerSideEncryption != SSECustomer {
				t.Errorf("upload ServerSideEncryption = %q", up.ServerSideEncryption)
			}
			cut := min(chunk+5, len(body)-5)
			var parts []CompletedPart
			for i, b := range [][]byte{body[:cut], body[cut:]} {
				p, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: i + 1,
					Body: bytes.NewReader(b), Size: int64(len(b)), CustomerKey: ck})
				checkErr(t, "UploadPart", err, nil)
				if sum := md5.Sum(b); p.ETag == hex.EncodeToString(sum[:]) || p.ServerSideEncryption != SSECustomer {
					t.Errorf("part %d: ETag %s is the MD5, or encryption %q", i+1, p.ETag, p.ServerSideEncryption)
				}
				parts = append(parts, CompletedPart{PartNumber: i + 1, ETag: p.ETag})
			}
			_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: parts})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			return []int64{int64(cut), int64(len(body) - cut)}
		}},
		{"copy", func(t *testing.T, e *env, key string, body []byte) []int64 {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key + ".src", Body: bytes.NewReader(body), Size: int64(len(body)), CustomerKey: srcKey})
			checkErr(t, "PutObject", err, nil)
			_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key,
				SrcCustomerKey: srcKey, CustomerKey: ck})
			checkErr(t, "CopyObject", err, nil)
			return nil
		}},
		{"partcopy", func(t *testing.T, e *env, key string, body []byte) []int64 {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key + ".src", Body: bytes.NewReader(body), Size: int64(len(body)), CustomerKey: srcKey})
			checkErr(t, "PutObject", err, nil)
			up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key, CustomerKey: ck})
			checkErr(t, "CreateMultipartUpload", err, nil)
			p, _, err := e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: 1,
				SrcBucket: "bkt", SrcKey: key + ".src", CustomerKey: ck, SrcCustomerKey: srcKey})
			checkErr(t, "UploadPartCopy", err, nil)
			_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID,
				Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag}}, CustomerKey: ck})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			return []int64{int64(len(body))}
		}},
	}
	modes := map[string][]func(*Options){
		"nokeyring": {noInline},
		"inline":    {encryptAtRest(t, nil)},
		"blob":      {encryptAtRest(t, nil), noInline},
	}
	for mode, mods := range modes {
		e := newEnv(t, mods...)
		e.bucket(t, "bkt")
		for _, wp := range paths {
			for _, size := range []int{10, chunk + 1, 2*chunk + 100} {
				t.Run(fmt.Sprintf("%s/%s/%d", mode, wp.name, size), func(t *testing.T) {
					body := randomBody(uint64(size), size)
					key := fmt.Sprintf("%s-%d", wp.name, size)
					parts := wp.write(t, e, key, body)
					out, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: key, CustomerKey: ck})
					checkErr(t, "HeadObject", err, nil)
					if out.Info.ServerSideEncryption != SSECustomer {
						t.Errorf("ServerSideEncryption = %q, want %q", out.Info.ServerSideEncryption, SSECustomer)
					}
					if sum := md5.Sum(body); out.Info.ETag == hex.EncodeToString(sum[:]) {
						t.Errorf("ETag %s is the plaintext's MD5", out.Info.ETag)
					}
					got, err := readWithKey(e, key, ck, 0, -1)
					checkErr(t, "GetObject", err, nil)
					if !bytes.Equal(got, body) {
						t.Fatalf("GetObject: %d bytes that differ from the %d written", len(got), len(body))
					}
					for _, rg := range boundaryRanges(int64(size), parts) {
						got, err := readWithKey(e, key, ck, rg[0], rg[1])
						if err != nil || !bytes.Equal(got, body[rg[0]:rg[0]+rg[1]]) {
							t.Fatalf("range [%d,+%d): %v, or bytes differ", rg[0], rg[1], err)
						}
					}
					if _, err := readWithKey(e, key, nil, 0, -1); err == nil {
						t.Error("read without the key succeeded")
					}
				})
			}
		}
	}
}

// TestCustomerKey_errors maps each misuse of a customer key to its error.
func TestCustomerKey_errors(t *testing.T) {
	ctx := context.Background()
	ck, wrong := testCustomerKey(t, 1), testCustomerKey(t, 9)
	e := newEnv(t, encryptAtRest(t, nil))
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "c", Body: bytes.NewReader([]byte("secret")), Size: 6, CustomerKey: ck})
	checkErr(t, "PutObject", err, nil)
	e.put(t, "bkt", "s3", "plain")
	upC, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "m", CustomerKey: ck})
	checkErr(t, "CreateMultipartUpload", err, nil)
	upS, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "n"})
	checkErr(t, "CreateMultipartUpload", err, nil)
	part := func(up Upload, key *CustomerKey) error {
		_, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: up.Key, UploadID: up.UploadID, PartNumber: 1,
			Body: bytes.NewReader([]byte("x")), Size: 1, CustomerKey: key})
		return err
	}
	head := func(key string, c *CustomerKey) error {
		_, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: key, CustomerKey: c})
		return err
	}
	cp := func(src string, c *CustomerKey) error {
		_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: src, DstBucket: "bkt", DstKey: "dst", SrcCustomerKey: c})
		return err
	}
	attrs := func(key string, c *CustomerKey) error {
		_, err := e.s.GetObjectAttributes(ctx, AttributesInput{Bucket: "bkt", Key: key, CustomerKey: c})
		return err
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"get without key", func() error { _, err := readWithKey(e, "c", nil, 0, -1); return err }(), ErrCustomerKeyRequired},
		{"get with wrong key", func() error { _, err := readWithKey(e, "c", wrong, 0, -1); return err }(), ErrCustomerKeyMismatch},
		{"range with wrong key", func() error { _, err := readWithKey(e, "c", wrong, 1, 2); return err }(), ErrCustomerKeyMismatch},
		{"get SSE-S3 object with a key", func() error { _, err := readWithKey(e, "s3", ck, 0, -1); return err }(), ErrCustomerKeyNotApplicable},
		{"head without key", head("c", nil), ErrCustomerKeyRequired},
		{"head with wrong key", head("c", wrong), ErrCustomerKeyMismatch},
		{"head with key", head("c", ck), nil},
		{"head SSE-S3 object with a key", head("s3", ck), ErrCustomerKeyNotApplicable},
		{"attributes without key", attrs("c", nil), ErrCustomerKeyRequired},
		{"attributes with key", attrs("c", ck), nil},
		{"copy source without key", cp("c", nil), ErrCustomerKeyRequired},
		{"copy source with wrong key", cp("c", wrong), ErrCustomerKeyMismatch},
		{"copy SSE-S3 source with a key", cp("s3", ck), ErrCustomerKeyNotApplicable},
		{"part without key", part(upC, nil), ErrUploadKeyRequired},
		{"part with wrong key", part(upC, wrong), ErrUploadKeyMismatch},
		{"part with key on a non-SSE-C upload", part(upS, ck), ErrUploadKeyMismatch},
		{"part with key", part(upC, ck), nil},
	} {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.name, tc.err, tc.want) })
	}
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "m", UploadID: upC.UploadID,
		Parts: []CompletedPart{{PartNumber: 1}}, CustomerKey: wrong})
	checkErr(t, "Complete with wrong key", err, ErrUploadKeyMismatch)
}

// TestCustomerKey_copyInPlace: copying an SSE-C object onto itself under
// a new key (key rotation) or to SSE-S3 is a change S3 allows.
func TestCustomerKey_copyInPlace(t *testing.T) {
	ctx := context.Background()
	k1, k2 := testCustomerKey(t, 1), testCustomerKey(t, 2)
	e := newEnv(t, encryptAtRest(t, nil))
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "o", Body: bytes.NewReader([]byte("rotate me")), Size: 9, CustomerKey: k1})
	checkErr(t, "PutObject", err, nil)
	_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "o", DstBucket: "bkt", DstKey: "o", SrcCustomerKey: k1, CustomerKey: k2})
	checkErr(t, "CopyObject(rotate key)", err, nil)
	if _, err := readWithKey(e, "o", k1, 0, -1); err == nil {
		t.Error("the old key still reads the object")
	}
	if got, err := readWithKey(e, "o", k2, 0, -1); err != nil || string(got) != "rotate me" {
		t.Fatalf("read with the new key: %v, %q", err, got)
	}
	_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "o", DstBucket: "bkt", DstKey: "o", SrcCustomerKey: k2})
	checkErr(t, "CopyObject(to SSE-S3)", err, nil)
	if got, err := e.read("bkt", "o"); err != nil || got != "rotate me" {
		t.Fatalf("read after moving to SSE-S3: %v, %q", err, got)
	}
	_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "o", DstBucket: "bkt", DstKey: "o"})
	checkErr(t, "CopyObject(no change)", err, ErrInvalidCopyRequest)
}
