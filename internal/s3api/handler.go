package s3api

import (
	"errors"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/reqid"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// DefaultRegion is the region used when Options.Region is empty.
const DefaultRegion = "us-east-1"

// Options configures a Handler.
type Options struct {
	// Objects is the object service (required).
	Objects Objects
	// Verifier authenticates requests (required); *sigv4.Verifier
	// satisfies it.
	Verifier Verifier
	// Authorizer decides access (required).
	Authorizer iam.Authorizer
	// Region is the region this endpoint serves (default DefaultRegion). A
	// CreateBucket LocationConstraint must name it.
	Region string
	// Domains are the base domains of virtual-hosted-style requests: with
	// "s3.local", Host "photos.s3.local" addresses bucket "photos". A Host
	// that matches none is path-style.
	Domains []string
	// Logger receives internal errors with their request id. Nil discards.
	Logger *slog.Logger
	// Clock is the time source for Date headers and elapsed times (default
	// the wall clock).
	Clock clock.Clock
	// Accounts, if set, names accounts in Owner elements (canonical id
	// and name) and resolves ACL grantees. Without it Owner elements
	// carry account ids and grants by email cannot be resolved.
	Accounts Accounts
	// DefaultObjectOwnership is the Object Ownership of a bucket created
	// without x-amz-object-ownership (default BucketOwnerEnforced).
	DefaultObjectOwnership acl.Ownership
	// DefaultBlockPublicAccess says new buckets get all four Block Public
	// Access flags (the object service stores them); CreateBucket's own
	// ACL is checked against them before the bucket exists.
	DefaultBlockPublicAccess bool
	// Observe, if set, is called once per request after the response is
	// written, with the operation name (for example "PutObject"), the HTTP
	// status and the elapsed time.
	Observe func(op string, status int, elapsed time.Duration)
	// RequireTLS answers every request that did not arrive over TLS
	// (r.TLS is nil) with 403 AccessDenied, before authentication, as a
	// bucket policy denying aws:SecureTransport false would on every
	// bucket. The operator's switch (--require-tls) above all policies.
	RequireTLS bool
	// AllowInsecureSSEC accepts customer-provided keys (SSE-C) on
	// requests that did not arrive over TLS, which S3 refuses: for
	// loopback tests only (--allow-insecure-sse-c).
	AllowInsecureSSEC bool
	// LifecycleDay is the length of a lifecycle day for the
	// x-amz-expiration and x-amz-abort-date headers (default 24 hours);
	// it must match the lifecycle engine's (--lifecycle-day).
	LifecycleDay time.Duration
}

// Errors New returns for incomplete Options.
var (
	ErrNoObjects    = errors.New("s3api: Options.Objects is required")
	ErrNoVerifier   = errors.New("s3api: Options.Verifier is required")
	ErrNoAuthorizer = errors.New("s3api: Options.Authorizer is required")
)

// Handler serves the S3 API. It is an http.Handler, safe for concurrent use.
type Handler struct {
	objects  Objects
	verifier Verifier
	authz    iam.Authorizer
	region   string
	router   *router
	log      *slog.Logger
	clock    clock.Clock
	observe  func(op string, status int, elapsed time.Duration)
	// requireTLS refuses plain-HTTP requests (Options.RequireTLS).
	requireTLS bool
	accounts   Accounts
	// defaultOwnership is a new bucket's Object Ownership by default.
	defaultOwnership acl.Ownership
	// defaultBlock: new buckets block public access (Options).
	defaultBlock bool
	// allowInsecureSSEC: Options.AllowInsecureSSEC.
	allowInsecureSSEC bool
	// lifecycleDay: Options.LifecycleDay.
	lifecycleDay time.Duration
	// xmlBufs holds *[]byte response buffers for the bodies that render
	// themselves.
	xmlBufs sync.Pool
}

// New returns a Handler for opts.
func New(opts Options) (*Handler, error) {
	switch {
	case opts.Objects == nil:
		return nil, ErrNoObjects
	case opts.Verifier == nil:
		return nil, ErrNoVerifier
	case opts.Authorizer == nil:
		return nil, ErrNoAuthorizer
	}
	h := &Handler{
		objects:  opts.Objects,
		verifier: opts.Verifier,
		authz:    opts.Authorizer,
		region:   opts.Region,
		router:   newRouter(opts.Domains),
		log:      opts.Logger,
		clock:    opts.Clock,
		observe:  opts.Observe,

		requireTLS:        opts.RequireTLS,
		allowInsecureSSEC: opts.AllowInsecureSSEC,
		lifecycleDay:      opts.LifecycleDay,
		accounts:          opts.Accounts,

		defaultOwnership: opts.DefaultObjectOwnership,
		defaultBlock:     opts.DefaultBlockPublicAccess,
	}
	if h.defaultOwnership == "" {
		h.defaultOwnership = acl.BucketOwnerEnforced
	}
	if _, err := acl.ParseOwnership(string(h.defaultOwnership)); err != nil {
		return nil, err
	}
	h.xmlBufs.New = func() any { return new([]byte) }
	if h.region == "" {
		h.region = DefaultRegion
	}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.clock == nil {
		h.clock = clock.Real{}
	}
	if h.lifecycleDay <= 0 {
		h.lifecycleDay = rules.Day
	}
	return h, nil
}

// VirtualHostBucket returns the bucket a virtual-hosted-style request names
// in its Host header, or "" for a path-style request. It fits
// sigv4.Options.VirtualHostBucket.
func (h *Handler) VirtualHostBucket(r *http.Request) string {
	return h.router.hostBucket(r.Host)
}

// request is one request on its way through the pipeline.
type request struct {
	r     *http.Request
	id    string
	query url.Values
	route Route
	// auth is the authentication result; nil until authenticated.
	auth *sigv4.Result
	// copySrc is the parsed x-amz-copy-source of the copy operations.
	copySrc copySource
	// spec is the operation's row of ops, once routed.
	spec opSpec
	// form is a browser POST's form; nil for other requests.
	form *postForm
	// formHdr caches form's fields read as headers.
	formHdr http.Header
	// fromBody holds the condition keys a handler read from the body
	// before authorizing.
	fromBody bodyKeys
	// authCtx is the condition-key context of the authorization question
	// being asked; reused for each.
	authCtx authContext
	// aclSrc is the ACL source of the authorization question being
	// asked; reused for each.
	aclSrc aclSource
}

// body is what handlers read instead of r.Body: the decoded payload.
func (req *request) body() io.Reader {
	if req.auth != nil && req.auth.Body != nil {
		return req.auth.Body
	}
	return req.r.Body
}

// principal is the authenticated principal.
func (req *request) principal() sigv4.Principal {
	if req.auth == nil {
		return sigv4.Principal{Anonymous: true}
	}
	return req.auth.Principal
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.clock.Now()
	id := reqid.From(r.Context())
	if id == "" {
		id = reqid.New()
		r = r.WithContext(reqid.With(r.Context(), id))
	}
	if r.ContentLength == 0 && r.ProtoAtLeast(1, 1) && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		// net/http sends 100 Continue when a handler first reads a body,
		// which an empty body never prompts. S3 answers 100 anyway, and
		// botocore, having waited for it, misreads the next response on a
		// pooled connection when it does not come.
		w.WriteHeader(http.StatusContinue)
	}
	sw := &statusWriter{ResponseWriter: w}
	hs := newHeaderSet(sw.Header(), 4)
	hs.set("X-Amz-Request-Id", id)
	hs.set("X-Amz-Id-2", id)
	hs.set("Server", "coffer")
	hs.set("Date", start.UTC().Format(http.TimeFormat))

	// Most object requests have no query; url.Values is only read, and a
	// nil one reads as empty without ParseQuery allocating a map.
	var query url.Values
	if r.URL.RawQuery != "" {
		query = r.URL.Query()
	}
	req := &request{r: r, id: id, query: query, route: h.router.resolve(r, query)}
	if req.route.Op != OpPreflight {
		h.applyCORS(sw.Header(), req)
	}
	if err := h.serve(sw, req); err != nil {
		h.writeError(sw, req, err)
	}
	if h.observe != nil {
		h.observe(string(req.route.Op), sw.status(), h.clock.Now().Sub(start))
	}
}

// SlowDown returns the handler of requests the server turns away because a
// limit is reached: 503 SlowDown, which SDKs retry with back-off.
func (h *Handler) SlowDown() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := reqid.From(r.Context())
		if id == "" {
			id = reqid.New()
		}
		sw := &statusWriter{ResponseWriter: w}
		w.Header().Set("X-Amz-Request-Id", id)
		w.Header().Set("Retry-After", "1")
		req := &request{r: r, id: id, route: h.router.resolve(r, r.URL.Query())}
		h.writeError(sw, req, errSlowDown)
		if h.observe != nil {
			h.observe(string(req.route.Op), sw.status(), 0)
		}
	})
}

// serve runs the pipeline: authenticate, check the route, authorize, then
// the operation's handler.
func (h *Handler) serve(w http.ResponseWriter, req *request) error {
	if h.requireTLS && req.r.TLS == nil {
		h.log.InfoContext(req.r.Context(), "access denied",
			"op", string(req.route.Op), "bucket", req.route.Bucket, "key", req.route.Key,
			"reason", "request not made over TLS and the server requires TLS (--require-tls)")
		return errAccessDenied
	}
	if err := checkMFATransport(req); err != nil {
		return err
	}
	if req.route.Op == OpPreflight {
		// Browsers send preflights without credentials; the bucket's
		// CORS rules alone decide the answer.
		return h.preflight(w, req)
	}
	if req.route.Op == OpPostObject {
		// A browser upload carries its credentials inside the form; the
		// handler authenticates it while it parses the form.
		return h.postObject(w, req)
	}
	res, err := h.verifier.Verify(req.r)
	if err != nil {
		return err
	}
	req.auth = res
	if !req.route.Implemented {
		return withMessage(errNotImplemented, "The requested operation "+string(req.route.Op)+" is not implemented.")
	}
	spec, ok := ops[req.route.Op]
	if !ok {
		return errMethodNotAllowed
	}
	if len(req.route.Key) > maxKeyLength {
		return errKeyTooLong
	}
	req.spec = spec
	if !spec.bodyKeys {
		if err := h.authorizeRoute(req); err != nil {
			return err
		}
	}
	if spec.copySource {
		if req.copySrc, err = parseCopySource(req.r.Header.Get("X-Amz-Copy-Source")); err != nil {
			return err
		}
		srcAction := "s3:GetObject"
		if req.copySrc.versionID != "" {
			srcAction = "s3:GetObjectVersion"
		}
		if err := h.authorize(req, srcAction, req.copySrc.bucket, req.copySrc.key, req.copySrc.versionID); err != nil {
			return err
		}
	}
	if spec.upload {
		if err := h.checkBlockedEncryption(req.r.Context(), req.route.Bucket, req.r.Header); err != nil {
			return err
		}
	}
	return spec.serve(h, w, req)
}

// authorizeRoute asks for the operation's action (and its second action,
// if it has one) on the route's bucket and key. Operations whose condition
// keys come from their body call it once they have parsed the body.
func (h *Handler) authorizeRoute(req *request) error {
	spec := req.spec
	if spec.action == "" {
		return nil
	}
	versionID, versioned := "", false
	if vs, ok := req.query["versionId"]; ok {
		versioned = true
		if len(vs) > 0 {
			versionID = vs[0]
		}
	}
	for _, a := range [...][2]string{{spec.action, spec.versionAction}, {spec.also, spec.alsoVersion}} {
		action := a[0]
		if versioned && a[1] != "" {
			action = a[1]
		}
		if action == "" {
			continue
		}
		if err := h.authorize(req, action, req.route.Bucket, req.route.Key, versionID); err != nil {
			return err
		}
	}
	return nil
}

// statusWriter remembers the status written, for Observe and to know
// whether an error can still be rendered.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom hands a body that can send itself (a blob file) to the
// connection's ReadFrom, which sends a file with sendfile(2).
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return io.Copy(w.ResponseWriter, r)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (w *statusWriter) wroteHeader() bool { return w.code != 0 }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
