package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
)

// Balancer is an http.Handler that proxies each request to the next
// backend in turn.
type Balancer struct {
	backends []*url.URL
	proxy    *httputil.ReverseProxy
	next     atomic.Uint64
	served   []atomic.Uint64 // requests sent to each backend
}

// New returns a Balancer over backends, each host:port or an http(s) URL
// with nothing after the host.
func New(backends []string) (*Balancer, error) {
	if len(backends) == 0 {
		return nil, errors.New("no backends")
	}
	b := &Balancer{served: make([]atomic.Uint64, len(backends))}
	for _, s := range backends {
		if !strings.Contains(s, "://") {
			s = "http://" + s
		}
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("backend %q: %w", s, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return nil, fmt.Errorf("backend %q: want host:port or http://host:port", s)
		}
		b.backends = append(b.backends, u)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Responses pass through as the backend sent them: the transport
	// must not ask for gzip and decompress on the client's behalf.
	t.DisableCompression = true
	t.MaxIdleConnsPerHost = 64
	b.proxy = &httputil.ReverseProxy{
		Rewrite:   b.rewrite,
		Transport: t,
		// Stream responses as they come (a GET of a large object, a
		// slow listing) instead of buffering them.
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// A client that went away cancels the request; anything else
			// is the backend's failure, which the client sees as 502.
			if r.Context().Err() == nil {
				fmt.Fprintf(os.Stderr, "lb: %s %s: %v\n", r.Method, r.URL.Path, err)
			}
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	return b, nil
}

// ServeHTTP proxies r to the next backend.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.proxy.ServeHTTP(metaCase{w}, r)
}

// metaCase writes the names of user metadata headers in lower case, as
// coffer and S3 send them. Go's client canonicalises the names of the
// headers it reads ("x-amz-meta-colour" becomes "X-Amz-Meta-Colour"), and
// botocore reports a metadata key with the case its header arrived in, so
// without this the aws CLI would read the key "Colour" through the
// balancer and "colour" from a node. Every other name keeps the canonical
// form that coffer sends too.
type metaCase struct{ http.ResponseWriter }

func (w metaCase) WriteHeader(code int) {
	h := w.Header()
	for k, v := range h {
		if strings.HasPrefix(k, "X-Amz-Meta-") {
			delete(h, k)
			h[strings.ToLower(k)] = v
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController (flushes) the writer underneath.
func (w metaCase) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rewrite points the outgoing request at the next backend and changes
// nothing else: the request URI (path as the client escaped it, query),
// the Host header and every end-to-end header stay as the client sent
// them, since signatures cover them. ReverseProxy itself drops hop-by-hop
// headers and, with Rewrite, adds no X-Forwarded-* headers.
func (b *Balancer) rewrite(pr *httputil.ProxyRequest) {
	i := int((b.next.Add(1) - 1) % uint64(len(b.backends)))
	b.served[i].Add(1)
	u := b.backends[i]
	pr.Out.URL.Scheme, pr.Out.URL.Host = u.Scheme, u.Host
	pr.Out.Host = pr.In.Host
}

// Counts says how many requests each backend was sent, in backend order:
// "127.0.0.1:9001=12 127.0.0.1:9002=11".
func (b *Balancer) Counts() string {
	parts := make([]string, len(b.backends))
	for i, u := range b.backends {
		parts[i] = fmt.Sprintf("%s=%d", u.Host, b.served[i].Load())
	}
	return strings.Join(parts, " ")
}
