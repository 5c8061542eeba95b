package fs

import "fmt"

// flushBehind starts a data sync of the file in the background unless the
// last one is still running. A direct write is on the device when it
// returns, but maybe only in the device's volatile cache, which Commit's
// fsync must then flush; the flush takes time in proportion to what the
// cache holds (about 50 ms for 64 MiB on the virtual disk measured in
// docs/performance.md), and the upload waits for all of it at the end.
// Syncing every writebackInterval bytes while the rest of the body
// arrives leaves Commit only the last stretch to flush. Durability still
// comes from Commit's fsync alone; a failed background sync fails Commit
// too, since the fsync after it may not see the error again.
func (w *writer) flushBehind() {
	if w.flushing != nil {
		select {
		case err := <-w.flushing:
			w.flushDone(err)
		default:
			return
		}
	}
	w.flushed = w.written
	done := make(chan error, 1)
	w.flushing = done
	f, sync := w.f, w.s.syncData
	go func() { done <- sync(f) }()
}

// waitFlush waits for a background data sync, if one is running, and
// returns the first that failed.
func (w *writer) waitFlush() error {
	if w.flushing != nil {
		w.flushDone(<-w.flushing)
	}
	return w.flushErr
}

func (w *writer) flushDone(err error) {
	w.flushing = nil
	if err != nil && w.flushErr == nil {
		w.flushErr = fmt.Errorf("sync blob: %w", err)
	}
}
