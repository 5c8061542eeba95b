package diskspace

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the reserve.
const (
	// DefaultReservePercent and DefaultReserveMax make the default
	// reserve: this share of the file system, but never more than
	// DefaultReserveMax.
	DefaultReservePercent = 3
	DefaultReserveMax     = 256 << 20
	// DefaultTTL is how long a statfs result is trusted while the file
	// system is far from the reserve.
	DefaultTTL = time.Second
)

// ErrInsufficientSpace is returned by Admit when a write would bring a
// directory's free space below the reserve.
var ErrInsufficientSpace = errors.New("diskspace: free space below the reserve")

// Usage is the space of one file system.
type Usage struct {
	Free  uint64 // bytes available to an unprivileged writer
	Total uint64 // size of the file system
}

// Dir is one directory whose file system the guard watches.
type Dir struct {
	// Name labels the directory in logs and metrics ("blobs", "meta").
	Name string
	Path string
	// MinReserve, if larger than the reserve, is kept instead: the
	// metadata directory needs room for its engine to flush whatever the
	// configured reserve.
	MinReserve uint64
}

// Options configure New.
type Options struct {
	Dirs []Dir
	// Reserve is the free space, in bytes, kept on every directory's file
	// system. 0 means the default: DefaultReservePercent of that file
	// system, at most DefaultReserveMax.
	Reserve uint64
	// TTL bounds how long a statfs result is reused; 0 means DefaultTTL.
	// Near the reserve every Admit asks the file system afresh.
	TTL time.Duration
	// Statfs reads a directory's usage; nil means the operating system's.
	// Tests pass a fake.
	Statfs func(dir string) (Usage, error)
	// Now is the clock of the cache; nil means time.Now.
	Now func() time.Time
	// Logger receives one record per transition (writes refused,
	// writes resumed). Nil discards.
	Logger *slog.Logger
	// Registerer, if set, receives the guard's metrics.
	Registerer prometheus.Registerer
}

// Guard decides whether a write of n bytes may start. It is safe for
// concurrent use.
type Guard struct {
	opts Options
	log  *slog.Logger
	m    *guardMetrics

	mu   sync.Mutex
	dirs []*dirState
}

// dirState is the cached view of one directory.
type dirState struct {
	Dir
	reserve  uint64
	usage    Usage
	read     time.Time // when usage was read; zero: never
	admitted uint64    // bytes admitted since usage was read
	refusing bool
	err      error // last statfs error, logged once
}

// New returns a Guard over opts.Dirs. It reads every directory once, so
// that a directory that cannot be read fails here.
func New(opts Options) (*Guard, error) {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Statfs == nil {
		opts.Statfs = Statfs
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	g := &Guard{opts: opts, log: opts.Logger}
	for _, d := range opts.Dirs {
		u, err := opts.Statfs(d.Path)
		if err != nil {
			return nil, fmt.Errorf("diskspace: %s directory %s: %w", d.Name, d.Path, err)
		}
		st := &dirState{Dir: d, reserve: opts.Reserve}
		if st.reserve == 0 {
			st.reserve = DefaultReserve(u.Total)
		}
		st.reserve = max(st.reserve, d.MinReserve)
		if st.reserve >= u.Total {
			g.log.Warn("the disk reserve is as large as the disk: every write will be refused",
				"dir", d.Name, "path", d.Path, "reserve_bytes", st.reserve, "disk_bytes", u.Total)
		}
		g.dirs = append(g.dirs, st)
	}
	m, err := newGuardMetrics(opts.Registerer, g)
	if err != nil {
		return nil, err
	}
	g.m = m
	g.mu.Lock()
	defer g.mu.Unlock()
	now := opts.Now()
	for _, d := range g.dirs {
		g.refreshLocked(d, now)
	}
	return g, nil
}

// DefaultReserve is the reserve kept on a file system of total bytes.
func DefaultReserve(total uint64) uint64 {
	return min(total/100*DefaultReservePercent, DefaultReserveMax)
}

// margin is how far above the reserve free space must climb before
// refused writes resume, so that one delete does not flip the state back
// and forth: an eighth of the reserve.
func margin(reserve uint64) uint64 { return reserve / 8 }

// Admit reports whether a write of n more bytes may start: nil, or an
// error wrapping ErrInsufficientSpace that names the directory. n may be
// 0 (a write whose size is small or unknown). An admitted write is
// counted against the cached free space until the next statfs.
func (g *Guard) Admit(n int64) error {
	size := uint64(max(n, 0))
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.opts.Now()
	for _, d := range g.dirs {
		if g.stale(d, size, now) {
			g.refreshLocked(d, now)
		}
		if d.refusing || d.estimate() < size+d.reserve {
			g.m.refused.Inc()
			return fmt.Errorf("%w: %s directory %s has %d bytes free, the write needs %d, the reserve is %d",
				ErrInsufficientSpace, d.Name, d.Path, d.estimate(), size, d.reserve)
		}
	}
	for _, d := range g.dirs {
		d.admitted += size
	}
	return nil
}

// Refusing reports whether writes are refused for lack of space on any
// directory, as of the last statfs.
func (g *Guard) Refusing() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, d := range g.dirs {
		if d.refusing {
			return true
		}
	}
	return false
}

// estimate is the cached free space less what was admitted since.
func (d *dirState) estimate() uint64 {
	if d.admitted >= d.usage.Free {
		return 0
	}
	return d.usage.Free - d.admitted
}

// stale reports whether d must be read again before deciding on a write
// of size bytes: the cache is old, or the answer is close enough to the
// reserve (or writes are refused) that a stale number could be wrong.
func (g *Guard) stale(d *dirState, size uint64, now time.Time) bool {
	if d.read.IsZero() || now.Sub(d.read) >= g.opts.TTL || d.refusing {
		return true
	}
	return d.estimate() < size+2*d.reserve
}

// refreshLocked reads d's usage and logs a change of state.
func (g *Guard) refreshLocked(d *dirState, now time.Time) {
	u, err := g.opts.Statfs(d.Path)
	if err != nil {
		// Keep the last reading: a failing statfs must not stop every
		// write, and the write itself will fail if the disk does.
		if d.err == nil {
			g.log.Warn("cannot read free space; keeping the last reading", "dir", d.Name, "path", d.Path, "err", err)
		}
		d.err = err
		d.read = now
		return
	}
	d.err = nil
	d.usage, d.read, d.admitted = u, now, 0
	switch {
	case !d.refusing && u.Free < d.reserve:
		d.refusing = true
		g.log.Warn("free space below the reserve: refusing new writes (503 SlowDown) until space is freed; reads and deletes go on",
			"dir", d.Name, "path", d.Path, "free_bytes", u.Free, "reserve_bytes", d.reserve)
	case d.refusing && u.Free >= d.reserve+margin(d.reserve):
		d.refusing = false
		g.log.Info("free space back above the reserve: writes resumed",
			"dir", d.Name, "path", d.Path, "free_bytes", u.Free, "reserve_bytes", d.reserve)
	}
}

// snapshot returns each directory's name, last free reading, reserve and
// state, for the metrics.
func (g *Guard) snapshot() []dirState {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]dirState, len(g.dirs))
	for i, d := range g.dirs {
		out[i] = *d
	}
	return out
}
