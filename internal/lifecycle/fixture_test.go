package lifecycle

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/object"
)

// fixture is an object service on the real stores in a temporary
// directory with a fake clock, and the lifecycle engine over it.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *clock.Fake
	meta  *pebble.Store
	blob  *fs.Store
	objs  *object.Service
	logs  *syncBuffer
}

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

// start is the fixture's first instant: mid-morning, so that rounding to
// the next midnight shows.
var start = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)

func newFixture(t *testing.T, mods ...func(*object.Options)) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, ctx: context.Background(), clock: clock.NewFake(start), logs: &syncBuffer{}}
	var err error
	if f.meta, err = pebble.Open(filepath.Join(dir, "meta"), pebble.Options{}); err != nil {
		t.Fatal(err)
	}
	if f.blob, err = fs.Open(filepath.Join(dir, "blob"), fs.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.meta.Close(); f.blob.Close() })
	o := object.Options{Meta: f.meta, Blob: f.blob, Clock: f.clock, MinPartSize: 5}
	for _, m := range mods {
		m(&o)
	}
	f.objs, err = object.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) engine(mod ...func(*Options)) *Engine {
	f.t.Helper()
	o := Options{Objects: f.objs, Meta: f.meta, Clock: f.clock, Logger: slog.New(slog.NewTextHandler(f.logs, nil)),
		Sleep: func(context.Context, time.Duration) error { return nil }, Batch: 3}
	for _, m := range mod {
		m(&o)
	}
	e, err := New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// pass runs one complete pass and fails the test on error.
func (f *fixture) pass(e *Engine) Stats {
	f.t.Helper()
	st, err := e.RunPass(f.ctx)
	if err != nil {
		f.t.Fatalf("RunPass: %v", err)
	}
	return st
}

func (f *fixture) bucket(name string, versioning object.VersioningStatus, cfg rules.Config) {
	f.t.Helper()
	if _, err := f.objs.CreateBucket(f.ctx, object.CreateBucketInput{Name: name, Owner: "alice", ObjectLock: versioning == "lock"}); err != nil {
		f.t.Fatal(err)
	}
	if versioning == object.VersioningEnabled || versioning == object.VersioningSuspended {
		if err := f.objs.PutBucketVersioning(f.ctx, name, object.VersioningEnabled); err != nil {
			f.t.Fatal(err)
		}
	}
	if versioning == object.VersioningSuspended {
		if err := f.objs.PutBucketVersioning(f.ctx, name, object.VersioningSuspended); err != nil {
			f.t.Fatal(err)
		}
	}
	if err := cfg.Validate(func() string { return "generated" }); err != nil {
		f.t.Fatal(err)
	}
	if err := f.objs.PutBucketLifecycle(f.ctx, name, cfg); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) put(bucket, key, data string) object.ObjectInfo {
	f.t.Helper()
	info, err := f.objs.PutObject(f.ctx, object.PutInput{Bucket: bucket, Key: key, Body: strings.NewReader(data), Size: int64(len(data))})
	if err != nil {
		f.t.Fatal(err)
	}
	return info
}

func (f *fixture) del(bucket, key string) {
	f.t.Helper()
	if _, err := f.objs.DeleteObject(f.ctx, object.DeleteInput{Bucket: bucket, Key: key}); err != nil {
		f.t.Fatal(err)
	}
}

// versions lists every version of bucket, newest first per key.
func (f *fixture) versions(bucket string) []object.ObjectInfo {
	f.t.Helper()
	out, err := f.objs.ListObjectVersions(f.ctx, object.ListVersionsInput{Bucket: bucket, MaxKeys: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Versions
}

// describe renders versions compactly: key, then per version "obj" or
// "dm", current first.
func describe(vs []object.ObjectInfo) string {
	var b strings.Builder
	last := ""
	for _, v := range vs {
		if v.Key != last {
			if last != "" {
				b.WriteString(" ")
			}
			b.WriteString(v.Key + "=")
			last = v.Key
		} else {
			b.WriteString(",")
		}
		if v.DeleteMarker {
			b.WriteString("dm")
		} else {
			b.WriteString(strings.TrimSpace(f2s(v)))
		}
	}
	return b.String()
}

// f2s names an object version by its size, which the tests use as a
// label ("v1" is stored as one byte, and so on).
func f2s(v object.ObjectInfo) string { return "v" + string(rune('0'+v.Size)) }

// v returns object data labelled n: n bytes, so that describe shows
// "vn".
func v(n int) string { return strings.Repeat("x", n) }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
