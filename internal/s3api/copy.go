package s3api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

// copySource is a parsed x-amz-copy-source.
type copySource struct {
	bucket, key, versionID string
}

// parseCopySource parses x-amz-copy-source: "bucket/key" with an optional
// leading '/', URL-encoded, optionally followed by "?versionId=id". The
// version id is split off before decoding so that an encoded '?' in a key
// stays part of the key.
func parseCopySource(s string) (copySource, error) {
	var src copySource
	raw, version, hasVersion := strings.Cut(s, "?versionId=")
	dec, err := url.PathUnescape(raw)
	if err != nil {
		return src, errInvalidCopySource
	}
	dec = strings.TrimPrefix(dec, "/")
	var ok bool
	src.bucket, src.key, ok = strings.Cut(dec, "/")
	if !ok || src.bucket == "" || src.key == "" {
		return src, errInvalidCopySource
	}
	if len(src.key) > maxKeyLength {
		return src, errKeyTooLong
	}
	if hasVersion {
		if src.versionID, err = url.QueryUnescape(version); err != nil || src.versionID == "" {
			return src, withMessage(errInvalidArgument, "Invalid version id specified")
		}
	}
	return src, nil
}

// parseDirective reads x-amz-metadata-directive or x-amz-tagging-directive:
// COPY (the default) or REPLACE.
func parseDirective(hdr http.Header, name string) (replace bool, err error) {
	switch v := hdr.Get(name); v {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	default:
		return false, withMessage(errInvalidDirective, "Unknown "+strings.ToLower(name)+" value: "+v)
	}
}

func parseCopyInput(req *request) (object.CopyInput, error) {
	hdr := req.r.Header
	in := object.CopyInput{
		SrcBucket:    req.copySrc.bucket,
		SrcKey:       req.copySrc.key,
		SrcVersionID: req.copySrc.versionID,
		SrcCond:      parseConditions(hdr, "X-Amz-Copy-Source-"),
		DstBucket:    req.route.Bucket,
		DstKey:       req.route.Key,
		Owner:        req.principal().AccountID,
	}
	var err error
	if in.ReplaceMetadata, err = parseDirective(hdr, "X-Amz-Metadata-Directive"); err != nil {
		return in, err
	}
	if in.ReplaceMetadata {
		in.Headers = parseStandardHeaders(hdr)
		if in.UserMeta, err = parseHeaderUserMeta(hdr); err != nil {
			return in, err
		}
	}
	if in.ReplaceTags, err = parseDirective(hdr, "X-Amz-Tagging-Directive"); err != nil {
		return in, err
	}
	if in.ReplaceTags {
		if in.Tags, err = parseTagging(hdr.Get("X-Amz-Tagging")); err != nil {
			return in, err
		}
	}
	if name := hdr.Get("X-Amz-Checksum-Algorithm"); name != "" {
		if in.ChecksumAlgorithm, err = checksum.ParseAlgorithm(name); err != nil {
			return in, withMessage(errInvalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
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
	return in, checkWriteHeaders(hdr)
}

func (h *Handler) copyObject(w http.ResponseWriter, req *request) error {
	in, err := parseCopyInput(req)
	if err != nil {
		return err
	}
	if in.ACL, in.OwnerFullControl, err = h.writeACL(req, req.r.Header); err != nil {
		return err
	}
	ck, src, err := h.copyKeys(req)
	if err != nil {
		return err
	}
	in.CustomerKey, in.SrcCustomerKey = ck.objectKey(), src.objectKey()
	if in.KMS, in.KMSCaller, err = h.writeKMS(req, req.r.Header); err != nil {
		return err
	}
	out, err := h.objects.CopyObject(req.r.Context(), in)
	if err != nil {
		return err
	}
	hdr := w.Header()
	if out.SrcVersionID != "" {
		hdr.Set("X-Amz-Copy-Source-Version-Id", out.SrcVersionID)
	}
	setWrittenVersionHeader(hdr, out.Info.VersionID)
	setSSEHeader(hdr, out.Info.ServerSideEncryption, ck)
	setKMSHeaders(hdr, out.Info.ServerSideEncryption, out.Info.SSEKMSKeyID, out.Info.BucketKeyEnabled)
	echoKMSContext(hdr, out.Info.ServerSideEncryption, req.r.Header)
	res := copyObjectResult{
		ETag:           quoteETag(out.Info.ETag),
		LastModified:   isoTime(out.Info.LastModified),
		checksumFields: checksumXML(out.Info.Checksum, out.Info.PartsCount),
	}
	if c := out.Info.Checksum; c != nil && len(c.Value) > 0 {
		res.ChecksumType = string(c.Type)
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

func (h *Handler) uploadPartCopy(w http.ResponseWriter, req *request) error {
	pn, err := parsePartNumber(req.query.Get("partNumber"))
	if err != nil {
		return err
	}
	if err := checkWriteHeaders(req.r.Header); err != nil {
		return err
	}
	in := object.UploadPartCopyInput{
		Bucket:       req.route.Bucket,
		Key:          req.route.Key,
		UploadID:     req.query.Get("uploadId"),
		PartNumber:   pn,
		SrcBucket:    req.copySrc.bucket,
		SrcKey:       req.copySrc.key,
		SrcVersionID: req.copySrc.versionID,
		SrcCond:      parseConditions(req.r.Header, "X-Amz-Copy-Source-"),
	}
	if in.SrcRange, err = parseCopyRange(req.r.Header.Get("X-Amz-Copy-Source-Range")); err != nil {
		return err
	}
	ck, src, err := h.copyKeys(req)
	if err != nil {
		return err
	}
	in.CustomerKey, in.SrcCustomerKey = ck.objectKey(), src.objectKey()
	in.KMSCaller = h.kmsCaller(req)
	part, srcVersion, err := h.objects.UploadPartCopy(req.r.Context(), in)
	if err != nil {
		return err
	}
	if srcVersion != "" {
		w.Header().Set("X-Amz-Copy-Source-Version-Id", srcVersion)
	}
	setSSEHeader(w.Header(), part.ServerSideEncryption, ck)
	setKMSHeaders(w.Header(), part.ServerSideEncryption, part.SSEKMSKeyID, part.BucketKeyEnabled)
	return h.writeXML(w, req, http.StatusOK, copyPartResult{
		ETag:           quoteETag(part.ETag),
		LastModified:   isoTime(part.LastModified),
		checksumFields: checksumXML(part.Checksum, 0),
	})
}

// copyKeys parses the SSE-C keys of a copy: the new object's and the
// source's (x-amz-copy-source-server-side-encryption-customer-*).
func (h *Handler) copyKeys(req *request) (dst, src *customerKey, err error) {
	if dst, err = h.customerKey(req, objectPrefix); err != nil {
		return nil, nil, err
	}
	if src, err = h.customerKey(req, copySourcePrefix); err != nil {
		return nil, nil, err
	}
	return dst, src, nil
}
