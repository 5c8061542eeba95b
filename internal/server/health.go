package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// startHealth opens the plain-HTTP health listener if
// Config.HealthAddress is set. It serves only /health/live, /health/ready
// and /metrics, with no S3 behind it, so a probe that cannot speak TLS
// (or trust coffer's CA) never opens a plain-HTTP path to the data. It is
// closed after the main listener has drained, so that /health/ready
// answers 503 for the whole graceful shutdown. Its handlers read no store,
// so they are not counted among those Shutdown waits for.
func (s *Server) startHealth(endpoints map[string]http.Handler) error {
	addr := s.opts.Config.HealthAddress
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for health on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	for path, h := range endpoints {
		mux.Handle("GET "+path, h)
	}
	s.healthLn = ln
	s.health = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.log.Info("health listener serving /health/* and /metrics", "address", ln.Addr().String())
	go func() {
		if err := s.health.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("health listener stopped", "err", err)
		}
	}()
	return nil
}

// HealthAddr returns the health listener's address, or nil if there is
// none.
func (s *Server) HealthAddr() net.Addr { return s.addrOf(&s.healthLn) }

// closeHealth closes the health listener and its connections.
func (s *Server) closeHealth() error {
	s.mu.Lock()
	h := s.health
	s.mu.Unlock()
	if h == nil {
		return nil
	}
	return h.Close()
}
