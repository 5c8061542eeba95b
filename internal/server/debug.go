package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugMux serves Go's runtime profiles under /debug/pprof/. It lives on a
// listener of its own, off by default, so that profiles are never reachable
// through the S3 port and need no signature.
func debugMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startDebug opens the debug listener if Config.DebugAddress is set. A
// profile request may run for its whole "seconds" parameter, so the server
// has no write timeout; it is closed, not drained, on Shutdown.
func (s *Server) startDebug() error {
	addr := s.opts.Config.DebugAddress
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for debug on %s: %w", addr, err)
	}
	s.debugLn = ln
	s.debug = &http.Server{Handler: debugMux(), ReadHeaderTimeout: 10 * time.Second}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			s.log.Warn("debug listener is not on loopback: profiles reveal memory contents to anyone who can connect",
				"address", ln.Addr().String())
		}
	}
	s.log.Info("debug listener serving /debug/pprof/", "address", ln.Addr().String())
	go func() {
		if err := s.debug.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("debug listener stopped", "err", err)
		}
	}()
	return nil
}

// DebugAddr returns the debug listener's address, or nil if there is none.
func (s *Server) DebugAddr() net.Addr { return s.addrOf(&s.debugLn) }

// closeDebug closes the debug listener and any profile in progress.
func (s *Server) closeDebug() error {
	s.mu.Lock()
	d := s.debug
	s.mu.Unlock()
	if d == nil {
		return nil
	}
	return d.Close()
}
