package kmsapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestOperation(t *testing.T) {
	tests := map[string]string{
		"TrentService.ListKeys":        "ListKeys",
		"TrentService.GenerateDataKey": "GenerateDataKey",
		"TrentService.":                "",
		"ListKeys":                     "",
		"DynamoDB_20120810.ListTables": "",
		"TrentService.List<Keys>":      "",
		"TrentService.List Keys":       "",
	}
	for in, want := range tests {
		if got := Operation(in); got != want {
			t.Errorf("Operation(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzOperation(f *testing.F) {
	for _, s := range []string{"TrentService.ListKeys", "TrentService.", "", "TrentService.\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		op := Operation(s)
		if op != "" && "TrentService."+op != s {
			t.Errorf("Operation(%q) = %q, not the target's suffix", s, op)
		}
	})
}

func TestNotImplemented(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Amz-Target", "TrentService.ListKeys")
	rec := httptest.NewRecorder()
	NotImplemented(nil).ServeHTTP(rec, r)
	if rec.Code != http.StatusNotImplemented || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"__type": "NotImplemented", "message": "coffer does not implement the AWS KMS API (ListKeys)"}
	if len(body) != 2 || body["__type"] != want["__type"] || body["message"] != want["message"] {
		t.Errorf("body = %v, want %v", body, want)
	}
}
