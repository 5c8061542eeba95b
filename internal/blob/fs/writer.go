package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
)

// errWriterDone is returned by Write and Commit after Commit or Abort.
var errWriterDone = errors.New("blob/fs: writer already committed or aborted")

type writerState int

const (
	writing writerState = iota
	committed
	aborted
)

// writer implements blob.Writer: bytes go to tmp/<id> through a pooled
// buffer, and Commit moves the synced file into its fan-out directory.
type writer struct {
	s     *Store
	id    blob.ID
	tmp   string
	f     *os.File
	buf   *[]byte // from s.bufs; nil once returned
	n     int     // bytes pending in *buf
	err   error   // first write error; the blob is then unusable
	state writerState
	// off is the file offset of the next write. written is the number
	// of bytes whose writes completed; writeback is how many of them
	// have been handed to startWriteback.
	off       int64
	written   int64
	writeback int64
	// direct is whether f has O_DIRECT set: writes must then be whole
	// blocks from an aligned buffer.
	direct bool
	// flushed is how many bytes had been written when the last
	// background data sync of direct writes started (see flushBehind);
	// flushing reports its end while it runs, and flushErr keeps the
	// first such sync's failure.
	flushed  int64
	flushing chan error
	flushErr error
	// inflight are the full buffers being written in the background,
	// oldest first, each with one of the store's spare reservations.
	inflight []*pending
	// tee, during ReadFromTee, receives the bytes read; those in the
	// current buffer start at teeFrom.
	tee     io.Writer
	teeFrom int
	// tees feeds tee's goroutine (teeLoop) while ReadFromTee runs.
	tees chan teePart
}

// writebackInterval is how many bytes a writer lets the page cache
// accumulate before asking the kernel to start writing them out. Without
// it a large blob sits dirty in memory until Commit's fsync, which then
// writes all of it while the upload waits; with it the disk works while
// the rest of the body arrives.
const writebackInterval = 8 << 20

// Create implements blob.Store.
func (s *Store) Create(ctx context.Context) (blob.Writer, error) {
	return s.CreateFlagged(ctx, 0)
}

// CreateFlagged implements blob.FlagCreator: flags go into the header.
func (s *Store) CreateFlagged(ctx context.Context, flags blob.Flags) (blob.Writer, error) {
	if uint16(flags)&^knownFlags != 0 {
		return nil, fmt.Errorf("create blob: unknown flags %#04x", uint16(flags))
	}
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	id := newID()
	tmp := filepath.Join(s.dir, tmpDir, string(id))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create blob: %w", err)
	}
	w := &writer{s: s, id: id, tmp: tmp, f: f, buf: s.bufs.Get().(*[]byte)}
	// The header goes out with the first buffer flush.
	h := encodeHeader(uint16(flags))
	w.n = copy(*w.buf, h[:])
	return w, nil
}

// Commit implements blob.Writer. The order makes the blob durable before it
// is visible and visible only when whole:
//
//  1. flush and fsync the temp file (data, size and mtime);
//  2. make sure the fan-out directory exists and is durable;
//  3. rename the file into it (atomic: readers see all or nothing);
//  4. fsync the fan-out directory, making the rename durable.
//
// A crash before 3 leaves a temp file, which Open removes; after 3 the
// blob is complete. If ctx is done before step 3, the blob is discarded.
func (w *writer) Commit(ctx context.Context) (blob.ID, error) {
	if w.state != writing {
		return "", errWriterDone
	}
	if err := w.commit(ctx); err != nil {
		if !errors.Is(err, errCrashed) {
			w.Abort()
		}
		return "", fmt.Errorf("commit blob %s: %w", w.id, err)
	}
	w.state = committed
	w.release()
	return w.id, nil
}

// errCrashed marks a Commit stopped by the test crash hook: the files stay
// exactly as they are, as after a real crash.
var errCrashed = errors.New("blob/fs: simulated crash")

func (w *writer) commit(ctx context.Context) error {
	if w.err != nil {
		return w.err
	}
	if err := w.flushTail(); err != nil {
		return err
	}
	// Walk reports the mtime as the commit time; the last write may have
	// been long ago if the caller paused before committing.
	now := time.Now()
	if err := os.Chtimes(w.tmp, now, now); err != nil {
		return err
	}
	if err := w.waitFlush(); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	w.f = nil
	if err := w.s.hook("synced"); err != nil {
		return err
	}
	dir := fanout(w.id)
	if err := w.s.ensureDir(dir); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := w.s.path(w.id)
	if err := os.Rename(w.tmp, final); err != nil {
		return err
	}
	if err := w.s.hook("renamed"); err != nil {
		return err
	}
	if err := syncDir(filepath.Join(w.s.dir, dir)); err != nil {
		// Visible but maybe not durable: take it back so that a failed
		// Commit never leaves a readable blob.
		os.Remove(final)
		return err
	}
	return nil
}

func (s *Store) hook(step string) error {
	if s.crashHook == nil {
		return nil
	}
	if err := s.crashHook(step); err != nil {
		return fmt.Errorf("%w at %s: %w", errCrashed, step, err)
	}
	return nil
}

// Abort implements blob.Writer.
func (w *writer) Abort() error {
	if w.state != writing {
		return nil
	}
	w.state = aborted
	_ = w.waitAll() // the blob is discarded; only the buffers matter
	_ = w.waitFlush()
	w.release()
	var err error
	if w.f != nil {
		err = w.f.Close()
		w.f = nil
	}
	if rerr := os.Remove(w.tmp); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) && err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("abort blob %s: %w", w.id, err)
	}
	return nil
}

// release returns the buffer to the pool. Nothing may be in flight.
func (w *writer) release() {
	if w.buf != nil {
		w.s.bufs.Put(w.buf)
		w.buf = nil
	}
}
