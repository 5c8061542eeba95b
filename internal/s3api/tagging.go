package s3api

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/object"
)

func (h *Handler) getObjectTagging(w http.ResponseWriter, req *request) error {
	tags, version, err := h.objects.GetObjectTagging(req.r.Context(), req.route.Bucket, req.route.Key, req.query.Get("versionId"))
	if err != nil {
		return err
	}
	setVersionHeader(w, version)
	res := taggingResult{TagSet: []tagXML{}}
	for _, t := range tags {
		res.TagSet = append(res.TagSet, tagXML(t))
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// parseTaggingXML decodes a Tagging document. Duplicate keys are InvalidTag;
// the remaining tag rules (lengths, count, characters) are the service's.
func parseTaggingXML(data []byte) ([]object.Tag, error) {
	var doc tagging
	if err := unmarshalXML(data, &doc); err != nil {
		return nil, err
	}
	tags := make([]object.Tag, 0, len(doc.TagSet))
	seen := make(map[string]bool, len(doc.TagSet))
	for _, t := range doc.TagSet {
		if seen[t.Key] {
			return nil, withMessage(errInvalidTag, "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
		tags = append(tags, object.Tag(t))
	}
	return tags, nil
}

func (h *Handler) putObjectTagging(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	var tags []object.Tag
	if err == nil {
		tags, err = parseTaggingXML(data)
	}
	if err == nil {
		req.fromBody.tags, req.fromBody.tagsFromBody = tags, true
	}
	if err := h.authorizeBody(req, err); err != nil {
		return err
	}
	version, err := h.objects.PutObjectTagging(req.r.Context(), req.route.Bucket, req.route.Key, req.query.Get("versionId"), tags)
	if err != nil {
		return err
	}
	setVersionHeader(w, version)
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteObjectTagging(w http.ResponseWriter, req *request) error {
	version, err := h.objects.DeleteObjectTagging(req.r.Context(), req.route.Bucket, req.route.Key, req.query.Get("versionId"))
	if err != nil {
		return err
	}
	setVersionHeader(w, version)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// setVersionHeader sends x-amz-version-id when there is one.
func setVersionHeader(w http.ResponseWriter, version string) {
	if version != "" {
		w.Header().Set("X-Amz-Version-Id", version)
	}
}
