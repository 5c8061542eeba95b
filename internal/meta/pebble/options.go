package pebble

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Defaults applied by Open to zero Options fields.
const (
	// DefaultCacheSize bounds Pebble's block cache. Metadata values are small
	// and hot keys stay in the memtable, so a modest cache serves well.
	DefaultCacheSize = 64 << 20
	// DefaultMemTableSize is the size of one memtable. Pebble keeps up to two
	// in memory while one is being flushed.
	DefaultMemTableSize = 8 << 20
)

// Options configure Open. The zero value is valid.
type Options struct {
	// Logger receives Pebble's messages. Nil discards them.
	Logger *slog.Logger
	// CacheSize is the block cache size in bytes; 0 means DefaultCacheSize.
	CacheSize int64
	// MemTableSize is the memtable size in bytes; 0 means
	// DefaultMemTableSize.
	MemTableSize uint64
	// FS is the file system to store the database on; nil means the
	// operating system's. Tests pass vfs.NewCrashableMem() to simulate
	// power loss.
	FS vfs.FS
}

// ErrInvalidOptions is returned by Validate and Open for unusable Options.
var ErrInvalidOptions = errors.New("meta/pebble: invalid options")

// Validate reports whether o can be used, after defaults are applied.
func (o Options) Validate() error {
	if o.CacheSize < 0 {
		return fmt.Errorf("%w: negative CacheSize %d", ErrInvalidOptions, o.CacheSize)
	}
	if o.MemTableSize != 0 && o.MemTableSize < 1<<20 {
		return fmt.Errorf("%w: MemTableSize %d below 1 MiB", ErrInvalidOptions, o.MemTableSize)
	}
	return nil
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = DefaultMemTableSize
	}
	if o.FS == nil {
		o.FS = vfs.Default
	}
	return o
}
