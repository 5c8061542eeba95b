package s3api

import (
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// maxDeleteObjects is the most keys one DeleteObjects request may name.
const maxDeleteObjects = 1000

// parseDeleteXML decodes a Delete document. An empty list or more than
// 1000 objects is MalformedXML, as in S3.
func parseDeleteXML(data []byte) (*deleteRequest, error) {
	var doc deleteRequest
	if err := unmarshalXML(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Objects) == 0 || len(doc.Objects) > maxDeleteObjects {
		return nil, errMalformedXML
	}
	return &doc, nil
}

func (h *Handler) deleteObjects(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	doc, err := parseDeleteXML(data)
	if err != nil {
		return err
	}
	ctx := req.r.Context()
	mfa, err := req.mfa()
	if err != nil {
		return err
	}
	var res deleteResult
	var ids []object.ObjectID
	for _, o := range doc.Objects {
		id := object.ObjectID{Key: o.Key, VersionID: o.VersionID, IfMatch: o.ETag}
		// S3 authorizes each key of a batch delete on its own: a denied
		// key is an error entry, not a failed request.
		err := h.checkDeleteKey(req, o.Key, o.VersionID)
		if err == nil {
			err = h.checkDeleteEntryConditions(req, o)
		}
		if err != nil {
			res.Errors = append(res.Errors, deleteError(id, err))
			continue
		}
		ids = append(ids, id)
	}
	h.markBypass(req, ids)
	var results []object.DeleteResult
	if len(ids) > 0 {
		// One call for the whole batch: its MFA code is checked, and
		// used up, once.
		results, err = h.objects.DeleteVersions(ctx, object.DeleteObjectsInput{
			Bucket: req.route.Bucket, Objects: ids, MFA: mfa,
		})
		if err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.Err != nil {
			if _, known := lookupError(r.Err); !known {
				h.log.ErrorContext(ctx, "delete object", "bucket", req.route.Bucket, "key", r.Key, "err", r.Err)
			}
			res.Errors = append(res.Errors, deleteError(r.ObjectID, r.Err))
			continue
		}
		if doc.Quiet {
			continue
		}
		res.Deleted = append(res.Deleted, deletedXML{
			Key:                   xmlText(r.Key),
			VersionID:             r.VersionID,
			DeleteMarker:          r.DeleteMarker,
			DeleteMarkerVersionID: r.DeleteMarkerVersionID,
		})
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// markBypass sets BypassGovernance on the keys of a batch delete whose
// GOVERNANCE retention the request may bypass: S3 authorizes
// s3:BypassGovernanceRetention on each object, so a caller may bypass on
// some keys and not others.
func (h *Handler) markBypass(req *request, ids []object.ObjectID) {
	if !strings.EqualFold(req.r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true") {
		return
	}
	for i := range ids {
		ids[i].BypassGovernance = h.bypassGovernance(req, ids[i].Key)
	}
}

func (h *Handler) checkDeleteKey(req *request, key, versionID string) error {
	if key == "" {
		return withMessage(errInvalidArgument, "Object key cannot be empty")
	}
	if len(key) > maxKeyLength {
		return errKeyTooLong
	}
	if versionID != "" {
		return h.authorize(req, "s3:DeleteObjectVersion", req.route.Bucket, key, versionID)
	}
	return h.authorize(req, "s3:DeleteObject", req.route.Bucket, key, "")
}

func deleteError(id object.ObjectID, err error) deleteErrXML {
	ae, _ := lookupError(err)
	return deleteErrXML{Key: xmlText(id.Key), VersionID: id.VersionID, Code: ae.Code, Message: ae.Message}
}
