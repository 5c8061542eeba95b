package fs

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
)

// DefaultBufferSize is the write buffer of one Writer. Buffers are pooled.
// A 64 MiB upload streams through two of them in 128 direct writes of
// whole, aligned blocks, one filling while the other is written; 512 KiB
// writes run this disk about 1.5× faster than 256 KiB ones, and 64
// concurrent uploads hold 64 MiB of buffers.
const DefaultBufferSize = 512 << 10

// tmpDir holds blobs being written. It cannot collide with a fan-out
// directory, whose names are two hex digits.
const tmpDir = "tmp"

// ErrClosed is returned by Store methods called after Close.
var ErrClosed = errors.New("blob/fs: store closed")

// ErrInvalidOptions is returned by Validate and Open for unusable Options.
var ErrInvalidOptions = errors.New("blob/fs: invalid options")

// Options configure Open. The zero value is valid.
type Options struct {
	// Logger receives notes about recovery at Open. Nil discards them.
	Logger *slog.Logger
	// BufferSize is the write buffer per Writer in bytes; 0 means
	// DefaultBufferSize. Blobs larger than one buffer are written with
	// O_DIRECT only if it is a multiple of 4096.
	BufferSize int
	// BufferedIO writes every blob through the page cache even where
	// direct I/O works. Direct I/O is otherwise used for blobs larger than
	// one buffer, and given up, with a log record, on the first file
	// system that refuses it.
	BufferedIO bool
	// TempGrace protects recent temp files from the cleanup Open does:
	// files in tmp/ modified less than TempGrace ago are left alone,
	// because on a file system shared by several nodes they may be
	// another node's write in progress. Zero removes every temp file,
	// which is right when one process owns the directory.
	TempGrace time.Duration
}

// Validate reports whether o can be used.
func (o Options) Validate() error {
	if o.BufferSize < 0 || (o.BufferSize > 0 && o.BufferSize < headerSize) {
		return fmt.Errorf("%w: BufferSize %d", ErrInvalidOptions, o.BufferSize)
	}
	if o.TempGrace < 0 {
		return fmt.Errorf("%w: negative TempGrace %v", ErrInvalidOptions, o.TempGrace)
	}
	return nil
}

// Store is a blob.Store in a directory. It is safe for concurrent use.
type Store struct {
	dir    string
	logger *slog.Logger
	bufs   sync.Pool // *[]byte of bufSize bytes, directAlign-aligned
	closed atomic.Bool
	// direct is whether writers may switch to O_DIRECT once a blob
	// outgrows its buffer. It turns false for good the first time the
	// file system refuses.
	direct atomic.Bool
	// spares counts the writers holding a second buffer (see takeSpare).
	spares atomic.Int64

	dirsMu sync.Mutex
	// dirs holds fan-out directories known to exist with their entries in
	// the parent synced by this process, so each costs its mkdir and
	// fsyncs once.
	dirs map[string]bool

	// crashHook, when set by a test, runs at named points of Commit; an
	// error stops Commit right there, leaving the files as a crash would.
	crashHook func(step string) error
	// syncData syncs a file's data in flushBehind: dataSync, or a test's
	// stand-in.
	syncData func(*os.File) error
}

var (
	_ blob.Store       = (*Store)(nil)
	_ blob.FlagCreator = (*Store)(nil)
	_ blob.FlagReader  = (*reader)(nil)
)

// Open opens the store in dir, creating it if needed, and removes temp
// files left by writes that were interrupted (see Options.TempGrace).
func Open(dir string, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	bufSize := opts.BufferSize
	if bufSize == 0 {
		bufSize = DefaultBufferSize
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob/fs: open %s: %w", dir, err)
	}
	s := &Store{
		dir:      dir,
		logger:   opts.Logger,
		dirs:     map[string]bool{},
		syncData: dataSync,
	}
	s.bufs.New = func() any {
		b := alignedBuffer(bufSize)
		return &b
	}
	s.direct.Store(!opts.BufferedIO && bufSize%directAlign == 0)
	if err := s.ensureDir(tmpDir); err != nil {
		return nil, fmt.Errorf("blob/fs: open %s: %w", dir, err)
	}
	if err := s.removeTemps(opts.TempGrace); err != nil {
		return nil, fmt.Errorf("blob/fs: open %s: %w", dir, err)
	}
	return s, nil
}

// removeTemps deletes interrupted writes. They were never committed, so no
// metadata can refer to them.
func (s *Store) removeTemps(grace time.Duration) error {
	entries, err := os.ReadDir(filepath.Join(s.dir, tmpDir))
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-grace)
	removed := 0
	for _, e := range entries {
		if grace > 0 {
			info, err := e.Info()
			if errors.Is(err, iofs.ErrNotExist) {
				continue
			}
			if err != nil {
				return err
			}
			if info.ModTime().After(cutoff) {
				continue
			}
		}
		err := os.RemoveAll(filepath.Join(s.dir, tmpDir, e.Name()))
		if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
		removed++
	}
	if removed > 0 {
		s.logger.Info("removed interrupted blob writes", "count", removed, "dir", s.dir)
	}
	return nil
}

// Close marks the store closed. Writers and Readers already handed out keep
// working; new calls return ErrClosed.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

func (s *Store) path(id blob.ID) string {
	return filepath.Join(s.dir, fanout(id), string(id))
}

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, id blob.ID) (blob.Reader, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("open blob %q: %w", id, blob.ErrNotFound)
	}
	f, err := os.Open(s.path(id))
	if errors.Is(err, iofs.ErrNotExist) {
		return nil, fmt.Errorf("open blob %s: %w", id, blob.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", id, err)
	}
	r, err := newReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open blob %s: %w", id, err)
	}
	return r, nil
}

// Delete implements blob.Store. The removal is not synced: a delete lost in
// a crash leaves an unreferenced blob, which garbage collection removes
// again.
func (s *Store) Delete(ctx context.Context, id blob.ID) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if !validID(id) {
		return nil
	}
	if err := os.Remove(s.path(id)); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", id, err)
	}
	return nil
}

// Walk implements blob.Store. The committed time is the file's
// modification time, which Commit sets just before syncing.
func (s *Store) Walk(ctx context.Context, fn func(id blob.ID, committed time.Time) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	level1, err := readDirs(s.dir)
	if err != nil {
		return fmt.Errorf("walk blobs: %w", err)
	}
	for _, a := range level1 {
		level2, err := readDirs(filepath.Join(s.dir, a))
		if err != nil {
			return fmt.Errorf("walk blobs: %w", err)
		}
		for _, b := range level2 {
			if err := s.walkLeaf(ctx, a+b, filepath.Join(s.dir, a, b), fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkLeaf reports the blobs in one fan-out directory whose ids start with
// prefix.
func (s *Store) walkLeaf(ctx context.Context, prefix, dir string, fn func(blob.ID, time.Time) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("walk blobs: %w", err)
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := blob.ID(e.Name())
		if !e.Type().IsRegular() || !validID(id) || string(id[:4]) != prefix {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, iofs.ErrNotExist) {
			continue // deleted since ReadDir
		}
		if err != nil {
			return fmt.Errorf("walk blobs: %w", err)
		}
		if err := fn(id, info.ModTime()); err != nil {
			return err
		}
	}
	return nil
}

// readDirs returns the names of the fan-out directories in dir.
func readDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && len(n) == 2 && isHex(n[0]) && isHex(n[1]) {
			names = append(names, n)
		}
	}
	return names, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// ensureDir creates rel (relative to the store root) and its parents as
// needed and makes their directory entries durable. It fsyncs each parent
// the first time this process meets a directory, even when it already
// existed: its creator may have crashed before syncing it.
func (s *Store) ensureDir(rel string) error {
	s.dirsMu.Lock()
	defer s.dirsMu.Unlock()
	return s.ensureDirLocked(rel)
}

func (s *Store) ensureDirLocked(rel string) error {
	if s.dirs[rel] {
		return nil
	}
	parent := filepath.Dir(rel)
	if parent != "." {
		if err := s.ensureDirLocked(parent); err != nil {
			return err
		}
	} else if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return err
	}
	path := filepath.Join(s.dir, rel)
	if err := os.Mkdir(path, 0o750); err != nil && !errors.Is(err, iofs.ErrExist) {
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	s.dirs[rel] = true
	return nil
}

// syncDir fsyncs a directory, making its entries (renames, new files and
// subdirectories) durable.
func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("sync dir %s: %w", path, err)
	}
	return d.Close()
}

// noDirect turns direct I/O off for the store after the file system refused
// it, logging the first refusal: writes still work, through the page cache.
func (s *Store) noDirect(err error) {
	if s.direct.Swap(false) {
		s.logger.Info("direct I/O refused; writing blobs through the page cache", "dir", s.dir, "err", err)
	}
}

// maxSpares bounds how many writers hold a second buffer to overlap their
// disk writes with the upload. The overlap matters when few uploads run;
// with many, the CPU is busy anyway, and the bound keeps 64 concurrent
// 64 MiB uploads from holding 128 buffers.
const maxSpares = 16

// takeSpare reserves one of the maxSpares second buffers.
func (s *Store) takeSpare() bool {
	if s.spares.Add(1) > maxSpares {
		s.spares.Add(-1)
		return false
	}
	return true
}
