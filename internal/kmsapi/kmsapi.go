// Package kmsapi is the KMS wire: the JSON 1.1 protocol, with the
// operation named by X-Amz-Target "TrentService.<Operation>" and requests
// signed with SigV4 for the kms service. It authenticates, decodes the
// JSON request into the key service's typed request, calls the service
// (which authorizes through the one Authorize call) and encodes the
// answer or the error, chosen in this package's one error table.
package kmsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/kms"
	"github.com/coffer-s3/coffer/internal/reqid"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// targetPrefix starts every KMS X-Amz-Target.
const targetPrefix = "TrentService."

// maxBody bounds a request body: the largest KMS parameters are a 32 KB
// key policy and a ciphertext of about 6 KB, base64-encoded.
const maxBody = 1 << 20

// Options configures the handler.
type Options struct {
	// Keys is the key service (required).
	Keys *kms.Service
	// Credentials, Region, Clock and Logger build the SigV4 verifier for
	// the kms service.
	Credentials sigv4.Credentials
	Region      string
	Clock       clock.Clock
	Logger      *slog.Logger
}

// Handler serves the KMS API.
type Handler struct {
	keys     *kms.Service
	verifier *sigv4.Verifier
	log      *slog.Logger
}

// New returns the KMS handler.
func New(opts Options) (*Handler, error) {
	if opts.Keys == nil {
		return nil, errors.New("kmsapi: Options.Keys is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		keys: opts.Keys,
		verifier: sigv4.New(sigv4.Options{Credentials: opts.Credentials, Region: opts.Region, Service: "kms",
			Clock: opts.Clock, Logger: log, DisableSigV2: true}),
		log: log,
	}, nil
}

// ServeHTTP authenticates, decodes and runs one call. Authentication comes
// first, so nothing about the API is revealed to a caller who cannot sign.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := reqid.From(ctx)
	if id == "" {
		id = reqid.New()
	}
	w.Header().Set("X-Amzn-RequestId", id)
	res, err := h.verifier.Verify(r)
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	if res.Principal.Anonymous {
		h.fail(ctx, w, errMissingToken)
		return
	}
	if r.Method != http.MethodPost {
		h.fail(ctx, w, &wireError{Code: "UnknownOperationException", Status: http.StatusBadRequest})
		return
	}
	name := Operation(r.Header.Get("X-Amz-Target"))
	op, ok := operations[name]
	if !ok {
		h.fail(ctx, w, unknownOperation(name))
		return
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	if len(body) > maxBody {
		h.fail(ctx, w, &wireError{Code: "ValidationException", Status: http.StatusBadRequest,
			Message: fmt.Sprintf("Request body must be at most %d bytes", maxBody)})
		return
	}
	c := &call{ctx: ctx, keys: h.keys, body: body, caller: callerOf(r, res.Principal)}
	out, err := op(c)
	if err != nil {
		h.fail(ctx, w, err)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		h.fail(ctx, w, fmt.Errorf("kmsapi: encode %s: %w", name, err))
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// callerOf is who the request is from, with the global condition keys
// the request carries.
func callerOf(r *http.Request, p sigv4.Principal) kms.Caller {
	c := kms.Caller{Principal: p, Conditions: map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(r.TLS != nil)},
	}}
	// The connection's peer: X-Forwarded-For is the client's to write.
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if host != "" {
		c.Conditions["aws:SourceIp"] = []string{host}
	}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		c.Conditions["aws:UserAgent"] = []string{ua}
	}
	return c
}

// call is one decoded call in progress.
type call struct {
	ctx    context.Context
	keys   *kms.Service
	body   []byte
	caller kms.Caller
}

// decode reads the request body into v. An empty body is an empty object.
func (c *call) decode(v any) error {
	return decodeJSON(c.body, v)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Operation returns the operation an X-Amz-Target names, or "" when the
// target is not a KMS one or the name is not a plain identifier (it is
// echoed to the client and logged).
func Operation(target string) string {
	op, ok := strings.CutPrefix(target, targetPrefix)
	if !ok || op == "" || len(op) > 64 {
		return ""
	}
	for _, c := range op {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return op
}
