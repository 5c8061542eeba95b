package s3api

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

func parseGetInput(req *request) (object.GetInput, error) {
	in := object.GetInput{
		Bucket:    req.route.Bucket,
		Key:       req.route.Key,
		VersionID: req.query.Get("versionId"),
		Cond:      parseConditions(req.r.Header, ""),
	}
	if err := checkReadHeaders(req.r.Header); err != nil {
		return in, err
	}
	if req.principal().Anonymous && hasResponseOverrides(req.query) {
		return in, withMessage(errInvalidRequest, "Request specific response headers cannot be used for anonymous GET requests.")
	}
	if v, ok := req.query["versionId"]; ok && (len(v) == 0 || v[0] == "") {
		return in, withMessage(errInvalidArgument, "Version id cannot be the empty string")
	}
	if pn, ok := req.query["partNumber"]; ok {
		n, err := parsePartNumber(pn[0])
		if err != nil {
			return in, err
		}
		in.PartNumber = n
	}
	if rh := req.r.Header.Get("Range"); rh != "" {
		in.Range = parseRange(rh)
		if in.Range != nil && in.PartNumber != 0 {
			return in, withMessage(errInvalidRequest, "Cannot specify both Range header and partNumber query parameter")
		}
	}
	return in, nil
}

// parseGetInput is the package-level parseGetInput plus the request's
// SSE-C key, which GET and HEAD of an SSE-C object need.
func (h *Handler) parseGetInput(req *request) (object.GetInput, *customerKey, error) {
	in, err := parseGetInput(req)
	if err != nil {
		return in, nil, err
	}
	ck, err := h.customerKey(req, objectPrefix)
	in.CustomerKey = ck.objectKey()
	in.KMSCaller = h.kmsCaller(req)
	return in, ck, err
}

func (h *Handler) getObject(w http.ResponseWriter, req *request) error {
	in, ck, err := h.parseGetInput(req)
	if err != nil {
		return err
	}
	out, err := h.objects.GetObject(req.r.Context(), in)
	if err != nil {
		return err
	}
	if out.Body != nil {
		defer out.Body.Close()
	}
	status := h.setGetHeaders(w.Header(), req, &in, out, ck)
	w.WriteHeader(status)
	if out.Body == nil {
		return nil
	}
	if _, err := io.Copy(w, out.Body); err != nil {
		// Too late for an error response: the client sees a short body.
		h.log.WarnContext(req.r.Context(), "stream object", "bucket", in.Bucket, "key", in.Key, "err", err)
	}
	return nil
}

func (h *Handler) headObject(w http.ResponseWriter, req *request) error {
	in, ck, err := h.parseGetInput(req)
	if err != nil {
		return err
	}
	out, err := h.objects.HeadObject(req.r.Context(), in)
	if err != nil {
		return err
	}
	if out.Body != nil {
		out.Body.Close()
	}
	w.WriteHeader(h.setGetHeaders(w.Header(), req, &in, out, ck))
	return nil
}

// setGetHeaders writes the headers of a GET or HEAD response and returns
// its status: 206 for a range or part, else 200.
func (h *Handler) setGetHeaders(hdr http.Header, req *request, in *object.GetInput, out *object.GetOutput, ck *customerKey) int {
	info := &out.Info
	hs := newHeaderSet(hdr, 10)
	setObjectHeaders(&hs, info)
	if in.VersionID == "" || info.IsLatest {
		h.setExpirationHeader(hdr, req, info, func() []object.Tag {
			tags, _, err := h.objects.GetObjectTagging(req.r.Context(), in.Bucket, in.Key, info.VersionID)
			if err != nil {
				return nil
			}
			return tags
		})
	}
	if info.ServerSideEncryption == object.SSECustomer {
		setSSEHeader(hdr, info.ServerSideEncryption, ck)
	}
	hs.set("Content-Length", strconv.FormatInt(out.Length, 10))
	if in.PartNumber != 0 && info.PartsCount > 0 {
		hdr.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(info.PartsCount))
	}
	// The stored checksum describes the whole object, so it is sent only
	// on request and only when the whole object is: an SDK validating a
	// range or a part against it would report corruption.
	if strings.EqualFold(req.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") && !out.Partial {
		setChecksumHeaders(hdr, info.Checksum, info.PartsCount)
	}
	applyResponseOverrides(hdr, req.query)
	if !out.Partial {
		return http.StatusOK
	}
	if out.Length > 0 {
		hdr.Set("Content-Range", "bytes "+strconv.FormatInt(out.Start, 10)+"-"+
			strconv.FormatInt(out.Start+out.Length-1, 10)+"/"+strconv.FormatInt(info.Size, 10))
	}
	return http.StatusPartialContent
}

func (h *Handler) deleteObject(w http.ResponseWriter, req *request) error {
	in := object.DeleteInput{
		Bucket:    req.route.Bucket,
		Key:       req.route.Key,
		VersionID: req.query.Get("versionId"),
		IfMatch:   req.r.Header.Get("If-Match"),
	}
	var err error
	if in.VersionID, err = versionIDParam(req); err != nil {
		return err
	}
	if err := h.checkDeleteConditions(req, in.VersionID); err != nil {
		return err
	}
	in.BypassGovernance = h.bypassGovernance(req, in.Key)
	if in.MFA, err = req.mfa(); err != nil {
		return err
	}
	out, err := h.objects.DeleteObject(req.r.Context(), in)
	if err != nil {
		return err
	}
	if out.DeleteMarker {
		w.Header().Set("X-Amz-Delete-Marker", "true")
	}
	if out.VersionID != "" {
		w.Header().Set("X-Amz-Version-Id", out.VersionID)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
