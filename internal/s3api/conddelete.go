package s3api

import "strings"

// Conditional deletes, as S3 answers them on a general purpose bucket
// (the only kind coffer has). AWS's "How to perform conditional deletes"
// guide: If-Match (an ETag or "*") is judged against the current version
// of the object, and an ETag needs s3:GetObject besides s3:DeleteObject.
// x-amz-if-match-size and x-amz-if-match-last-modified-time (and the Size
// and LastModifiedTime of a DeleteObjects entry) are "only supported for
// directory buckets": a general purpose bucket refuses them with 501
// NotImplemented rather than deleting unconditionally, and so does
// coffer. So does If-Match together with a version id.

// msgHeaderNotImplemented is S3's message for a header it does not
// honour on this kind of bucket.
const msgHeaderNotImplemented = "A header you provided implies functionality that is not implemented"

// checkDeleteConditions refuses the conditions of a DeleteObject that a
// general purpose bucket does not honour, and authorizes the read an
// ETag condition implies.
func (h *Handler) checkDeleteConditions(req *request, versionID string) error {
	hdr := req.r.Header
	for _, name := range []string{"X-Amz-If-Match-Size", "X-Amz-If-Match-Last-Modified-Time"} {
		if _, ok := hdr[name]; ok {
			return withMessage(errHeaderNotImplemented, msgHeaderNotImplemented)
		}
	}
	ifMatch := hdr.Get("If-Match")
	if ifMatch == "" {
		return nil
	}
	if versionID != "" {
		return withMessage(errHeaderNotImplemented, msgHeaderNotImplemented)
	}
	return h.authorizeETagCondition(req, req.route.Key, ifMatch)
}

// checkDeleteEntryConditions is checkDeleteConditions for one entry of a
// DeleteObjects body; its error becomes that entry's <Error>.
func (h *Handler) checkDeleteEntryConditions(req *request, o deleteObjectXML) error {
	if o.LastModifiedTime != nil || o.Size != nil {
		return withMessage(errHeaderNotImplemented, msgHeaderNotImplemented)
	}
	if o.ETag == "" {
		return nil
	}
	if o.VersionID != "" {
		return withMessage(errHeaderNotImplemented, msgHeaderNotImplemented)
	}
	return h.authorizeETagCondition(req, o.Key, o.ETag)
}

// authorizeETagCondition asks for s3:GetObject when a conditional delete
// names an ETag: the answer tells the caller something about the object's
// content. "*" asks only whether the object exists, which s3:DeleteObject
// already lets the caller learn.
func (h *Handler) authorizeETagCondition(req *request, key, ifMatch string) error {
	if strings.TrimSpace(ifMatch) == "*" {
		return nil
	}
	return h.authorize(req, "s3:GetObject", req.route.Bucket, key, "")
}
