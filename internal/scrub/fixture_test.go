package scrub

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sse"
)

// fixture is an object service on the real stores (Pebble and blob
// files) in a temporary directory, so tests can damage files as a disk
// would. New objects are plaintext unless a write asks for encryption.
type fixture struct {
	t     *testing.T
	dir   string
	kr    *sse.Keyring
	clock *clock.Fake
	meta  *pebble.Store
	blob  *fs.Store
	objs  *object.Service
	logs  *syncBuffer
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	kr := sse.NewKeyring()
	m, err := sse.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := kr.Add(1, m); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: t.TempDir(), kr: kr, clock: clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}
	f.open()
	t.Cleanup(f.close)
	return f
}

// open opens the stores and the service (again, after close: a restart).
func (f *fixture) open() {
	f.t.Helper()
	var err error
	if f.meta, err = pebble.Open(filepath.Join(f.dir, "meta"), pebble.Options{}); err != nil {
		f.t.Fatal(err)
	}
	if f.blob, err = fs.Open(filepath.Join(f.dir, "blob"), fs.Options{}); err != nil {
		f.t.Fatal(err)
	}
	f.objs, err = object.New(object.Options{Meta: f.meta, Blob: f.blob, Clock: f.clock, Keyring: f.kr, MinPartSize: 5,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) close() {
	if f.meta != nil {
		f.meta.Close()
		f.blob.Close()
		f.meta, f.blob = nil, nil
	}
}

// scrubber returns a scrubber of f's service; mod adjusts its options.
func (f *fixture) scrubber(mod ...func(*Options)) *Scrubber {
	f.t.Helper()
	o := Options{Objects: f.objs, Clock: f.clock, Logger: slog.New(slog.NewTextHandler(f.logs, nil)),
		Sleep: func(context.Context, time.Duration) error { return nil }}
	for _, m := range mod {
		m(&o)
	}
	s, err := New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) bucket(name string, versioned bool) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.objs.CreateBucket(ctx, object.CreateBucketInput{Name: name, Owner: "alice"}); err != nil {
		f.t.Fatal(err)
	}
	if versioned {
		if err := f.objs.PutBucketVersioning(ctx, name, object.VersioningEnabled); err != nil {
			f.t.Fatal(err)
		}
	}
}

func body(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// put writes bucket/key and returns its version id.
func (f *fixture) put(bucket, key string, b []byte, enc bool) string {
	f.t.Helper()
	in := object.PutInput{Bucket: bucket, Key: key, Body: bytes.NewReader(b), Size: int64(len(b)), Encrypt: enc}
	if !enc {
		// A plaintext object gets a full-object checksum besides its MD5.
		in.ChecksumAlgorithm = "CRC32C"
	}
	info, err := f.objs.PutObject(context.Background(), in)
	if err != nil {
		f.t.Fatalf("PutObject(%s): %v", key, err)
	}
	return info.VersionID
}

// multipart writes bucket/key in parts of partSize bytes.
func (f *fixture) multipart(bucket, key string, b []byte, partSize int, enc bool) {
	f.t.Helper()
	ctx := context.Background()
	up, err := f.objs.CreateMultipartUpload(ctx, object.CreateUploadInput{Bucket: bucket, Key: key, Encrypt: enc})
	if err != nil {
		f.t.Fatal(err)
	}
	var parts []object.CompletedPart
	for n, off := 1, 0; off < len(b); n++ {
		end := min(off+partSize, len(b))
		p, err := f.objs.UploadPart(ctx, object.UploadPartInput{Bucket: bucket, Key: key, UploadID: up.UploadID, PartNumber: n,
			Body: bytes.NewReader(b[off:end]), Size: int64(end - off)})
		if err != nil {
			f.t.Fatal(err)
		}
		parts = append(parts, object.CompletedPart{PartNumber: n, ETag: p.ETag})
		off = end
	}
	if _, err := f.objs.CompleteMultipartUpload(ctx, object.CompleteInput{Bucket: bucket, Key: key, UploadID: up.UploadID, Parts: parts}); err != nil {
		f.t.Fatal(err)
	}
}

// versions walks every stored version.
func (f *fixture) versions() []object.ScrubVersion {
	f.t.Helper()
	var all []object.ScrubVersion
	var cur []byte
	for {
		vs, next, done, err := f.objs.ScrubBatch(context.Background(), cur, 3)
		if err != nil {
			f.t.Fatal(err)
		}
		all = append(all, vs...)
		if done {
			return all
		}
		cur = next
	}
}

// version finds the stored version of bucket/key (the only one, or the
// one with versionID when set).
func (f *fixture) version(bucket, key, versionID string) object.ScrubVersion {
	f.t.Helper()
	for _, v := range f.versions() {
		if v.Bucket == bucket && v.Key == key && (versionID == "" || v.VersionID == versionID) {
			return v
		}
	}
	f.t.Fatalf("no stored version %s/%s %s", bucket, key, versionID)
	return object.ScrubVersion{}
}

// blobPath is where the fs store keeps blob id (fanout, then the id).
func (f *fixture) blobPath(id string) string {
	return filepath.Join(f.dir, "blob", id[0:2], id[2:4], id)
}

// blobHeader is the fs store's header size: payload offsets start there.
const blobHeader = 16

// editBlob rewrites a blob file's bytes with edit.
func (f *fixture) editBlob(id string, edit func([]byte) []byte) {
	f.t.Helper()
	p := f.blobPath(id)
	b, err := os.ReadFile(p)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, edit(b), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

// editMeta rewrites a meta value with edit.
func (f *fixture) editMeta(key []byte, edit func([]byte) []byte) {
	f.t.Helper()
	err := f.meta.Update(context.Background(), func(tx meta.Txn) error {
		v, err := tx.Get(key)
		if err != nil {
			return err
		}
		return tx.Set(key, edit(append([]byte(nil), v...)))
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// read reads a whole object version.
func (f *fixture) read(bucket, key, versionID string) ([]byte, error) {
	out, err := f.objs.GetObject(context.Background(), object.GetInput{Bucket: bucket, Key: key, VersionID: versionID})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// damagedLines counts the log lines reporting damaged versions.
func (f *fixture) damagedLines() int {
	return strings.Count(f.logs.String(), "scrub: damaged object version")
}
