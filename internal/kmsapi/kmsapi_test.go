package kmsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/kms"
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

// TestErrorTable_everyKMSError parses package kms for its exported Err*
// variables and checks that each has a row: an error without one would
// reach clients as KMSInternalException.
func TestErrorTable_everyKMSError(t *testing.T) {
	values := map[string]error{
		"ErrNotFound": kms.ErrNotFound, "ErrDisabled": kms.ErrDisabled, "ErrInvalidState": kms.ErrInvalidState,
		"ErrInvalidCiphertext": kms.ErrInvalidCiphertext, "ErrIncorrectKey": kms.ErrIncorrectKey,
		"ErrAccessDenied": kms.ErrAccessDenied, "ErrValidation": kms.ErrValidation, "ErrAlreadyExists": kms.ErrAlreadyExists,
		"ErrInvalidAliasName": kms.ErrInvalidAliasName, "ErrMalformedPolicy": kms.ErrMalformedPolicy,
		"ErrUnsupported": kms.ErrUnsupported, "ErrLimitExceeded": kms.ErrLimitExceeded,
		"ErrInvalidKeyUsage": kms.ErrInvalidKeyUsage, "ErrInvalidGrantToken": kms.ErrInvalidGrantToken,
		"ErrInvalidGrantID": kms.ErrInvalidGrantID, "ErrInvalidMarker": kms.ErrInvalidMarker,
		"ErrInvalidArn": kms.ErrInvalidArn, "ErrTag": kms.ErrTag, "ErrInvalidMac": kms.ErrInvalidMac,
	}
	files, err := filepath.Glob("../kms/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if !n.IsExported() || !strings.HasPrefix(n.Name, "Err") {
						continue
					}
					v, ok := values[n.Name]
					if !ok {
						t.Errorf("kms.%s is not in this test's list", n.Name)
						continue
					}
					if e := answer(fmt.Errorf("wrapped: %w", v)); e == errInternal || e.Status != http.StatusBadRequest {
						t.Errorf("kms.%s answers %s %d, want a client error row", n.Name, e.Code, e.Status)
					}
				}
			}
		}
	}
	if e := answer(errors.New("disk on fire")); e != errInternal {
		t.Errorf("an unknown error answers %s, want KMSInternalException", e.Code)
	}
}

func TestFail_shape(t *testing.T) {
	h := &Handler{log: slog.New(slog.DiscardHandler)}
	tests := []struct {
		err    error
		status int
		body   string
	}{
		{&kms.Error{Err: kms.ErrNotFound, Msg: "Alias arn:x is not found."}, 400, `{"__type":"NotFoundException","message":"Alias arn:x is not found."}`},
		{kms.ErrAccessDenied, 400, `{"__type":"AccessDeniedException","message":"Access denied"}`},
		{unknownOperation("Frobnicate"), 400, `{"__type":"UnknownOperationException"}`},
		{errors.New("secret internal detail"), 500, `{"__type":"KMSInternalException","message":"We encountered an internal error. Please try again."}`},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.fail(t.Context(), rec, tt.err)
		if rec.Code != tt.status || rec.Body.String() != tt.body || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("fail(%v) = %d %s, want %d %s", tt.err, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	type in struct {
		KeyID     string            `json:"KeyId"`
		Plaintext []byte            `json:"Plaintext"`
		Context   map[string]string `json:"EncryptionContext"`
		N         *int              `json:"NumberOfBytes"`
	}
	tests := []struct {
		body string
		ok   bool
	}{
		{``, true},
		{`{}`, true},
		{`{"KeyId":"alias/x","Plaintext":"aGVsbG8=","EncryptionContext":{"a":"b"},"NumberOfBytes":32}`, true},
		{`{"KeyId":"k","Unknown":{"x":[1,2]}}`, true},
		{`{"Plaintext":"not base64!"}`, false},
		{`{"KeyId":1}`, false},
		{`{"EncryptionContext":{"a":1}}`, false},
		{`[]`, false},
		{`{} {}`, false},
		{`{"KeyId":"k"`, false},
		{`null`, false},
	}
	for _, tt := range tests {
		var v in
		err := decodeJSON([]byte(tt.body), &v)
		if (err == nil) != tt.ok {
			t.Errorf("decodeJSON(%s) = %v, want ok %v", tt.body, err, tt.ok)
		}
		if err != nil && !errors.Is(err, error(errSerialization)) {
			t.Errorf("decodeJSON(%s) = %v, want SerializationException", tt.body, err)
		}
	}
}

// inputs are zero values of every operation's input type, for the fuzz
// test: it decodes the same body into each.
func inputs() []any {
	return []any{
		&dataKeyInput{}, &keyOnly{}, &aliasInput{}, &paging{}, &grantConstraints{},
		&struct {
			CiphertextBlob    []byte            `json:"CiphertextBlob"`
			EncryptionContext map[string]string `json:"EncryptionContext"`
			GrantTokens       []string          `json:"GrantTokens"`
			Tags              []tag             `json:"Tags"`
			Days              *int              `json:"PendingWindowInDays"`
			Bypass            bool              `json:"BypassPolicyLockoutSafetyCheck"`
			Constraints       *grantConstraints `json:"Constraints"`
		}{},
	}
}

// FuzzDecodeJSON: decoding never panics, and what decodes re-encodes to
// JSON that decodes to the same value.
func FuzzDecodeJSON(f *testing.F) {
	// Request bodies as the AWS KMS API Reference's examples show them.
	for _, s := range []string{
		`{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeySpec":"AES_256"}`,
		`{"CiphertextBlob":"AQIDBA==","EncryptionContext":{"Department":"10-A"}}`,
		`{"AliasName":"alias/ExampleAlias","TargetKeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`,
		`{"Limit":10,"Marker":"x"}`,
		`{"KeyId":"k","PendingWindowInDays":7}`,
		`{"Tags":[{"TagKey":"Purpose","TagValue":"Test"}]}`,
		`{"Constraints":{"EncryptionContextSubset":{"a":"b"}}}`,
		``, `{`, `{"KeyId":null}`, "{\"KeyId\":\"\\u0000\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range inputs() {
			if decodeJSON(body, v) != nil {
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("re-encode %T: %v", v, err)
			}
			w := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			if err := decodeJSON(b, w); err != nil {
				t.Fatalf("decode of re-encoded %s: %v", b, err)
			}
			if !reflect.DeepEqual(normalize(t, v), normalize(t, w)) {
				t.Fatalf("%T: %s decodes differently after a round trip", v, b)
			}
		}
	})
}

func normalize(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
