package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// readBlob returns the stored bytes of a blob.
func readBlob(t testing.TB, e *env, id blob.ID) []byte {
	t.Helper()
	r, err := e.blob.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b := make([]byte, r.Size())
	if _, err := r.ReadAt(b, 0); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return b
}

// testKeyring returns a keyring with one random master key version.
func testKeyring(t testing.TB) *sse.Keyring {
	t.Helper()
	kr := sse.NewKeyring()
	m, err := sse.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := kr.Add(1, m); err != nil {
		t.Fatal(err)
	}
	return kr
}

// encryptAtRest returns an option that encrypts every new object under
// kr (a new keyring when nil).
func encryptAtRest(t testing.TB, kr *sse.Keyring) func(*Options) {
	if kr == nil {
		kr = testKeyring(t)
	}
	return func(o *Options) { o.Keyring, o.EncryptAtRest = kr, true }
}

// encModes are the encryption settings every encryption test runs in.
func encModes(t testing.TB) []struct {
	name string
	on   bool
	mod  func(*Options)
} {
	kr := testKeyring(t)
	return []struct {
		name string
		on   bool
		mod  func(*Options)
	}{
		{"encrypted", true, encryptAtRest(t, kr)},
		// Off, but with a keyring: encrypted objects stay readable.
		{"plaintext", false, func(o *Options) { o.Keyring = kr }},
	}
}

// randomBody returns n reproducible pseudo-random bytes.
func randomBody(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

const chunk = sse.ChunkSize

// writePath writes body to bucket/key in one of the ways an object can be
// made and returns the object's part sizes (nil for a single-part one).
type writePath struct {
	name  string
	write func(t *testing.T, e *env, key string, body []byte) []int64
}

func putPath(t *testing.T, e *env, key string, body []byte) []int64 {
	t.Helper()
	_, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(body), Size: int64(len(body))})
	checkErr(t, "PutObject", err, nil)
	return nil
}

// multipartPath uploads body in parts of chunk+5 bytes (the last shorter),
// so part boundaries fall inside packages.
func multipartPath(t *testing.T, e *env, key string, body []byte) []int64 {
	t.Helper()
	ctx := context.Background()
	up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key})
	checkErr(t, "CreateMultipartUpload", err, nil)
	var (
		parts []CompletedPart
		sizes []int64
	)
	for n, off := 1, 0; off < len(body) || n == 1; n++ {
		end := min(off+chunk+5, len(body))
		p, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: n,
			Body: bytes.NewReader(body[off:end]), Size: int64(end - off)})
		checkErr(t, "UploadPart", err, nil)
		if want := up.ServerSideEncryption; p.ServerSideEncryption != want {
			t.Errorf("part %d ServerSideEncryption = %q, want the upload's %q", n, p.ServerSideEncryption, want)
		}
		parts = append(parts, CompletedPart{PartNumber: n, ETag: p.ETag})
		sizes = append(sizes, int64(end-off))
		off = end
	}
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: parts})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	return sizes
}

// copyPath puts body under another key and copies it.
func copyPath(t *testing.T, e *env, key string, body []byte) []int64 {
	t.Helper()
	multipartPath(t, e, key+".src", body)
	_, err := e.s.CopyObject(context.Background(), CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key})
	checkErr(t, "CopyObject", err, nil)
	return nil
}

// partCopyPath builds the object from two UploadPartCopy ranges of a
// source: the first chunk+7 bytes, then the rest.
func partCopyPath(t *testing.T, e *env, key string, body []byte) []int64 {
	t.Helper()
	ctx := context.Background()
	putPath(t, e, key+".src", body)
	up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key})
	checkErr(t, "CreateMultipartUpload", err, nil)
	cut := min(int64(chunk+7), int64(len(body)))
	var parts []CompletedPart
	for n, rg := range []Range{{0, cut - 1}, {cut, int64(len(body)) - 1}} {
		var src *Range // an empty source is copied whole
		if len(body) > 0 {
			if rg.End < rg.Start {
				continue
			}
			src = &rg
		} else if n > 0 {
			continue
		}
		p, _, err := e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: n + 1,
			SrcBucket: "bkt", SrcKey: key + ".src", SrcRange: src})
		checkErr(t, "UploadPartCopy", err, nil)
		parts = append(parts, CompletedPart{PartNumber: n + 1, ETag: p.ETag})
	}
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: parts})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	if len(parts) == 1 {
		return []int64{cut}
	}
	return []int64{cut, int64(len(body)) - cut}
}

var writePaths = []writePath{
	{"put", putPath},
	{"multipart", multipartPath},
	{"copy", copyPath},
	{"partcopy", partCopyPath},
}

// boundaryRanges lists ranges [off, off+n) at every package boundary, at
// the part boundaries and at the last byte of an object of size bytes.
func boundaryRanges(size int64, parts []int64) [][2]int64 {
	var offs []int64
	for _, o := range []int64{0, chunk - 1, chunk, chunk + 1, 2*chunk - 1, 2 * chunk, size - 1} {
		offs = append(offs, o)
	}
	var at int64
	for _, p := range parts {
		at += p
		offs = append(offs, at-1, at, at+1)
	}
	var out [][2]int64
	for _, o := range offs {
		if o < 0 || o >= size {
			continue
		}
		for _, n := range []int64{1, 2, chunk + 2, size - o} {
			out = append(out, [2]int64{o, min(n, size-o)})
		}
	}
	return out
}

// TestEncryption_writePathsAndRanges writes inline, single-blob and
// multipart objects through every write path, with encryption at rest on
// and off, and checks the whole object, its ETag, its reported encryption
// and ranges at every package and part boundary.
func TestEncryption_writePathsAndRanges(t *testing.T) {
	ctx := context.Background()
	sizes := []int{0, 1, 4 << 10, chunk - 1, chunk, chunk + 1, 2*chunk + 100}
	for _, mode := range encModes(t) {
		for _, inline := range []bool{true, false} {
			mod := func(*Options) {}
			name := mode.name + "/inline"
			if !inline {
				mod, name = noInline, mode.name+"/blob"
			}
			e := newEnv(t, mode.mod, mod)
			e.bucket(t, "bkt")
			for _, wp := range writePaths {
				for _, size := range sizes {
					t.Run(fmt.Sprintf("%s/%s/%d", name, wp.name, size), func(t *testing.T) {
						body := randomBody(uint64(size), size)
						key := fmt.Sprintf("%s-%d", wp.name, size)
						parts := wp.write(t, e, key, body)
						out, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: key})
						checkErr(t, "HeadObject", err, nil)
						want := ""
						if mode.on {
							want = SSES3
						}
						if got := out.Info.ServerSideEncryption; got != want {
							t.Errorf("ServerSideEncryption = %q, want %q", got, want)
						}
						if out.Info.Size != int64(size) {
							t.Errorf("Size = %d, want %d", out.Info.Size, size)
						}
						if parts == nil {
							if sum := md5.Sum(body); out.Info.ETag != hex.EncodeToString(sum[:]) {
								t.Errorf("ETag = %s, want the plaintext's MD5", out.Info.ETag)
							}
							h := checksum.NewHasher(checksum.CRC64NVME)
							h.Write(body)
							if c := out.Info.Checksum; c == nil || !bytes.Equal(c.Value, h.Sum(checksum.CRC64NVME)) {
								t.Errorf("checksum = %+v, want the plaintext's CRC64NVME", c)
							}
						}
						got, err := e.read("bkt", key)
						checkErr(t, "GetObject", err, nil)
						if got != string(body) {
							t.Fatalf("GetObject returned %d bytes that differ from the %d written", len(got), len(body))
						}
						for _, rg := range boundaryRanges(int64(size), parts) {
							checkRange(t, e, key, body, rg[0], rg[1])
						}
					})
				}
			}
		}
	}
}

func checkRange(t *testing.T, e *env, key string, body []byte, off, n int64) {
	t.Helper()
	out, err := e.s.GetObject(context.Background(), GetInput{Bucket: "bkt", Key: key, Range: &Range{Start: off, End: off + n - 1}})
	if err != nil {
		t.Fatalf("range [%d,+%d): %v", off, n, err)
	}
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("range [%d,+%d): read: %v", off, n, err)
	}
	if !bytes.Equal(got, body[off:off+n]) {
		t.Fatalf("range [%d,+%d): got %d bytes that differ from the object's", off, n, len(got))
	}
	// The same range through Read instead of WriteTo.
	out2, err := e.s.GetObject(context.Background(), GetInput{Bucket: "bkt", Key: key, Range: &Range{Start: off, End: off + n - 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer out2.Body.Close()
	buf := make([]byte, 1000)
	var got2 []byte
	for {
		m, err := out2.Body.Read(buf)
		got2 = append(got2, buf[:m]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("range [%d,+%d): Read: %v", off, n, err)
		}
	}
	if !bytes.Equal(got2, body[off:off+n]) {
		t.Fatalf("range [%d,+%d) through Read: got %d bytes that differ", off, n, len(got2))
	}
}

// TestEncryption_partNumberRead reads each part of an encrypted multipart
// object by part number.
func TestEncryption_partNumberRead(t *testing.T) {
	e := newEnv(t, encryptAtRest(t, nil))
	e.bucket(t, "bkt")
	body := randomBody(7, 3*chunk+11)
	sizes := multipartPath(t, e, "mp", body)
	var off int64
	for i, sz := range sizes {
		out, err := e.s.GetObject(context.Background(), GetInput{Bucket: "bkt", Key: "mp", PartNumber: i + 1})
		checkErr(t, "GetObject(part)", err, nil)
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		checkErr(t, "read part", err, nil)
		if !bytes.Equal(got, body[off:off+sz]) {
			t.Errorf("part %d: bytes differ", i+1)
		}
		off += sz
	}
}

// TestEncryption_storedBytes checks what reaches the stores: with
// encryption on, neither the inline record nor the blob holds the
// plaintext and the object record is V4; with it off, the record is V3
// and the inline record and blob hold the plaintext, as before.
func TestEncryption_storedBytes(t *testing.T) {
	ctx := context.Background()
	for _, mode := range encModes(t) {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, mode.mod)
			e.bucket(t, "bkt")
			small := randomBody(1, 100)
			big := randomBody(2, 2*DefaultInlineLimit)
			putPath(t, e, "small", small)
			putPath(t, e, "big", big)
			for key, body := range map[string][]byte{"small": small, "big": big} {
				var rec *objectRecord
				var raw []byte
				err := e.meta.View(ctx, func(r meta.Reader) error {
					var err error
					if raw, err = r.Get(objectKey("bkt", key)); err != nil {
						return err
					}
					rec, err = getObjectRecord(r, "bkt", key)
					return err
				})
				checkErr(t, "read record", err, nil)
				wantFormat := objectFormatV3
				if mode.on {
					wantFormat = objectFormatV4
				}
				if raw[0] != wantFormat {
					t.Errorf("%s: record format %d, want %d", key, raw[0], wantFormat)
				}
				var stored []byte
				if rec.Inline {
					err = e.meta.View(ctx, func(r meta.Reader) error {
						var err error
						stored, err = r.Get(inlineKey(rec.DataID))
						return err
					})
				} else {
					stored = readBlob(t, e, rec.Blob)
				}
				checkErr(t, "read stored bytes", err, nil)
				if has := bytes.Contains(stored, body); has == mode.on {
					t.Errorf("%s: stored bytes contain the plaintext: %v, want %v", key, has, !mode.on)
				}
			}
		})
	}
}

// TestEncryption_offReadsEncrypted turns encryption off for a Service over
// stores holding encrypted objects: they still read, new ones are
// plaintext; and a request asking for AES256 is encrypted anyway.
func TestEncryption_offReadsEncrypted(t *testing.T) {
	ctx := context.Background()
	kr := testKeyring(t)
	e := newEnv(t, encryptAtRest(t, kr))
	e.bucket(t, "bkt")
	putPath(t, e, "enc", []byte("secret"))
	off, err := New(Options{Meta: e.meta, Blob: e.blob, Clock: e.clock, Keyring: kr})
	checkErr(t, "New", err, nil)
	e.s = off
	if got, err := e.read("bkt", "enc"); err != nil || got != "secret" {
		t.Errorf("read encrypted with encryption off = %q, %v", got, err)
	}
	if info := e.put(t, "bkt", "plain", "x"); info.ServerSideEncryption != "" {
		t.Errorf("new object with encryption off: ServerSideEncryption %q", info.ServerSideEncryption)
	}
	info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "asked", Body: bytes.NewReader([]byte("y")), Size: 1, Encrypt: true})
	checkErr(t, "PutObject(Encrypt)", err, nil)
	if info.ServerSideEncryption != SSES3 {
		t.Errorf("PutObject asking for AES256: ServerSideEncryption %q", info.ServerSideEncryption)
	}
	if _, err := New(Options{Meta: e.meta, Blob: e.blob, EncryptAtRest: true}); err == nil {
		t.Error("New with EncryptAtRest and no keyring succeeded")
	}
}
