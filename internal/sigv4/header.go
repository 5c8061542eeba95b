package sigv4

import (
	"fmt"
	"net/http"
	"strings"
)

// authV4 is a parsed "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…" Authorization header.
type authV4 struct {
	scope         scope
	signedHeaders string
	signature     string
}

// parseAuthorizationV4 parses a SigV4 Authorization header value. Errors
// wrap ErrMalformedAuthorization or ErrUnsupportedAlgorithm.
func parseAuthorizationV4(h string) (authV4, error) {
	algo, rest, ok := strings.Cut(h, " ")
	if !ok {
		return authV4{}, fmt.Errorf("%w: no credential after algorithm", ErrMalformedAuthorization)
	}
	if algo != algoV4 {
		return authV4{}, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, algo)
	}
	var a authV4
	var cred string
	var seen [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return authV4{}, fmt.Errorf("%w: component without '='", ErrMalformedAuthorization)
		}
		var idx int
		switch k {
		case "Credential":
			idx, cred = 0, val
		case "SignedHeaders":
			idx, a.signedHeaders = 1, val
		case "Signature":
			idx, a.signature = 2, val
		default:
			return authV4{}, fmt.Errorf("%w: unknown component %q", ErrMalformedAuthorization, k)
		}
		if seen[idx] {
			return authV4{}, fmt.Errorf("%w: repeated component %q", ErrMalformedAuthorization, k)
		}
		seen[idx] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return authV4{}, fmt.Errorf("%w: missing Credential, SignedHeaders or Signature", ErrMalformedAuthorization)
	}
	sc, err := parseCredential(cred, ErrMalformedAuthorization)
	if err != nil {
		return authV4{}, err
	}
	a.scope = sc
	if err := checkSignedHeaders(a.signedHeaders, ErrMalformedAuthorization); err != nil {
		return authV4{}, err
	}
	if !isLowerHex(a.signature, 64) {
		return authV4{}, fmt.Errorf("%w: signature is not 64 lowercase hex digits", ErrMalformedAuthorization)
	}
	return a, nil
}

// checkSignedHeaders validates a SignedHeaders list: non-empty lowercase
// header names separated by ';', including host (AWS requires it).
func checkSignedHeaders(s string, malformed error) error {
	if s == "" {
		return fmt.Errorf("%w: empty SignedHeaders", malformed)
	}
	host := false
	for name := range strings.SplitSeq(s, ";") {
		if name == "" {
			return fmt.Errorf("%w: empty name in SignedHeaders", malformed)
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c >= 'A' && c <= 'Z' || c <= ' ' || c == ':' || c >= 0x7f {
				return fmt.Errorf("%w: bad header name %q in SignedHeaders", malformed, name)
			}
		}
		if name == "host" {
			host = true
		}
	}
	if !host {
		return fmt.Errorf("%w: SignedHeaders must include host", malformed)
	}
	return nil
}

// checkAmzHeadersSigned fails with ErrHeadersNotSigned if r carries an
// x-amz-* header that signedHeaders leaves out. Without this, whoever holds
// a presigned URL (or sits on the path) could add headers such as x-amz-acl
// that the signer never approved. x-amz-content-sha256 and x-amz-date are
// exempt: the payload hash and the time are in the string to sign anyway.
func checkAmzHeadersSigned(r *http.Request, signedHeaders string) error {
	for name := range r.Header {
		if len(name) < 6 || !strings.EqualFold(name[:6], "x-amz-") {
			continue
		}
		if strings.EqualFold(name, "x-amz-content-sha256") || strings.EqualFold(name, "x-amz-date") {
			continue
		}
		if !listContainsFold(signedHeaders, name) {
			return fmt.Errorf("%w: %s", ErrHeadersNotSigned, strings.ToLower(name))
		}
	}
	return nil
}

// listContainsFold reports whether the ';'-separated list holds name, in
// any letter case.
func listContainsFold(list, name string) bool {
	for item := range strings.SplitSeq(list, ";") {
		if strings.EqualFold(item, name) {
			return true
		}
	}
	return false
}
