package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// s3NS is the namespace of S3's XML bodies.
const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// errorBody is S3's error document. Unlike the other bodies it has no
// namespace.
type errorBody struct {
	XMLName xml.Name `xml:"Error"`
	Code    string   `xml:"Code"`
	Message string   `xml:"Message"`
	// Region is the region the server expects, added to the answer to a
	// request signed for another one, as S3 does.
	Region   string `xml:"Region,omitempty"`
	Resource string `xml:"Resource,omitempty"`
	// Method and ResourceType describe a refused CORS preflight.
	Method       string `xml:"Method,omitempty"`
	ResourceType string `xml:"ResourceType,omitempty"`
	// Header names the request header a NotImplemented answer is about.
	Header    string `xml:"Header,omitempty"`
	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId"`
}

// writeXML renders v as a complete XML document with status. The body is
// built first so that a marshalling failure can still become an error.
// Bodies that render themselves (the listings) are built in a pooled
// buffer.
func (h *Handler) writeXML(w http.ResponseWriter, req *request, status int, v any) error {
	var body []byte
	if a, ok := v.(xmlAppender); ok {
		bp := h.xmlBufs.Get().(*[]byte)
		defer func() {
			if cap(*bp) <= maxPooledXML {
				h.xmlBufs.Put(bp)
			}
		}()
		*bp = a.appendXML(append((*bp)[:0], xml.Header...))
		body = *bp
	} else {
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		if err := xml.NewEncoder(&buf).Encode(v); err != nil {
			return err
		}
		body = buf.Bytes()
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if req.r.Method != http.MethodHead {
		if _, err := w.Write(body); err != nil {
			h.log.DebugContext(req.r.Context(), "write response", "err", err)
		}
	}
	return nil
}

// maxPooledXML bounds the response buffers kept for reuse: a page of 1,000
// keys of ordinary length is about 300 KiB; one of 1,000 keys of 1,024
// bytes is not worth keeping.
const maxPooledXML = 1 << 20

// writeError renders err as S3 does. Errors without a row in errorTable
// are logged with the request id and sent as InternalError with no detail.
func (h *Handler) writeError(w *statusWriter, req *request, err error) {
	ae, known := lookupError(err)
	ctx := req.r.Context()
	switch {
	case ctx.Err() != nil:
		// The client went away; whatever failed, nobody reads the answer.
		h.log.InfoContext(ctx, "request abandoned",
			"op", string(req.route.Op), "bucket", req.route.Bucket, "key", req.route.Key, "err", err)
	case mfaDenial(err):
		h.log.InfoContext(ctx, "access denied",
			"op", string(req.route.Op), "bucket", req.route.Bucket, "key", req.route.Key,
			"principal", req.principal().ARN, "reason", err.Error())
	case !known || ae.Status == http.StatusInternalServerError:
		h.log.ErrorContext(ctx, "request failed",
			"op", string(req.route.Op), "bucket", req.route.Bucket, "key", req.route.Key, "err", err)
	}
	if w.wroteHeader() {
		// The status line is gone; all that is left is to cut the body
		// short, which the client sees as a broken transfer.
		h.log.WarnContext(ctx, "error after response started",
			"op", string(req.route.Op), "bucket", req.route.Bucket, "key", req.route.Key, "err", err)
		return
	}
	hdr := w.Header()
	// Headers a body might have declared do not describe the error.
	for _, name := range []string{"Content-Length", "Content-Range", "ETag", "Last-Modified", "Content-Type"} {
		hdr.Del(name)
	}
	var dm *object.DeleteMarkerError
	if errors.As(err, &dm) {
		hdr.Set("X-Amz-Delete-Marker", "true")
		if dm.VersionID != "" {
			hdr.Set("X-Amz-Version-Id", dm.VersionID)
		}
		if !dm.LastModified.IsZero() {
			hdr.Set("Last-Modified", dm.LastModified.UTC().Format(http.TimeFormat))
		}
		if errors.Is(err, object.ErrMethodNotAllowed) {
			// The one method a delete marker accepts.
			hdr.Set("Allow", "DELETE")
		}
	}
	var re *object.RangeError
	if errors.As(err, &re) {
		hdr.Set("Content-Range", "bytes */"+strconv.FormatInt(re.Size, 10))
	}
	var nm *object.NotModifiedError
	if errors.As(err, &nm) {
		if nm.ETag != "" {
			hdr.Set("ETag", quoteETag(nm.ETag))
		}
		if !nm.LastModified.IsZero() {
			hdr.Set("Last-Modified", nm.LastModified.UTC().Format(http.TimeFormat))
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if req.r.Method == http.MethodHead {
		w.WriteHeader(ae.Status)
		return
	}
	body := errorBody{
		Code:      ae.Code,
		Message:   ae.Message,
		Resource:  req.r.URL.Path,
		RequestID: req.id,
		HostID:    req.id,
	}
	if msg, region, ok := wrongRegion(err); ok {
		body.Message, body.Region = msg, region
	}
	var cf *corsForbiddenError
	if errors.As(err, &cf) {
		body.Resource, body.Method, body.ResourceType = "", cf.method, cf.resourceType
	}
	var he *headerError
	if errors.As(err, &he) {
		body.Header = he.name
	}
	if err := h.writeXML(w, req, ae.Status, body); err != nil {
		h.log.ErrorContext(ctx, "render error", "err", err)
	}
}

// wrongRegion words the answer to a request whose credential scope names
// another region than the server's, as S3 does, so that the client learns
// which region to sign for: "The authorization header is malformed; the
// region 'us-west-2' is wrong; expecting 'us-east-1'", and the expected
// region in a <Region> element.
func wrongRegion(err error) (msg, region string, ok bool) {
	var se *sigv4.ScopeError
	if !errors.As(err, &se) || se.Service != se.WantService || se.Region == se.WantRegion {
		return "", "", false
	}
	var head string
	switch {
	case errors.Is(err, sigv4.ErrMalformedAuthorization):
		head = "The authorization header is malformed"
	case errors.Is(err, sigv4.ErrMalformedPresigned):
		head = "Error parsing the X-Amz-Credential parameter"
	default:
		return "", "", false
	}
	return fmt.Sprintf("%s; the region '%s' is wrong; expecting '%s'", head, se.Region, se.WantRegion), se.WantRegion, true
}

// writeEmpty answers with status and no body.
func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}
