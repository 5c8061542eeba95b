package s3api

import (
	"net/http"
	"strings"
)

// S3 Control's account-level Block Public Access operations. AWS serves
// them on its own endpoint ({AccountId}.s3-control.REGION.amazonaws.com);
// coffer serves them on the S3 listener, told apart by their path and
// the x-amz-account-id header every S3 Control request carries. Their
// names carry "Account" to keep them apart from the bucket operations of
// the same AWS name.
const (
	OpGetAccountPublicAccessBlock    Operation = "GetAccountPublicAccessBlock"
	OpPutAccountPublicAccessBlock    Operation = "PutAccountPublicAccessBlock"
	OpDeleteAccountPublicAccessBlock Operation = "DeleteAccountPublicAccessBlock"
	// OpS3Control is any other S3 Control request: not implemented.
	OpS3Control Operation = "S3Control"
)

// s3ControlPrefix starts the path of every S3 Control request.
const s3ControlPrefix = "/v20180820/"

// controlRoute routes an S3 Control request; ok is false for any other.
// The AWS CLI and SDKs put the account id in front of the endpoint's host
// name ("111122223333.localhost:9000"), so the host is not looked at: a
// DNS wildcard or an HTTP proxy brings such requests here, and an S3
// bucket named like the account id could not have this path and header.
func controlRoute(r *http.Request) (Route, bool) {
	if !strings.HasPrefix(r.URL.Path, s3ControlPrefix) || r.Header.Get("X-Amz-Account-Id") == "" {
		return Route{}, false
	}
	rte := Route{Op: OpS3Control}
	if r.URL.Path != s3ControlPrefix+"configuration/publicAccessBlock" {
		return rte, true
	}
	rte.Implemented = true
	switch r.Method {
	case http.MethodGet:
		rte.Op = OpGetAccountPublicAccessBlock
	case http.MethodPut:
		rte.Op = OpPutAccountPublicAccessBlock
	case http.MethodDelete:
		rte.Op = OpDeleteAccountPublicAccessBlock
	default:
		rte.Op = OpMethodNotAllowed
	}
	return rte, true
}

// controlAccount returns the account an S3 Control request names, which
// must be the caller's own: AWS answers AccessDenied for another's.
func controlAccount(req *request) (string, error) {
	id := req.r.Header.Get("X-Amz-Account-Id")
	if p := req.principal(); p.Anonymous || id != p.AccountID {
		return "", errAccessDenied
	}
	return id, nil
}

func (h *Handler) getAccountPublicAccessBlock(w http.ResponseWriter, req *request) error {
	account, err := controlAccount(req)
	if err != nil {
		return err
	}
	b, err := h.objects.GetAccountPublicAccessBlock(req.r.Context(), account)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, publicAccessBlockDoc(s3ControlNamespace, b))
}

func (h *Handler) putAccountPublicAccessBlock(w http.ResponseWriter, req *request) error {
	account, err := controlAccount(req)
	if err != nil {
		return err
	}
	data, err := readCapped(req.body())
	if err != nil {
		return err
	}
	b, err := parsePublicAccessBlockXML(data)
	if err != nil {
		return err
	}
	if err := h.objects.PutAccountPublicAccessBlock(req.r.Context(), account, b); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteAccountPublicAccessBlock(w http.ResponseWriter, req *request) error {
	account, err := controlAccount(req)
	if err != nil {
		return err
	}
	if err := h.objects.DeleteAccountPublicAccessBlock(req.r.Context(), account); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
