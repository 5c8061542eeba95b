package object

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

// Golden object records in objectFormatV3, as coffer wrote them before
// encryption at rest (captured from that code, never regenerated): a
// single-blob object naming the blob of blob/fs/testdata/v1, and an inline
// object "hi".
const (
	goldenV3Blob   = "0302002030313233343536373839616263646566303132333435363738396162636465662a2063386364323761633732333534343931623232663933616634663961363134328080b4bdb6f6da98310a746578742f706c61696e00000000000101610162000943524336344e564d450b46554c4c5f4f424a45435408010203040506070800056f776e657220303132333435363738396162636465663031323334353637383961626364656600000000"
	goldenV3Inline = "030100206665646362613938373635343332313066656463626139383736353433323130042034396636386135633834393365633263306266343839383231633231666333628080b4bdb6f6da9831000000000000000000056f776e65720000000000"
)

// TestEncryption_readsPlaintextFromBefore opens Pebble and blob/fs stores
// holding data as coffer wrote it before encryption at rest (golden V3
// records, an inline record and a plaintext blob file) with a Service that
// encrypts at rest: the old objects read unchanged and say they are not
// encrypted, and a new one is encrypted.
func TestEncryption_readsPlaintextFromBefore(t *testing.T) {
	ctx := context.Background()
	e := goldenPlaintextStore(t)
	s := e.s
	for key, want := range map[string]string{"old-blob": "hello from format v1\n", "old-inline": "hi"} {
		out, err := s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key})
		checkErr(t, "GetObject("+key+")", err, nil)
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		checkErr(t, "read "+key, err, nil)
		if string(got) != want || out.Info.ETag != md5hex(want) || out.Info.ServerSideEncryption != "" {
			t.Errorf("%s: got %q, ETag %s, SSE %q; want %q, its MD5, no SSE", key, got, out.Info.ETag, out.Info.ServerSideEncryption, want)
		}
		rg, err := s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, Range: &Range{Start: 1, End: 1}})
		checkErr(t, "GetObject(range)", err, nil)
		got, _ = io.ReadAll(rg.Body)
		rg.Body.Close()
		if string(got) != want[1:2] {
			t.Errorf("%s: range 1-1 = %q, want %q", key, got, want[1:2])
		}
	}
	if info := e.put(t, "bkt", "new", "fresh"); info.ServerSideEncryption != SSES3 {
		t.Errorf("new object: ServerSideEncryption %q, want %q", info.ServerSideEncryption, SSES3)
	}
}

// goldenPlaintextStore opens Pebble and blob/fs stores holding the golden
// records of the format before encryption at rest ("bkt/old-blob" and
// "bkt/old-inline") with a Service that encrypts at rest.
func goldenPlaintextStore(t *testing.T) *env {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "blob"), os.DirFS("../blob/fs/testdata/v1")); err != nil {
		t.Fatal(err)
	}
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	checkErr(t, "pebble.Open", err, nil)
	t.Cleanup(func() { m.Close() })
	b, err := fs.Open(filepath.Join(dir, "blob"), fs.Options{})
	checkErr(t, "fs.Open", err, nil)
	t.Cleanup(func() { b.Close() })
	s, err := New(Options{Meta: m, Blob: b, Clock: clock.NewFake(testEpoch), Keyring: testKeyring(t), EncryptAtRest: true})
	checkErr(t, "New", err, nil)
	e := &env{s: s, meta: m, blob: b}
	e.bucket(t, "bkt")
	blobRec, _ := hex.DecodeString(goldenV3Blob)
	inlineRec, _ := hex.DecodeString(goldenV3Inline)
	err = m.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Set(objectKey("bkt", "old-blob"), blobRec); err != nil {
			return err
		}
		if err := tx.Set(objectKey("bkt", "old-inline"), inlineRec); err != nil {
			return err
		}
		return tx.Set(inlineKey("fedcba9876543210fedcba9876543210"), append([]byte{recordV1}, "hi"...))
	})
	checkErr(t, "write golden records", err, nil)
	return e
}

// TestEncryption_reencryptsPlaintextFromBefore re-encrypts the golden
// records of the format before encryption at rest (the blob record has
// no reference record, as the format then wrote none): both then read
// the same bytes and ETag, whole and ranged, and say AES256.
func TestEncryption_reencryptsPlaintextFromBefore(t *testing.T) {
	ctx := context.Background()
	e := goldenPlaintextStore(t)
	// The blob fixture's checksum is a placeholder, which the checks
	// before sealing (rightly) refuse: give it the real one.
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		rec, err := getObjectRecord(tx, "bkt", "old-blob")
		if err != nil {
			return err
		}
		h := rec.Checksum.Alg.New()
		h.Write([]byte("hello from format v1\n"))
		rec.Checksum.Value = h.Sum(nil)
		return tx.Set(objectKey("bkt", "old-blob"), encodeObject(rec))
	})
	checkErr(t, "fix the fixture's checksum", err, nil)
	for _, v := range walkAll(t, e) {
		res, err := e.s.ReencryptVersion(ctx, &v, nil)
		checkErr(t, "ReencryptVersion("+v.Key+")", err, nil)
		if res.Outcome != Reencrypted {
			t.Errorf("%s: outcome %v (%s), want Reencrypted", v.Key, res.Outcome, res.Problem)
		}
		checkErr(t, "DeleteUnreferencedBlobs", e.s.DeleteUnreferencedBlobs(ctx, res.Garbage), nil)
	}
	for key, want := range map[string]string{"old-blob": "hello from format v1\n", "old-inline": "hi"} {
		for _, rg := range []*Range{nil, {Start: 1, End: 1}} {
			out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, Range: rg})
			checkErr(t, "GetObject("+key+")", err, nil)
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			checkErr(t, "read "+key, err, nil)
			if rg != nil {
				want = want[1:2]
			}
			if string(got) != want || out.Info.ServerSideEncryption != SSES3 || out.Info.ETag == "" {
				t.Errorf("%s range %v: %q, SSE %q; want %q, AES256", key, rg, got, out.Info.ServerSideEncryption, want)
			}
		}
	}
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("%d blobs, want 1 (the plaintext one replaced)", n)
	}
}

// TestEncryption_tamperedInline changes the encrypted bytes of an inline
// object in meta (a flipped bit, a cut, another object's bytes, the
// plaintext format byte): every read fails with a corruption error and
// returns no bytes.
func TestEncryption_tamperedInline(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, encryptAtRest(t, nil))
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a", "the inline object a")
	e.put(t, "bkt", "b", "the inline object b")
	stored := func(key string) (dataID string, v []byte) {
		err := e.meta.View(ctx, func(r meta.Reader) error {
			rec, err := getObjectRecord(r, "bkt", key)
			if err != nil {
				return err
			}
			dataID = rec.DataID
			v, err = r.Get(inlineKey(rec.DataID))
			v = bytes.Clone(v)
			return err
		})
		checkErr(t, "read inline", err, nil)
		return dataID, v
	}
	idA, a := stored("a")
	_, b := stored("b")
	flip := bytes.Clone(a)
	flip[len(flip)/2] ^= 1
	plainFormat := bytes.Clone(a)
	plainFormat[0] = recordV1
	for name, v := range map[string][]byte{
		"flipped":       flip,
		"truncated":     a[:len(a)-1],
		"other object":  b,
		"plain format":  plainFormat,
		"tag flipped":   append(bytes.Clone(a[:len(a)-1]), a[len(a)-1]^0x80),
		"header change": append([]byte{a[0], a[1] ^ 1}, a[2:]...),
	} {
		t.Run(name, func(t *testing.T) {
			err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(inlineKey(idA), v) })
			checkErr(t, "tamper", err, nil)
			for _, rg := range []*Range{nil, {Start: 3, End: 5}} {
				out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: "a", Range: rg})
				if err == nil {
					got, rerr := io.ReadAll(out.Body)
					out.Body.Close()
					t.Fatalf("GetObject of tampered inline data = %q, %v; want an error", got, rerr)
				}
				if !errors.Is(err, errDataCorrupt) {
					t.Errorf("GetObject error = %v, want errDataCorrupt", err)
				}
			}
		})
	}
}
