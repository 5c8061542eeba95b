package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// subresourcesV2 are the query parameters that Signature Version 2 signs
// as part of the canonicalized resource: the S3 sub-resources and the
// response-* header overrides, as AWS's REST authentication guide and
// botocore's HmacV1Auth list them. A parameter not listed here is not
// signed, so the list must not grow with parameters clients leave out.
var subresourcesV2 = map[string]bool{
	"accelerate": true, "acl": true, "analytics": true, "cors": true,
	"defaultObjectAcl": true, "delete": true, "inventory": true,
	"lifecycle": true, "location": true, "logging": true, "metrics": true,
	"notification": true, "object-lock": true, "partNumber": true,
	"policy": true, "replication": true, "requestPayment": true,
	"restore": true, "select": true, "select-type": true,
	"storageClass": true, "tagging": true, "torrent": true,
	"uploadId": true, "uploads": true, "versionId": true,
	"versioning": true, "versions": true, "website": true,
	"response-cache-control": true, "response-content-disposition": true,
	"response-content-encoding": true, "response-content-language": true,
	"response-content-type": true, "response-expires": true,
}

// otherSubresourcesV2 are the sub-resource lists of the other V2 signers
// in wide use, which differ from subresourcesV2 at the edges: minio-go
// also signs encryption, legal-hold and retention; s3cmd signs only the
// list of AWS's original guide plus delete and cors. A request verifies if
// it is signed under any of the lists, the way canonicalURIs accepts the
// path spellings of SigV4 clients; each list is a fixed, public choice.
var otherSubresourcesV2 = []map[string]bool{
	{
		"acl": true, "cors": true, "delete": true, "encryption": true,
		"legal-hold": true, "lifecycle": true, "location": true,
		"logging": true, "notification": true, "partNumber": true,
		"policy": true, "replication": true, "requestPayment": true,
		"retention": true, "select": true, "select-type": true,
		"tagging": true, "torrent": true, "uploadId": true, "uploads": true,
		"versionId": true, "versioning": true, "versions": true,
		"website": true, "response-cache-control": true, "response-content-disposition": true,
		"response-content-encoding": true, "response-content-language": true,
		"response-content-type": true, "response-expires": true,
	},
	{
		"acl": true, "lifecycle": true, "location": true, "logging": true,
		"notification": true, "partNumber": true, "policy": true,
		"requestPayment": true, "torrent": true, "uploadId": true,
		"uploads": true, "versionId": true, "versioning": true,
		"versions": true, "website": true, "delete": true, "cors": true,
		"response-cache-control": true, "response-content-disposition": true,
		"response-content-encoding": true, "response-content-language": true,
		"response-content-type": true, "response-expires": true,
	},
}

// verifyHeaderV2 authenticates "Authorization: AWS AK:base64(hmac-sha1)".
func (v *Verifier) verifyHeaderV2(r *http.Request, authz string) (*Result, error) {
	cred := strings.TrimSpace(strings.TrimPrefix(authz, "AWS "))
	i := strings.LastIndexByte(cred, ':')
	if i <= 0 || i == len(cred)-1 {
		return nil, fmt.Errorf("%w: want AWS AccessKeyId:Signature", ErrMalformedAuthorization)
	}
	accessKey, sig := cred[:i], cred[i+1:]
	amzDate := r.Header.Get("X-Amz-Date")
	dateStr := amzDate
	if dateStr == "" {
		dateStr = r.Header.Get("Date")
	}
	if dateStr == "" {
		return nil, ErrMissingDate
	}
	t, err := parseHTTPDate(dateStr)
	if err != nil {
		return nil, fmt.Errorf("%w: unparsable date", ErrMissingDate)
	}
	if err := v.checkSkew(t); err != nil {
		return nil, err
	}
	ctx := r.Context()
	c, err := v.lookup(ctx, accessKey)
	if err != nil {
		return nil, err
	}
	if err := checkSessionToken(c, r.Header.Get("X-Amz-Security-Token")); err != nil {
		return nil, err
	}
	// With x-amz-date, the Date position is empty: x-amz-date is signed
	// among the x-amz-* headers instead.
	date := r.Header.Get("Date")
	if amzDate != "" {
		date = ""
	}
	if !v.signedV2(c.SecretKey, sig, r, date, nil) {
		v.reject(ctx, HeaderV2, accessKey, ErrSignatureMismatch)
		return nil, ErrSignatureMismatch
	}
	return &Result{
		Principal:     principalOf(c),
		Method:        HeaderV2,
		Body:          bodyOf(r),
		DecodedLength: r.ContentLength,
		Trailers:      noTrailers,
	}, nil
}

// verifyPresignedV2 authenticates a query with AWSAccessKeyId, Expires and
// Signature.
func (v *Verifier) verifyPresignedV2(r *http.Request) (*Result, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedPresigned, err)
	}
	one := func(name string) (string, error) {
		if vs := q[name]; len(vs) == 1 && vs[0] != "" {
			return vs[0], nil
		}
		return "", fmt.Errorf("%w: need exactly one %s", ErrMalformedPresigned, name)
	}
	accessKey, err := one("AWSAccessKeyId")
	if err != nil {
		return nil, err
	}
	expires, err := one("Expires")
	if err != nil {
		return nil, err
	}
	sig, err := one("Signature")
	if err != nil {
		return nil, err
	}
	// A '+' the client forgot to escape arrives as a space.
	sig = strings.ReplaceAll(sig, " ", "+")
	secs, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: Expires is not unix seconds", ErrMalformedPresigned)
	}
	if v.clock.Now().After(time.Unix(secs, 0)) {
		return nil, fmt.Errorf("%w: at %s", ErrExpired, time.Unix(secs, 0).UTC().Format(time.RFC3339))
	}
	ctx := r.Context()
	c, err := v.lookup(ctx, accessKey)
	if err != nil {
		return nil, err
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" {
		token = q.Get("x-amz-security-token")
	}
	if err := checkSessionToken(c, token); err != nil {
		return nil, err
	}
	if !v.signedV2(c.SecretKey, sig, r, expires, q) {
		v.reject(ctx, PresignedV2, accessKey, ErrSignatureMismatch)
		return nil, ErrSignatureMismatch
	}
	return &Result{
		Principal:     principalOf(c),
		Method:        PresignedV2,
		Body:          bodyOf(r),
		DecodedLength: r.ContentLength,
		Trailers:      noTrailers,
	}, nil
}

// signV2 returns base64(HMAC-SHA1(secret, sts)).
func signV2(secret string, sts []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(sts)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signedV2 reports whether sig signs r under one of the canonicalized
// resources that resourcesV2 lists.
func (v *Verifier) signedV2(secret, sig string, r *http.Request, date string, query url.Values) bool {
	head := headV2(r, date, query)
	for _, res := range v.resourcesV2(r) {
		sts := append(head[:len(head):len(head)], res...)
		if equalSignature(signV2(secret, sts), sig) {
			return true
		}
	}
	return false
}

// stringToSignV2 builds the SigV2 string to sign with the canonicalized
// resource of AWS's guide (the first of resourcesV2).
func (v *Verifier) stringToSignV2(r *http.Request, date string, query url.Values) []byte {
	return append(headV2(r, date, query), v.resourcesV2(r)[0]...)
}

// headV2 builds the SigV2 string to sign up to the canonicalized resource:
//
//	Method \n Content-MD5 \n Content-Type \n Date-or-Expires \n
//	CanonicalizedAmzHeaders
//
// For presigned requests query holds the parsed query, whose x-amz-*
// parameters count as headers (signers move them there).
func headV2(r *http.Request, date string, query url.Values) []byte {
	b := make([]byte, 0, 256)
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = append(b, strings.TrimSpace(r.Header.Get("Content-Md5"))...)
	b = append(b, '\n')
	b = append(b, strings.TrimSpace(r.Header.Get("Content-Type"))...)
	b = append(b, '\n')
	b = append(b, date...)
	b = append(b, '\n')
	return appendAmzHeadersV2(b, r.Header, query)
}

// appendAmzHeadersV2 appends the x-amz-* headers, lowercased, sorted,
// repeated values joined with ',', each followed by '\n'.
func appendAmzHeadersV2(b []byte, h http.Header, query url.Values) []byte {
	amz := map[string][]string{}
	for name, vs := range h {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-") {
			amz[n] = append(amz[n], vs...)
		}
	}
	for name, vs := range query {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-") {
			amz[n] = append(amz[n], vs...)
		}
	}
	names := make([]string, 0, len(amz))
	for n := range amz {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b = append(b, n...)
		b = append(b, ':')
		for i, val := range amz[n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTrimmed(b, strings.ReplaceAll(val, "\n", " "))
		}
		b = append(b, '\n')
	}
	return b
}

// resourcesV2 returns the canonicalized resources a client may have
// signed for r, the one AWS's guide describes first, without repeats.
//
// The path is "/bucket" for a virtual-hosted request followed by the path
// as sent. A path-style request for a bucket sent as "/bucket" is also
// tried as "/bucket/": that is the resource AWS uses for a bucket (its
// virtual-hosted examples sign "/bucket/"), and botocore signs it while
// sending "/bucket". The sub-resources are tried under each signer list.
func (v *Verifier) resourcesV2(r *http.Request) []string {
	var bucket string
	if v.vhostBucket != nil {
		bucket = v.vhostBucket(r)
	}
	p := rawPath(r)
	if p == "" {
		p = "/"
	}
	paths := []string{p}
	if bucket != "" {
		paths[0] = "/" + bucket + p
	} else if len(p) > 1 && strings.IndexByte(p[1:], '/') < 0 {
		paths = append(paths, p+"/")
	}
	var out []string
	for _, list := range append([]map[string]bool{subresourcesV2}, otherSubresourcesV2...) {
		subs := subresourceQueryV2(r.URL.RawQuery, list)
		for _, path := range paths {
			if res := path + subs; !slices.Contains(out, res) {
				out = append(out, res)
			}
		}
	}
	return out
}

// subresourceQueryV2 returns "?name[=value]&..." for the parameters of
// rawQuery in list, sorted by name with decoded values and no '=' for
// empty ones, or "" when there are none.
func subresourceQueryV2(rawQuery string, list map[string]bool) string {
	if rawQuery == "" {
		return ""
	}
	type sub struct{ name, value string }
	var subs []sub
	for part := range strings.SplitSeq(rawQuery, "&") {
		name, value, _ := strings.Cut(part, "=")
		name = queryUnescape(name)
		if list[name] {
			subs = append(subs, sub{name, queryUnescape(value)})
		}
	}
	slices.SortStableFunc(subs, func(a, b sub) int { return strings.Compare(a.name, b.name) })
	var b strings.Builder
	for i, s := range subs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(s.name)
		// "?acl" and "?acl=" sign alike, as "acl": clients differ in
		// which they send but agree on what they sign.
		if s.value != "" {
			b.WriteByte('=')
			b.WriteString(s.value)
		}
	}
	return b.String()
}
