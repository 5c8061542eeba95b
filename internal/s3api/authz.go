package s3api

import (
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/policy"
)

// actionListAllMyBuckets has no resource type: policies grant it on "*"
// (or arn:aws:s3:::*), and AWS's denial names no resource.
const actionListAllMyBuckets = "s3:ListAllMyBuckets"

// resourceARN is the ARN AWS authorizes an S3 request against: the
// bucket's for bucket actions, the object's for object actions, and
// arn:aws:s3:::* for the account-level ListAllMyBuckets.
func resourceARN(bucket, key string) string {
	switch {
	case bucket == "":
		return "arn:aws:s3:::*"
	case key == "":
		return "arn:aws:s3:::" + bucket
	}
	return "arn:aws:s3:::" + bucket + "/" + key
}

// authorize asks the Authorizer whether the request's principal may perform
// action on bucket/key; versionID is the version the action reads or
// changes, for s3:VersionId and s3:ExistingObjectTag/*. A denial is
// AccessDenied with AWS's message; the log line names the principal,
// action, resource and the deciding statement.
func (h *Handler) authorize(req *request, action, bucket, key, versionID string) error {
	ctx := req.r.Context()
	resource := resourceARN(bucket, key)
	req.authCtx.reset(h, req, action, bucket, key, versionID)
	var grants iam.ACLSource
	if bucket != "" {
		req.aclSrc = aclSource{h: h, authenticated: !req.principal().Anonymous, bucket: bucket, key: key, versionID: versionID}
		grants = &req.aclSrc
	}
	d := h.authz.Authorize(ctx, iam.Request{
		Principal: req.principal(),
		Action:    action,
		Bucket:    bucket,
		Key:       key,
		Resource:  resource,
		Context:   &req.authCtx,
		ACL:       grants,
	})
	// The context may hold the object's tags, the ACL source its grants;
	// drop them with the answer.
	req.authCtx, req.aclSrc = authContext{}, aclSource{}
	if d.Allowed {
		return nil
	}
	if d.Policy.Action == "" {
		d.Policy.Action = action
	}
	p := req.principal()
	principal := p.ARN
	if p.Anonymous {
		principal = "anonymous"
	}
	h.log.InfoContext(ctx, "access denied",
		"op", string(req.route.Op), "bucket", bucket, "key", key,
		"principal", principal, "action", action, "resource", resource,
		"reason", denialReason(d))
	if !d.Explain || p.ARN == "" {
		return errAccessDenied
	}
	return withMessage(errAccessDenied, denialMessage(p.ARN, action, resource, d.Policy))
}

// authorizeBody authorizes an operation whose condition keys come from its
// body, once the handler has read it. parseErr is what reading the body
// (and the request's other parameters) found wrong: it is reported only to
// a caller allowed the action, as AWS reports a bad body only after
// authorization; the keys of a body that did not parse are absent.
func (h *Handler) authorizeBody(req *request, parseErr error) error {
	if err := h.authorizeRoute(req); err != nil {
		return err
	}
	return parseErr
}

// denialReason is the log's account of a denial: the Authorizer's reason
// and the policy decision naming the deciding statement.
func denialReason(d iam.Decision) string {
	s := d.Policy.String()
	// The identity store's Reason is the policy decision itself; only an
	// authorizer that says something else (RootOnly, a failed lookup)
	// adds to it.
	if d.Reason != "" && d.Reason != s {
		s = d.Reason + "; " + s
	}
	return s
}

// denialMessage words an AccessDenied as S3 does for a caller in the
// resource owner's account (the S3 User Guide's "Access denied message
// examples"):
//
//	User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::bucket/key" because no identity-based policy allows the s3:GetObject action
//
// S3 quotes the resource ARN; s3:ListAllMyBuckets, having no resource,
// names none. An explicit deny in a managed policy ends with that
// policy's ARN, as AWS's enhanced messages do.
func denialMessage(principalARN, action, resource string, d policy.Decision) string {
	var b strings.Builder
	b.WriteString("User: ")
	b.WriteString(principalARN)
	b.WriteString(" is not authorized to perform: ")
	b.WriteString(action)
	if action != actionListAllMyBuckets {
		b.WriteString(` on resource: "`)
		b.WriteString(resource)
		b.WriteByte('"')
	}
	b.WriteByte(' ')
	b.WriteString(d.Reason())
	if d.Outcome == policy.ExplicitDeny && d.Type != policy.ResourceBased && strings.HasPrefix(d.Policy, "arn:") {
		b.WriteString(": ")
		b.WriteString(d.Policy)
	}
	return b.String()
}

// formHeader presents a POST form's fields as request headers, with the
// form's "acl" field as x-amz-acl and its "tagging" document set aside
// (its tags are read from the body).
func (req *request) formHeader() http.Header {
	if req.formHdr == nil {
		req.formHdr = req.form.header()
		if acl := req.form.field("acl"); acl != "" {
			req.formHdr.Set("X-Amz-Acl", acl)
		}
		req.formHdr.Del("Tagging")
	}
	return req.formHdr
}

// postSigV2 reports whether a POST form is signed with Signature
// Version 2 (AWSAccessKeyId and signature, no x-amz-algorithm).
func (req *request) postSigV2() bool {
	return req.form != nil && req.form.field("x-amz-algorithm") == "" && req.form.field("awsaccesskeyid") != ""
}
