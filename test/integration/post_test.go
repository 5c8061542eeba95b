package integration_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	miniosigner "github.com/minio/minio-go/v7/pkg/signer"
)

// postField is one form field, sent in order.
type postField struct{ name, value string }

// signedPost builds the SigV4 fields of a browser POST whose policy is
// the JSON document doc, with "{{cred}}" and "{{date}}" replaced by the
// form's credential and date (so a policy can cover them), signed with the
// server's root key.
func signedPost(e *env, doc string) []postField {
	return signedPostWith(e, doc, e.srv.AccessKey, e.srv.SecretKey)
}

// signedPostWith is signedPost with another key pair.
func signedPostWith(e *env, doc, accessKey, secretKey string) []postField {
	now := e.srv.Clock.Now().UTC()
	date := now.Format("20060102T150405Z")
	cred := accessKey + "/" + now.Format("20060102") + "/us-east-1/s3/aws4_request"
	doc = replaceAll(doc, "{{cred}}", cred, "{{date}}", date,
		"{{exp}}", now.Add(time.Hour).Format("2006-01-02T15:04:05.000Z"))
	policy := base64.StdEncoding.EncodeToString([]byte(doc))
	return []postField{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", cred}, {"x-amz-date", date},
		{"policy", policy}, {"x-amz-signature", miniosigner.PostPresignSignatureV4(policy, now, secretKey, "us-east-1")},
	}
}

func replaceAll(s string, oldNew ...string) string {
	for i := 0; i+1 < len(oldNew); i += 2 {
		s = string(bytes.ReplaceAll([]byte(s), []byte(oldNew[i]), []byte(oldNew[i+1])))
	}
	return s
}

// policyDoc is a policy document covering the SigV4 fields, the bucket
// and conds (a JSON list body, without brackets).
func policyDoc(bucket, conds string) string {
	return `{"expiration":"{{exp}}","conditions":[{"bucket":"` + bucket + `"},` +
		`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"{{cred}}"},{"x-amz-date":"{{date}}"},` + conds + `]}`
}

// postObject sends a browser POST to the bucket: fields, then a file part
// with the given Content-Disposition. It returns the status and body.
func postObject(t *testing.T, e *env, fields []postField, disposition string, content []byte) (int, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f.name, f.value); err != nil {
			t.Fatal(err)
		}
	}
	w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {disposition}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, e.srv.URL("/"+e.bucket), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// wantPostError checks an S3 error answer's status, code and message.
func wantPostError(t *testing.T, status int, body []byte, wantStatus int, wantCode, wantMsg string) {
	t.Helper()
	var eb struct{ Code, Message string }
	if err := xml.Unmarshal(body, &eb); err != nil {
		t.Fatalf("status %d, body is not an error document: %s", status, body)
	}
	if status != wantStatus || eb.Code != wantCode || (wantMsg != "" && eb.Message != wantMsg) {
		t.Errorf("answer = %d %s %q, want %d %s %q", status, eb.Code, eb.Message, wantStatus, wantCode, wantMsg)
	}
}

const fileNamed = `form-data; name="file"; filename="foo.txt"`

// TestPostObject_filenameVariable follows s3-tests' set_key_from_filename:
// the policy requires the key to start with "foo" and the key field is
// ${filename}, so the condition holds only for the expanded key.
func TestPostObject_filenameVariable(t *testing.T) {
	e := newEnv(t)
	fields := append(signedPost(e, policyDoc(e.bucket, `["starts-with","$key","foo"]`)), postField{"key", "${filename}"})
	status, body := postObject(t, e, fields, fileNamed, []byte("bar"))
	if status != http.StatusNoContent {
		t.Fatalf("POST key=${filename} = %d %s, want 204", status, body)
	}
	if got := e.getBody(t, "foo.txt"); string(got) != "bar" {
		t.Errorf("object foo.txt = %q, want %q", got, "bar")
	}

	fields = append(signedPost(e, policyDoc(e.bucket, `["starts-with","$key","up/"]`)), postField{"key", "up/${filename}"})
	status, body = postObject(t, e, fields, `form-data; name="file"; filename="C:\\docs\\report 1.txt"`, []byte("w"))
	if status != http.StatusNoContent {
		t.Fatalf("POST with a Windows path = %d %s, want 204", status, body)
	}
	e.getBody(t, "up/report 1.txt")

	// A file part without a filename leaves the variable as it is.
	status, body = postObject(t, e, fields, `form-data; name="file"`, []byte("n"))
	if status != http.StatusNoContent {
		t.Fatalf("POST without a filename = %d %s, want 204", status, body)
	}
	e.getBody(t, "up/${filename}")
}

func TestPostObject_policyMembersCaseSensitive(t *testing.T) {
	e := newEnv(t)
	tests := []struct{ name, doc, msg string }{
		{"EXPIRATION", `{"EXPIRATION":"{{exp}}","conditions":[{"bucket":"` + e.bucket + `"}]}`, "Invalid Policy: Unexpected: 'expiration'"},
		{"CONDITIONS", `{"expiration":"{{exp}}","CONDITIONS":[{"bucket":"` + e.bucket + `"}]}`, "Invalid Policy: Unexpected: 'conditions'"},
		{"no conditions", `{"expiration":"{{exp}}"}`, "Invalid Policy: Policy missing conditions."},
		{"no expiration", `{"conditions":[{"bucket":"` + e.bucket + `"}]}`, "Invalid Policy: Policy missing expiration."},
		{"two-member condition", `{"expiration":"{{exp}}","conditions":[{"bucket":"` + e.bucket + `","key":"k"}]}`,
			"Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields := append(signedPost(e, tc.doc), postField{"key", "k"})
			status, body := postObject(t, e, fields, fileNamed, []byte("x"))
			wantPostError(t, status, body, http.StatusBadRequest, "InvalidPolicyDocument", tc.msg)
		})
	}
	if _, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err == nil {
		t.Error("a refused POST stored its object")
	}
}

// TestPostObject_conditionNamesAnyCase follows s3-tests'
// case_insensitive_condition_fields: operators and field names in mixed
// case in the policy and the form.
func TestPostObject_conditionNamesAnyCase(t *testing.T) {
	e := newEnv(t)
	doc := `{"expiration":"{{exp}}","conditions":[{"bUcKeT":"` + e.bucket + `"},["StArTs-WiTh","$KeY","foo"],` +
		`{"X-Amz-Algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"{{cred}}"},{"x-amz-date":"{{date}}"},` +
		`["StArTs-WiTh","$CoNtEnT-TyPe","text/plain"],["content-length-range",0,1024]]}`
	fields := append(signedPost(e, doc), postField{"kEy", "foo.txt"}, postField{"Content-Type", "text/plain"})
	status, body := postObject(t, e, fields, fileNamed, []byte("bar"))
	if status != http.StatusNoContent {
		t.Fatalf("POST = %d %s, want 204", status, body)
	}
}

func TestPostObject_policyViolationMessages(t *testing.T) {
	e := newEnv(t)
	fields := append(signedPost(e, policyDoc(e.bucket, `["starts-with","$key","user/"]`)), postField{"key", "admin/x"})
	status, body := postObject(t, e, fields, fileNamed, []byte("x"))
	wantPostError(t, status, body, http.StatusForbidden, "AccessDenied",
		`Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]`)

	fields = append(signedPost(e, policyDoc(e.bucket, `["starts-with","$key","user/"]`)),
		postField{"key", "user/x"}, postField{"Cache-Control", "no-cache"})
	status, body = postObject(t, e, fields, fileNamed, []byte("x"))
	wantPostError(t, status, body, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Extra input fields: Cache-Control")
}
