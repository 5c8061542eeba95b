package s3api

import (
	"net/http"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/object"
)

// parseLockMode accepts the two retention modes, exactly as S3 spells them.
func parseLockMode(s string) (object.LockMode, bool) {
	switch m := object.LockMode(s); m {
	case object.LockGovernance, object.LockCompliance:
		return m, true
	}
	return "", false
}

// parseLockTime reads an ISO 8601 retain-until date; the zero time is not
// one, since it means "no date" everywhere below.
func parseLockTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, isoMillis} {
		if t, err := time.Parse(layout, s); err == nil && !t.IsZero() {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseLockHeaders reads x-amz-object-lock-mode, -retain-until-date and
// -legal-hold; nil if none is sent. Mode and date go together.
func parseLockHeaders(hdr http.Header) (*object.Lock, error) {
	mode, until, hold := hdr.Get("X-Amz-Object-Lock-Mode"), hdr.Get("X-Amz-Object-Lock-Retain-Until-Date"), hdr.Get("X-Amz-Object-Lock-Legal-Hold")
	if mode == "" && until == "" && hold == "" {
		return nil, nil
	}
	l := &object.Lock{}
	if (mode == "") != (until == "") {
		return nil, withMessage(errInvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	}
	if mode != "" {
		var ok bool
		if l.Mode, ok = parseLockMode(mode); !ok {
			return nil, withMessage(errInvalidArgument, "Unknown wormMode directive.")
		}
		if l.RetainUntil, ok = parseLockTime(until); !ok {
			return nil, withMessage(errInvalidArgument, "The retain until date must be provided in ISO 8601 format")
		}
	}
	switch hold {
	case "", "OFF":
	case "ON":
		l.LegalHold = true
	default:
		return nil, withMessage(errInvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'")
	}
	return l, nil
}

// bypassGovernance reports whether the request asks to bypass GOVERNANCE
// retention and its principal is allowed s3:BypassGovernanceRetention. A
// denied bypass is not an error: the request goes on without it, and
// fails only if governance retention is in its way.
func (h *Handler) bypassGovernance(req *request, key string) bool {
	if !strings.EqualFold(req.r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true") {
		return false
	}
	return h.authorize(req, "s3:BypassGovernanceRetention", req.route.Bucket, key, "") == nil
}

func (h *Handler) putObjectLockConfig(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	cfg, err := parseLockConfigXML(data)
	if err != nil {
		return err
	}
	if err := h.objects.PutObjectLockConfiguration(req.r.Context(), req.route.Bucket, cfg); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

// parseLockConfigXML decodes an ObjectLockConfiguration: enabled, and a
// default retention with a known mode and exactly one of Days and Years
// (both or neither is MalformedXML, as S3 answers for both); the period's
// value is checked by the service (InvalidRetentionPeriod).
func parseLockConfigXML(data []byte) (object.ObjectLockConfig, error) {
	var doc objectLockConfiguration
	if err := unmarshalXML(data, &doc); err != nil {
		return object.ObjectLockConfig{}, err
	}
	if doc.ObjectLockEnabled != "Enabled" {
		return object.ObjectLockConfig{}, errMalformedXML
	}
	cfg := object.ObjectLockConfig{Enabled: true}
	if doc.Rule != nil {
		d := doc.Rule.DefaultRetention
		if d == nil {
			return object.ObjectLockConfig{}, errMalformedXML
		}
		mode, ok := parseLockMode(d.Mode)
		if !ok {
			return object.ObjectLockConfig{}, errMalformedXML
		}
		if (d.Days == nil) == (d.Years == nil) {
			return object.ObjectLockConfig{}, errMalformedXML
		}
		cfg.Retention = &object.DefaultRetention{Mode: mode}
		if d.Days != nil {
			cfg.Retention.Days = *d.Days
		} else {
			cfg.Retention.Years = *d.Years
		}
	}
	return cfg, nil
}

func (h *Handler) getObjectLockConfig(w http.ResponseWriter, req *request) error {
	cfg, err := h.objects.GetObjectLockConfiguration(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	res := objectLockConfigurationResult{ObjectLockEnabled: "Enabled"}
	if d := cfg.Retention; d != nil {
		dr := &defaultRetentionXML{Mode: string(d.Mode)}
		if d.Days != 0 {
			dr.Days = &d.Days
		}
		if d.Years != 0 {
			dr.Years = &d.Years
		}
		res.Rule = &objectLockRule{DefaultRetention: dr}
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// versionIDParam returns the versionId query parameter; present but
// empty is InvalidArgument, as S3 answers.
func versionIDParam(req *request) (string, error) {
	if v, ok := req.query["versionId"]; ok && (len(v) == 0 || v[0] == "") {
		return "", withMessage(errInvalidArgument, "Version id cannot be the empty string")
	}
	return req.query.Get("versionId"), nil
}

func (h *Handler) putObjectRetention(w http.ResponseWriter, req *request) error {
	vid, err := versionIDParam(req)
	var l object.Lock
	if err == nil {
		l, err = readRetention(req)
	}
	if err == nil {
		req.fromBody.lock = &l
	}
	if err := h.authorizeBody(req, err); err != nil {
		return err
	}
	in := object.PutRetentionInput{Bucket: req.route.Bucket, Key: req.route.Key, VersionID: vid,
		Mode: l.Mode, RetainUntil: l.RetainUntil, BypassGovernance: h.bypassGovernance(req, req.route.Key)}
	version, err := h.objects.PutObjectRetention(req.r.Context(), in)
	if err != nil {
		return err
	}
	setVersionHeader(w, version)
	writeEmpty(w, http.StatusOK)
	return nil
}

func readRetention(req *request) (object.Lock, error) {
	data, err := readCheckedBody(req)
	if err != nil {
		return object.Lock{}, err
	}
	return parseRetentionXML(data)
}

// parseRetentionXML decodes a Retention: a known mode with an ISO 8601
// date, or neither (which removes the retention).
func parseRetentionXML(data []byte) (object.Lock, error) {
	var doc retentionXML
	if err := unmarshalXML(data, &doc); err != nil {
		return object.Lock{}, err
	}
	var l object.Lock
	if doc.Mode != "" || doc.RetainUntilDate != "" {
		var ok bool
		if l.Mode, ok = parseLockMode(doc.Mode); !ok {
			return object.Lock{}, errMalformedXML
		}
		if l.RetainUntil, ok = parseLockTime(doc.RetainUntilDate); !ok {
			return object.Lock{}, errMalformedXML
		}
	}
	return l, nil
}

func (h *Handler) getObjectRetention(w http.ResponseWriter, req *request) error {
	vid, err := versionIDParam(req)
	if err != nil {
		return err
	}
	l, err := h.objects.GetObjectRetention(req.r.Context(), req.route.Bucket, req.route.Key, vid)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, retentionResult{Mode: string(l.Mode), RetainUntilDate: isoTime(l.RetainUntil)})
}

func (h *Handler) putObjectLegalHold(w http.ResponseWriter, req *request) error {
	vid, err := versionIDParam(req)
	var on bool
	if err == nil {
		var data []byte
		if data, err = readCheckedBody(req); err == nil {
			on, err = parseLegalHoldXML(data)
		}
	}
	if err == nil {
		req.fromBody.legalHold = &on
	}
	if err := h.authorizeBody(req, err); err != nil {
		return err
	}
	version, err := h.objects.PutObjectLegalHold(req.r.Context(), req.route.Bucket, req.route.Key, vid, on)
	if err != nil {
		return err
	}
	setVersionHeader(w, version)
	writeEmpty(w, http.StatusOK)
	return nil
}

// parseLegalHoldXML decodes a LegalHold whose Status is ON or OFF.
func parseLegalHoldXML(data []byte) (bool, error) {
	var doc legalHoldXML
	if err := unmarshalXML(data, &doc); err != nil {
		return false, err
	}
	if doc.Status != "ON" && doc.Status != "OFF" {
		return false, errMalformedXML
	}
	return doc.Status == "ON", nil
}

func (h *Handler) getObjectLegalHold(w http.ResponseWriter, req *request) error {
	vid, err := versionIDParam(req)
	if err != nil {
		return err
	}
	on, err := h.objects.GetObjectLegalHold(req.r.Context(), req.route.Bucket, req.route.Key, vid)
	if err != nil {
		return err
	}
	status := "OFF"
	if on {
		status = "ON"
	}
	return h.writeXML(w, req, http.StatusOK, legalHoldResult{Status: status})
}
