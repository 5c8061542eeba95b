package s3api

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// restoreRequestXML is RestoreObject's body. Only the restore of an
// archive is served: a SELECT restore (Type, SelectParameters,
// OutputLocation) is NotImplemented.
type restoreRequestXML struct {
	XMLName              xml.Name `xml:"RestoreRequest"`
	Days                 *int     `xml:"Days"`
	Description          string   `xml:"Description"`
	Tier                 string   `xml:"Tier"`
	GlacierJobParameters *struct {
		Tier string `xml:"Tier"`
	} `xml:"GlacierJobParameters"`
	Type             string    `xml:"Type"`
	SelectParameters *struct{} `xml:"SelectParameters"`
	OutputLocation   *struct{} `xml:"OutputLocation"`
}

// restoreRequest is what an archive restore asks for.
type restoreRequest struct {
	days int
	// tier is the retrieval tier, "" when none is named (Standard).
	tier string
}

// parseRestoreRequest returns the days and the retrieval tier of an
// archive restore. The tier is GlacierJobParameters' (the element S3
// documents for an archive restore), else the top-level Tier's.
func parseRestoreRequest(data []byte) (restoreRequest, error) {
	var doc restoreRequestXML
	if err := unmarshalXML(data, &doc); err != nil {
		return restoreRequest{}, err
	}
	if doc.Type != "" || doc.SelectParameters != nil || doc.OutputLocation != nil {
		return restoreRequest{}, fmt.Errorf("%w: SELECT restore requests", errNotImplemented)
	}
	for _, tier := range []string{doc.Tier, jobTier(doc)} {
		switch tier {
		case "", object.RestoreExpedited, object.RestoreStandard, object.RestoreBulk:
		default:
			return restoreRequest{}, errMalformedXML
		}
	}
	if doc.Days == nil {
		// S3 requires Days for GLACIER and DEEP_ARCHIVE objects, the only
		// archives coffer has.
		return restoreRequest{}, fmt.Errorf("%w: restore without Days", object.ErrInvalidArgument)
	}
	if *doc.Days < 1 || *doc.Days > object.MaxRestoreDays {
		return restoreRequest{}, fmt.Errorf("%w: Days %d", object.ErrInvalidArgument, *doc.Days)
	}
	tier := jobTier(doc)
	if tier == "" {
		tier = doc.Tier
	}
	return restoreRequest{days: *doc.Days, tier: tier}, nil
}

func jobTier(doc restoreRequestXML) string {
	if doc.GlacierJobParameters == nil {
		return ""
	}
	return doc.GlacierJobParameters.Tier
}

// restoreObject serves POST ?restore: 202 Accepted when it starts a
// restore, 200 OK when it extends a completed one.
func (h *Handler) restoreObject(w http.ResponseWriter, req *request) error {
	vid, err := versionIDParam(req)
	if err != nil {
		return err
	}
	// S3 does not require a checksum of this body (the API model does
	// not mark RestoreObject httpChecksumRequired).
	data, err := readCapped(req.body())
	if err != nil {
		return err
	}
	rr, err := parseRestoreRequest(data)
	if err != nil {
		return err
	}
	out, err := h.objects.RestoreObject(req.r.Context(), object.RestoreInput{Bucket: req.route.Bucket, Key: req.route.Key,
		VersionID: vid, Days: rr.days, Tier: rr.tier})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if out.Started {
		status = http.StatusAccepted
	}
	writeEmpty(w, status)
	return nil
}

// restoreHeader is x-amz-restore's value for a restore's state.
func restoreHeader(r *object.RestoreStatus) string {
	if r.Ongoing {
		return `ongoing-request="true"`
	}
	var b strings.Builder
	b.WriteString(`ongoing-request="false", expiry-date="`)
	b.WriteString(r.Expiry.UTC().Format(http.TimeFormat))
	b.WriteByte('"')
	return b.String()
}
