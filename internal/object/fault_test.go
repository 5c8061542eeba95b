package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
)

// faultBlob wraps a blob store and fails writes, commits (where the fs
// store fsyncs) and reads at chosen points, as a failing disk would.
type faultBlob struct {
	blob.Store
	writeErr     error // returned by the write that reaches writeAt
	writeAt      int64
	commitErr    error // returned by Commit (a failed fsync)
	readErr      error // returned by reads that reach readAt
	readAt       int64
	failedWrites atomic.Int64
}

func (f *faultBlob) Create(ctx context.Context) (blob.Writer, error) {
	w, err := f.Store.Create(ctx)
	if err != nil {
		return nil, err
	}
	return &faultWriter{Writer: w, f: f}, nil
}

func (f *faultBlob) Open(ctx context.Context, id blob.ID) (blob.Reader, error) {
	r, err := f.Store.Open(ctx, id)
	if err != nil {
		return nil, err
	}
	return &faultReader{Reader: r, f: f}, nil
}

type faultWriter struct {
	blob.Writer
	f *faultBlob
	n int64
}

func (w *faultWriter) Write(p []byte) (int, error) {
	if w.f.writeErr != nil && w.n+int64(len(p)) > w.f.writeAt {
		k := max(w.f.writeAt-w.n, 0)
		n, _ := w.Writer.Write(p[:k]) // a short write, then the error
		w.n += int64(n)
		w.f.failedWrites.Add(1)
		return n, w.f.writeErr
	}
	n, err := w.Writer.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *faultWriter) Commit(ctx context.Context) (blob.ID, error) {
	if w.f.commitErr != nil {
		_ = w.Writer.Abort()
		return "", w.f.commitErr
	}
	return w.Writer.Commit(ctx)
}

type faultReader struct {
	blob.Reader
	f *faultBlob
}

func (r *faultReader) ReadAt(p []byte, off int64) (int, error) {
	if r.f.readErr != nil && off+int64(len(p)) > r.f.readAt {
		k := max(r.f.readAt-off, 0)
		n, _ := r.Reader.ReadAt(p[:k], off)
		return n, r.f.readErr
	}
	return r.Reader.ReadAt(p, off)
}

// faultEnv is an env on the disk stores with the blob store wrapped, every
// object in a blob, encrypted at rest or not.
func faultEnv(t *testing.T, encrypted bool, fb **faultBlob) *env {
	wrap := func(o *Options) {
		f := &faultBlob{Store: o.Blob}
		*fb = f
		o.Blob = f
		o.InlineLimit = -1
	}
	mods := []func(*Options){wrap}
	if encrypted {
		mods = append(mods, encryptAtRest(t, testKeyring(t)))
	}
	e := newEnvOn(t, diskBackend, mods...)
	e.bucket(t, "bkt")
	return e
}

// TestFaultyBlobStore: coffer never acknowledges a write whose blob write
// or fsync failed, leaves nothing of it behind, keeps the previous version
// readable, tells a client to retry later when the disk is full, and never
// returns wrong bytes when a read fails.
func TestFaultyBlobStore(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		t.Run(fmt.Sprintf("encrypted=%v", encrypted), func(t *testing.T) {
			var fb *faultBlob
			e := faultEnv(t, encrypted, &fb)
			old := string(bytes.Repeat([]byte("old "), 50_000))
			e.put(t, "bkt", "k", old)
			blobs := e.countBlobs(t)
			body := bytes.Repeat([]byte("new!"), 100_000)

			for _, tc := range []struct {
				name    string
				set     func()
				wantErr error
			}{
				{"write fails midway", func() { fb.writeErr, fb.writeAt = syscall.EIO, 123_457 }, nil},
				{"disk full midway", func() { fb.writeErr, fb.writeAt = syscall.ENOSPC, 200_000 }, ErrInsufficientSpace},
				{"fsync fails at commit", func() { fb.commitErr = syscall.EIO }, nil},
			} {
				fb.writeErr, fb.commitErr = nil, nil
				tc.set()
				_, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(body), Size: int64(len(body))})
				if err == nil {
					t.Fatalf("%s: PutObject acknowledged a write that failed", tc.name)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("%s: PutObject = %v, want %v", tc.name, err, tc.wantErr)
				}
				fb.writeErr, fb.commitErr = nil, nil
				if got, err := e.read("bkt", "k"); err != nil || got != old {
					t.Fatalf("%s: the previous version reads %d bytes, %v; want it intact", tc.name, len(got), err)
				}
				if n := e.countBlobs(t); n != blobs {
					t.Errorf("%s: %d blobs after the failed write, want %d: something half-written remains", tc.name, n, blobs)
				}
			}

			// A failed part upload is not acknowledged either.
			up, err := e.s.CreateMultipartUpload(context.Background(), CreateUploadInput{Bucket: "bkt", Key: "mp"})
			if err != nil {
				t.Fatal(err)
			}
			fb.commitErr = syscall.EIO
			if _, err := e.s.UploadPart(context.Background(), UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID,
				PartNumber: 1, Body: bytes.NewReader(body), Size: int64(len(body))}); err == nil {
				t.Fatal("UploadPart acknowledged a part whose fsync failed")
			}
			fb.commitErr = nil

			// Reads failing at several offsets: an error, and never a wrong byte.
			for _, at := range []int64{0, 1, 4096, 65_536 + 7, int64(len(old)) - 1} {
				fb.readErr, fb.readAt = syscall.EIO, at
				got, err := e.read("bkt", "k")
				if err == nil {
					t.Errorf("read failing at %d: GetObject returned no error", at)
				}
				if !bytes.HasPrefix([]byte(old), []byte(got)) {
					t.Errorf("read failing at %d: %d bytes returned that are not the object's", at, len(got))
				}
			}
			fb.readErr = nil
			if got, err := e.read("bkt", "k"); err != nil || got != old {
				t.Fatalf("read after the faults: %d bytes, %v", len(got), err)
			}
		})
	}
}

// switchGuard is a space guard that refuses every write while on.
type switchGuard struct{ on atomic.Bool }

func (g *switchGuard) Admit(int64) error {
	if g.on.Load() {
		return errors.New("test: no space")
	}
	return nil
}

// TestSpaceGuardRefusesWritesOnly: with the guard refusing, every write
// that adds data fails with ErrInsufficientSpace before it stores
// anything, while reads, listings and deletes go on.
func TestSpaceGuardRefusesWritesOnly(t *testing.T) {
	var guard switchGuard
	e := newEnv(t, noInline, func(o *Options) { o.Space = &guard })
	e.bucket(t, "bkt")
	e.put(t, "bkt", "keep", "kept")
	e.put(t, "bkt", "drop", "dropped")
	blobs := e.countBlobs(t)
	guard.on.Store(true)
	ctx := context.Background()
	body := "refused"
	writes := map[string]func() error{
		"PutObject": func() error {
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "new", Body: bytes.NewReader([]byte(body)), Size: int64(len(body))})
			return err
		},
		"CreateBucket": func() error {
			_, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "new-bucket", Owner: "alice"})
			return err
		},
		"CreateMultipartUpload": func() error {
			_, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "mp"})
			return err
		},
		"CopyObject": func() error {
			_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "keep", DstBucket: "bkt", DstKey: "copy"})
			return err
		},
	}
	for name, write := range writes {
		if err := write(); !errors.Is(err, ErrInsufficientSpace) {
			t.Errorf("%s while refusing = %v, want ErrInsufficientSpace", name, err)
		}
	}
	if n := e.countBlobs(t); n != blobs {
		t.Errorf("%d blobs after refused writes, want %d", n, blobs)
	}
	if got, err := e.read("bkt", "keep"); err != nil || got != "kept" {
		t.Errorf("GetObject while refusing = %q, %v", got, err)
	}
	if _, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "drop"}); err != nil {
		t.Errorf("DeleteObject while refusing: %v", err)
	}
	if _, err := e.read("bkt", "drop"); !errors.Is(err, ErrNoSuchKey) {
		t.Errorf("GetObject of the deleted object = %v, want ErrNoSuchKey", err)
	}
}
