package fs

import (
	"fmt"
	"io"
)

// Write implements io.Writer.
func (w *writer) Write(p []byte) (int, error) {
	if err := w.usable(); err != nil {
		return 0, err
	}
	written := 0
	for len(p) > 0 {
		buf := *w.buf
		if w.n == 0 && len(p) >= len(buf) && !w.direct && !w.s.direct.Load() {
			// Buffered I/O, nothing buffered and at least a buffer's
			// worth to write: skip the copy. Direct I/O always goes
			// through an aligned buffer.
			n, err := w.f.WriteAt(p, w.off)
			w.off += int64(n)
			written += n
			w.wrote(n)
			if err != nil {
				w.err = fmt.Errorf("write blob: %w", err)
				return written, w.err
			}
			return written, nil
		}
		c := copy(buf[w.n:], p)
		w.n += c
		p = p[c:]
		written += c
		if w.n == len(buf) {
			if err := w.flushFull(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// ReadFrom implements io.ReaderFrom: it reads r until EOF straight into the
// write buffer, saving Write's copy. Errors from r are returned as they are
// and leave the writer usable; the caller decides whether to Abort.
func (w *writer) ReadFrom(r io.Reader) (int64, error) {
	return w.ReadFromTee(r, nil)
}

// ReadFromTee implements blob.TeeReaderFrom: ReadFrom that also writes
// every byte read to tee, in order. A full buffer is passed to tee in the
// background, beside its disk write (see submit), so hashing a large body
// overlaps reading the rest of it; the last bytes are passed before it
// returns.
func (w *writer) ReadFromTee(r io.Reader, tee io.Writer) (int64, error) {
	if err := w.usable(); err != nil {
		return 0, err
	}
	w.tee, w.teeFrom = tee, w.n
	defer w.dropTee()
	var total int64
	for {
		m, err := r.Read((*w.buf)[w.n:])
		w.n += m
		total += int64(m)
		if w.n == len(*w.buf) {
			if ferr := w.flushFull(); ferr != nil {
				return total, ferr
			}
		}
		if err == io.EOF {
			return total, w.finishTee()
		}
		if err != nil {
			// Nobody will read tee now, but it must be left alone
			// when this returns.
			_ = w.waitAll()
			return total, err
		}
	}
}

// dropTee ends ReadFromTee's use of tee: once the buffers in flight are
// done, teeLoop has passed on every part, and tee is left alone.
func (w *writer) dropTee() {
	_ = w.waitAll()
	if w.tees != nil {
		close(w.tees)
		w.tees = nil
	}
	w.tee = nil
}

// finishTee waits for the background writes and their passes to tee, then
// passes the bytes still pending in the buffer.
func (w *writer) finishTee() error {
	if err := w.waitAll(); err != nil {
		return err
	}
	if w.tee != nil {
		_, _ = w.tee.Write((*w.buf)[w.teeFrom:w.n])
	}
	w.teeFrom = w.n
	return nil
}

func (w *writer) usable() error {
	if w.state != writing {
		return errWriterDone
	}
	return w.err
}

// flushFull writes the full buffer. A blob that fills its buffer is large,
// so from here on it is written directly if the store allows: every full
// buffer is a whole number of aligned blocks at an aligned offset. Direct
// writes run in the background (see submit) while the next buffer fills,
// so the upload, the hashing and the disk work at the same time.
func (w *writer) flushFull() error {
	if !w.direct && w.s.direct.Load() {
		if err := w.waitAll(); err != nil {
			return err
		}
		if err := setDirect(w.f, true); err != nil {
			w.s.noDirect(err)
		} else {
			w.direct = true
		}
	}
	// The part of the buffer ReadFromTee read, to pass to its tee.
	var part []byte
	if w.tee != nil {
		part = (*w.buf)[w.teeFrom:w.n]
	}
	w.teeFrom = 0
	if w.direct {
		next, err := w.nextBuffer()
		if err != nil {
			return err
		}
		if next != nil {
			w.submit(part, next)
			return nil
		}
	}
	// Write in place: after everything in flight, so that tee and the
	// file see the bytes in order.
	if err := w.waitAll(); err != nil {
		return err
	}
	if w.tee != nil && len(part) > 0 {
		_, _ = w.tee.Write(part)
	}
	return w.out((*w.buf)[:w.n])
}

// flushTail writes what is left at Commit. In direct mode the whole
// blocks go out directly and the last partial block through the page cache,
// since a direct write must be a whole number of blocks.
func (w *writer) flushTail() error {
	if err := w.waitAll(); err != nil {
		return err
	}
	b := (*w.buf)[:w.n]
	if w.direct {
		whole := len(b) &^ (directAlign - 1)
		if err := w.out(b[:whole]); err != nil {
			return err
		}
		b = b[whole:]
		if err := setDirect(w.f, false); err != nil {
			w.err = fmt.Errorf("write blob: leave direct I/O: %w", err)
			return w.err
		}
		w.direct = false
	}
	return w.out(b)
}

// out writes b synchronously at the next offset and empties the buffer. If
// the file system turns down a direct write, the bytes are written again
// through the page cache and the store stops trying.
func (w *writer) out(b []byte) error {
	if len(b) == 0 {
		w.n = 0
		return nil
	}
	n, err := w.f.WriteAt(b, w.off)
	if err != nil && w.direct && n == 0 && directUnsupported(err) {
		w.s.noDirect(err)
		w.direct = false
		if err = setDirect(w.f, false); err == nil {
			n, err = w.f.WriteAt(b, w.off)
		}
	}
	w.off += int64(n)
	w.wrote(n)
	if err != nil {
		w.err = fmt.Errorf("write blob: %w", err)
		return w.err
	}
	w.n = 0
	return nil
}

// wrote accounts for n bytes written to the file and, once
// writebackInterval bytes have accumulated, starts their way to stable
// storage: writeback for bytes that went through the page cache, a
// background data sync for direct writes (flushBehind).
func (w *writer) wrote(n int) {
	w.written += int64(n)
	if w.direct {
		w.writeback = w.written
		if w.written-w.flushed >= writebackInterval {
			w.flushBehind()
		}
		return
	}
	if pending := w.written - w.writeback; pending >= writebackInterval {
		startWriteback(w.f, w.writeback, pending)
		w.writeback = w.written
	}
}
