package s3api

import (
	"net/http"
	"slices"

	"github.com/coffer-s3/coffer/internal/object"
)

// bodySize returns the payload length of a PUT: the decoded length of an
// aws-chunked body, else Content-Length. S3 requires it and caps a single
// PUT at 5 GiB. A request with neither Content-Length nor a chunked body,
// which net/http presents as an empty body (ContentLength 0), is 411, as
// S3 answers, rather than stored as an empty object. A body sent with
// Transfer-Encoding: chunked and no aws-chunked encoding is 501
// NotImplemented naming Transfer-Encoding, S3's answer to it.
func bodySize(req *request) (int64, error) {
	size := req.r.ContentLength
	if err := checkContentLength(req.r); err != nil {
		return 0, err
	}
	if slices.Contains(req.r.TransferEncoding, "chunked") && !isAWSChunked(req.r.Header) {
		return 0, &headerError{withMessage(errHeaderNotImplemented, msgTransferEncoding), "Transfer-Encoding"}
	}
	if size == 0 && len(req.r.Header.Values("Content-Length")) == 0 {
		size = -1
	}
	if isAWSChunked(req.r.Header) {
		size = -1
		if req.auth != nil {
			size = req.auth.DecodedLength
		}
	}
	if size < 0 {
		return 0, errMissingContentLength
	}
	if size > maxPutSize {
		return 0, errEntityTooLarge
	}
	return size, nil
}

// checkContentLength refuses a Content-Length that is not a decimal
// non-negative integer (or is sent twice with different values). Over
// HTTP/1.1 net/http answers such a request itself (a plain 400 Bad
// Request, closing the connection) before any handler runs; over HTTP/2
// it passes it on with ContentLength 0.
func checkContentLength(r *http.Request) error {
	vs := r.Header.Values("Content-Length")
	if len(vs) == 0 {
		return nil
	}
	if vs[0] == "" {
		return errBadContentLength
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return errBadContentLength
		}
	}
	for _, c := range []byte(vs[0]) {
		if c < '0' || c > '9' {
			return errBadContentLength
		}
	}
	return nil
}

// msgTransferEncoding is S3's message for a chunked body it cannot take,
// without the final period of the table's NotImplemented message.
const msgTransferEncoding = "A header you provided implies functionality that is not implemented"

// trailers returns the authentication result's trailer reader, if any.
func (req *request) trailers() func() (http.Header, error) {
	if req.auth == nil {
		return nil
	}
	return req.auth.Trailers
}

func (h *Handler) putObject(w http.ResponseWriter, req *request) error {
	in, err := parsePutInput(req)
	if err != nil {
		return err
	}
	if in.ACL, in.OwnerFullControl, err = h.writeACL(req, req.r.Header); err != nil {
		return err
	}
	ck, err := h.customerKey(req, objectPrefix)
	if err != nil {
		return err
	}
	in.CustomerKey = ck.objectKey()
	if in.KMS, in.KMSCaller, err = h.writeKMS(req, req.r.Header); err != nil {
		return err
	}
	info, err := h.objects.PutObject(req.r.Context(), in)
	if err != nil {
		return namedMismatch(err, in.Checksum)
	}
	hdr := w.Header()
	hdr.Set("ETag", quoteETag(info.ETag))
	setWrittenVersionHeader(hdr, info.VersionID)
	setChecksumHeaders(hdr, info.Checksum, info.PartsCount)
	setSSEHeader(hdr, info.ServerSideEncryption, ck)
	h.setExpirationHeader(hdr, req, &info, func() []object.Tag { return in.Tags })
	setKMSHeaders(hdr, info.ServerSideEncryption, info.SSEKMSKeyID, info.BucketKeyEnabled)
	echoKMSContext(hdr, info.ServerSideEncryption, req.r.Header)
	writeEmpty(w, http.StatusOK)
	return nil
}

// setWrittenVersionHeader sends the x-amz-version-id of a version a write
// (PUT, POST, copy, multipart completion) has just made. A write into a
// bucket whose versioning is suspended makes the null version, and S3
// answers it without the header (the "Versioning suspended" examples of the
// PutObject API reference); the null id shows only when a version is read
// or listed.
func setWrittenVersionHeader(hdr http.Header, version string) {
	if version != "" && version != object.NullVersionID {
		hdr.Set("X-Amz-Version-Id", version)
	}
}

func parsePutInput(req *request) (object.PutInput, error) {
	hdr := req.r.Header
	in := object.PutInput{
		Bucket:  req.route.Bucket,
		Key:     req.route.Key,
		Body:    req.body(),
		Headers: parseStandardHeaders(hdr),
		Owner:   req.principal().AccountID,
	}
	var err error
	if in.Size, err = bodySize(req); err != nil {
		return in, err
	}
	if in.ContentMD5, err = parseContentMD5(hdr); err != nil {
		return in, err
	}
	if in.Checksum, in.ChecksumAlgorithm, err = parseExpectedChecksum(hdr, req.trailers()); err != nil {
		return in, err
	}
	if in.UserMeta, err = parseHeaderUserMeta(hdr); err != nil {
		return in, err
	}
	if in.Tags, err = parseTagging(hdr.Get("X-Amz-Tagging")); err != nil {
		return in, err
	}
	if in.Cond, err = parseWriteConditions(hdr); err != nil {
		return in, err
	}
	if in.StorageClass, err = parseStorageClass(hdr); err != nil {
		return in, err
	}
	if in.Lock, err = parseLockHeaders(hdr); err != nil {
		return in, err
	}
	in.Encrypt, _ = parseSSE(hdr) // an error is checkWriteHeaders'
	// S3 requires an integrity check on uploads that carry a retention.
	if in.Lock != nil && in.ContentMD5 == nil && in.Checksum == nil && in.ChecksumAlgorithm == "" {
		return in, errMissingContentMD5
	}
	return in, checkWriteHeaders(hdr)
}

// parseStorageClass returns x-amz-storage-class ("" if not sent) once the
// object service accepts it: the classes of a general purpose bucket, in
// S3's spelling; any other name is InvalidStorageClass.
func parseStorageClass(hdr http.Header) (string, error) {
	sc := hdr.Get("X-Amz-Storage-Class")
	return sc, object.CheckStorageClass(sc)
}
