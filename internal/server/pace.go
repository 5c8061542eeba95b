package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// errTooSlow is returned by a paced body or response that kept less than
// the minimum rate. It wraps os.ErrDeadlineExceeded, as the connection's
// own deadline error does, so the API layer answers both alike
// (RequestTimeout).
var errTooSlow = fmt.Errorf("client sent or read slower than the minimum body rate: %w", os.ErrDeadlineExceeded)

// chunk bounds one paced write or ReadFrom: progress is seen, and the
// deadline extended, at least once per chunk. sendfile moves a chunk at a
// time, so the idle timeout must allow a chunk at the minimum rate.
const minChunk, maxChunk = 16 << 10, 1 << 20

// pacer keeps a connection deadline ahead of a transfer that makes
// progress, and cuts one that does not: the deadline is moved to now+idle
// before each read or write, so a client that stops sending or reading
// fails within idle; and the bytes moved are checked against minRate over
// each window of time spent waiting on the client, so a client trickling
// a byte now and then is cut too. Time the handler spends elsewhere (on
// the disk) is not held against the client.
type pacer struct {
	idle    time.Duration
	minRate int64
	set     func(time.Time) error // the ResponseController's Set*Deadline
	now     func() time.Time

	armed    time.Time // when set was last called with a deadline
	lastRate float64   // bytes per second of the last operation that blocked
	waited   time.Duration
	moved    int64
	disabled bool // the writer supports no deadlines (a test recorder)
}

// begin extends the deadline before an operation. Moving it costs a
// message to the HTTP/2 connection's goroutine, so it is moved only when
// it has aged by a sixteenth of idle.
func (p *pacer) begin() time.Time {
	now := p.now()
	if p.disabled || now.Sub(p.armed) < p.idle/16 {
		return now
	}
	if err := p.set(now.Add(p.idle)); errors.Is(err, http.ErrNotSupported) {
		p.disabled = true
		return now
	}
	p.armed = now
	return now
}

// end accounts an operation that began at start and moved n bytes, and
// reports errTooSlow once a window's average falls below minRate. The
// connection's deadline is then set in the past, so that the connection
// stops reading or writing at once.
func (p *pacer) end(start time.Time, n int) error {
	took := p.now().Sub(start)
	if took > time.Millisecond {
		p.lastRate = float64(n) / took.Seconds()
	}
	if p.minRate <= 0 || p.disabled {
		return nil
	}
	p.waited += took
	p.moved += int64(n)
	if p.waited < p.idle {
		return nil
	}
	if float64(p.moved) < float64(p.minRate)*p.waited.Seconds() {
		_ = p.set(p.now().Add(-time.Second))
		return errTooSlow
	}
	p.waited, p.moved = 0, 0
	return nil
}

// chunkSize is the largest piece written in one call: what the minimum
// rate moves in half the idle timeout, so that an honest slow client
// completes each piece well within the deadline; or, for a client seen to
// read faster, what it moves in an eighth of the idle timeout at its last
// rate (fewer, larger sendfile calls; it would have to slow eightfold
// within one piece to miss the deadline).
func (p *pacer) chunkSize() int64 {
	secs := p.idle.Seconds()
	c := int64(max(float64(p.minRate)*secs/2, p.lastRate*secs/8))
	return min(max(c, minChunk), maxChunk)
}

// pacedBody is a request body read under a pacer. Once it reaches the end
// it clears the read deadline: net/http then keeps reading the connection
// in the background to notice a client that goes away, and a deadline
// firing there would cancel a request still being processed.
type pacedBody struct {
	io.ReadCloser
	p        pacer
	timedOut func()
	done     bool
}

func (b *pacedBody) Read(buf []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(buf)
	}
	start := b.p.begin()
	n, err := b.ReadCloser.Read(buf)
	if slow := b.p.end(start, n); slow != nil && err == nil {
		err = slow
	}
	switch {
	case err == io.EOF:
		b.done = true
		if !b.p.disabled {
			_ = b.p.set(time.Time{})
		}
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.done = true
		b.timedOut()
	}
	return n, err
}

// pacedWriter is a response written under a pacer. ReadFrom sends a file
// (sendfile) a chunk at a time, so the deadline moves with its progress.
type pacedWriter struct {
	http.ResponseWriter
	p        pacer
	timedOut func()
	cut      bool
}

func (w *pacedWriter) Write(b []byte) (int, error) {
	var written int
	for len(b) > 0 {
		n := min(len(b), int(w.p.chunkSize()))
		start := w.p.begin()
		m, err := w.ResponseWriter.Write(b[:n])
		written += m
		if err == nil {
			err = w.p.end(start, m)
		}
		if err != nil {
			w.fail(err)
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// ReadFrom copies r a chunk at a time. A *io.LimitedReader of a file is
// re-sliced rather than wrapped, so that the connection still recognises
// the file and uses sendfile.
func (w *pacedWriter) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		chunk := w.p.chunkSize()
		var src *io.LimitedReader
		outer, limited := r.(*io.LimitedReader)
		if limited {
			if outer.N <= 0 {
				return total, nil
			}
			src = &io.LimitedReader{R: outer.R, N: min(chunk, outer.N)}
		} else {
			src = &io.LimitedReader{R: r, N: chunk}
		}
		want := src.N
		start := w.p.begin()
		n, err := io.Copy(w.ResponseWriter, src)
		total += n
		if limited {
			outer.N -= n
		}
		if err == nil {
			err = w.p.end(start, int(n))
		}
		if err != nil {
			w.fail(err)
			return total, err
		}
		if n < want {
			return total, nil // r is exhausted
		}
	}
}

func (w *pacedWriter) fail(err error) {
	// HTTP/2 reports a write cut by its deadline as a closed stream.
	expired := !w.p.disabled && w.p.now().After(w.p.armed.Add(w.p.idle))
	if !w.cut && (errors.Is(err, os.ErrDeadlineExceeded) || expired) {
		w.cut = true
		w.timedOut()
	}
}

// Flush implements http.Flusher.
func (w *pacedWriter) Flush() {
	start := w.p.begin()
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if err == nil {
		err = w.p.end(start, 0)
	}
	if err != nil {
		w.fail(err)
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *pacedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// paced puts every request's body and response under a pacer (see
// pacer). After the handler, an HTTP/1 connection's write deadline is
// left idle ahead, so that net/http's final flush of a buffered response
// cannot block for ever either; the next request on the connection moves
// it again. (An HTTP/2 stream's deadline ends with the stream; setting one
// after the handler would only leave a timer behind.)
func (s *Server) paced(next http.Handler) http.Handler {
	idle, rate := s.opts.Config.BodyIdleTimeout, s.opts.Config.MinBodyRate
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		var body *pacedBody
		if r.Body != nil && r.Body != http.NoBody {
			body = &pacedBody{ReadCloser: r.Body,
				p:        pacer{idle: idle, minRate: rate, set: rc.SetReadDeadline, now: time.Now},
				timedOut: func() { s.bodyTimeout("read") }}
			r.Body = body
		}
		pw := &pacedWriter{ResponseWriter: w,
			p:        pacer{idle: idle, minRate: rate, set: rc.SetWriteDeadline, now: time.Now},
			timedOut: func() { s.bodyTimeout("write") }}
		next.ServeHTTP(pw, r)
		if r.ProtoMajor != 1 {
			return
		}
		now := time.Now()
		if body != nil && !body.done && !body.p.disabled {
			// net/http reads up to 256 KiB of an unread body after the
			// handler, to keep the connection; bound that read too.
			_ = rc.SetReadDeadline(now.Add(idle))
		}
		if !pw.p.disabled && !pw.cut {
			// The discard above comes before the final flush: allow both.
			_ = rc.SetWriteDeadline(now.Add(2 * idle))
		}
	})
}

// bodyTimeout counts a body or response cut for slowness.
func (s *Server) bodyTimeout(direction string) {
	if s.opts.Limits != nil {
		s.opts.Limits.BodyTimeouts.WithLabelValues(direction).Inc()
	}
}
