package s3api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/object"
)

// corsForbiddenError is a refused preflight; S3's error body names the
// method asked for and whether the resource is a bucket or an object.
type corsForbiddenError struct {
	err          error
	method       string
	resourceType string
}

func (e *corsForbiddenError) Error() string { return e.err.Error() }
func (e *corsForbiddenError) Unwrap() error { return e.err }

// preflight answers a CORS preflight (OPTIONS) from the bucket's CORS
// rules. It is not authenticated: browsers send preflights without
// credentials. The checks run in S3's order: Origin, then the requested
// method, then the bucket and its rules.
func (h *Handler) preflight(w http.ResponseWriter, req *request) error {
	hdr := req.r.Header
	origin := hdr.Get("Origin")
	if origin == "" {
		return errCORSMissingOrigin
	}
	methods, ok := hdr["Access-Control-Request-Method"]
	if !ok {
		return errCORSInvalidMethod
	}
	method := strings.Join(methods, ", ")
	if !cors.ValidMethod(method) {
		return withMessage(errCORSInvalidMethod, "Invalid Access-Control-Request-Method: "+method)
	}
	forbidden := func(err error) error {
		rt := "BUCKET"
		if req.route.Key != "" {
			rt = "OBJECT"
		}
		return &corsForbiddenError{err: err, method: method, resourceType: rt}
	}
	if req.route.Bucket == "" {
		// The service endpoint has no CORS configuration of its own.
		return forbidden(errCORSNotEnabled)
	}
	cfg, err := h.objects.BucketCORS(req.r.Context(), req.route.Bucket)
	switch {
	case err == nil && cfg == nil:
		return forbidden(errCORSNotEnabled)
	case isNoSuchBucket(err):
		return forbidden(errCORSNoBucket)
	case err != nil:
		return err
	}
	requested := cors.ParseRequestHeaders(strings.Join(hdr.Values("Access-Control-Request-Headers"), ","))
	m, ok := cfg.Find(origin, method, requested)
	if !ok {
		return forbidden(errCORSNotAllowed)
	}
	setCORSHeaders(w.Header(), &m)
	writeEmpty(w, http.StatusOK)
	return nil
}

// applyCORS adds the CORS response headers to a request that carries an
// Origin header and is allowed by one of its bucket's rules, whatever the
// request's outcome: a browser shows a page the error only with them.
// Failures to read the rules leave the response without CORS headers.
func (h *Handler) applyCORS(hdr http.Header, req *request) {
	origin := req.r.Header.Get("Origin")
	if origin == "" || req.route.Bucket == "" {
		return
	}
	cfg, err := h.objects.BucketCORS(req.r.Context(), req.route.Bucket)
	if err != nil || cfg == nil {
		return
	}
	if m, ok := cfg.Find(origin, req.r.Method, nil); ok {
		setCORSHeaders(hdr, &m)
	}
}

func setCORSHeaders(hdr http.Header, m *cors.Match) {
	for _, kv := range m.Headers() {
		hdr.Set(kv[0], kv[1])
	}
}

func isNoSuchBucket(err error) bool { return errors.Is(err, object.ErrNoSuchBucket) }
