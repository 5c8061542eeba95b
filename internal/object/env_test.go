package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
)

// testEpoch is the fake clock's starting time.
var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is a Service over test stores with a fake clock.
type env struct {
	s     *Service
	meta  meta.Store
	blob  blob.Store
	clock *clock.Fake
}

// backend builds the stores of one env.
type backend struct {
	name string
	open func(t testing.TB, now func() time.Time) (meta.Store, blob.Store)
}

// memBackend keeps everything in memory.
var memBackend = backend{"mem", func(t testing.TB, now func() time.Time) (meta.Store, blob.Store) {
	return newMemMeta(), newMemBlob(now)
}}

// diskFlag runs every test on Pebble and the file-system blob store
// instead of the in-memory stores (go test -args -disk).
var diskFlag = flag.Bool("disk", false, "run all tests on pebble and the fs blob store")

// newEnv returns a Service on in-memory stores (on disk stores with
// -disk). mod may adjust the options.
func newEnv(t testing.TB, mod ...func(*Options)) *env {
	if *diskFlag {
		return newEnvOn(t, diskBackend, mod...)
	}
	return newEnvOn(t, memBackend, mod...)
}

func newEnvOn(t testing.TB, b backend, mod ...func(*Options)) *env {
	t.Helper()
	fc := clock.NewFake(testEpoch)
	m, bl := b.open(t, fc.Now)
	opts := Options{Meta: m, Blob: bl, Clock: fc, MinPartSize: 5}
	for _, f := range mod {
		f(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		m.Close()
		bl.Close()
	})
	return &env{s: s, meta: m, blob: bl, clock: fc}
}

// noInline stores every object in a blob.
func noInline(o *Options) { o.InlineLimit = -1 }

func (e *env) bucket(t testing.TB, name string) {
	t.Helper()
	if _, err := e.s.CreateBucket(context.Background(), CreateBucketInput{Name: name, Owner: "alice"}); err != nil {
		t.Fatalf("CreateBucket(%q): %v", name, err)
	}
}

func (e *env) put(t testing.TB, bucket, key, body string) ObjectInfo {
	t.Helper()
	info, err := e.s.PutObject(context.Background(), PutInput{
		Bucket: bucket, Key: key, Body: bytes.NewReader([]byte(body)), Size: int64(len(body)),
	})
	if err != nil {
		t.Fatalf("PutObject(%s/%s): %v", bucket, key, err)
	}
	return info
}

// read returns the whole body of a GetObject, or its error.
func (e *env) read(bucket, key string) (string, error) {
	out, err := e.s.GetObject(context.Background(), GetInput{Bucket: bucket, Key: key})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

// countBlobs counts the committed blobs in the env's blob store.
func (e *env) countBlobs(t testing.TB) int {
	t.Helper()
	n := 0
	err := e.blob.Walk(context.Background(), func(blob.ID, time.Time) error { n++; return nil })
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return n
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func md5raw(s string) []byte {
	sum := md5.Sum([]byte(s))
	return sum[:]
}

// errReader fails after yielding its prefix.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

var errBroken = errors.New("broken body")

// checkErr fails if err does not match want (nil means success).
func checkErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s = %v, want success", what, err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

func ptr[T any](v T) *T { return &v }

func keyN(i int) string { return fmt.Sprintf("k%06d", i) }
