package pebble

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	pebbledb "github.com/cockroachdb/pebble/v2"
)

// maxErrorBackoff bounds the pause after a background error. Pebble
// retries a failed flush at once, which on a full disk spins hundreds of
// times a second; pausing in its error callback (on the flushing
// goroutine) slows that to a few a second without holding anything of
// ours.
const maxErrorBackoff = time.Second

// health follows Pebble's background work. A background error (a flush or
// compaction that failed, typically for lack of space) makes the store
// unhealthy at once, logged once; the next flush or compaction that
// succeeds makes it healthy again, logged once too. In between the errors
// are only counted.
type health struct {
	log *slog.Logger

	mu      sync.Mutex
	err     error // first error of the current failing period; nil: healthy
	count   int   // errors in the current failing period
	backoff time.Duration
	// notify, if set (by tests), is called after every event h records.
	notify func()
}

// listener returns the Pebble event listener that feeds h.
func (h *health) listener() pebbledb.EventListener {
	return pebbledb.EventListener{
		BackgroundError: h.failed,
		FlushEnd: func(info pebbledb.FlushInfo) {
			if info.Err == nil {
				h.succeeded()
			}
		},
		CompactionEnd: func(info pebbledb.CompactionInfo) {
			if info.Err == nil {
				h.succeeded()
			}
		},
	}
}

func (h *health) failed(err error) {
	h.mu.Lock()
	h.count++
	first := h.err == nil
	if first {
		h.err = err
		h.backoff = 10 * time.Millisecond
	} else {
		h.backoff = min(2*h.backoff, maxErrorBackoff)
	}
	pause := h.backoff
	notify := h.notify
	h.mu.Unlock()
	if notify != nil {
		defer notify()
	}
	if first {
		h.log.Error("metadata engine background error: not ready until a flush or compaction succeeds; "+
			"further errors are counted, not logged (a full disk is the usual cause)",
			"component", "pebble", "err", err)
	}
	time.Sleep(pause)
}

func (h *health) succeeded() {
	h.mu.Lock()
	if h.err == nil {
		h.mu.Unlock()
		return
	}
	n := h.count
	h.err, h.count = nil, 0
	notify := h.notify
	h.mu.Unlock()
	h.log.Info("metadata engine recovered from its background errors", "component", "pebble", "errors", n)
	if notify != nil {
		notify()
	}
}

// check returns the current background error, if any.
func (h *health) check() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return fmt.Errorf("meta/pebble: background error (%d so far): %w", h.count, h.err)
	}
	return nil
}

// Health reports whether the store works: nil, or why not. It is an
// error once a write failed to become durable (the store is then
// read-only for good: meta.ErrReadOnly) and while Pebble's background
// flushes or compactions fail. /health/ready follows it.
func (s *Store) Health() error {
	if err := s.synced.failed(); err != nil {
		return err
	}
	return s.health.check()
}
