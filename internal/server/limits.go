package server

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/metrics"
)

// Reasons a request is turned away, for the log and the Overloaded handler.
const (
	reasonConnections = "too many connections (--max-connections)"
	reasonUploads     = "too many uploads in flight (--max-inflight-uploads)"
	reasonDownloads   = "too many downloads in flight (--max-inflight-downloads)"
)

// fileReserve is how many descriptors the default limits leave to the
// stores (the metadata database's files, logs) and to the listeners.
const fileReserve = 256

// defaultLimits sizes the connection and upload limits from the open file
// limit when the configuration leaves them 0. Each connection may hold a
// blob file (a GET, an upload's temporary file) besides its socket, so
// connections get a third of what is left after the reserve, and uploads
// half of the connections. Go already raises the soft limit to the hard
// limit at start on Linux (since Go 1.19), so nofile is the raised one.
func defaultLimits(maxConns, maxUploads int, nofile uint64) (int, int) {
	if maxConns == 0 {
		avail := int64(nofile) - fileReserve
		if nofile == 0 || nofile > 1<<30 {
			avail = 1 << 20 // unknown or unlimited: 1 Mi descriptors
		}
		maxConns = int(max(avail/3, 16))
	}
	if maxUploads == 0 {
		maxUploads = max(maxConns/2, 1)
	}
	return maxConns, maxUploads
}

// overflow is how many connections past the limit are still accepted, to
// be answered 503 SlowDown and closed; past it they are closed at once.
// An HTTP client told SlowDown backs off, one whose connection is refused
// may retry at once, so answering is better while it is cheap.
func overflow(maxConns int) int { return max(maxConns/16, 8) }

// limitListener counts the connections it accepted that are still open.
// Those accepted past the limit are marked over (see overLimit); past the
// overflow they are closed before any byte is read.
type limitListener struct {
	net.Listener
	max     int
	open    atomic.Int64
	metrics *metrics.Limits
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		n := l.open.Add(1)
		lc := &limitedConn{Conn: c, l: l, over: n > int64(l.max)}
		if l.metrics != nil {
			l.metrics.Connections.Set(float64(n))
		}
		if n <= int64(l.max+overflow(l.max)) {
			return lc, nil
		}
		if l.metrics != nil {
			l.metrics.ConnectionsRejected.Inc()
		}
		_ = lc.Close()
	}
}

// limitedConn gives its slot back when closed (once).
type limitedConn struct {
	net.Conn
	l      *limitListener
	over   bool
	closed sync.Once
}

func (c *limitedConn) Close() error {
	c.closed.Do(func() {
		n := c.l.open.Add(-1)
		if c.l.metrics != nil {
			c.l.metrics.Connections.Set(float64(n))
		}
	})
	return c.Conn.Close()
}

// overKey marks, in a connection's context, a connection accepted past
// the limit.
type overKey struct{}

// connContext is the http.Server's ConnContext: it records whether c was
// accepted past the connection limit.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if lc, ok := c.(*limitedConn); ok && lc.over {
		return context.WithValue(ctx, overKey{}, true)
	}
	return ctx
}

// overLimit reports whether r came on a connection accepted past the
// connection limit.
func overLimit(r *http.Request) bool {
	over, _ := r.Context().Value(overKey{}).(bool)
	return over
}

// isUpload reports whether r is counted against --max-inflight-uploads:
// it has a body (which an upload spools to a temporary file) or copies an
// object (which writes one).
func isUpload(r *http.Request) bool {
	return r.ContentLength != 0 || r.Header.Get("X-Amz-Copy-Source") != ""
}

// isDownload reports whether r is counted against
// --max-inflight-downloads: a GET, which may hold a data file open while
// the client reads. Over HTTP/1.1 the connection limit bounds these
// already; over HTTP/2 one connection carries many.
func isDownload(r *http.Request) bool {
	return r.Method == http.MethodGet && !isUpload(r)
}

// limited turns away, with the Overloaded handler's 503, requests on a
// connection accepted past the connection limit (closing it after the
// answer), uploads past the upload limit and GETs past the download
// limit. The operational endpoints are exempt from the upload and
// download limits (they hold no file, and a probe must get through a busy
// server) but not from the connection limit: a probe must see a
// saturated server.
func (s *Server) limited(next http.Handler) http.Handler {
	m := s.opts.Limits
	uploads := &gate{max: int64(s.maxUploads), reason: reasonUploads}
	downloads := &gate{max: int64(s.maxDownloads), reason: reasonDownloads}
	if m != nil {
		uploads.inUse, uploads.rejected = m.Uploads, m.UploadsRejected
		downloads.inUse, downloads.rejected = m.Downloads, m.DownloadsRejected
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if overLimit(r) {
			if m != nil {
				m.ConnectionsRejected.Inc()
			}
			w.Header().Set("Connection", "close")
			s.reject(w, r, reasonConnections)
			return
		}
		switch {
		case isUpload(r):
			s.through(uploads, next, w, r)
		case isDownload(r) && !s.isEndpoint(r):
			s.through(downloads, next, w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// gate counts the requests of one kind in flight against its limit.
type gate struct {
	max      int64
	reason   string
	n        atomic.Int64
	inUse    prometheus.Gauge   // nil without metrics
	rejected prometheus.Counter // nil without metrics
}

// through serves r with next if g has room, else refuses it.
func (s *Server) through(g *gate, next http.Handler, w http.ResponseWriter, r *http.Request) {
	n := g.n.Add(1)
	defer func() {
		n := g.n.Add(-1)
		if g.inUse != nil {
			g.inUse.Set(float64(n))
		}
	}()
	if g.inUse != nil {
		g.inUse.Set(float64(n))
	}
	if n > g.max {
		if g.rejected != nil {
			g.rejected.Inc()
		}
		s.reject(w, r, g.reason)
		return
	}
	next.ServeHTTP(w, r)
}

// isEndpoint reports whether r is for one of the operational endpoints
// the server answers itself.
func (s *Server) isEndpoint(r *http.Request) bool {
	_, ok := s.endpoints[r.URL.Path]
	return ok && s.isEndpointRequest(r)
}

// reject answers r with the Overloaded handler (S3's 503 SlowDown) or,
// without one, a plain 503.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, reason string) {
	s.log.WarnContext(r.Context(), "request refused: server at its limit", "reason", reason,
		"method", r.Method, "remote", r.RemoteAddr)
	if s.opts.Overloaded != nil {
		s.opts.Overloaded.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Retry-After", "1")
	http.Error(w, "503 service unavailable: "+reason, http.StatusServiceUnavailable)
}
