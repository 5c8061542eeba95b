// Package kmsapi is the KMS wire (JSON 1.1 protocol, X-Amz-Target
// "TrentService.<Operation>"). coffer does not serve KMS yet: every call is
// answered with KMS's own JSON error shape, saying so, so that the aws CLI
// and the SDKs print a readable message instead of an S3 XML error about
// a malformed authorization header.
package kmsapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/reqid"
)

// targetPrefix starts every KMS X-Amz-Target.
const targetPrefix = "TrentService."

// NotImplemented returns the handler for requests signed for the kms
// service. It reads nothing but the X-Amz-Target header and changes
// nothing, so it needs no authentication.
func NotImplemented(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := Operation(r.Header.Get("X-Amz-Target"))
		log.InfoContext(r.Context(), "request for an API coffer does not serve", "service", "kms", "op", op)
		msg := "coffer does not implement the AWS KMS API"
		if op != "" {
			msg += " (" + op + ")"
		}
		body, _ := json.Marshal(errorBody{Type: "NotImplemented", Message: msg})
		h := w.Header()
		h.Set("Content-Type", "application/x-amz-json-1.1")
		if id := reqid.From(r.Context()); id != "" {
			h.Set("X-Amzn-RequestId", id)
		}
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = w.Write(body)
	})
}

// errorBody is the JSON protocol's error document: clients take the code
// from __type and the text from message.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// Operation returns the operation an X-Amz-Target names, or "" when the
// target is not a KMS one or the name is not a plain identifier (it is
// echoed to the client and logged).
func Operation(target string) string {
	op, ok := strings.CutPrefix(target, targetPrefix)
	if !ok || op == "" || len(op) > 64 {
		return ""
	}
	for _, c := range op {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return op
}
