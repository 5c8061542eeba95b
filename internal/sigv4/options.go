package sigv4

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
)

// Defaults applied by New to zero Options fields.
const (
	// DefaultRegion is the region a Verifier accepts when Options.Region is
	// empty.
	DefaultRegion = "us-east-1"
	// DefaultMaxSkew is how far a signed request's time may be from the
	// server's clock, as in AWS S3.
	DefaultMaxSkew = 15 * time.Minute
	// MaxPresignExpires is the longest X-Amz-Expires AWS accepts: 7 days.
	MaxPresignExpires = 7 * 24 * time.Hour
	// MaxQueryBody is the largest body a non-s3 Verifier reads to hash it
	// (see Options.Service). Query-protocol requests are small: IAM's
	// largest parameter, a policy document, is at most 131,072 characters.
	MaxQueryBody = 1 << 20
)

// Options configures a Verifier.
type Options struct {
	// Credentials looks up the secret for an access key. A nil Credentials
	// knows no key, so only anonymous requests authenticate.
	Credentials Credentials
	// Region is the region that SigV4 credential scopes must name
	// (default DefaultRegion). A request signed for another region fails
	// with ErrMalformedAuthorization (AuthorizationHeaderMalformed).
	Region string
	// Service is the service that SigV4 credential scopes must name
	// (default "s3"). A Verifier serves one service: the service is part of
	// the signing key and the string to sign, and a scope naming another
	// service is refused before any key is looked up, so a signature made
	// for one service cannot be replayed against another.
	//
	// For a service other than s3, a header-signed request without
	// x-amz-content-sha256 (what SDKs send to query-protocol services) is
	// verified against the SHA-256 of its body, which Verify then reads
	// (at most MaxQueryBody bytes) and replays in Result.Body.
	Service string
	// ExtraRegions are further regions accepted besides Region: IAM is a
	// global service that clients sign for us-east-1 whatever the
	// endpoint's region.
	ExtraRegions []string
	// Clock is the time source for skew and expiry checks (default the
	// wall clock).
	Clock clock.Clock
	// MaxSkew is the largest accepted difference between a request's
	// signing time and Clock (default DefaultMaxSkew).
	MaxSkew time.Duration
	// Logger receives debug records about rejected requests; it never sees
	// secrets or signatures. Nil discards.
	Logger *slog.Logger
	// VirtualHostBucket returns the bucket named by the Host header of a
	// virtual-hosted-style request, or "" for a path-style request. Only
	// Signature Version 2 needs it: its canonicalized resource starts with
	// "/bucket" even when the bucket is not in the path. Nil means every
	// request is path-style.
	VirtualHostBucket func(r *http.Request) string
	// DisableSigV2 rejects Signature Version 2 (header, query and POST)
	// with ErrSignatureVersionMismatch, as AWS regions opened after 2014
	// do.
	DisableSigV2 bool
}

// Validate reports an invalid Options. Zero fields are valid: New gives
// them defaults.
func (o Options) Validate() error {
	if o.MaxSkew < 0 {
		return fmt.Errorf("sigv4: negative MaxSkew %v", o.MaxSkew)
	}
	for _, name := range append([]string{o.Region, o.Service}, o.ExtraRegions...) {
		if !isScopeWord(name) {
			return fmt.Errorf("sigv4: invalid region or service %q", name)
		}
	}
	return nil
}

// isScopeWord reports whether s may be a region or service name: lowercase
// letters, digits and '-'. The empty string stands for the default.
func isScopeWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Verifier authenticates requests for one service (s3 by default). It is safe for concurrent use.
type Verifier struct {
	creds       Credentials
	region      string
	extra       []string // regions accepted besides region
	service     string
	clock       clock.Clock
	maxSkew     time.Duration
	log         *slog.Logger
	vhostBucket func(r *http.Request) string
	noV2        bool
	keys        keyCache
	// bufs holds *[]byte scratch buffers for canonical requests.
	bufs sync.Pool
}

// maxPooledBuf keeps unusually large canonical-request buffers (huge
// queries or headers) out of the pool.
const maxPooledBuf = 64 << 10

// New returns a Verifier for opts, with defaults for zero fields.
func New(opts Options) *Verifier {
	v := &Verifier{
		creds:       opts.Credentials,
		region:      opts.Region,
		extra:       slices.Clone(opts.ExtraRegions),
		service:     opts.Service,
		clock:       opts.Clock,
		maxSkew:     opts.MaxSkew,
		log:         opts.Logger,
		vhostBucket: opts.VirtualHostBucket,
		noV2:        opts.DisableSigV2,
	}
	if v.region == "" {
		v.region = DefaultRegion
	}
	if v.service == "" {
		v.service = serviceS3
	}
	if v.clock == nil {
		v.clock = clock.Real{}
	}
	if v.maxSkew <= 0 {
		v.maxSkew = DefaultMaxSkew
	}
	if v.log == nil {
		v.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	v.keys.init()
	v.bufs.New = func() any { b := make([]byte, 0, 2048); return &b }
	return v
}
