package s3api

import (
	"net/http"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// The response headers that tell a client when lifecycle rules act.
const (
	headerExpiration  = "X-Amz-Expiration"
	headerAbortDate   = "X-Amz-Abort-Date"
	headerAbortRuleID = "X-Amz-Abort-Rule-Id"
)

// lifecycleRules returns the bucket's rules for the headers, or nil.
// A failure to read them only leaves the headers out: they are advice,
// and the request itself succeeded.
func (h *Handler) lifecycleRules(req *request) *rules.Config {
	cfg, err := h.objects.BucketLifecycle(req.r.Context(), req.route.Bucket)
	if err != nil {
		h.log.DebugContext(req.r.Context(), "read lifecycle rules for headers", "bucket", req.route.Bucket, "err", err)
		return nil
	}
	return cfg
}

// setExpirationHeader sends x-amz-expiration for a current object version
// a rule expires: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT",
// rule-id="picture-deletion-rule". tags is called only when a rule
// filters on tags.
func (h *Handler) setExpirationHeader(hdr http.Header, req *request, info *object.ObjectInfo, tags func() []object.Tag) {
	cfg := h.lifecycleRules(req)
	if cfg == nil {
		return
	}
	var ts []rules.Tag
	if cfg.NeedsTags() && info.TagCount > 0 {
		for _, t := range tags() {
			ts = append(ts, rules.Tag{Key: t.Key, Value: t.Value})
		}
	}
	due, id, ok := cfg.Expiry(info.Key, info.Size, ts, info.LastModified, h.lifecycleDay)
	if !ok {
		return
	}
	hdr.Set(headerExpiration, `expiry-date="`+due.UTC().Format(http.TimeFormat)+`", rule-id="`+headerQuoted(id)+`"`)
}

// setAbortHeaders sends x-amz-abort-date and x-amz-abort-rule-id for an
// upload a rule aborts (CreateMultipartUpload, ListParts).
func (h *Handler) setAbortHeaders(hdr http.Header, req *request, key string, initiated time.Time) {
	cfg := h.lifecycleRules(req)
	if cfg == nil {
		return
	}
	due, id, ok := cfg.AbortDue(key, initiated, h.lifecycleDay)
	if !ok {
		return
	}
	hdr.Set(headerAbortDate, due.UTC().Format(http.TimeFormat))
	hdr.Set(headerAbortRuleID, headerSafe(id))
}

// headerQuoted makes a rule ID safe inside a quoted header parameter.
func headerQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(headerSafe(s))
}

// headerSafe replaces control characters, which a rule ID may hold but a
// header may not.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
