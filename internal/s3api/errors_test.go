package s3api

import (
	"errors"
	"fmt"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/datakey"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// domainErrors lists every exported error of the packages whose errors
// reach this layer. TestErrorTableComplete checks the list against the
// packages' source, so an error added there without a row here fails.
var domainErrors = map[string]error{
	"datakey.ErrNotFound":                       datakey.ErrNotFound,
	"datakey.ErrDisabled":                       datakey.ErrDisabled,
	"datakey.ErrInvalidState":                   datakey.ErrInvalidState,
	"datakey.ErrInvalidCiphertext":              datakey.ErrInvalidCiphertext,
	"datakey.ErrIncorrectKey":                   datakey.ErrIncorrectKey,
	"datakey.ErrAccessDenied":                   datakey.ErrAccessDenied,
	"object.ErrKMSSignatureRequired":            object.ErrKMSSignatureRequired,
	"iam.ErrExpiredToken":                       iam.ErrExpiredToken,
	"object.ErrInvalidBucketName":               object.ErrInvalidBucketName,
	"object.ErrNoOwnershipControls":             object.ErrNoOwnershipControls,
	"object.ErrNoSuchBucket":                    object.ErrNoSuchBucket,
	"object.ErrBucketAlreadyExists":             object.ErrBucketAlreadyExists,
	"object.ErrBucketAlreadyOwnedByYou":         object.ErrBucketAlreadyOwnedByYou,
	"object.ErrBucketNotEmpty":                  object.ErrBucketNotEmpty,
	"object.ErrKeyTooLong":                      object.ErrKeyTooLong,
	"object.ErrInvalidKey":                      object.ErrInvalidKey,
	"object.ErrNoSuchKey":                       object.ErrNoSuchKey,
	"object.ErrNoSuchVersion":                   object.ErrNoSuchVersion,
	"object.ErrInvalidVersionID":                object.ErrInvalidVersionID,
	"object.ErrPreconditionFailed":              object.ErrPreconditionFailed,
	"object.ErrConditionalConflict":             object.ErrConditionalConflict,
	"object.ErrBadDigest":                       object.ErrBadDigest,
	"object.ErrChecksumMismatch":                object.ErrChecksumMismatch,
	"object.ErrIncompleteBody":                  object.ErrIncompleteBody,
	"object.ErrBodyTooLong":                     object.ErrBodyTooLong,
	"object.ErrEntityTooLarge":                  object.ErrEntityTooLarge,
	"object.ErrInvalidCopyRequest":              object.ErrInvalidCopyRequest,
	"object.ErrInvalidTag":                      object.ErrInvalidTag,
	"object.ErrInvalidArgument":                 object.ErrInvalidArgument,
	"object.ErrNoSuchUpload":                    object.ErrNoSuchUpload,
	"object.ErrInvalidPart":                     object.ErrInvalidPart,
	"object.ErrInvalidPartOrder":                object.ErrInvalidPartOrder,
	"object.ErrEntityTooSmall":                  object.ErrEntityTooSmall,
	"object.ErrInvalidPartNumber":               object.ErrInvalidPartNumber,
	"object.ErrMalformedChecksum":               object.ErrMalformedChecksum,
	"object.ErrInvalidChecksumAlgorithm":        object.ErrInvalidChecksumAlgorithm,
	"object.ErrMethodNotAllowed":                object.ErrMethodNotAllowed,
	"object.ErrInvalidObjectState":              object.ErrInvalidObjectState,
	"object.ErrRestoreInProgress":               object.ErrRestoreInProgress,
	"object.ErrVersionChanged":                  object.ErrVersionChanged,
	"object.ErrMetadataTooLarge":                object.ErrMetadataTooLarge,
	"object.ErrInvalidRequest":                  object.ErrInvalidRequest,
	"object.ErrCopySourceTooLarge":              object.ErrCopySourceTooLarge,
	"object.ErrInvalidDigest":                   object.ErrInvalidDigest,
	"object.ErrInvalidStorageClass":             object.ErrInvalidStorageClass,
	"object.ErrInsufficientSpace":               object.ErrInsufficientSpace,
	"object.ErrIllegalVersioningConfiguration":  object.ErrIllegalVersioningConfiguration,
	"object.ErrInvalidBucketState":              object.ErrInvalidBucketState,
	"object.ErrObjectLocked":                    object.ErrObjectLocked,
	"object.ErrMFARequired":                     object.ErrMFARequired,
	"object.ErrMFANotOwner":                     object.ErrMFANotOwner,
	"object.ErrMFAInvalid":                      object.ErrMFAInvalid,
	"object.ErrNoObjectLock":                    object.ErrNoObjectLock,
	"object.ErrPastRetention":                   object.ErrPastRetention,
	"object.ErrInvalidRetention":                object.ErrInvalidRetention,
	"object.ErrInvalidRetentionPeriod":          object.ErrInvalidRetentionPeriod,
	"object.ErrObjectLockConfigurationNotFound": object.ErrObjectLockConfigurationNotFound,
	"object.ErrNoSuchObjectLockConfiguration":   object.ErrNoSuchObjectLockConfiguration,
	"object.ErrNoSuchTagSet":                    object.ErrNoSuchTagSet,
	"object.ErrNoSuchBucketPolicy":              object.ErrNoSuchBucketPolicy,
	"object.ErrNoSuchPublicAccessBlock":         object.ErrNoSuchPublicAccessBlock,
	"object.ErrPublicPolicyBlocked":             object.ErrPublicPolicyBlocked,
	"object.ErrTooManyBucketTags":               object.ErrTooManyBucketTags,
	"object.ErrNoSuchCORSConfiguration":         object.ErrNoSuchCORSConfiguration,
	"object.ErrNoSuchLifecycleConfiguration":    object.ErrNoSuchLifecycleConfiguration,
	"object.ErrKMSNotAvailable":                 object.ErrKMSNotAvailable,
	"object.ErrEncryptionTypeBlocked":           object.ErrEncryptionTypeBlocked,
	"object.ErrCustomerKeyRequired":             object.ErrCustomerKeyRequired,
	"object.ErrCustomerKeyMismatch":             object.ErrCustomerKeyMismatch,
	"object.ErrCustomerKeyNotApplicable":        object.ErrCustomerKeyNotApplicable,
	"object.ErrUploadKeyRequired":               object.ErrUploadKeyRequired,
	"object.ErrUploadKeyMismatch":               object.ErrUploadKeyMismatch,
	"object.EncryptionConfigError":              &object.EncryptionConfigError{Message: "m"},
	"object.RangeError":                         &object.RangeError{Size: 10},
	"object.NotModifiedError":                   &object.NotModifiedError{ETag: "e"},
	"object.DeleteMarkerError":                  &object.DeleteMarkerError{Err: object.ErrNoSuchKey},

	"sigv4.ErrUnknownAccessKey":         sigv4.ErrUnknownAccessKey,
	"sigv4.ErrSignatureMismatch":        sigv4.ErrSignatureMismatch,
	"sigv4.ErrRequestTimeTooSkewed":     sigv4.ErrRequestTimeTooSkewed,
	"sigv4.ErrExpired":                  sigv4.ErrExpired,
	"sigv4.ErrMalformedAuthorization":   sigv4.ErrMalformedAuthorization,
	"sigv4.ErrMalformedPresigned":       sigv4.ErrMalformedPresigned,
	"sigv4.ErrMissingDate":              sigv4.ErrMissingDate,
	"sigv4.ErrMissingContentSHA256":     sigv4.ErrMissingContentSHA256,
	"sigv4.ErrUnsupportedAlgorithm":     sigv4.ErrUnsupportedAlgorithm,
	"sigv4.ErrContentSHA256Mismatch":    sigv4.ErrContentSHA256Mismatch,
	"sigv4.ErrChunkSignatureMismatch":   sigv4.ErrChunkSignatureMismatch,
	"sigv4.ErrMalformedChunk":           sigv4.ErrMalformedChunk,
	"sigv4.ErrIncompleteBody":           sigv4.ErrIncompleteBody,
	"sigv4.ErrDecodedLengthMismatch":    sigv4.ErrDecodedLengthMismatch,
	"sigv4.ErrTrailerNotRead":           sigv4.ErrTrailerNotRead,
	"sigv4.ErrMalformedTrailer":         sigv4.ErrMalformedTrailer,
	"sigv4.ErrMissingSecurityHeader":    sigv4.ErrMissingSecurityHeader,
	"sigv4.ErrPostPolicyViolation":      sigv4.ErrPostPolicyViolation,
	"sigv4.ErrMalformedPostRequest":     sigv4.ErrMalformedPostRequest,
	"sigv4.ErrInvalidPolicyDocument":    sigv4.ErrInvalidPolicyDocument,
	"sigv4.ErrSignatureVersionMismatch": sigv4.ErrSignatureVersionMismatch,
	"sigv4.ErrInvalidToken":             sigv4.ErrInvalidToken,
	"sigv4.ErrInvalidContentSHA256":     sigv4.ErrInvalidContentSHA256,
	"sigv4.ErrHeadersNotSigned":         sigv4.ErrHeadersNotSigned,
	"sigv4.ScopeError":                  &sigv4.ScopeError{Service: "iam", WantService: "s3", Wire: sigv4.ErrMalformedAuthorization},
}

// exportedErrors returns the exported Err* variables and *Error types
// declared in the non-test Go files of dir, as "pkg.Name".
func exportedErrors(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		pkg := f.Name.Name
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && strings.HasPrefix(n.Name, "Err") {
							names = append(names, pkg+"."+n.Name)
						}
					}
				case *ast.TypeSpec:
					if s.Name.IsExported() && strings.HasSuffix(s.Name.Name, "Error") {
						names = append(names, pkg+"."+s.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// iamManagementErrors are iam's errors of managing identities (users,
// keys, policies): only the IAM and STS wires call the functions that
// return them, and iamapi's error table maps them, so S3 never sees them.
var iamManagementErrors = map[string]bool{
	"iam.ErrNoSuchEntity": true, "iam.ErrEntityAlreadyExists": true, "iam.ErrLimitExceeded": true,
	"iam.ErrDeleteConflict": true, "iam.ErrMalformedPolicyDocument": true, "iam.ErrInvalidInput": true,
	"iam.ErrValidation": true, "iam.ErrUnmodifiableEntity": true, "iam.Error": true, "iam.PolicyError": true,
	"iam.ErrInvalidAuthenticationCode": true, "iam.ErrMFAFailed": true,
	"iam.ErrPackedPolicyTooLarge": true, "iam.ErrSessionRefused": true,
}

// TestErrorTableComplete fails when an exported error of a domain package
// reaching this layer has no row in errorTable (it would be sent as
// InternalError).
func TestErrorTableComplete(t *testing.T) {
	var declared []string
	for _, dir := range []string{"../object", "../sigv4", "../iam", "../datakey"} {
		declared = append(declared, exportedErrors(t, dir)...)
	}
	if len(declared) < 40 {
		t.Fatalf("found only %d exported errors; is the source walk broken?", len(declared))
	}
	for _, name := range declared {
		if iamManagementErrors[name] {
			continue
		}
		err, ok := domainErrors[name]
		if !ok {
			t.Errorf("%s is declared but not listed in domainErrors: add it and give it a row in errorTable", name)
			continue
		}
		if _, known := lookupError(err); !known {
			t.Errorf("%s has no row in errorTable", name)
		}
		if _, known := lookupError(fmt.Errorf("context: %w", err)); !known {
			t.Errorf("wrapped %s has no row in errorTable", name)
		}
	}
	declaredSet := map[string]bool{}
	for _, n := range declared {
		declaredSet[n] = true
	}
	for name := range domainErrors {
		if !declaredSet[name] {
			t.Errorf("domainErrors lists %s, which the source no longer declares", name)
		}
	}
}

// TestErrorTableCodes pins the code and status of the errors clients
// branch on most.
func TestErrorTableCodes(t *testing.T) {
	tests := []struct {
		err    error
		code   string
		status int
	}{
		{object.ErrNoSuchBucket, "NoSuchBucket", 404},
		{object.ErrNoSuchKey, "NoSuchKey", 404},
		{&object.DeleteMarkerError{Err: object.ErrNoSuchKey}, "NoSuchKey", 404},
		{&object.DeleteMarkerError{Err: object.ErrMethodNotAllowed}, "MethodNotAllowed", 405},
		{object.ErrBucketNotEmpty, "BucketNotEmpty", 409},
		{object.ErrBucketAlreadyExists, "BucketAlreadyExists", 409},
		{object.ErrBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", 409},
		{object.ErrInvalidBucketName, "InvalidBucketName", 400},
		{object.ErrKeyTooLong, "KeyTooLongError", 400},
		{&object.RangeError{Size: 3}, "InvalidRange", 416},
		{object.ErrPreconditionFailed, "PreconditionFailed", 412},
		{&object.NotModifiedError{}, "NotModified", 304},
		{object.ErrConditionalConflict, "ConditionalRequestConflict", 409},
		{object.ErrBadDigest, "BadDigest", 400},
		{object.ErrChecksumMismatch, "BadDigest", 400},
		{object.ErrEntityTooSmall, "EntityTooSmall", 400},
		{object.ErrEntityTooLarge, "EntityTooLarge", 400},
		{object.ErrInvalidPart, "InvalidPart", 400},
		{object.ErrInvalidPartOrder, "InvalidPartOrder", 400},
		{object.ErrNoSuchUpload, "NoSuchUpload", 404},
		{object.ErrInvalidTag, "InvalidTag", 400},
		{object.ErrNoSuchVersion, "NoSuchVersion", 404},
		{fmt.Errorf("put: %w: statfs said so", object.ErrInsufficientSpace), "SlowDown", 503},
		{fmt.Errorf("delete: %w", meta.ErrReadOnly), "SlowDown", 503},
		{sigv4.ErrSignatureMismatch, "SignatureDoesNotMatch", 403},
		{sigv4.ErrUnknownAccessKey, "InvalidAccessKeyId", 403},
		{sigv4.ErrRequestTimeTooSkewed, "RequestTimeTooSkewed", 403},
		{sigv4.ErrMalformedAuthorization, "AuthorizationHeaderMalformed", 400},
		{sigv4.ErrMalformedPresigned, "AuthorizationQueryParametersError", 400},
		{sigv4.ErrContentSHA256Mismatch, "XAmzContentSHA256Mismatch", 400},
		{sigv4.ErrIncompleteBody, "IncompleteBody", 400},
		{sigv4.ErrMalformedTrailer, "MalformedTrailerError", 400},
		{sigv4.ErrPostPolicyViolation, "AccessDenied", 403},
		{sigv4.ErrInvalidPolicyDocument, "InvalidPolicyDocument", 400},
		{sigv4.ErrMalformedPostRequest, "MalformedPOSTRequest", 400},
		{errMalformedXML, "MalformedXML", 400},
		{errInvalidDigest, "InvalidDigest", 400},
		{errMissingContentLength, "MissingContentLength", 411},
		{errMissingContentMD5, "InvalidRequest", 400},
		{errNotImplemented, "NotImplemented", 501},
		{errMethodNotAllowed, "MethodNotAllowed", 405},
		{errAccessDenied, "AccessDenied", 403},
		{errMetadataTooLarge, "MetadataTooLarge", 400},
		{errIllegalLocation, "IllegalLocationConstraintException", 400},
		{errInvalidLocation, "InvalidLocationConstraint", 400},
		{object.ErrNoSuchTagSet, "NoSuchTagSet", 404},
		{object.ErrTooManyBucketTags, "BadRequest", 400},
		{object.ErrNoSuchCORSConfiguration, "NoSuchCORSConfiguration", 404},
		{object.ErrNoSuchLifecycleConfiguration, "NoSuchLifecycleConfiguration", 404},
		{&rules.Error{Kind: rules.ErrInvalidArgument, Message: "m"}, "InvalidArgument", 400},
		{&rules.Error{Kind: rules.ErrInvalidRequest, Message: "m"}, "InvalidRequest", 400},
		{&rules.Error{Kind: rules.ErrMalformed, Message: "m"}, "MalformedXML", 400},
		{object.ErrKMSNotAvailable, "NotImplemented", 501},
		{object.ErrEncryptionTypeBlocked, "AccessDenied", 403},
		{&object.EncryptionConfigError{Message: "m"}, "InvalidArgument", 400},
		{errCORSMissingOrigin, "BadRequest", 400},
		{errCORSInvalidMethod, "BadRequest", 400},
		{errCORSNotEnabled, "AccessForbidden", 403},
		{errCORSNotAllowed, "AccessForbidden", 403},
		{errCORSNoBucket, "AccessForbidden", 403},
		{withMessage(errInvalidArgument, "custom"), "InvalidArgument", 400},
		{errors.New("disk on fire"), "InternalError", 500},
		{fmt.Errorf("read: %w", errors.New("EIO")), "InternalError", 500},
	}
	for _, tc := range tests {
		got, _ := lookupError(tc.err)
		if got.Code != tc.code || got.Status != tc.status {
			t.Errorf("lookupError(%v) = %s %d, want %s %d", tc.err, got.Code, got.Status, tc.code, tc.status)
		}
		if got.Message == "" {
			t.Errorf("lookupError(%v) has an empty message", tc.err)
		}
	}
	if got, _ := lookupError(withMessage(errInvalidArgument, "custom")); got.Message != "custom" {
		t.Errorf("withMessage message = %q, want custom", got.Message)
	}
}

// TestWriteErrorHeaders checks the headers special errors carry and that
// HEAD errors and 304s have no body.
func TestWriteErrorHeaders(t *testing.T) {
	lm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		method     string
		err        error
		status     int
		header     map[string]string
		wantBody   bool
		notHeaders []string
	}{
		{"range", "GET", &object.RangeError{Size: 42}, 416, map[string]string{"Content-Range": "bytes */42"}, true, nil},
		{"not modified", "GET", &object.NotModifiedError{ETag: "abc", LastModified: lm}, 304,
			map[string]string{"ETag": `"abc"`, "Last-Modified": "Fri, 02 Jan 2026 03:04:05 GMT"}, false, []string{"Content-Type"}},
		{"delete marker", "GET", &object.DeleteMarkerError{VersionID: "v1", LastModified: lm, Err: object.ErrMethodNotAllowed}, 405,
			map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": "v1"}, true, nil},
		{"head", "HEAD", object.ErrNoSuchKey, 404, nil, false, nil},
		{"internal", "GET", errors.New("secret detail"), 500, nil, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestHandler(t, &fakeObjects{})
			rec := newRecorder()
			req := &request{r: newReq(tc.method, "/b/k", nil), id: "REQID", route: Route{Bucket: "b", Key: "k"}}
			h.writeError(&statusWriter{ResponseWriter: rec}, req, tc.err)
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d", rec.Code, tc.status)
			}
			for k, v := range tc.header {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tc.notHeaders {
				if got := rec.Header().Get(k); got != "" {
					t.Errorf("header %s = %q, want none", k, got)
				}
			}
			body := rec.Body.String()
			if tc.wantBody != (body != "") {
				t.Errorf("body = %q, want body: %v", body, tc.wantBody)
			}
			if strings.Contains(body, "secret") {
				t.Errorf("body leaks internal detail: %s", body)
			}
			if tc.wantBody && !strings.Contains(body, "<RequestId>REQID</RequestId>") {
				t.Errorf("body lacks the request id: %s", body)
			}
			if tc.wantBody && rec.Header().Get("Content-Type") != "application/xml" {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}

func TestStdlibBodyErrors(t *testing.T) {
	tests := []struct {
		err  error
		code string
	}{
		{fmt.Errorf("put: %w", io.ErrUnexpectedEOF), "IncompleteBody"},
		{fmt.Errorf("put: %w", &http.MaxBytesError{Limit: 1}), "EntityTooLarge"},
	}
	for _, tc := range tests {
		if got, _ := lookupError(tc.err); got.Code != tc.code {
			t.Errorf("lookupError(%v) = %s, want %s", tc.err, got.Code, tc.code)
		}
	}
}

// TestWireErrorsHaveRows checks, on the source of errors.go, that every
// wire-level error declared there is named by a row of errorTable.
func TestWireErrorsHaveRows(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	used := map[string]bool{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				switch {
				case n.Name == "errorTable":
					ast.Inspect(vs.Values[i], func(node ast.Node) bool {
						if id, ok := node.(*ast.Ident); ok {
							used[id.Name] = true
						}
						return true
					})
				case strings.HasPrefix(n.Name, "err"):
					declared[n.Name] = true
				}
			}
		}
	}
	if len(declared) < 10 {
		t.Fatalf("found only %d wire errors; is the source walk broken?", len(declared))
	}
	for name := range declared {
		if !used[name] {
			t.Errorf("%s has no row in errorTable", name)
		}
	}
}
