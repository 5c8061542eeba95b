package sigv4

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// presignV4 is a parsed SigV4 presigned query.
type presignV4 struct {
	scope         scope
	stamp         string
	t             time.Time
	expires       time.Duration
	signedHeaders string
	signature     string
	token         string
}

// parsePresignV4 parses the X-Amz-* query parameters of a presigned URL.
// Errors wrap ErrMalformedPresigned or ErrUnsupportedAlgorithm.
func parsePresignV4(q url.Values) (presignV4, error) {
	get := func(name string) (string, error) {
		vs := q[name]
		switch len(vs) {
		case 0:
			return "", fmt.Errorf("%w: missing %s", ErrMalformedPresigned, name)
		case 1:
			return vs[0], nil
		}
		return "", fmt.Errorf("%w: repeated %s", ErrMalformedPresigned, name)
	}
	var p presignV4
	algo, err := get("X-Amz-Algorithm")
	if err != nil {
		return p, err
	}
	if algo != algoV4 {
		return p, fmt.Errorf("%w: X-Amz-Algorithm %q", ErrUnsupportedAlgorithm, algo)
	}
	cred, err := get("X-Amz-Credential")
	if err != nil {
		return p, err
	}
	if p.scope, err = parseCredential(cred, ErrMalformedPresigned); err != nil {
		return p, err
	}
	if p.stamp, err = get("X-Amz-Date"); err != nil {
		return p, err
	}
	var ok bool
	if p.t, ok = parseAmzDate(p.stamp); !ok {
		return p, fmt.Errorf("%w: bad X-Amz-Date", ErrMalformedPresigned)
	}
	exp, err := get("X-Amz-Expires")
	if err != nil {
		return p, err
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || secs < 0 {
		return p, fmt.Errorf("%w: X-Amz-Expires must be a non-negative integer", ErrMalformedPresigned)
	}
	if p.expires = time.Duration(secs) * time.Second; p.expires > MaxPresignExpires {
		return p, fmt.Errorf("%w: X-Amz-Expires must be at most 604800 seconds", ErrMalformedPresigned)
	}
	if p.signedHeaders, err = get("X-Amz-SignedHeaders"); err != nil {
		return p, err
	}
	if err := checkSignedHeaders(p.signedHeaders, ErrMalformedPresigned); err != nil {
		return p, err
	}
	if p.signature, err = get("X-Amz-Signature"); err != nil {
		return p, err
	}
	if !isLowerHex(p.signature, 64) {
		return p, fmt.Errorf("%w: X-Amz-Signature is not 64 lowercase hex digits", ErrMalformedPresigned)
	}
	if vs := q["X-Amz-Security-Token"]; len(vs) > 1 {
		return p, fmt.Errorf("%w: repeated X-Amz-Security-Token", ErrMalformedPresigned)
	} else if len(vs) == 1 {
		p.token = vs[0]
	}
	return p, nil
}

// verifyPresignedV4 authenticates a SigV4 presigned URL.
func (v *Verifier) verifyPresignedV4(r *http.Request) (*Result, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedPresigned, err)
	}
	p, err := parsePresignV4(q)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(p.scope, ErrMalformedPresigned); err != nil {
		return nil, err
	}
	if p.scope.date != p.stamp[:8] {
		return nil, fmt.Errorf("%w: credential date is not X-Amz-Date", ErrMalformedPresigned)
	}
	now := v.clock.Now()
	if p.t.Sub(now) > v.maxSkew {
		return nil, fmt.Errorf("%w: X-Amz-Date is in the future", ErrRequestTimeTooSkewed)
	}
	if now.After(p.t.Add(p.expires)) {
		return nil, fmt.Errorf("%w: at %s", ErrExpired, p.t.Add(p.expires).UTC().Format(time.RFC3339))
	}
	if err := checkAmzHeadersSigned(r, p.signedHeaders); err != nil {
		return nil, err
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case payload != "":
	case v.service != serviceS3:
		// Outside S3, presigned URLs sign the body's hash like any
		// other request (the empty body's for a GET).
		if payload, err = hashWholeBody(r); err != nil {
			return nil, err
		}
	default:
		payload = unsignedPayload
	}
	mode, err := parsePayloadMode(payload)
	if err != nil {
		return nil, err
	}
	if mode == payloadChunkedSigned || mode == payloadChunkedSignedTrailer {
		return nil, fmt.Errorf("%w: signed streaming needs the Authorization header", ErrInvalidContentSHA256)
	}
	ctx := r.Context()
	cred, err := v.lookup(ctx, p.scope.accessKey)
	if err != nil {
		return nil, err
	}
	if err := checkSessionToken(cred, p.token); err != nil {
		return nil, err
	}
	key := v.signingKey(cred.SecretKey, p.scope)
	cr := canonicalRequest{
		query:         canonicalQuery(r.URL.RawQuery, true),
		signedHeaders: p.signedHeaders,
		payloadHash:   payload,
	}
	if !v.matchV4(r, &cr, key, p.stamp, p.scope, p.signature) {
		v.reject(ctx, PresignedV4, p.scope.accessKey, ErrSignatureMismatch)
		return nil, ErrSignatureMismatch
	}
	res := &Result{Principal: principalOf(cred), Method: PresignedV4}
	if err := attachBody(res, r, mode, payload, chainStart{}); err != nil {
		return nil, err
	}
	return res, nil
}
