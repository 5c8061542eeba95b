package s3api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func (h *Handler) createMultipartUpload(w http.ResponseWriter, req *request) error {
	hdr := req.r.Header
	in := object.CreateUploadInput{
		Bucket:  req.route.Bucket,
		Key:     req.route.Key,
		Headers: parseStandardHeaders(hdr),
		Owner:   req.principal().AccountID,
	}
	var err error
	if in.UserMeta, err = parseHeaderUserMeta(hdr); err != nil {
		return err
	}
	if in.Tags, err = parseTagging(hdr.Get("X-Amz-Tagging")); err != nil {
		return err
	}
	if in.StorageClass, err = parseStorageClass(hdr); err != nil {
		return err
	}
	if err := checkWriteHeaders(hdr); err != nil {
		return err
	}
	in.Encrypt, _ = parseSSE(hdr)
	if in.ACL, in.OwnerFullControl, err = h.writeACL(req, hdr); err != nil {
		return err
	}
	ck, err := h.customerKey(req, objectPrefix)
	if err != nil {
		return err
	}
	in.CustomerKey = ck.objectKey()
	if in.KMS, in.KMSCaller, err = h.writeKMS(req, hdr); err != nil {
		return err
	}
	if in.Lock, err = parseLockHeaders(hdr); err != nil {
		return err
	}
	if name := hdr.Get("X-Amz-Checksum-Algorithm"); name != "" {
		if in.ChecksumAlgorithm, err = checksum.ParseAlgorithm(name); err != nil {
			return withMessage(errInvalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
	}
	if in.ChecksumType, err = parseChecksumType(hdr.Get("X-Amz-Checksum-Type")); err != nil {
		return err
	}
	up, err := h.objects.CreateMultipartUpload(req.r.Context(), in)
	if err != nil {
		return err
	}
	if up.ChecksumAlgorithm != "" {
		w.Header().Set("X-Amz-Checksum-Algorithm", string(up.ChecksumAlgorithm))
	}
	if up.ChecksumType != "" {
		w.Header().Set("X-Amz-Checksum-Type", string(up.ChecksumType))
	}
	setSSEHeader(w.Header(), up.ServerSideEncryption, ck)
	h.setAbortHeaders(w.Header(), req, req.route.Key, up.Initiated)
	setKMSHeaders(w.Header(), up.ServerSideEncryption, up.SSEKMSKeyID, up.BucketKeyEnabled)
	echoKMSContext(w.Header(), up.ServerSideEncryption, hdr)
	return h.writeXML(w, req, http.StatusOK, initiateMultipartUploadResult{
		Bucket: req.route.Bucket, Key: xmlText(req.route.Key), UploadID: up.UploadID,
	})
}

func parseChecksumType(s string) (checksum.Type, error) {
	switch t := checksum.Type(strings.ToUpper(s)); t {
	case "", checksum.FullObject, checksum.Composite:
		return t, nil
	}
	return "", withMessage(errInvalidRequest, "Value for x-amz-checksum-type header is invalid.")
}

func (h *Handler) uploadPart(w http.ResponseWriter, req *request) error {
	hdr := req.r.Header
	pn, err := parsePartNumber(req.query.Get("partNumber"))
	if err != nil {
		return err
	}
	if err := checkWriteHeaders(hdr); err != nil {
		return err
	}
	in := object.UploadPartInput{
		Bucket:     req.route.Bucket,
		Key:        req.route.Key,
		UploadID:   req.query.Get("uploadId"),
		PartNumber: pn,
		Body:       req.body(),
	}
	if in.Size, err = bodySize(req); err != nil {
		return err
	}
	if in.ContentMD5, err = parseContentMD5(hdr); err != nil {
		return err
	}
	if in.Checksum, _, err = parseExpectedChecksum(hdr, req.trailers()); err != nil {
		return err
	}
	ck, err := h.customerKey(req, objectPrefix)
	if err != nil {
		return err
	}
	in.CustomerKey = ck.objectKey()
	in.KMSCaller = h.kmsCaller(req)
	part, err := h.objects.UploadPart(req.r.Context(), in)
	if err != nil {
		return namedMismatch(err, in.Checksum)
	}
	w.Header().Set("ETag", quoteETag(part.ETag))
	setChecksumHeaders(w.Header(), part.Checksum, 0)
	setSSEHeader(w.Header(), part.ServerSideEncryption, ck)
	setKMSHeaders(w.Header(), part.ServerSideEncryption, part.SSEKMSKeyID, part.BucketKeyEnabled)
	writeEmpty(w, http.StatusOK)
	return nil
}

// parseCompleteXML decodes a CompleteMultipartUpload document. Ordering,
// existence and size rules for the parts are the service's.
func parseCompleteXML(data []byte) ([]object.CompletedPart, error) {
	var doc completeMultipartUpload
	if err := unmarshalXML(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Parts) == 0 || len(doc.Parts) > maxPartNumber {
		return nil, withMessage(errMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	parts := make([]object.CompletedPart, 0, len(doc.Parts))
	for _, p := range doc.Parts {
		if p.PartNumber < 1 || p.PartNumber > maxPartNumber {
			return nil, errInvalidPartNumber
		}
		c, err := parseChecksumXML(p.checksumFields)
		if err != nil {
			return nil, err
		}
		parts = append(parts, object.CompletedPart{PartNumber: p.PartNumber, ETag: p.ETag, Checksum: c})
	}
	return parts, nil
}

// parseFullChecksum reads the whole-object checksum a client may send with
// CompleteMultipartUpload: x-amz-checksum-<alg>, "-N" marking a composite
// checksum, with x-amz-checksum-type.
func parseFullChecksum(hdr http.Header) (*object.Checksum, error) {
	typ, err := parseChecksumType(hdr.Get("X-Amz-Checksum-Type"))
	if err != nil {
		return nil, err
	}
	var found *object.Checksum
	for _, alg := range checksum.Algorithms {
		v := hdr.Get(checksumHeader(alg))
		if v == "" {
			continue
		}
		if found != nil {
			return nil, errMultipleChecksums
		}
		if i := strings.LastIndexByte(v, '-'); i >= 0 {
			if _, err := strconv.Atoi(v[i+1:]); err == nil {
				v = v[:i]
				if typ == "" {
					typ = checksum.Composite
				}
			}
		}
		raw, err := decodeChecksum(alg, v)
		if err != nil {
			return nil, err
		}
		found = &object.Checksum{Algorithm: alg, Type: typ, Value: raw}
	}
	return found, nil
}

func (h *Handler) completeMultipartUpload(w http.ResponseWriter, req *request) error {
	hdr := req.r.Header
	in := object.CompleteInput{
		Bucket:   req.route.Bucket,
		Key:      req.route.Key,
		UploadID: req.query.Get("uploadId"),
	}
	var err error
	if in.Cond, err = parseWriteConditions(hdr); err != nil {
		return err
	}
	if in.Checksum, err = parseFullChecksum(hdr); err != nil {
		return err
	}
	ck, err := h.customerKey(req, objectPrefix)
	if err != nil {
		return err
	}
	in.CustomerKey = ck.objectKey()
	// The x-amz-checksum-* headers of a completion describe the object,
	// not this body, so the body is read without checking them.
	data, err := readCapped(req.body())
	if err != nil {
		return err
	}
	if in.Parts, err = parseCompleteXML(data); err != nil {
		return err
	}
	info, err := h.objects.CompleteMultipartUpload(req.r.Context(), in)
	if err != nil {
		return err
	}
	setWrittenVersionHeader(w.Header(), info.VersionID)
	// S3's completion answer names SSE-S3 but never the customer key.
	setSSEHeader(w.Header(), info.ServerSideEncryption, nil)
	setKMSHeaders(w.Header(), info.ServerSideEncryption, info.SSEKMSKeyID, info.BucketKeyEnabled)
	res := completeMultipartUploadResult{
		Location:       h.location(req),
		Bucket:         req.route.Bucket,
		Key:            xmlText(req.route.Key),
		ETag:           quoteETag(info.ETag),
		checksumFields: checksumXML(info.Checksum, info.PartsCount),
	}
	if c := info.Checksum; c != nil && len(c.Value) > 0 {
		res.ChecksumType = string(c.Type)
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// location is the URL of the object a request addresses, in the style the
// request used.
func (h *Handler) location(req *request) string {
	scheme := "http"
	if req.r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + req.r.Host + "/"
	if !req.route.VirtualHost {
		u += req.route.Bucket + "/"
	}
	return u + escapePath(req.route.Key)
}

// escapePath URL-encodes a key for a URL path, keeping '/'.
func escapePath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func (h *Handler) abortMultipartUpload(w http.ResponseWriter, req *request) error {
	if err := h.objects.AbortMultipartUpload(req.r.Context(), req.route.Bucket, req.route.Key, req.query.Get("uploadId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) listParts(w http.ResponseWriter, req *request) error {
	maxParts, err := parseMaxKeys(req.query, "max-parts", maxListKeys)
	if err != nil {
		return err
	}
	marker := 0
	if v := req.query.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return withMessage(errInvalidArgument, "Provided part-number-marker not an integer or within integer range")
		}
	}
	out, err := h.objects.ListParts(req.r.Context(), object.ListPartsInput{
		Bucket: req.route.Bucket, Key: req.route.Key, UploadID: req.query.Get("uploadId"),
		PartNumberMarker: marker, MaxParts: maxParts,
	})
	if err != nil {
		return err
	}
	up := out.Upload
	h.setAbortHeaders(w.Header(), req, req.route.Key, up.Initiated)
	names := h.ownerNames(req)
	res := listPartsResult{
		Bucket:               req.route.Bucket,
		Key:                  xmlText(req.route.Key),
		UploadID:             req.query.Get("uploadId"),
		PartNumberMarker:     marker,
		NextPartNumberMarker: out.NextPartNumberMarker,
		MaxParts:             maxParts,
		IsTruncated:          out.Truncated,
		Initiator:            names.of(up.Owner),
		Owner:                names.of(up.Owner),
		StorageClass:         storageClass(up.StorageClass),
		ChecksumAlgorithm:    string(up.ChecksumAlgorithm),
		ChecksumType:         string(up.ChecksumType),
	}
	for _, p := range out.Parts {
		res.Parts = append(res.Parts, partXML{
			PartNumber:     p.PartNumber,
			LastModified:   isoTime(p.LastModified),
			ETag:           quoteETag(p.ETag),
			Size:           p.Size,
			checksumFields: checksumXML(p.Checksum, 0),
		})
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

func (h *Handler) listMultipartUploads(w http.ResponseWriter, req *request) error {
	q := req.query
	p, err := parseListParams(q)
	if err != nil {
		return err
	}
	if p.maxKeys, err = parseMaxKeys(q, "max-uploads", maxListKeys); err != nil {
		return err
	}
	in := object.ListUploadsInput{
		Bucket:         req.route.Bucket,
		Prefix:         p.prefix,
		Delimiter:      p.delimiter,
		KeyMarker:      q.Get("key-marker"),
		UploadIDMarker: q.Get("upload-id-marker"),
		MaxUploads:     p.maxKeys,
	}
	out, err := h.objects.ListMultipartUploads(req.r.Context(), in)
	if err != nil {
		return err
	}
	res := listMultipartUploadsResult{
		Bucket:             req.route.Bucket,
		KeyMarker:          p.enc(in.KeyMarker),
		UploadIDMarker:     in.UploadIDMarker,
		NextKeyMarker:      p.enc(out.NextKeyMarker),
		NextUploadIDMarker: out.NextUploadIDMarker,
		Prefix:             p.enc(in.Prefix),
		Delimiter:          p.enc(in.Delimiter),
		MaxUploads:         in.MaxUploads,
		IsTruncated:        out.Truncated,
		EncodingType:       p.encodingType(),
		CommonPrefixes:     p.prefixes(out.CommonPrefixes),
	}
	names := h.ownerNames(req)
	for _, u := range out.Uploads {
		res.Uploads = append(res.Uploads, uploadXML{
			Key:               p.enc(u.Key),
			UploadID:          u.UploadID,
			Initiator:         names.of(u.Owner),
			Owner:             names.of(u.Owner),
			StorageClass:      storageClass(u.StorageClass),
			Initiated:         isoTime(u.Initiated),
			ChecksumAlgorithm: string(u.ChecksumAlgorithm),
			ChecksumType:      string(u.ChecksumType),
		})
	}
	return h.writeXML(w, req, http.StatusOK, res)
}
