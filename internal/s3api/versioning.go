package s3api

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/object"
)

func (h *Handler) getBucketVersioning(w http.ResponseWriter, req *request) error {
	c, err := h.objects.GetVersioning(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, versioningConfigurationResult{
		Status: string(c.Status), MfaDelete: string(c.MFADelete)})
}

// putBucketVersioning sets Enabled or Suspended, and MFA Delete when the
// configuration names it; the object service decides what needs
// x-amz-mfa.
func (h *Handler) putBucketVersioning(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	in, err := parseVersioningXML(data)
	if err != nil {
		return err
	}
	in.Bucket = req.route.Bucket
	if in.MFA, err = req.mfa(); err != nil {
		return err
	}
	if err := h.objects.PutVersioning(req.r.Context(), in); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

// parseVersioningXML decodes a VersioningConfiguration. The status is
// left for the service to judge; MfaDelete, when present, must be
// Enabled or Disabled.
func parseVersioningXML(data []byte) (object.VersioningInput, error) {
	var doc versioningConfiguration
	if err := unmarshalXML(data, &doc); err != nil {
		return object.VersioningInput{}, err
	}
	in := object.VersioningInput{Status: object.VersioningStatus(doc.Status)}
	if doc.MfaDelete != nil {
		switch s := object.MFADeleteStatus(*doc.MfaDelete); s {
		case object.MFADeleteEnabled, object.MFADeleteDisabled:
			in.MFADelete = s
		default:
			return object.VersioningInput{}, object.ErrIllegalVersioningConfiguration
		}
	}
	return in, nil
}

func (h *Handler) listObjectVersions(w http.ResponseWriter, req *request) error {
	p, err := listRequestParams(req)
	if err != nil {
		return err
	}
	keyMarker, vidMarker := req.query.Get("key-marker"), req.query.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return withMessage(errInvalidArgument, "A version-id marker cannot be specified without a key marker.")
	}
	out, err := h.objects.ListObjectVersions(req.r.Context(), object.ListVersionsInput{
		Bucket: req.route.Bucket, Prefix: p.prefix, Delimiter: p.delimiter,
		KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return err
	}
	res := listVersionsResult{
		Name:            req.route.Bucket,
		Prefix:          p.enc(p.prefix),
		KeyMarker:       p.enc(keyMarker),
		VersionIDMarker: vidMarker,
		MaxKeys:         p.maxKeys,
		Delimiter:       p.enc(p.delimiter),
		IsTruncated:     out.Truncated,
		EncodingType:    p.encodingType(),
		Entries:         make([]any, 0, len(out.Versions)),
		CommonPrefixes:  p.prefixes(out.CommonPrefixes),
	}
	if out.Truncated {
		res.NextKeyMarker, res.NextVersionIDMarker = p.enc(out.NextKeyMarker), out.NextVersionIDMarker
	}
	names := h.ownerNames(req)
	for _, v := range out.Versions {
		if v.DeleteMarker {
			res.Entries = append(res.Entries, &deleteMarkerXML{Key: p.enc(v.Key), VersionID: v.VersionID,
				IsLatest: v.IsLatest, LastModified: isoTime(v.LastModified), Owner: names.ptr(v.Owner)})
			continue
		}
		x := &versionXML{Key: p.enc(v.Key), VersionID: v.VersionID, IsLatest: v.IsLatest,
			LastModified: isoTime(v.LastModified), ETag: quoteETag(v.ETag), Size: v.Size,
			StorageClass: storageClass(v.StorageClass), Owner: names.ptr(v.Owner), Restore: p.restoreStatusOf(v)}
		if v.Checksum != nil && v.Checksum.Algorithm != "" {
			x.ChecksumAlgorithm, x.ChecksumType = string(v.Checksum.Algorithm), string(v.Checksum.Type)
		}
		res.Entries = append(res.Entries, x)
	}
	return h.writeXML(w, req, http.StatusOK, res)
}
