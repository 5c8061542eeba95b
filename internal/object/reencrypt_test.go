package object

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
)

// plaintextEnv is a Service with a keyring that stores new objects in
// plaintext, as one running with encryption at rest off does.
func plaintextEnv(t *testing.T, mod ...func(*Options)) *env {
	kr := testKeyring(t)
	return newEnv(t, append(mod, func(o *Options) { o.Keyring = kr })...)
}

// walkAll returns every version ScrubBatch walks.
func walkAll(t *testing.T, e *env) []ScrubVersion {
	t.Helper()
	var all []ScrubVersion
	var cur []byte
	for {
		vs, next, done, err := e.s.ScrubBatch(context.Background(), cur, 7)
		checkErr(t, "ScrubBatch", err, nil)
		all = append(all, vs...)
		if done {
			return all
		}
		cur = next
	}
}

// reencryptAll re-encrypts every version once and deletes the garbage
// at once; it returns the outcome per bucket/key@version.
func reencryptAll(t *testing.T, e *env) map[string]ReencryptOutcome {
	t.Helper()
	ctx := context.Background()
	out := map[string]ReencryptOutcome{}
	for _, v := range walkAll(t, e) {
		res, err := e.s.ReencryptVersion(ctx, &v, nil)
		checkErr(t, "ReencryptVersion("+v.Key+")", err, nil)
		out[v.Bucket+"/"+v.Key+"@"+v.VersionID] = res.Outcome
		checkErr(t, "DeleteUnreferencedBlobs", e.s.DeleteUnreferencedBlobs(ctx, res.Garbage), nil)
	}
	return out
}

// TestReencryptVersion_everyKind writes plaintext inline, single-blob,
// multipart and noncurrent versions, re-encrypts them, and checks that
// each now reads the same bytes (whole, ranges, parts) with everything
// else a client sees unchanged but the encryption, that the old blobs
// are gone, that the scrubber finds them intact, and that a second walk
// has nothing left to do.
func TestReencryptVersion_everyKind(t *testing.T) {
	ctx := context.Background()
	e := plaintextEnv(t, func(o *Options) { o.InlineLimit = 64 })
	e.bucket(t, "bkt")
	checkErr(t, "PutBucketVersioning", e.s.PutBucketVersioning(ctx, "bkt", VersioningEnabled), nil)
	big := strings.Repeat("0123456789abcdef", 20000) // 320000 bytes, several packages
	e.put(t, "bkt", "inline", "small enough to stay inline")
	e.put(t, "bkt", "old", "the noncurrent version, long enough for a blob of its own")
	e.put(t, "bkt", "old", big)
	e.put(t, "bkt", "empty", "")
	_, err := e.s.PutObjectTagging(ctx, "bkt", "inline", "", []Tag{{Key: "k", Value: "v"}})
	checkErr(t, "PutObjectTagging", err, nil)
	up, parts := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "mp", ChecksumAlgorithm: checksum.CRC32,
		ChecksumType: checksum.FullObject}, big[:100000], big[100000:250000], "tail of the multipart object")
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: parts})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	want := map[string]string{}
	before := map[string]ObjectInfo{}
	for _, v := range walkAll(t, e) {
		if !NeedsReencryption(&v) {
			t.Fatalf("%s@%s: NeedsReencryption = false before, want true", v.Key, v.VersionID)
		}
		out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: v.Key, VersionID: v.VersionID})
		checkErr(t, "GetObject", err, nil)
		var b bytes.Buffer
		_, err = b.ReadFrom(out.Body)
		out.Body.Close()
		checkErr(t, "read", err, nil)
		want[v.Key+"@"+v.VersionID], before[v.Key+"@"+v.VersionID] = b.String(), out.Info
		if out.Info.ServerSideEncryption != "" {
			t.Fatalf("%s: stored with %q before", v.Key, out.Info.ServerSideEncryption)
		}
	}
	blobsBefore := e.countBlobs(t)

	for name, o := range reencryptAll(t, e) {
		if o != Reencrypted {
			t.Errorf("%s: outcome %v, want Reencrypted", name, o)
		}
	}
	if n := e.countBlobs(t); n != blobsBefore {
		t.Errorf("%d blobs after, want %d (each old one replaced by one new one)", n, blobsBefore)
	}
	for name, body := range want {
		key, vid, _ := strings.Cut(name, "@")
		out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, VersionID: vid})
		checkErr(t, "GetObject after", err, nil)
		var b bytes.Buffer
		_, err = b.ReadFrom(out.Body)
		out.Body.Close()
		checkErr(t, "read after", err, nil)
		if b.String() != body {
			t.Errorf("%s: body changed (%d bytes, want %d)", name, b.Len(), len(body))
		}
		got, wantInfo := out.Info, before[name]
		if got.ServerSideEncryption != SSES3 {
			t.Errorf("%s: ServerSideEncryption %q, want %q", name, got.ServerSideEncryption, SSES3)
		}
		got.ServerSideEncryption = ""
		if diff := cmp.Diff(wantInfo, got); diff != "" {
			t.Errorf("%s: what a client sees changed (-before +after):\n%s", name, diff)
		}
		if len(body) > 70000 {
			rg, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, VersionID: vid, Range: &Range{Start: 65530, End: 70000}})
			checkErr(t, "ranged GetObject", err, nil)
			b.Reset()
			_, err = b.ReadFrom(rg.Body)
			rg.Body.Close()
			checkErr(t, "read range", err, nil)
			if b.String() != body[65530:70001] {
				t.Errorf("%s: range 65530-70000 differs", name)
			}
		}
	}
	part, _ := e.readPart(t, "bkt", "mp", GetInput{PartNumber: 2})
	if part != big[100000:250000] {
		t.Errorf("part 2 of mp differs after re-encryption")
	}
	for _, v := range walkAll(t, e) {
		if NeedsReencryption(&v) {
			t.Errorf("%s@%s: NeedsReencryption after = true", v.Key, v.VersionID)
		}
		f, err := e.s.CheckVersion(ctx, &v, nil)
		checkErr(t, "CheckVersion", err, nil)
		if f != nil {
			t.Errorf("%s@%s: scrub finds %+v", v.Key, v.VersionID, *f)
		}
	}
	for name, o := range reencryptAll(t, e) {
		if o != ReencryptNotNeeded {
			t.Errorf("second walk: %s: outcome %v, want ReencryptNotNeeded", name, o)
		}
	}
}

// TestReencryptVersion_concurrentChange: a version overwritten, deleted,
// or whose bytes were replaced after the walk read it is skipped, its
// new state untouched and no blob left behind.
func TestReencryptVersion_concurrentChange(t *testing.T) {
	ctx := context.Background()
	body := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, e *env)
		// after is the body expected under the key, "" for none.
		after string
	}{
		{"overwrite", func(t *testing.T, e *env) { e.put(t, "bkt", "k", "newer") }, "newer"},
		{"delete", func(t *testing.T, e *env) { e.del(t, "bkt", "k", "") }, ""},
		{"overwrite during the copy", nil, "during"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := plaintextEnv(t, noInline)
			e.bucket(t, "bkt")
			e.put(t, "bkt", "k", body)
			vs := walkAll(t, e)
			wait := Throttle(nil)
			if tc.change != nil {
				tc.change(t, e)
			} else {
				// The overwrite lands between the read of the old
				// bytes and the switch of the records.
				wait = func(context.Context, int64) error { e.put(t, "bkt", "k", "during"); return nil }
			}
			res, err := e.s.ReencryptVersion(ctx, &vs[0], wait)
			checkErr(t, "ReencryptVersion", err, nil)
			if res.Outcome != ReencryptSkipped || len(res.Garbage) != 0 {
				t.Errorf("result %+v, want ReencryptSkipped without garbage", res)
			}
			got, err := e.read("bkt", "k")
			if tc.after == "" {
				checkErr(t, "read", err, ErrNoSuchKey)
			} else if checkErr(t, "read", err, nil); got != tc.after {
				t.Errorf("body %q, want %q", got, tc.after)
			}
			want := 1
			if tc.after == "" {
				want = 0
			}
			if n := e.countBlobs(t); n != want {
				t.Errorf("%d blobs, want %d", n, want)
			}
		})
	}
}

// TestReencryptVersion_damagedPlaintext: plaintext that no longer
// matches its stored MD5 is not sealed (that would make damage look
// authentic): the version fails and stays as it was.
func TestReencryptVersion_damagedPlaintext(t *testing.T) {
	ctx := context.Background()
	e := plaintextEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", "inline bytes")
	var dataID string
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		rec, err := getObjectRecord(tx, "bkt", "k")
		if err != nil {
			return err
		}
		dataID = rec.DataID
		return tx.Set(inlineKey(rec.DataID), append([]byte{recordV1}, "inline bytez"...))
	})
	checkErr(t, "tamper", err, nil)
	vs := walkAll(t, e)
	res, err := e.s.ReencryptVersion(ctx, &vs[0], nil)
	checkErr(t, "ReencryptVersion", err, nil)
	if res.Outcome != ReencryptFailed || !strings.Contains(res.Problem, "MD5") {
		t.Errorf("result %+v, want ReencryptFailed for the MD5", res)
	}
	err = e.meta.View(ctx, func(r meta.Reader) error {
		_, sealed, err := readInline(r, dataID)
		if sealed {
			t.Error("damaged plaintext was sealed")
		}
		return err
	})
	checkErr(t, "readInline", err, nil)
}
