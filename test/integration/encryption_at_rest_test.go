package integration_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// encryptionOff starts the server with encryption at rest turned off.
var encryptionOff = coffertest.WithConfig(func(c *config.Config) { c.EncryptAtRest = false })

// markedObject is one object of the marker scan: its body carries marker.
type markedObject struct {
	key    string
	marker [32]byte
	body   []byte
}

// markedBody returns size random bytes with a fresh random marker at a
// random offset.
func markedBody(size int) ([]byte, [32]byte) {
	var m [32]byte
	rand.Read(m[:])
	body := make([]byte, size)
	rand.Read(body)
	var off [4]byte
	rand.Read(off[:])
	at := int(binary.LittleEndian.Uint32(off[:])) % (size - len(m) + 1)
	copy(body[at:], m[:])
	return body, m
}

// TestEncryption_markerScan stores about 1,000 objects of every kind
// (inline, single blob, multipart, copies, part copies), each carrying a
// random marker, through the real server and the SDK, then scans every
// file under the data directory (blobs, Pebble tables, WAL, everything):
// with encryption at rest no marker may be found; with it off, every one
// must be, which proves the scan can fail. Objects stored under a
// customer key (SSE-C: single, multipart, copies) and the customer key
// itself must never be found, whether encryption at rest is on or off.
func TestEncryption_markerScan(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("encrypt=%v", on), func(t *testing.T) {
			opts := []coffertest.Option{coffertest.WithMinPartSize(1), insecureSSEC}
			if !on {
				opts = append(opts, encryptionOff)
			}
			e := newEnv(t, opts...)
			e.unblockSSEC(t, e.bucket)
			ssecObjs := storeSSECMarked(t, e)
			start := time.Now()
			// Encryption off only has to show that the scan finds
			// markers, which a quarter of the objects does.
			n := 1000
			if !on {
				n = 250
			}
			objs := storeMarked(t, e, on, n)
			t.Logf("stored %d objects in %v", len(objs), time.Since(start))
			for _, o := range objs[:50] {
				if got := e.getBody(t, o.key); !bytes.Equal(got, o.body) {
					t.Fatalf("GetObject(%s) returned other bytes", o.key)
				}
			}
			if err := e.srv.Shutdown(ctx(t)); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			start = time.Now()
			found := scanMarkers(t, e.srv.DataDir, objs)
			t.Logf("scanned in %v", time.Since(start))
			if on && len(found) > 0 {
				t.Fatalf("%d of %d markers found in plaintext under the data directory, e.g. %v", len(found), len(objs), found[:min(3, len(found))])
			}
			if !on && len(found) != len(objs) {
				t.Fatalf("encryption off: %d of %d markers found; the scan should find every one; missing: %v", len(found), len(objs), missingKeys(objs, found))
			}
			if found := scanMarkers(t, e.srv.DataDir, ssecObjs); len(found) > 0 {
				t.Fatalf("SSE-C: markers or the customer key found in plaintext under the data directory: %v", found)
			}
		})
	}
}

// storeMarked writes the objects of the marker scan, eight at a time, and
// checks the x-amz-server-side-encryption header of every write.
func storeMarked(t *testing.T, e *env, on bool, n int) []markedObject {
	t.Helper()
	want := types.ServerSideEncryption("")
	if on {
		want = types.ServerSideEncryptionAes256
	}
	check := func(op string, got types.ServerSideEncryption) error {
		if got != want {
			return fmt.Errorf("%s: x-amz-server-side-encryption %q, want %q", op, got, want)
		}
		return nil
	}
	var (
		mu   sync.Mutex
		objs []markedObject
	)
	add := func(o markedObject) {
		mu.Lock()
		objs = append(objs, o)
		mu.Unlock()
	}
	c, b := e.s3, aws.String(e.bucket)
	gctx := ctx(t)
	var (
		wg   sync.WaitGroup
		errs = make(chan error, n)
		sem  = make(chan struct{}, 16)
	)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := storeOne(gctx, c, b, e.bucket, i*1000/n, add, check); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return objs
}

// storeOne stores object i (of 1000) of the marker scan: an inline or
// small blob object, a copy, a multipart object or a large blob, by i.
func storeOne(gctx context.Context, c *s3.Client, b *string, bucket string, i int, add func(markedObject), check func(string, types.ServerSideEncryption) error) error {
	key := fmt.Sprintf("obj-%04d", i)
	switch {
	case i < 650: // inline, and from i = 575 on small blobs
		body, m := markedBody(64 + i*i/10)
		out, err := c.PutObject(gctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(body)})
		if err != nil {
			return err
		}
		add(markedObject{key, m, body})
		return check("PutObject", out.ServerSideEncryption)
	case i < 800: // copies, inline and blobs
		src := fmt.Sprintf("obj-%04d", i-650)
		body, m := markedBody(64 + (i-650)*250)
		if _, err := c.PutObject(gctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(src + "-src"), Body: bytes.NewReader(body)}); err != nil {
			return err
		}
		add(markedObject{src + "-src", m, body})
		out, err := c.CopyObject(gctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String(key), CopySource: aws.String(bucket + "/" + src + "-src")})
		if err != nil {
			return err
		}
		return check("CopyObject", out.ServerSideEncryption)
	case i < 860: // multipart with a part copied from another object
		return storeMultipart(gctx, c, bucket, key, add, check)
	default: // a large single blob
		body, m := markedBody(64<<10 + (i-860)*500)
		out, err := c.PutObject(gctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(body)})
		if err != nil {
			return err
		}
		add(markedObject{key, m, body})
		return check("PutObject", out.ServerSideEncryption)
	}
}

// storeMultipart makes key from an uploaded part and a part copied from a
// source object, each with its own marker.
func storeMultipart(gctx context.Context, c *s3.Client, bucket, key string, add func(markedObject), check func(string, types.ServerSideEncryption) error) error {
	b, k := aws.String(bucket), aws.String(key)
	srcBody, srcMarker := markedBody(20 << 10)
	if _, err := c.PutObject(gctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key + "-src"), Body: bytes.NewReader(srcBody)}); err != nil {
		return err
	}
	add(markedObject{key + "-src", srcMarker, srcBody})
	up, err := c.CreateMultipartUpload(gctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
	if err != nil {
		return err
	}
	if err := check("CreateMultipartUpload", up.ServerSideEncryption); err != nil {
		return err
	}
	partBody, partMarker := markedBody(66<<10 + 1)
	p1, err := c.UploadPart(gctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(partBody)})
	if err != nil {
		return err
	}
	if err := check("UploadPart", p1.ServerSideEncryption); err != nil {
		return err
	}
	p2, err := c.UploadPartCopy(gctx, &s3.UploadPartCopyInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(2),
		CopySource: aws.String(bucket + "/" + key + "-src")})
	if err != nil {
		return err
	}
	if err := check("UploadPartCopy", p2.ServerSideEncryption); err != nil {
		return err
	}
	done, err := c.CompleteMultipartUpload(gctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: p1.ETag}, {PartNumber: aws.Int32(2), ETag: p2.CopyPartResult.ETag},
		}}})
	if err != nil {
		return err
	}
	add(markedObject{key, partMarker, append(partBody, srcBody...)})
	return check("CompleteMultipartUpload", done.ServerSideEncryption)
}

// scanMarkers reads every file under dir and returns the keys of the
// objects one of whose marker halves (16 bytes) occurs in a file. Halves,
// not the whole marker: with encryption off, Pebble compresses its tables,
// and a compressor may replace four bytes of a marker by a back-reference
// to an equal run elsewhere in the block, which made whole-marker
// matching miss one marker now and then; it can hardly do so in both
// halves. Any occurrence of a 16-byte
// half holds an 8-byte aligned word that is one of its substrings
// half[k:k+8], k < 8, so the scan looks up only every eighth position.
func scanMarkers(t *testing.T, dir string, objs []markedObject) []string {
	t.Helper()
	const half = 16
	type cand struct{ obj, off, k int }
	words := map[uint64][]cand{}
	for i, o := range objs {
		for h := 0; h < len(o.marker); h += half {
			for k := range 8 {
				w := binary.LittleEndian.Uint64(o.marker[h+k:])
				words[w] = append(words[w], cand{i, h, k})
			}
		}
	}
	hit := make([]bool, len(objs))
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for a := 0; a+8 <= len(data); a += 8 {
			for _, c := range words[binary.LittleEndian.Uint64(data[a:])] {
				if o := a - c.k; o >= 0 && o+half <= len(data) && bytes.Equal(data[o:o+half], objs[c.obj].marker[c.off:c.off+half]) {
					hit[c.obj] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	if files < 10 {
		t.Fatalf("scanned only %d files under %s", files, dir)
	}
	var found []string
	for i, h := range hit {
		if h {
			found = append(found, objs[i].key)
		}
	}
	return found
}

// blobFiles lists the committed blob files under the server's data
// directory.
func blobFiles(t *testing.T, dataDir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	root := filepath.Join(dataDir, "blobs")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out[path] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// putBlob puts body and returns the path of the blob file it made.
func putBlob(t *testing.T, e *env, key string, body []byte) string {
	t.Helper()
	before := blobFiles(t, e.srv.DataDir)
	e.put(t, key, body)
	var made []string
	for p := range blobFiles(t, e.srv.DataDir) {
		if !before[p] {
			made = append(made, p)
		}
	}
	if len(made) != 1 {
		t.Fatalf("PutObject(%s) made %d blob files, want 1", key, len(made))
	}
	return made[0]
}

// TestEncryption_tamperedBlob changes an encrypted blob file on disk in the
// ways corruption or an attacker could and reads the object whole and in
// ranges: every read either fails (500 before the body, or a cut body) or
// returns exactly the right bytes of packages that were not touched; none
// returns bytes that failed authentication.
func TestEncryption_tamperedBlob(t *testing.T) {
	e := newEnv(t)
	const pkg, stored = 64 << 10, 64<<10 + 32 // plaintext and stored package sizes
	body := make([]byte, 3*pkg+100)
	rand.Read(body)
	other := make([]byte, len(body))
	rand.Read(other)
	path := putBlob(t, e, "victim", body)
	otherPath := putBlob(t, e, "other", other)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	otherFile, _ := os.ReadFile(otherPath)
	const hdr = 16 // blob file header
	flip := func(at int) []byte {
		b := bytes.Clone(orig)
		b[at] ^= 0x01
		return b
	}
	swap := bytes.Clone(orig)
	copy(swap[hdr:hdr+stored], orig[hdr+stored:hdr+2*stored])
	copy(swap[hdr+stored:hdr+2*stored], orig[hdr:hdr+stored])
	tests := []struct {
		name string
		file []byte
		// bad is the plaintext range [from, to) of the tampered
		// packages: a read that overlaps it must fail; others may
		// succeed, with the right bytes.
		from, to int
	}{
		{"flip in first package", flip(hdr + 100), 0, pkg},
		{"flip in second package", flip(hdr + stored + 100), pkg, 2 * pkg},
		{"flip in last tag", flip(len(orig) - 1), 3 * pkg, len(body)},
		{"flip in a package header", flip(hdr + 2*stored + 3), 2 * pkg, 3 * pkg},
		{"swap packages 1 and 2", swap, 0, 2 * pkg},
		{"truncated by a package", orig[:len(orig)-132], 0, len(body)},
		{"truncated by one byte", orig[:len(orig)-1], 0, len(body)},
		{"another object's blob", otherFile, 0, len(body)},
		{"plaintext header flag", append(append(bytes.Clone(orig[:11]), 0), orig[12:]...), 0, len(body)},
	}
	ranges := [][2]int{{0, len(body)}, {0, 10}, {pkg - 5, pkg + 5}, {pkg + 10, pkg + 20}, {2*pkg + 1, 3 * pkg}, {len(body) - 1, len(body)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.file, 0o640); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.WriteFile(path, orig, 0o640) })
			failed := 0
			for _, rg := range ranges {
				got, err := getRange(e, "victim", rg[0], rg[1])
				if err != nil {
					failed++
					continue
				}
				if !bytes.Equal(got, body[rg[0]:rg[1]]) {
					t.Fatalf("range [%d,%d) returned %d wrong bytes instead of failing", rg[0], rg[1], len(got))
				}
				if rg[0] < tt.to && rg[1] > tt.from {
					t.Errorf("range [%d,%d) touching tampered data succeeded", rg[0], rg[1])
				}
			}
			if failed == 0 {
				t.Error("no read failed")
			}
		})
	}
	// Restored, the object reads again.
	os.WriteFile(path, orig, 0o640)
	if got := e.getBody(t, "victim"); !bytes.Equal(got, body) {
		t.Error("restored object reads other bytes")
	}
}

// getRange reads bytes [from, to) of key; a failed request or a body cut
// short is an error.
func getRange(e *env, key string, from, to int) ([]byte, error) {
	out, err := e.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", from, to-1))})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// storeSSECMarked stores objects under a random customer key, each with a
// marker: inline, a blob, a two-part upload and an SSE-C to SSE-C copy
// of each. The last entry's "marker" is the customer key itself.
func storeSSECMarked(t *testing.T, e *env) []markedObject {
	t.Helper()
	var raw [32]byte
	rand.Read(raw[:])
	sum := md5.Sum(raw[:])
	k := ssecKey{raw: string(raw[:]), key: b64(raw[:]), md5: b64(sum[:])}
	other := newSSECKey(7)
	var objs []markedObject
	for i, size := range []int{200, 150 << 10} {
		key := fmt.Sprintf("ssec-%d", i)
		body, m := markedBody(size)
		if _, err := e.ssecPut(t, key, body, k); err != nil {
			t.Fatalf("PutObject(SSE-C): %v", err)
		}
		objs = append(objs, markedObject{key, m, body})
		if _, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key + "-copy"),
			CopySource:                     aws.String(e.bucket + "/" + key),
			CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(other.key), SSECustomerKeyMD5: aws.String(other.md5)}); err != nil {
			t.Fatalf("CopyObject(SSE-C): %v", err)
		}
	}
	b, mk := aws.String(e.bucket), aws.String("ssec-mp")
	up, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: mk,
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for n, size := range []int{70 << 10, 3000} {
		body, m := markedBody(size)
		p, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: b, Key: mk, UploadId: up.UploadId, PartNumber: aws.Int32(int32(n + 1)),
			Body: bytes.NewReader(body), SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
		if err != nil {
			t.Fatalf("UploadPart(SSE-C): %v", err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(n + 1)), ETag: p.ETag})
		objs = append(objs, markedObject{fmt.Sprintf("ssec-mp part %d", n+1), m, body})
	}
	if _, err := e.s3.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: b, Key: mk, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatalf("CompleteMultipartUpload(SSE-C): %v", err)
	}
	if got, _, err := e.ssecGet(t, "ssec-1", k, ""); err != nil || !bytes.Equal(got, objs[1].body) {
		t.Fatalf("GetObject(SSE-C): %v, or bytes differ", err)
	}
	return append(objs, markedObject{"the customer key", raw, nil})
}

// missingKeys lists the keys of objs that are not in found.
func missingKeys(objs []markedObject, found []string) []string {
	seen := map[string]bool{}
	for _, k := range found {
		seen[k] = true
	}
	var out []string
	for _, o := range objs {
		if !seen[o.key] {
			out = append(out, o.key)
		}
	}
	return out
}
