package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/coffer-s3/coffer/internal/metrics"
	"github.com/coffer-s3/coffer/internal/reqid"
)

// HeaderRequestID is the response header that carries a request's id, as
// S3's does.
const HeaderRequestID = "x-amz-request-id"

// withRequestID gives every request a fresh id in its context and in the
// x-amz-request-id header of its final response. An id sent by the client is
// ignored: ids must be unique to tie logs together. The header is added when
// the final status is written, not before, so that an interim
// "100 Continue" goes out bare.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := reqid.New()
		next.ServeHTTP(&idWriter{ResponseWriter: w, id: id}, r.WithContext(reqid.With(r.Context(), id)))
	})
}

// idWriter sets x-amz-request-id, unless the handler set it, just before the
// final response header is written.
type idWriter struct {
	http.ResponseWriter
	id   string
	done bool
}

func (w *idWriter) setID() {
	if w.done {
		return
	}
	w.done = true
	if h := w.Header(); h.Get(HeaderRequestID) == "" {
		h.Set(HeaderRequestID, w.id)
	}
}

func (w *idWriter) WriteHeader(code int) {
	if code >= 200 {
		w.setID()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *idWriter) Write(p []byte) (int, error) {
	w.setID()
	return w.ResponseWriter.Write(p)
}

// ReadFrom forwards to the connection's ReadFrom (sendfile for a file
// body), setting the request id first like Write.
func (w *idWriter) ReadFrom(r io.Reader) (int64, error) {
	w.setID()
	return io.Copy(w.ResponseWriter, r)
}

// Flush implements http.Flusher.
func (w *idWriter) Flush() {
	w.setID()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *idWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog writes one record per request after it completes: at Info
// for S3 requests, at Debug for the operational endpoints that probes hit
// every few seconds. It logs the path without its query string, because a
// presigned URL's query is a bearer credential, and never logs headers.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		switch r.URL.Path {
		case PathLive, PathReady, PathMetrics:
			level = slog.LevelDebug
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("host", r.Host),
			slog.String("path", r.URL.EscapedPath()),
			slog.Int("status", status),
			slog.Int64("bytes_in", r.ContentLength),
			slog.Int64("bytes_out", sw.written),
			slog.Duration("elapsed", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// countInflight keeps the in-flight gauge for S3 requests.
func countInflight(m *metrics.S3, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end := m.Begin()
		defer end()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and counts the body bytes written. It
// unwraps for http.ResponseController and forwards Flush, which handlers use
// to keep long copies alive.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// ReadFrom forwards to the connection's ReadFrom (sendfile for a file
// body), counting the bytes like Write.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.written += n
	return n, err
}

// Flush implements http.Flusher.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// promErrorLogger adapts a slog.Logger to promhttp's error logger.
type promErrorLogger struct{ log *slog.Logger }

func (l promErrorLogger) Println(v ...any) { l.log.Error("serve metrics", "err", fmt.Sprint(v...)) }
