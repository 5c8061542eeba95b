package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Verify authenticates r. On success the returned Result names the
// principal and carries the body to read instead of r.Body: it removes any
// aws-chunked framing and reports payload errors (see Result.Body). Verify
// never reads the body itself.
//
// A request with no Authorization header and no signature in its query is
// anonymous. Errors wrap the sentinels declared in this package; the HTTP
// layer maps them to S3 error codes.
func (v *Verifier) Verify(r *http.Request) (*Result, error) {
	authz := r.Header.Get("Authorization")
	presignedV4, presignedV2 := queryAuthKind(r.URL.RawQuery)
	switch {
	case authz != "" && (presignedV4 || presignedV2):
		return nil, fmt.Errorf("%w: both an Authorization header and a query signature", ErrMalformedAuthorization)
	case strings.HasPrefix(authz, algoV4+" "):
		return v.verifyHeaderV4(r, authz)
	case strings.HasPrefix(authz, "AWS ") && v.noV2, presignedV2 && authz == "" && v.noV2:
		return nil, fmt.Errorf("%w: use AWS4-HMAC-SHA256", ErrSignatureVersionMismatch)
	case strings.HasPrefix(authz, "AWS "):
		return v.verifyHeaderV2(r, authz)
	case authz != "":
		return nil, fmt.Errorf("%w: authorization type %q", ErrUnsupportedAlgorithm, authType(authz))
	case presignedV4:
		return v.verifyPresignedV4(r)
	case presignedV2:
		return v.verifyPresignedV2(r)
	}
	return anonymous(r)
}

// anonymous returns the Result of an unsigned request. Its body still
// loses any aws-chunked framing (an SDK with anonymous credentials may send
// STREAMING-UNSIGNED-PAYLOAD-TRAILER) and a hex x-amz-content-sha256 is
// still checked; signed streaming needs a seed signature it cannot have.
func anonymous(r *http.Request) (*Result, error) {
	res := &Result{Principal: Principal{Anonymous: true}, Method: Anonymous}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	mode := payloadUnsigned
	if payload != "" {
		var err error
		if mode, err = parsePayloadMode(payload); err != nil {
			return nil, err
		}
	}
	if mode == payloadChunkedSigned || mode == payloadChunkedSignedTrailer {
		return nil, fmt.Errorf("%w: %s needs a signed request", ErrInvalidContentSHA256, payload)
	}
	if err := attachBody(res, r, mode, payload, chainStart{}); err != nil {
		return nil, err
	}
	return res, nil
}

// authType returns the scheme word of an Authorization header, for error
// messages (never the credentials that follow it).
func authType(authz string) string {
	t, _, _ := strings.Cut(authz, " ")
	if len(t) > 40 {
		t = t[:40]
	}
	return t
}

// queryAuthKind reports whether a raw query carries SigV4 (X-Amz-Algorithm,
// X-Amz-Signature…) or SigV2 (Signature, AWSAccessKeyId) query
// authentication, without allocating for ordinary queries.
func queryAuthKind(rawQuery string) (v4, v2 bool) {
	if rawQuery == "" {
		return false, false
	}
	for part := range strings.SplitSeq(rawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		switch name {
		case "X-Amz-Algorithm", "X-Amz-Signature", "X-Amz-Credential":
			v4 = true
		case "Signature", "AWSAccessKeyId":
			v2 = true
		}
	}
	if v4 {
		v2 = false
	}
	return v4, v2
}

// checkSkew fails with ErrRequestTimeTooSkewed if t is more than MaxSkew
// away from the clock.
func (v *Verifier) checkSkew(t time.Time) error {
	d := v.clock.Now().Sub(t)
	if d > v.maxSkew || d < -v.maxSkew {
		return fmt.Errorf("%w: request time %s", ErrRequestTimeTooSkewed, t.UTC().Format(time.RFC3339))
	}
	return nil
}

// requestTimeV4 returns the request time from X-Amz-Date (ISO 8601 basic)
// or, failing that, Date (HTTP date), and its ISO 8601 basic form used in
// strings to sign.
func requestTimeV4(r *http.Request) (time.Time, string, error) {
	if s := r.Header.Get("X-Amz-Date"); s != "" {
		t, ok := parseAmzDate(s)
		if !ok {
			return time.Time{}, "", fmt.Errorf("%w: bad x-amz-date", ErrMissingDate)
		}
		return t, s, nil
	}
	if s := r.Header.Get("Date"); s != "" {
		t, err := parseHTTPDate(s)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("%w: bad Date", ErrMissingDate)
		}
		t = t.UTC()
		return t, t.Format(timeFormatV4), nil
	}
	return time.Time{}, "", ErrMissingDate
}

// verifyHeaderV4 authenticates a request signed in the Authorization
// header with SigV4.
func (v *Verifier) verifyHeaderV4(r *http.Request, authz string) (*Result, error) {
	a, err := parseAuthorizationV4(authz)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(a.scope, ErrMalformedAuthorization); err != nil {
		return nil, err
	}
	t, stamp, err := requestTimeV4(r)
	if err != nil {
		return nil, err
	}
	if a.scope.date != stamp[:8] {
		return nil, fmt.Errorf("%w: credential date %s is not the request date", ErrMalformedAuthorization, a.scope.date)
	}
	if err := v.checkSkew(t); err != nil {
		return nil, err
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" && v.service != serviceS3 {
		if payload, err = hashWholeBody(r); err != nil {
			return nil, err
		}
	}
	if payload == "" {
		return nil, ErrMissingContentSHA256
	}
	if err := checkAmzHeadersSigned(r, a.signedHeaders); err != nil {
		return nil, err
	}
	mode, err := parsePayloadMode(payload)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	cred, err := v.lookup(ctx, a.scope.accessKey)
	if err != nil {
		return nil, err
	}
	if err := checkSessionToken(cred, r.Header.Get("X-Amz-Security-Token")); err != nil {
		return nil, err
	}
	key := v.signingKey(cred.SecretKey, a.scope)
	cr := canonicalRequest{
		query:         canonicalQuery(r.URL.RawQuery, false),
		signedHeaders: a.signedHeaders,
		payloadHash:   payload,
	}
	if !v.matchV4(r, &cr, key, stamp, a.scope, a.signature) {
		v.reject(ctx, HeaderV4, a.scope.accessKey, ErrSignatureMismatch)
		return nil, ErrSignatureMismatch
	}
	res := &Result{Principal: principalOf(cred), Method: HeaderV4}
	seed := chainStart{key: key, stamp: stamp, scope: a.scope, seed: a.signature}
	if err := attachBody(res, r, mode, payload, seed); err != nil {
		return nil, err
	}
	return res, nil
}

// checkScope fails with a *ScopeError wrapping malformed unless sc names
// the Verifier's service and one of its regions. The service is checked
// first so that the message for a request sent to the wrong service says
// so.
func (v *Verifier) checkScope(sc scope, malformed error) error {
	if sc.service != v.service {
		return &ScopeError{Service: sc.service, Region: sc.region, WantService: v.service, WantRegion: v.region, Wire: malformed}
	}
	if sc.region == v.region || slices.Contains(v.extra, sc.region) {
		return nil
	}
	return &ScopeError{Service: sc.service, Region: sc.region, WantService: v.service, WantRegion: v.region, Wire: malformed}
}

// ScopeError is a credential scope naming another service or region than
// the Verifier's. It wraps the malformed-request sentinel of the wire form
// it came in (ErrMalformedAuthorization, ErrMalformedPresigned or
// ErrMalformedPostRequest), so S3 answers as for any malformed scope, while
// the query services answer SignatureDoesNotMatch with AWS's texts.
type ScopeError struct {
	Service, Region         string // as the request's scope names them
	WantService, WantRegion string // what the Verifier serves
	// Wire is the malformed-request sentinel of the wire form.
	Wire error
}

// Error implements error.
func (e *ScopeError) Error() string {
	if e.Service != e.WantService {
		return fmt.Sprintf("%v: credential service %q is wrong; expecting %q", e.Wire, e.Service, e.WantService)
	}
	return fmt.Sprintf("%v: region %q is wrong; expecting %q", e.Wire, e.Region, e.WantRegion)
}

// Unwrap returns the wire form's malformed-request sentinel.
func (e *ScopeError) Unwrap() error { return e.Wire }

// hashWholeBody reads r's body (at most MaxQueryBody bytes), puts the bytes
// back as r.Body and returns their hex SHA-256: the payload hash SDKs sign
// for query-protocol services without sending x-amz-content-sha256.
func hashWholeBody(r *http.Request) (string, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return emptySHA256, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxQueryBody+1))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrIncompleteBody, err)
	}
	if len(b) > MaxQueryBody {
		return "", fmt.Errorf("%w: body over %d bytes", ErrMalformedAuthorization, MaxQueryBody)
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// matchV4 computes the signature of r under cr for both canonical URI
// forms (see canonicalURIs) and reports whether either equals sig.
func (v *Verifier) matchV4(r *http.Request, cr *canonicalRequest, key []byte, stamp string, sc scope, sig string) bool {
	primary, verbatim := canonicalURIs(r)
	bp := v.bufs.Get().(*[]byte)
	defer v.bufs.Put(bp)
	for _, uri := range [2]string{primary, verbatim} {
		if uri == "" {
			continue
		}
		cr.uri = uri
		canon := cr.appendTo((*bp)[:0], r)
		// The string to sign goes after the canonical request in the same
		// buffer; appendStringToSign hashes canon before appending.
		all := appendStringToSign(canon, stamp, sc, canon)
		sts := all[len(canon):]
		if cap(all) <= maxPooledBuf {
			*bp = all[:0]
		}
		if signatureMatches(key, sts, sig) {
			return true
		}
	}
	return false
}

// checkSessionToken enforces that requests made with temporary
// credentials carry their session token.
func checkSessionToken(cred Credential, token string) error {
	if cred.SessionToken == "" {
		return nil
	}
	if token == "" {
		return fmt.Errorf("%w: x-amz-security-token", ErrMissingSecurityHeader)
	}
	if !equalSignature(token, cred.SessionToken) {
		return ErrInvalidToken
	}
	return nil
}

// principalOf returns the principal of cred, with its access key filled in.
func principalOf(cred Credential) Principal {
	p := cred.Principal
	if p.AccessKey == "" {
		p.AccessKey = cred.AccessKey
	}
	return p
}

// reject logs a failed authentication at debug level, without secrets.
func (v *Verifier) reject(ctx context.Context, m Method, accessKey string, err error) {
	v.log.DebugContext(ctx, "authentication failed", "method", m.String(), "access_key", accessKey, "err", err)
}

// String returns the method's name as used in logs.
func (m Method) String() string {
	switch m {
	case Anonymous:
		return "anonymous"
	case HeaderV4:
		return "header-v4"
	case PresignedV4:
		return "presigned-v4"
	case HeaderV2:
		return "header-v2"
	case PresignedV2:
		return "presigned-v2"
	case PostPolicy:
		return "post-policy"
	}
	return fmt.Sprintf("method(%d)", int(m))
}

// httpDateFormats are the date forms accepted in Date and (SigV2)
// x-amz-date: RFC 7231's IMF-fixdate and obsolete forms, plus RFC 1123
// with a numeric zone, which AWS's own examples use.
var httpDateFormats = [...]string{
	http.TimeFormat,
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	time.ANSIC,
}

// parseHTTPDate parses an HTTP date in any of httpDateFormats.
func parseHTTPDate(s string) (time.Time, error) {
	var err error
	for _, f := range httpDateFormats {
		var t time.Time
		if t, err = time.Parse(f, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
