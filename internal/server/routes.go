package server

import (
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Paths the server answers itself.
const (
	PathLive    = "/health/live"
	PathReady   = "/health/ready"
	PathMetrics = "/metrics"
)

// routes returns the server's root handler: request id, access log,
// pacing of bodies and responses, the connection and upload limits, then
// either an operational endpoint or the S3 API.
func (s *Server) routes() http.Handler {
	metricsHandler := promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{
		ErrorLog: promErrorLogger{s.log},
	})
	endpoints := map[string]http.Handler{
		PathLive:    http.HandlerFunc(s.live),
		PathReady:   http.HandlerFunc(s.ready),
		PathMetrics: metricsHandler,
	}
	s.endpoints = endpoints
	s3 := s.opts.Handler
	if s.opts.Metrics != nil {
		s3 = countInflight(s.opts.Metrics, s3)
	}
	return s.tracked(s.withRequestID(s.withAccessLog(s.paced(s.limited(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := endpoints[r.URL.Path]; ok && s.isEndpointRequest(r) {
			h.ServeHTTP(w, r)
			return
		}
		svc := scopeService(r)
		if svc == "" && s.isUnsignedQuery(r) {
			svc = "sts"
		}
		switch svc {
		case "iam":
			if s.opts.IAM != nil {
				s.opts.IAM.ServeHTTP(w, r)
				return
			}
		case "sts":
			if s.opts.STS != nil {
				s.opts.STS.ServeHTTP(w, r)
				return
			}
		case "coffer":
			if s.opts.Operator != nil {
				s.opts.Operator.ServeHTTP(w, r)
				return
			}
		case "kms":
			if s.opts.KMS != nil {
				s.opts.KMS.ServeHTTP(w, r)
				return
			}
		}
		s3.ServeHTTP(w, r)
	}))))))
}

// scopeService returns "iam", "sts", "kms" or "coffer" when r is signed
// with SigV4 for that service (the Authorization header's or
// X-Amz-Credential's scope ends in "/iam/aws4_request",
// "/sts/aws4_request", "/kms/aws4_request" or "/coffer/aws4_request"), else "" (s3, SigV2, anonymous). It is a
// substring check on the S3 hot path: one scan of the header or query, no
// allocation, no parsing. The service's Verifier checks the scope
// properly; a request routed on a forged scope fails there.
func scopeService(r *http.Request) string {
	if authz := r.Header.Get("Authorization"); authz != "" {
		return serviceBefore(authz, "/")
	}
	if q := r.URL.RawQuery; q != "" {
		if svc := serviceBefore(q, "%2F"); svc != "" {
			return svc
		}
		return serviceBefore(q, "/")
	}
	return ""
}

// routedServices are the SigV4 service names served apart from S3.
var routedServices = [...]string{"iam", "sts", "kms", "coffer"}

// serviceBefore finds the first "aws4_request" in s and returns the routed
// service it is preceded by, as sep+service+sep, or "".
func serviceBefore(s, sep string) string {
	i := strings.Index(s, "aws4_request")
	if i < 0 {
		return ""
	}
	head, ok := strings.CutSuffix(s[:i], sep)
	if !ok {
		return ""
	}
	for _, svc := range routedServices {
		if rest, ok := strings.CutSuffix(head, svc); ok && strings.HasSuffix(rest, sep) {
			return svc
		}
	}
	return ""
}

// isUnsignedQuery reports an unsigned query-protocol call: a form POST
// to "/" of the endpoint itself, without any signature. Only STS serves
// such calls (AssumeRoleWithWebIdentity, AssumeRoleWithSAML); S3 has no
// form-encoded POST (browser uploads are multipart/form-data to a bucket),
// so nothing S3 serves is taken. Checked only for unsigned POSTs.
func (s *Server) isUnsignedQuery(r *http.Request) bool {
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Authorization") != "" {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		return false
	}
	if q := r.URL.RawQuery; strings.Contains(q, "Signature") || strings.Contains(q, "X-Amz-Credential") {
		return false
	}
	return !s.virtualHosted(r)
}

// virtualHosted reports whether r's host names a virtual-hosted bucket.
func (s *Server) virtualHosted(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	for _, d := range s.opts.Config.Domains {
		if strings.HasSuffix(host, "."+strings.ToLower(d)) {
			return true
		}
	}
	return false
}

// tracked counts running handlers so that Shutdown can promise that none
// runs any more (including its access log write) when it returns.
func (s *Server) tracked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.handlers.Add(1)
		defer s.handlers.Done()
		next.ServeHTTP(w, r)
	})
}

// isEndpointRequest tells an operational request from an S3 request whose
// path happens to match: "/metrics" is also ListObjects on a bucket named
// "metrics", and "/health/live" GetObject of key "live" in bucket "health".
// Endpoints answer only unsigned GET and HEAD requests to a host that is not
// a virtual-hosted bucket; anything signed goes to the S3 API. The price is
// that those paths cannot be read anonymously as S3 objects.
func (s *Server) isEndpointRequest(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	q := r.URL.Query()
	if q.Has("X-Amz-Signature") || q.Has("Signature") || q.Has("X-Amz-Credential") {
		return false
	}
	return !s.virtualHosted(r)
}

// live answers 200 while the process serves HTTP at all.
func (s *Server) live(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// ready answers 200 when S3 requests can be served, 503 otherwise.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("shutting down\n"))
		return
	}
	if err := s.opts.Ready(); err != nil {
		// Logged when readiness is lost, not at every probe: a probe
		// every few seconds would bury the cause in repetitions.
		if !s.notReady.Swap(true) {
			s.log.WarnContext(r.Context(), "not ready", "err", err)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready\n"))
		return
	}
	if s.notReady.Swap(false) {
		s.log.InfoContext(r.Context(), "ready again")
	}
	_, _ = w.Write([]byte("ok\n"))
}
