package s3api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// The attribute names x-amz-object-attributes may list, as AWS spells
// them (the ObjectAttributes enum of the API reference).
const (
	attrETag         = "ETag"
	attrChecksum     = "Checksum"
	attrObjectParts  = "ObjectParts"
	attrStorageClass = "StorageClass"
	attrObjectSize   = "ObjectSize"
)

// objectAttributes is the set of attributes a request asks for.
type objectAttributes map[string]bool

// parseObjectAttributes reads x-amz-object-attributes: a comma-separated
// list (possibly over several header lines) of attribute names. The header
// is required, and a name S3 does not know is InvalidArgument.
func parseObjectAttributes(h http.Header) (objectAttributes, error) {
	values := h.Values("X-Amz-Object-Attributes")
	if len(values) == 0 {
		return nil, withMessage(errInvalidArgument, "Missing required header for this request: x-amz-object-attributes")
	}
	attrs := objectAttributes{}
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			switch name = strings.TrimSpace(name); name {
			case attrETag, attrChecksum, attrObjectParts, attrStorageClass, attrObjectSize:
				attrs[name] = true
			default:
				return nil, withMessage(errInvalidArgument, "Invalid attribute name specified.")
			}
		}
	}
	return attrs, nil
}

// parsePartsPaging reads x-amz-max-parts (absent: 1000, above 1000: 1000)
// and x-amz-part-number-marker (absent: 0).
func parsePartsPaging(h http.Header) (maxParts, marker int, err error) {
	maxParts = maxListKeys
	if v := h.Get("X-Amz-Max-Parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, withMessage(errInvalidArgument, "Provided max-parts not an integer or within integer range")
		}
		maxParts = min(n, maxListKeys)
	}
	if v := h.Get("X-Amz-Part-Number-Marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, withMessage(errInvalidArgument, "Provided part-number-marker not an integer or within integer range")
		}
		marker = n
	}
	return maxParts, marker, nil
}

func (h *Handler) getObjectAttributes(w http.ResponseWriter, req *request) error {
	attrs, err := parseObjectAttributes(req.r.Header)
	if err != nil {
		return err
	}
	vid, err := versionIDParam(req)
	if err != nil {
		return err
	}
	maxParts, marker, err := parsePartsPaging(req.r.Header)
	if err != nil {
		return err
	}
	ck, err := h.customerKey(req, objectPrefix)
	if err != nil {
		return err
	}
	out, err := h.objects.GetObjectAttributes(req.r.Context(), object.AttributesInput{
		Bucket: req.route.Bucket, Key: req.route.Key, VersionID: vid,
		PartNumberMarker: marker, MaxParts: maxParts, CustomerKey: ck.objectKey(),
	})
	if err != nil {
		return err
	}
	info := &out.Info
	hdr := w.Header()
	hdr.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	if info.VersionID != "" {
		hdr.Set("X-Amz-Version-Id", info.VersionID)
	}
	return h.writeXML(w, req, http.StatusOK, attributesResponse(attrs, out, marker))
}

// attributesResponse renders the asked-for attributes. The ETag is sent
// without quotes and a composite checksum without its "-N" suffix, as S3
// sends them here (unlike on HEAD). ObjectParts is only for a multipart
// object: just the count, unless the service lists its parts.
func attributesResponse(attrs objectAttributes, out *object.AttributesOutput, marker int) *getObjectAttributesResponse {
	info := &out.Info
	res := &getObjectAttributesResponse{}
	if attrs[attrETag] {
		res.ETag = info.ETag
	}
	if c := info.Checksum; attrs[attrChecksum] && c != nil && len(c.Value) > 0 {
		res.Checksum = &attributesChecksumXML{checksumFields: checksumXML(c, 0), ChecksumType: string(c.Type)}
	}
	if attrs[attrObjectParts] && info.PartsCount > 0 {
		res.ObjectParts = objectPartsResponse(out, marker)
	}
	if attrs[attrStorageClass] {
		res.StorageClass = info.StorageClass
	}
	if attrs[attrObjectSize] {
		res.ObjectSize = &info.Size
	}
	return res
}

func objectPartsResponse(out *object.AttributesOutput, marker int) *objectPartsXML {
	op := &objectPartsXML{PartsCount: out.Info.PartsCount}
	if !out.PartsListed {
		return op
	}
	op.IsTruncated = &out.Truncated
	op.MaxParts = &out.MaxParts
	op.PartNumberMarker = &marker
	op.NextPartNumberMarker = &out.NextPartNumberMarker
	for _, p := range out.Parts {
		op.Parts = append(op.Parts, objectPartXML{checksumFields: checksumXML(p.Checksum, 0), PartNumber: p.PartNumber, Size: p.Size})
	}
	return op
}
