package s3api

import (
	"crypto/tls"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// The condition keys AWS fills for S3 requests, as the Service
// Authorization Reference ("Actions, resources, and condition keys for
// Amazon S3"), the S3 User Guide ("Amazon S3 condition key examples",
// "Amazon S3 Signature Version 4 Authentication Specific Policy Keys") and
// the IAM User Guide ("AWS global condition context keys") spell them.
// Lookups fold case, as policy condition keys are case-insensitive.
const (
	keySourceIP        = "aws:sourceip"
	keySecureTransport = "aws:securetransport"
	keyUserAgent       = "aws:useragent"
	keyReferer         = "aws:referer"

	keyPrefix            = "s3:prefix"
	keyDelimiter         = "s3:delimiter"
	keyMaxKeys           = "s3:max-keys"
	keyACL               = "s3:x-amz-acl"
	keySSE               = "s3:x-amz-server-side-encryption"
	keySSEKMSKeyID       = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	keySSECAlgorithm     = "s3:x-amz-server-side-encryption-customer-algorithm"
	keyExistingTagPrefix = "s3:existingobjecttag/"
	keyRequestTagPrefix  = "s3:requestobjecttag/"
	keyRequestTagKeys    = "s3:requestobjecttagkeys"
	keyLockMode          = "s3:object-lock-mode"
	keyLockUntil         = "s3:object-lock-retain-until-date"
	keyLockDays          = "s3:object-lock-remaining-retention-days"
	keyLegalHold         = "s3:object-lock-legal-hold"
	keyVersionID         = "s3:versionid"
	keyCopySource        = "s3:x-amz-copy-source"
	keyMetadataDirective = "s3:x-amz-metadata-directive"
	keyContentSHA256     = "s3:x-amz-content-sha256"
	keyAuthType          = "s3:authtype"
	keySignatureVersion  = "s3:signatureversion"
	keySignatureAge      = "s3:signatureage"
	keyTLSVersion        = "s3:tlsversion"
	keyLocation          = "s3:locationconstraint"
)

// keyGroup is a set of S3 condition keys an action supports. AWS fills a
// key only for the actions the Service Authorization Reference lists it
// under: s3:prefix is absent from a GetObject request's context even if
// the query names a prefix, and s3:ExistingObjectTag/* from PutObject's.
type keyGroup uint16

const (
	// groupAuth: s3:authType, s3:signatureAge, s3:signatureversion,
	// s3:TlsVersion; every action.
	groupAuth keyGroup = 1 << iota
	// groupSHA256: s3:x-amz-content-sha256; every action but the
	// bucket Object Lock configuration ones.
	groupSHA256
	groupList        // s3:prefix, s3:delimiter, s3:max-keys
	groupWrite       // x-amz-acl, SSE, copy source, metadata directive
	groupRequestTags // s3:RequestObjectTag/*, s3:RequestObjectTagKeys
	groupExistingTag // s3:ExistingObjectTag/*
	groupLockMode    // retention mode, retain-until date, remaining days
	groupLegalHold   // s3:object-lock-legal-hold
	groupVersion     // s3:VersionId
	groupCreate      // s3:LocationConstraint, x-amz-acl
	// groupSSEC: s3:x-amz-server-side-encryption-customer-algorithm,
	// which the reference lists for s3:PutObject only (every write of
	// object data: PUT, POST, copy, multipart).
	groupSSEC
)

const groupCommon = groupAuth | groupSHA256

// actionKeys maps the actions coffer authorizes to their key groups. An
// action not listed gets groupCommon.
var actionKeys = map[string]keyGroup{
	"s3:ListBucket":         groupCommon | groupList,
	"s3:ListBucketVersions": groupCommon | groupList,
	"s3:CreateBucket":       groupCommon | groupCreate,

	"s3:PutObject":                 groupCommon | groupWrite | groupRequestTags | groupLockMode | groupLegalHold | groupSSEC,
	"s3:BypassGovernanceRetention": groupCommon | groupWrite | groupRequestTags,
	"s3:PutObjectRetention":        groupCommon | groupLockMode,
	"s3:PutBucketAcl":              groupCommon | groupWrite,
	"s3:PutObjectAcl":              groupCommon | groupWrite | groupExistingTag,
	"s3:PutObjectVersionAcl":       groupCommon | groupWrite | groupExistingTag | groupVersion,
	"s3:PutObjectLegalHold":        groupCommon | groupLegalHold,

	"s3:GetObject":                        groupCommon | groupExistingTag,
	"s3:GetObjectVersion":                 groupCommon | groupExistingTag | groupVersion,
	"s3:GetObjectAttributes":              groupCommon | groupExistingTag,
	"s3:GetObjectVersionAttributes":       groupCommon | groupExistingTag | groupVersion,
	"s3:GetObjectTagging":                 groupCommon | groupExistingTag,
	"s3:GetObjectVersionTagging":          groupCommon | groupExistingTag | groupVersion,
	"s3:PutObjectTagging":                 groupCommon | groupExistingTag | groupRequestTags,
	"s3:PutObjectVersionTagging":          groupCommon | groupExistingTag | groupRequestTags | groupVersion,
	"s3:DeleteObjectTagging":              groupCommon | groupExistingTag,
	"s3:DeleteObjectVersionTagging":       groupCommon | groupExistingTag | groupVersion,
	"s3:DeleteObjectVersion":              groupCommon | groupVersion,
	"s3:GetBucketObjectLockConfiguration": groupAuth,
	"s3:PutBucketObjectLockConfiguration": groupAuth,
}

// bodyKeys are condition keys that come from a request body rather than
// its headers: the handler parses the body, then authorizes.
type bodyKeys struct {
	location     *string      // CreateBucket's LocationConstraint
	lock         *object.Lock // PutObjectRetention's retention
	legalHold    *bool        // PutObjectLegalHold's status
	tags         []object.Tag // PutObjectTagging's tag set, a POST form's tagging
	tagsFromBody bool
}

// authContext is the policy.Context of one authorization question. It
// reads the request lazily, so a request whose policies test no condition
// pays nothing for the keys. It lives in the request and is reset for
// every question; the Authorizer must not keep it.
type authContext struct {
	h         *Handler
	req       *request
	action    string
	bucket    string
	key       string
	versionID string
	groups    keyGroup
	// existing caches the object's tags for s3:ExistingObjectTag/*.
	existing       []object.Tag
	existingLoaded bool
}

func (c *authContext) reset(h *Handler, req *request, action, bucket, key, versionID string) {
	g, ok := actionKeys[action]
	if !ok {
		g = groupCommon
	}
	*c = authContext{h: h, req: req, action: action, bucket: bucket, key: key, versionID: versionID, groups: g}
}

func one(v string) ([]string, bool) { return []string{v}, true }

// nonEmpty is a key whose value is v, absent when v is empty: the policy
// engine treats an empty string as a value.
func nonEmpty(v string) ([]string, bool) {
	if v == "" {
		return nil, false
	}
	return one(v)
}

// header returns the request's headers, or a POST form's fields read as
// headers.
func (c *authContext) header() http.Header {
	if c.req.form != nil {
		return c.req.formHeader()
	}
	return c.req.r.Header
}

// Lookup implements policy.Context.
func (c *authContext) Lookup(name string) ([]string, bool) {
	if len(name) > len(keyExistingTagPrefix) && strings.EqualFold(name[:len(keyExistingTagPrefix)], keyExistingTagPrefix) {
		if c.groups&groupExistingTag == 0 {
			return nil, false
		}
		return c.existingTag(name[len(keyExistingTagPrefix):])
	}
	if len(name) > len(keyRequestTagPrefix) && strings.EqualFold(name[:len(keyRequestTagPrefix)], keyRequestTagPrefix) {
		if c.groups&groupRequestTags == 0 {
			return nil, false
		}
		return c.requestTag(name[len(keyRequestTagPrefix):])
	}
	name = strings.ToLower(name)
	if v, ok, handled := c.globalKey(name); handled {
		return v, ok
	}
	switch {
	case c.groups&groupAuth != 0 && strings.HasPrefix(name, "s3:") && isAuthKey(name):
		return c.authKey(name)
	case name == keyContentSHA256:
		if c.groups&groupSHA256 == 0 || c.req.form != nil {
			return nil, false
		}
		return nonEmpty(c.req.r.Header.Get("X-Amz-Content-Sha256"))
	}
	return c.s3Key(name)
}

// globalKey answers the aws:* keys the request itself carries.
func (c *authContext) globalKey(name string) (v []string, ok, handled bool) {
	r := c.req.r
	switch name {
	case keySourceIP:
		// The connection's peer: X-Forwarded-For is the client's to
		// write, so it is not trusted.
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		v, ok = nonEmpty(host)
	case keySecureTransport:
		v, ok = one(strconv.FormatBool(r.TLS != nil))
	case keyUserAgent:
		v, ok = nonEmpty(r.Header.Get("User-Agent"))
	case keyReferer:
		v, ok = nonEmpty(r.Header.Get("Referer"))
	default:
		return nil, false, false
	}
	return v, ok, true
}

func isAuthKey(name string) bool {
	switch name {
	case keyAuthType, keySignatureVersion, keySignatureAge, keyTLSVersion:
		return true
	}
	return false
}

// authKey answers the keys about how the request was authenticated.
func (c *authContext) authKey(name string) ([]string, bool) {
	if name == keyTLSVersion {
		return nonEmpty(tlsVersion(c.req.r.TLS))
	}
	m := sigv4.Anonymous
	if c.req.auth != nil {
		m = c.req.auth.Method
	}
	switch name {
	case keyAuthType:
		return nonEmpty(authType(m))
	case keySignatureVersion:
		return nonEmpty(signatureVersion(m, c.req.postSigV2()))
	}
	age, ok := signatureAge(m, c.req, c.h.clock.Now())
	if !ok {
		return nil, false
	}
	return one(strconv.FormatInt(age, 10))
}

// s3Key answers the keys that depend on the action and the request's
// parameters.
func (c *authContext) s3Key(name string) ([]string, bool) {
	g := c.groups
	hdr := c.header()
	switch name {
	case keyPrefix, keyDelimiter, keyMaxKeys:
		if g&groupList == 0 {
			return nil, false
		}
		// A parameter given empty is a value: AWS's examples allow
		// listing the root with "s3:prefix": "".
		vs, ok := c.req.query[strings.TrimPrefix(name, "s3:")]
		if !ok || len(vs) == 0 {
			return nil, false
		}
		return one(vs[0])
	case keyACL:
		if g&(groupWrite|groupCreate) == 0 {
			return nil, false
		}
		return nonEmpty(hdr.Get("X-Amz-Acl"))
	case keySSE, keySSEKMSKeyID, keyMetadataDirective:
		if g&groupWrite == 0 {
			return nil, false
		}
		return nonEmpty(hdr.Get(strings.TrimPrefix(name, "s3:")))
	case keySSECAlgorithm:
		if g&groupSSEC == 0 {
			return nil, false
		}
		return nonEmpty(hdr.Get(hdrSSECAlgorithm))
	case keyCopySource:
		if g&groupWrite == 0 {
			return nil, false
		}
		return copySourceKey(hdr.Get("X-Amz-Copy-Source"))
	case keyRequestTagKeys:
		if g&groupRequestTags == 0 {
			return nil, false
		}
		tags := c.requestTags()
		if len(tags) == 0 {
			return nil, false
		}
		keys := make([]string, len(tags))
		for i, t := range tags {
			keys[i] = t.Key
		}
		return keys, true
	case keyVersionID:
		if g&groupVersion == 0 {
			return nil, false
		}
		return nonEmpty(c.versionID)
	case keyLocation:
		if g&groupCreate == 0 || c.req.fromBody.location == nil {
			return nil, false
		}
		return nonEmpty(*c.req.fromBody.location)
	case keyLockMode, keyLockUntil, keyLockDays:
		if g&groupLockMode == 0 {
			return nil, false
		}
		return c.lockKey(name, hdr)
	case keyLegalHold:
		if g&groupLegalHold == 0 {
			return nil, false
		}
		if h := c.req.fromBody.legalHold; h != nil {
			if *h {
				return one("ON")
			}
			return one("OFF")
		}
		return nonEmpty(hdr.Get("X-Amz-Object-Lock-Legal-Hold"))
	}
	return nil, false
}

// copySourceKey is s3:x-amz-copy-source: the source as "bucket/key",
// decoded and without a leading '/', the form AWS's examples match
// ("amzn-s3-demo-source-bucket/public/*").
func copySourceKey(h string) ([]string, bool) {
	if h == "" {
		return nil, false
	}
	src, err := parseCopySource(h)
	if err != nil {
		return nil, false
	}
	return one(src.bucket + "/" + src.key)
}

// lockKey answers the retention keys from the body of PutObjectRetention
// or the x-amz-object-lock-* headers of an upload.
func (c *authContext) lockKey(name string, hdr http.Header) ([]string, bool) {
	var mode, until string
	var untilT time.Time
	if l := c.req.fromBody.lock; l != nil {
		mode = string(l.Mode)
		if !l.RetainUntil.IsZero() {
			untilT, until = l.RetainUntil, isoTime(l.RetainUntil)
		}
	} else {
		mode, until = hdr.Get("X-Amz-Object-Lock-Mode"), hdr.Get("X-Amz-Object-Lock-Retain-Until-Date")
		if t, ok := parseLockTime(until); ok {
			untilT = t
		}
	}
	switch name {
	case keyLockMode:
		return nonEmpty(mode)
	case keyLockUntil:
		return nonEmpty(until)
	}
	if untilT.IsZero() {
		return nil, false
	}
	return one(strconv.FormatInt(remainingDays(untilT, c.h.clock.Now()), 10))
}

// remainingDays is s3:object-lock-remaining-retention-days: whole days
// from now to until, a part day counting as a day, never negative.
func remainingDays(until, now time.Time) int64 {
	d := until.Sub(now)
	if d <= 0 {
		return 0
	}
	return int64(math.Ceil(d.Hours() / 24))
}

// requestTags is the tag set the request asks to store.
func (c *authContext) requestTags() []object.Tag {
	if c.req.fromBody.tagsFromBody {
		return c.req.fromBody.tags
	}
	tags, err := parseTagging(c.header().Get("X-Amz-Tagging"))
	if err != nil {
		return nil
	}
	return tags
}

// requestTag answers s3:RequestObjectTag/<key>. Tag keys are
// case-sensitive.
func (c *authContext) requestTag(key string) ([]string, bool) {
	for _, t := range c.requestTags() {
		if t.Key == key {
			return one(t.Value)
		}
	}
	return nil, false
}

// existingTag answers s3:ExistingObjectTag/<key>, reading the object's
// tags on first use. An object that cannot be read has no tags.
func (c *authContext) existingTag(key string) ([]string, bool) {
	if !c.existingLoaded {
		c.existingLoaded = true
		tags, _, err := c.h.objects.GetObjectTagging(c.req.r.Context(), c.bucket, c.key, c.versionID)
		if err == nil {
			c.existing = tags
		}
	}
	for _, t := range c.existing {
		if t.Key == key {
			return one(t.Value)
		}
	}
	return nil, false
}

// authType is s3:authType: how the request carried its signature.
func authType(m sigv4.Method) string {
	switch m {
	case sigv4.HeaderV4, sigv4.HeaderV2:
		return "REST-HEADER"
	case sigv4.PresignedV4, sigv4.PresignedV2:
		return "REST-QUERY-STRING"
	case sigv4.PostPolicy:
		return "POST"
	}
	return ""
}

// signatureVersion is s3:signatureversion: "AWS" for Signature Version 2,
// "AWS4-HMAC-SHA256" for Signature Version 4.
func signatureVersion(m sigv4.Method, postV2 bool) string {
	switch m {
	case sigv4.HeaderV4, sigv4.PresignedV4:
		return "AWS4-HMAC-SHA256"
	case sigv4.HeaderV2, sigv4.PresignedV2:
		return "AWS"
	case sigv4.PostPolicy:
		if postV2 {
			return "AWS"
		}
		return "AWS4-HMAC-SHA256"
	}
	return ""
}

// signatureAge is s3:signatureAge: milliseconds since the signature's
// date. AWS documents it as always 0 for Signature Version 2. An
// anonymous request has none.
func signatureAge(m sigv4.Method, req *request, now time.Time) (int64, bool) {
	var stamp string
	switch m {
	case sigv4.HeaderV2, sigv4.PresignedV2:
		return 0, true
	case sigv4.HeaderV4:
		stamp = req.r.Header.Get("X-Amz-Date")
		if stamp == "" {
			if t, err := http.ParseTime(req.r.Header.Get("Date")); err == nil {
				return ageMillis(t, now), true
			}
			return 0, false
		}
	case sigv4.PresignedV4:
		stamp = req.query.Get("X-Amz-Date")
	case sigv4.PostPolicy:
		if req.postSigV2() {
			return 0, true
		}
		stamp = req.form.field("x-amz-date")
	default:
		return 0, false
	}
	t, err := time.Parse("20060102T150405Z", stamp)
	if err != nil {
		return 0, false
	}
	return ageMillis(t, now), true
}

// ageMillis is now-t in milliseconds; a signature dated in the future
// (within the allowed skew) is 0 old.
func ageMillis(t, now time.Time) int64 {
	if d := now.Sub(t).Milliseconds(); d > 0 {
		return d
	}
	return 0
}

// tlsVersion is s3:TlsVersion, a number such as "1.2"; "" without TLS.
func tlsVersion(cs *tls.ConnectionState) string {
	if cs == nil {
		return ""
	}
	switch cs.Version {
	case tls.VersionTLS10:
		return "1.0"
	case tls.VersionTLS11:
		return "1.1"
	case tls.VersionTLS12:
		return "1.2"
	case tls.VersionTLS13:
		return "1.3"
	}
	return ""
}
